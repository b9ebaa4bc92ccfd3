package kit

import (
	"net/netip"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/dmarcreport/readiness"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/smtp"
	"github.com/mxray/mxray/spf"
)

// RunMsg is a message that belongs to one run; the root drops those of a
// run that is no longer current. A pane's own lookup replies implement it
// too.
type RunMsg interface{ RunID() int }

// RunStartMsg tells every pane that a new run began: forget the old one.
type RunStartMsg struct {
	Run    int
	Target diag.Target
	Rerun  bool // the same target again: keep what the user chose (the IP)
}

// PartMsg carries the snapshot in which one part became known.
type PartMsg struct {
	Run    int
	Part   finding.Part
	Report *diag.Report
}

// QueryMsg carries DNS log entries as the client records them.
type QueryMsg struct {
	Run     int
	Entries []dnsclient.LogEntry
}

// RunDoneMsg carries the final report of a run.
type RunDoneMsg struct {
	Run    int
	Report *diag.Report
	// Dropped counts log entries the live stream lost (its buffer was
	// full); the final report's log has them all.
	Dropped int64
}

// RecheckMsg carries the re-check of the run's message against today's
// DNS.
type RecheckMsg struct {
	Run    int
	Report *diag.HeadersReport
}

// VerdictMsg is the SPF verdict of an IP against the investigated
// domain's tree (or a message's envelope tree), as the SPF pane asked for
// it; the overview shows it too.
type VerdictMsg struct {
	Run, Req int
	IP       netip.Addr
	Verdict  *spf.Verdict
}

// ReportsMsg carries the readiness answer of the run's DMARC aggregate
// reports, rebuilt as the sources' names arrive (PTR, today's SPF).
type ReportsMsg struct {
	Run    int
	Result *readiness.Result
	// Named counts the sources DNS has named so far, of Sources; Done is
	// set on the last message, when naming has finished (or was cut off).
	Named, Sources int
	Done           bool
}

// SMTPMsg carries what the SMTP & TLS pane's probe found so far (the pane
// probes on its own, address by address): the root keeps the latest (by
// Seq) with the run, so the findings list and the export have it, and
// passes on only that one.
type SMTPMsg struct {
	Run    int
	Seq    int          // counts up with each message of a run; commands may deliver them out of order
	Report *smtp.Report // the addresses probed so far
	Done   bool         // every address is in
}

// JumpMsg asks the root to focus a pane and select something in it (enter
// on a finding or an overview line).
type JumpMsg struct {
	Pane finding.Part
	Sel  Selection
}

// HeaderOptionsMsg asks the root to read the run's message again with
// these header options and check it again: the Hops pane sends it when the
// technician says where the receiving organisation ends ("trust up to
// here": TrustedHosts) or which hop is the sender (SendingIP). Zero
// options undo both.
type HeaderOptionsMsg struct {
	TrustedHosts []string
	SendingIP    netip.Addr
}

// RunID names the message's run.
func (m RunStartMsg) RunID() int { return m.Run }

// RunID names the message's run.
func (m PartMsg) RunID() int { return m.Run }

// RunID names the message's run.
func (m QueryMsg) RunID() int { return m.Run }

// RunID names the message's run.
func (m RunDoneMsg) RunID() int { return m.Run }

// RunID names the message's run.
func (m RecheckMsg) RunID() int { return m.Run }

// RunID names the message's run.
func (m VerdictMsg) RunID() int { return m.Run }

// RunID names the message's run.
func (m ReportsMsg) RunID() int { return m.Run }

// RunID names the message's run.
func (m SMTPMsg) RunID() int { return m.Run }
