package tui

import (
	"context"
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/dmarcreport"
	"github.com/mxray/mxray/diag/dmarcreport/readiness"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/smtp"
	"github.com/mxray/mxray/diag/termsafe"
	"github.com/mxray/mxray/tui/kit"
)

// maxRecent is how many targets the input screen remembers.
const maxRecent = 8

// runInfo is one investigation of one target (a domain, or a message and
// its From domain): what was asked, what has arrived, and the context and
// client the panes' own lookups use. Panes see it read-only, as a kit.Run;
// only the root changes it, in Update.
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
	// rep is the DMARC aggregate reports of a reports run; nil otherwise.
	rep *reportsRun
	// noDomain says why no domain is investigated (a message with no
	// usable From domain); "" when one is.
	noDomain string
	// smtp is what the SMTP & TLS pane's probe found (kit.SMTPMsg); nil
	// before it sends.
	smtp              *smtp.Report
	smtpSeq           int
	done              bool
	cancelled         bool
	unreachable       bool
	started, finished time.Time
}

// headerRun is the message side of a run: the message read once and, when
// DNS has answered, its re-check.
type headerRun struct {
	msg    *diag.Message
	facts  kit.MessageFacts
	report *diag.HeadersReport // nil until the re-check is in
	done   bool                // the re-check has returned
}

func newHeaderRun(m *diag.Message) *headerRun {
	return &headerRun{msg: m, facts: kit.FactsOf(m)}
}

// ID tags the run's messages.
func (r *runInfo) ID() int { return r.id }

// Target is what is investigated.
func (r *runInfo) Target() diag.Target { return r.target }

// Context is the run's context for the panes' lookups.
func (r *runInfo) Context() context.Context { return r.ctx }

// Client is the run's DNS client.
func (r *runInfo) Client() *dnsclient.Client { return r.client }

// Report is the latest snapshot of the domain.
func (r *runInfo) Report() *diag.Report { return r.report }

// NoDomain says why no domain is investigated.
func (r *runInfo) NoDomain() string { return r.noDomain }

// Unreachable says no DNS server answered.
func (r *runInfo) Unreachable() bool { return r.unreachable }

// Message is the run's message; nil for a domain alone.
func (r *runInfo) Message() *diag.Message {
	if r.hdr == nil {
		return nil
	}
	return r.hdr.msg
}

// Facts are the message's facts, made safe to draw.
func (r *runInfo) Facts() kit.MessageFacts {
	if r.hdr == nil {
		return kit.MessageFacts{}
	}
	return r.hdr.facts
}

// Recheck is the message's re-check; nil until it is in.
func (r *runInfo) Recheck() *diag.HeadersReport {
	if r.hdr == nil {
		return nil
	}
	return r.hdr.report
}

// RecheckDone reports whether the message's re-check has returned.
func (r *runInfo) RecheckDone() bool { return r.hdr != nil && r.hdr.done }

// Reports is the readiness answer of a reports run; nil otherwise.
func (r *runInfo) Reports() *readiness.Result {
	if r.rep == nil {
		return nil
	}
	return r.rep.result
}

// ReportsNote says which domain was chosen among several.
func (r *runInfo) ReportsNote() string {
	if r.rep == nil {
		return ""
	}
	return r.rep.note
}

// State says where a part stands in the run.
func (r *runInfo) State(p finding.Part) kit.PartState {
	switch {
	case r.report != nil && r.report.Has(p):
		return kit.StateLoaded
	case r.done:
		return kit.StateCut
	}
	return kit.StateLoading
}

