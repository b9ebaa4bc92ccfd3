package tui

import (
	"net/netip"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/spf"
)

// runMsg is a message that belongs to one run; the root drops those of a
// run that is no longer current.
type runMsg interface{ runID() int }

// openMsg asks the root to investigate a target (from the input screen, or
// the command line at start).
type openMsg struct{ target diag.Target }

// openHeadersMsg asks the root to read a header and investigate it (the
// editor's ctrl+d, the demo's sample, the session's headers again).
type openHeadersMsg struct{ input *headerInput }

// headersParsedMsg is a header input read: the message, or why it cannot
// be read (with the bytes, for the editor).
type headersParsedMsg struct {
	raw []byte
	msg *diag.Message
	err error
}

// recheckMsg carries the re-check of the run's message against today's
// DNS.
type recheckMsg struct {
	run    int
	report *diag.HeadersReport
}

// runStartMsg tells every pane that a new run began: forget the old one.
type runStartMsg struct {
	run    int
	target diag.Target
	rerun  bool // the same target again: keep what the user chose (the IP)
}

// partMsg carries the snapshot in which one part became known.
type partMsg struct {
	run    int
	part   finding.Part
	report *diag.Report
}

// queryMsg carries DNS log entries as the client records them.
type queryMsg struct {
	run     int
	entries []dnsclient.LogEntry
}

// runDoneMsg carries the final report of a run.
type runDoneMsg struct {
	run    int
	report *diag.Report
	// dropped counts log entries the live stream lost (its buffer was
	// full); the final report's log has them all.
	dropped int64
}

// verdictMsg is the SPF verdict of an IP against the shown tree.
type verdictMsg struct {
	run, req int
	ip       netip.Addr
	verdict  *spf.Verdict
}

// whatIfMsg is the tree (and, with an IP, the verdict) of an edited record.
type whatIfMsg struct {
	run, req int
	text     string
	tree     *spf.Tree
	verdict  *spf.Verdict
}

// whatIfDueMsg says the what-if text has not changed for whatIfDelay:
// time to compute its tree (typing does not ask DNS for every letter).
type whatIfDueMsg struct{ run, req int }

// ptrMsg is the reverse DNS of a selected IP.
type ptrMsg struct {
	run, req int
	check    diag.PTRCheck
}

// jumpMsg asks the root to focus a pane and select something in it (enter
// on a finding or an overview line).
type jumpMsg struct {
	pane PaneID
	sel  Selection
}

// exportMsg says where the Markdown report (and, for a message, the
// message itself) was written, or why not.
type exportMsg struct {
	path    string
	message string // the .eml beside the report of a headers run
	err     error
}

func (m runStartMsg) runID() int  { return m.run }
func (m recheckMsg) runID() int   { return m.run }
func (m partMsg) runID() int      { return m.run }
func (m queryMsg) runID() int     { return m.run }
func (m runDoneMsg) runID() int   { return m.run }
func (m verdictMsg) runID() int   { return m.run }
func (m whatIfMsg) runID() int    { return m.run }
func (m ptrMsg) runID() int       { return m.run }
func (m whatIfDueMsg) runID() int { return m.run }
