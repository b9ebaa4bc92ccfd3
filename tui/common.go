package tui

import (
	"context"
	"slices"
	"time"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
)

// common is what the root shares with every pane: the look, the keys, the
// spinner's current frame and the current run. Only the root changes it,
// and only in Update.
type common struct {
	styles  Styles
	glyphs  Glyphs
	keys    KeyMap
	spinner string        // the spinner's frame while something runs
	timeout time.Duration // bounds one lookup a pane starts
	run     *runInfo      // the current investigation; nil before the first
	// now is the clock (Config.Now); loc is the zone local times are shown
	// in (Config.Location).
	now func() time.Time
	loc *time.Location
}

// partState is where one part of the current run stands.
type partState int

const (
	stateIdle    partState = iota // no run yet
	stateLoading                  // asked, not yet answered
	stateLoaded                   // answered
	stateCut                      // the run ended (cancel, deadline) without it
)

// runInfo is one investigation of one target: what was asked, what has
// arrived, and the context and client the panes' own lookups use.
type runInfo struct {
	id     int
	target diag.Target
	// ctx lives as long as this target is shown: the panes' lookups (IP
	// verdicts, PTRs, what-if) run under it. Re-running or changing target
	// cancels it.
	ctx    context.Context
	client *dnsclient.Client
	// cancelInvestigation stops the investigation alone (esc), leaving ctx
	// usable for what was found.
	cancelInvestigation context.CancelFunc
	report              *diag.Report // the latest snapshot; nil before the first part
	// hdr is the message of a headers run; nil for a domain alone.
	hdr *headerRun
	// noDomain says why no domain is investigated (a message with no
	// usable From domain); "" when one is.
	noDomain          string
	done              bool
	cancelled         bool
	unreachable       bool
	started, finished time.Time
}

// state says where a part stands in the current run.
func (r *runInfo) state(p finding.Part) partState {
	if r == nil {
		return stateIdle
	}
	if r.report != nil && r.report.Has(p) {
		return stateLoaded
	}
	if r.done {
		return stateCut
	}
	return stateLoading
}

// cutReason says why a part is missing from a finished run.
func (r *runInfo) cutReason(p finding.Part) string {
	switch {
	case r == nil:
		return ""
	case r.noDomain != "":
		return r.noDomain
	case r.cancelled:
		return "cancelled before it finished (r re-runs)"
	case r.unreachable:
		return "no DNS server answered"
	case r.report != nil && slices.Contains(r.report.Unfinished, p):
		return "not finished before the deadline (r re-runs)"
	default:
		return "not finished"
	}
}

// busy reports whether the investigation, or the message's re-check, is
// still running.
func (r *runInfo) busy() bool {
	return r != nil && (!r.done || (r.hdr != nil && !r.hdr.done))
}