// CutReason says why a part is missing from a finished run.
func (r *runInfo) CutReason(p finding.Part) string {
	switch {
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

// domainReport is the domain's report with what the SMTP & TLS pane's
// probe found, for the export; nil before the first part.
func (r *runInfo) domainReport() *diag.Report {
	if r.report == nil || r.smtp == nil {
		return r.report
	}
	return r.report.WithSMTP(r.smtp)
}

// Busy reports whether the investigation, or the message's re-check, is
// still running.
func (r *runInfo) Busy() bool {
	return r != nil && (!r.done || (r.hdr != nil && !r.hdr.done) || (r.rep != nil && !r.rep.done))
}

// Findings are the run's findings: the domain's, then the message's (the
// header's until the re-check is in, then the re-check's, which include
// them), sorted worst first. The two never overlap: a re-check that
// evaluated SPF against the investigated domain's tree leaves that tree's
// findings to the domain's report (diag.CheckMessage).
func (r *runInfo) Findings() []finding.Finding {
	var out []finding.Finding
	if r.report != nil {
		out = append(out, r.report.Findings...)
	}
	if h := r.hdr; h != nil {
		if h.report != nil {
			out = append(out, h.report.Findings...)
		} else {
			out = append(out, h.msg.Findings()...)
		}
	}
	if r.smtp != nil {
		out = append(out, r.smtp.Findings...)
	}
	if r.hdr != nil || r.smtp != nil {
		finding.Sort(out)
	}
	if r.rep != nil && r.rep.result != nil {
		out = append(out, r.rep.result.Findings...)
		finding.Sort(out)
	}
	return out
}

// runRequest is what one run investigates: a domain, and for a message
// the message (the domain is then its From domain, when it has one).
type runRequest struct {
	target   diag.Target
	noDomain string        // why no domain is investigated; "" when one is
	msg      *diag.Message // the message of a headers run
	// reports are the DMARC aggregate reports of a reports run (the target
	// is then their main policy domain); note says it was chosen.
	reports *dmarcreport.Set
	note    string
}

// open starts an investigation of a domain, cancelling whatever ran
// before. keepFocus is set for a re-run of the same target.
func (m *Model) open(t diag.Target, keepFocus bool) tea.Cmd {
	return m.start(runRequest{target: t}, keepFocus)
}

// reportsRead takes the reports read: none read goes back to the input
// screen with why; else their main policy domain is investigated, the
// Reports pane first.
func (m *Model) reportsRead(set *dmarcreport.Set) tea.Cmd {
	if len(set.Reports()) == 0 {
		m.screen = screenInput
		m.input.err = "No DMARC aggregate report could be read"
		if errs := set.Errors(); len(errs) > 0 {
			m.input.err += ": " + errs[0].Error()
		}
		return m.input.focus()
	}
	domain, note := diag.PrimaryDomain(set)
	req := runRequest{reports: set, note: note}
	if t, err := diag.ParseTarget(domain); err != nil {
		req.noDomain = "the reports name no policy domain to investigate"
	} else {
		req.target = t
	}
	return m.start(req, false)
}

// headersParsed takes a header input read in a command: one that cannot
// be read goes back to the editor with the parser's words under it and
// every byte kept; one that can becomes the session's message and is run.
func (m *Model) headersParsed(msg headersParsedMsg) tea.Cmd {
	if msg.err != nil {
		m.auditHeaders(len(msg.raw), "")
		m.screen = screenInput
		return m.input.openEditor(msg.raw, inputErrorText(msg.err))
	}
	p := msg.msg
	m.input.headers, m.input.headersDesc = p, describeMessage(p)
	// The editor starts from these headers next time (ctrl+e).
	cmds := []tea.Cmd{m.input.editor.open(p.Raw, ""), m.input.closeEditor()}
	req := runRequest{msg: p}
	if t, err := p.Target(); err != nil {
		req.noDomain = termsafe.Error(err)
	} else {
		req.target = t
	}
	m.auditHeaders(len(p.Raw), req.target.Domain)
	return tea.Batch(append(cmds, m.start(req, false))...)
}

// auditHeaders tells the Auditor a header of size bytes was given: its
// size and From domain, never its content.
func (m *Model) auditHeaders(size int, fromDomain string) {
	if m.cfg.Audit != nil {
		m.cfg.Audit.HeadersPasted(size, fromDomain)
	}
}

// dial returns the dial of an investigation's connections through client:
// Config.Dial's, else diag.Dialer's.
func (m *Model) dial(client *dnsclient.Client) diag.DialFunc {
	if m.cfg.Dial != nil {
		return m.cfg.Dial(client)
	}
	return diag.Dialer(client, m.cfg.Timeout)
}

// describeMessage says in a line which message a header block is.
func describeMessage(p *diag.Message) string {
	f := kit.FactsOf(p)
	var parts []string
	if f.From != "" {
		parts = append(parts, "From "+f.From)
	}
	if f.Subject != "" {
		parts = append(parts, "Subject "+f.Subject)
	}
	parts = append(parts, kit.Plural(len(p.Analysis.Hops), "hop", "hops"))
	return strings.Join(parts, " · ")
}

// start runs a request, cancelling whatever ran before: the domain's
// investigation or, for a message, the message pipeline (its re-check
// against today's DNS and its From domain's investigation, through one
// client so they share its cache). keepFocus is set for a re-run of the
// same request.
func (m *Model) start(req runRequest, keepFocus bool) tea.Cmd {
	if m.cancelSession != nil {
		m.cancelSession()
	}
	m.screen = screenWorkbench
	m.closeOverlay()
	m.report = nil
	if req.msg == nil && req.reports == nil {
		m.addRecent(req.target.Input)
		if m.cfg.Audit != nil {
			m.cfg.Audit.TargetChecked(req.target.Input)
		}
	}
	m.setShown(req.msg != nil, req.reports != nil)
	m.last = req
	m.runSeq++
	s := newStream(m.runSeq)
	client := m.cfg.NewClient(s.onQuery)
	sessCtx, sessCancel := context.WithCancel(m.base)
	invCtx, invCancel := context.WithCancel(sessCtx)
	m.cancelSession = sessCancel
	m.stream = s
	run := &runInfo{
		id: s.run, target: req.target, ctx: sessCtx, client: client,
		cancelInvestigation: invCancel, started: m.cfg.Now(), noDomain: req.noDomain,
	}
	if req.msg != nil {
		run.hdr = newHeaderRun(req.msg)
	}
	if req.reports != nil {
		run.rep = &reportsRun{set: req.reports, note: req.note}
	}
	m.run, m.com.Run = run, run
	opts := diag.Options{Selectors: m.cfg.Selectors, Deadline: m.cfg.Deadline, Offline: m.cfg.Offline, Blocklists: m.cfg.Blocklists, PolicyRoots: m.cfg.PolicyRoots}
	if !m.cfg.Offline {
		opts.Dial = m.dial(client)
	}
	var cmds []tea.Cmd
	if !keepFocus {
		first := 0
		switch {
		case req.msg != nil:
			first = m.indexOf(finding.PartHops)
		case req.reports != nil:
			first = m.indexOf(finding.PartReports)
		}
		cmds = append(cmds, m.setFocus(first))
		m.sel = kit.Selection{}
	}
	cmds = append(cmds, m.broadcast(kit.RunStartMsg{Run: s.run, Target: req.target, Rerun: keepFocus}))
	sel := m.sel
	switch {
	case req.target.Kind == diag.TargetIPDomain:
		sel = kit.IPSelection(req.target.IP)
		sel.Explicit = true
	case req.msg != nil && !keepFocus && req.msg.Analysis.SendingIP != nil:
		// The message's sending IP, chosen in the hops.
		a := req.msg.Analysis
		sel = kit.IPSelection(*a.SendingIP)
		sel.Hop, sel.ViaPane, sel.Explicit = a.SendingHop, finding.PartHops, true
	}
	if !sel.IsZero() {
		cmds = append(cmds, m.selectAll(sel))
	}
	switch {
	case req.msg != nil:
		mo := diag.MessageOptions{Investigate: true, Options: opts, Now: m.cfg.Now()}
		cmds = append(cmds, s.checkMessage(sessCtx, invCtx, client, req.msg, mo, req.noDomain != ""))
	case req.noDomain != "":
		// Reports that name no domain: nothing to investigate.
		cmds = append(cmds, s.pipe(sessCtx, func(events chan<- diag.Event) { events <- diag.Event{Done: true, Report: &diag.Report{}} }))
	default:
		cmds = append(cmds, s.investigate(sessCtx, invCtx, client, req.target.Domain, opts))
	}
	if req.reports != nil {
		cmds = append(cmds, s.analyseReports(invCtx, client, req.reports, m.cfg.Now()), s.waitReports())
	}
	cmds = append(cmds, s.waitEvent(), s.waitLog(sessCtx))
	return tea.Batch(cmds...)
}

// handleRunMsg takes a message of a run: stale ones are dropped; results
// update the run and go to every pane; the stream's waits are renewed.
func (m *Model) handleRunMsg(msg kit.RunMsg) tea.Cmd {
	run := m.run
	if run == nil || msg.RunID() != run.id {
		return nil // from a cancelled or earlier run
	}
	var next tea.Cmd
	switch msg := msg.(type) {
	case kit.PartMsg:
		next = m.stream.waitEvent()
		if run.done {
			return next // the final report, already in, holds this part
		}
		run.report = msg.Report
	case kit.QueryMsg:
		next = m.stream.waitLog(run.ctx)
	case kit.RunDoneMsg:
		next = m.stream.waitEvent()
		run.report = msg.Report
		run.done = true
		run.finished = m.cfg.Now()
		run.unreachable = msg.Report.Unreachable
		if len(msg.Report.Unfinished) == 0 && (run.hdr == nil || run.hdr.done) {
			run.cancelled = false
		}
	case kit.RecheckMsg:
		next = m.stream.waitEvent()
		run.hdr.report = msg.Report
		run.hdr.done = true
		run.finished = m.cfg.Now()
	case kit.SMTPMsg:
		if msg.Seq <= run.smtpSeq {
			return nil // an older snapshot, delivered late
		}
		run.smtp, run.smtpSeq = msg.Report, msg.Seq
	case kit.ReportsMsg:
		run.rep.result = msg.Result
		run.rep.done = msg.Done
		if !msg.Done {
			next = m.stream.waitReports()
		} else {
			run.rep.queries = run.client.Queries()
			if now := m.cfg.Now(); now.After(run.finished) {
				run.finished = now
			}
		}
	}
	return tea.Batch(m.broadcast(msg), next)
}

// addRecent remembers a target for the input screen.
func (m *Model) addRecent(s string) {
	m.recent = slices.DeleteFunc(m.recent, func(r string) bool { return r == s })
	m.recent = append([]string{s}, m.recent...)
	if len(m.recent) > maxRecent {
		m.recent = m.recent[:maxRecent]
	}
	m.input.recent = m.recent
}
