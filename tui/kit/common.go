package kit

import (
	"context"
	"strings"
	"time"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/dmarcreport/readiness"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/smtp"
)

// Common is what the root shares with every pane: the look, the keys, the
// spinner's current frame and the current run. Only the root changes it,
// and only in Update.
type Common struct {
	Styles  Styles
	Glyphs  Glyphs
	Keys    KeyMap
	Spinner string        // the spinner's frame while something runs
	Timeout time.Duration // bounds one lookup a pane starts
	// Run is the current investigation; nil before the first.
	Run Run
	// Now is the clock (time.Now unless a test sets one); Loc is the zone
	// local times are shown in.
	Now func() time.Time
	Loc *time.Location
	// Titles names a pane by its ID, "" for a part with no pane of its
	// own: a pane can say where enter goes, and knows whether it can.
	Titles func(finding.Part) string
	// SMTP gives the SMTP probe its options (port, EHLO name, the dial
	// hook, roots); nil when probing is off (--no-probe). It may start
	// something the first time (the demo's mail servers): call it in a
	// command, never in Update.
	SMTP func() (smtp.Options, error)
}

// Title is the title of the pane with that ID; "" when there is none.
func (c *Common) Title(id finding.Part) string {
	if c.Titles == nil {
		return ""
	}
	return c.Titles(id)
}

// Rule is a horizontal line w cells wide with an optional label.
func (c *Common) Rule(label string, w int) string {
	st, g := c.Styles, c.Glyphs
	if label == "" {
		return st.Muted.Render(strings.Repeat(g.Rule, max(0, w)))
	}
	label = Truncate(" "+label+" ", max(0, w-2), g.Ellipsis)
	return st.Muted.Render(g.Rule+g.Rule) + st.Heading.Render(label) + st.Muted.Render(strings.Repeat(g.Rule, max(0, w-2-Width(label))))
}

// PaneFor is the pane that shows a part: its own when it has one, else
// the overview.
func (c *Common) PaneFor(p finding.Part) finding.Part {
	if c.Title(p) != "" {
		return p
	}
	return finding.PartOverview
}

// State says where a part stands in the current run (StateIdle before
// the first).
func (c *Common) State(p finding.Part) PartState {
	if c.Run == nil {
		return StateIdle
	}
	return c.Run.State(p)
}

// Busy reports whether the current run, or its message's re-check, is
// still running.
func (c *Common) Busy() bool { return c.Run != nil && c.Run.Busy() }

// PartState is where one part of the current run stands.
type PartState int

// The states of a part.
const (
	StateIdle    PartState = iota // no run yet
	StateLoading                  // asked, not yet answered
	StateLoaded                   // answered
	StateCut                      // the run ended (cancel, deadline) without it
)

// Run is the current investigation of one target as panes see it,
// read-only: what was asked, what has arrived, and the context and client
// a pane's own lookups use. The root's session implements it.
type Run interface {
	// ID tags the run's messages; replies of another run are stale.
	ID() int
	// Target is what is investigated (a message's From domain).
	Target() diag.Target
	// Context lives as long as this target is shown: a pane's lookups (IP
	// verdicts, PTRs, what-if) run under it.
	Context() context.Context
	// Client is the run's DNS client, its cache shared with the
	// investigation.
	Client() *dnsclient.Client
	// Report is the latest snapshot of the domain; nil before the first
	// part.
	Report() *diag.Report
	// NoDomain says why no domain is investigated (a message with no
	// usable From domain); "" when one is.
	NoDomain() string
	// Unreachable says no DNS server answered at all.
	Unreachable() bool
	// Busy reports whether the investigation, or the message's re-check,
	// is still running.
	Busy() bool
	// State says where a part stands; CutReason why a finished run lacks
	// it.
	State(p finding.Part) PartState
	CutReason(p finding.Part) string
	// Findings are the run's findings, the domain's and the message's,
	// worst first.
	Findings() []finding.Finding
	// Message is the message of a headers run (nil for a domain alone),
	// with Facts about it made safe to draw; Recheck is its re-check, nil
	// until RecheckDone.
	Message() *diag.Message
	Facts() MessageFacts
	Recheck() *diag.HeadersReport
	RecheckDone() bool
	// Reports is the readiness answer of a run on DMARC aggregate reports
	// (nil for any other run, and until the reports are read);
	// ReportsNote says which domain was chosen among several ("" for
	// one).
	Reports() *readiness.Result
	ReportsNote() string
}

// MessageFacts are what the panes say about a message itself, decoded (RFC
// 2047) and made safe to draw once.
type MessageFacts struct {
	Subject  string // the first Subject, encoded words decoded; "" when none
	From     string // the From mailboxes as "Name <address>"
	Envelope string // the envelope sender
	Sending  string // the sending IP, or "" when there is none
}

// FactsOf works out the facts of a message.
func FactsOf(m *diag.Message) MessageFacts {
	var f MessageFacts
	f.Subject = Safe(m.Subject())
	from := m.From()
	for i := range from {
		from[i] = Safe(from[i])
	}
	f.From = strings.Join(from, ", ")
	f.Envelope = Safe(m.Analysis.EnvelopeFrom)
	if m.Analysis.SendingIP != nil {
		f.Sending = m.Analysis.SendingIP.String()
	}
	return f
}
