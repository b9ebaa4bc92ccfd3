// Package overview is the workbench pane that sums every part of the
// investigation up in a line each (diag decides the verdicts; it draws
// them) and, for a pasted message, its checks then and now.
package overview

import (
	"net/netip"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/smtp"
	"github.com/mxray/mxray/spf"
	"github.com/mxray/mxray/tui/kit"
)

// Pane is one line per check with a symbol, a verdict word and the
// facts behind it; enter opens the check's pane. The policy records
// (MTA-STS, TLS-RPT, BIMI) have no pane of their own: their record and
// problems show under the list. For a message, its SPF, DKIM and DMARC
// verdicts, as the receiver recorded them and as they are today, lead the
// list, beside the From domain's own.
type Pane struct {
	kit.Base
	report  *diag.Report
	smtp    *smtp.Report // the SMTP & TLS pane's probe so far; nil when it has not probed
	smtpEnd bool         // every address is in
	verdict *spf.Verdict // of the selected IP against the published tree
	// verdicts are the SPF pane's latest verdicts (request lastReq), by
	// IP: several when it evaluates several addresses; ip is the one
	// selected.
	verdicts map[netip.Addr]*spf.Verdict
	ip       netip.Addr
	lastReq  int
	list     kit.List
	lines    []ovLine
}

// ovLine is one check's line.
type ovLine struct {
	label    string
	part     finding.Part // "" for the findings summary
	pane     finding.Part // where enter goes
	mark     string       // styled symbol
	word     string       // styled verdict word
	facts    string       // plain facts, already safe
	plain    string       // the verdict word, raw (for the detail)
	rawFacts []string     // the facts, raw (for the detail)
	record   string       // the record, raw (for the detail and for copying)
	detail   []string     // raw extra lines (errors)
	notes    []string     // raw extra lines (explanations)
	msg      bool         // one of the message's lines
	gap      bool         // a blank line above it
}

// New returns the overview pane.
func New(com *kit.Common) *Pane {
	return &Pane{Base: kit.NewBase(com, finding.PartOverview, "Overview", "Ovw")}
}

// SetSize gives the pane its size in cells.
func (p *Pane) SetSize(w, h int) {
	p.Base.SetSize(w, h)
	p.list.SetHeight(h)
}

// Help lists the pane's own keys.
func (p *Pane) Help() []key.Binding {
	k := p.Com.Keys
	return []key.Binding{kit.WithHelp(k.Open, "open pane"), k.Copy}
}

// Update takes the run's messages, and keys while the pane has focus.
func (p *Pane) Update(msg tea.Msg) (kit.Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case kit.RunStartMsg:
		p.report, p.verdict, p.lastReq, p.verdicts, p.ip = nil, nil, 0, nil, netip.Addr{}
		p.smtp, p.smtpEnd = nil, false
		p.list.Set(0)
	case kit.SMTPMsg:
		p.smtp, p.smtpEnd = msg.Report, msg.Done
	case kit.PartMsg:
		p.report = msg.Report
	case kit.RunDoneMsg:
		p.report = msg.Report
	case kit.VerdictMsg:
		if msg.Req < p.lastReq {
			break
		}
		if msg.Req > p.lastReq || p.verdicts == nil {
			p.lastReq, p.verdicts = msg.Req, map[netip.Addr]*spf.Verdict{}
		}
		v := msg.Verdict
		if run := p.Com.Run; v != nil && run != nil && kit.NormName(v.Domain) != run.Target().Domain {
			v = nil // the envelope domain's: the message's lines say it
		}
		p.verdicts[msg.IP] = v
		p.pickVerdict()
	case tea.KeyPressMsg:
		if !p.Focused {
			return p, nil
		}
		p.build()
		if p.list.HandleKey(msg, p.Com.Keys) {
			return p, nil
		}
		if key.Matches(msg, p.Com.Keys.Open) && p.list.Cursor() < len(p.lines) {
			// A line with no pane of its own opens in full.
			if l := p.lines[p.list.Cursor()]; l.pane != "" && l.pane != finding.PartOverview {
				return p, func() tea.Msg { return kit.JumpMsg{Pane: l.pane} }
			}
			if d, ok := p.Detail(); ok {
				return p, kit.ShowDetail(d)
			}
		}
		return p, nil
	}
	p.build()
	return p, nil
}

// Selected is nothing: the overview's lines are checks, not names to link.
func (p *Pane) Selected() kit.Selection { return kit.Selection{} }

// Select follows the IP selected: its SPF verdict (which arrives as a
// kit.VerdictMsg) is the one the SPF line shows. Other selections do not
// change the summary.
func (p *Pane) Select(sel kit.Selection) tea.Cmd {
	if sel.Kind == kit.SelectIP {
		p.ip = sel.IP
		p.pickVerdict()
		p.build()
	}
	return nil
}

// pickVerdict takes the selected IP's verdict, or the only one there is.
func (p *Pane) pickVerdict() {
	v, ok := p.verdicts[p.ip]
	if !ok && len(p.verdicts) == 1 {
		for _, only := range p.verdicts {
			v = only
		}
	}
	p.verdict = v
}

// Copy copies the selected check's line and its record.
func (p *Pane) Copy() (string, bool) {
	if p.list.Cursor() >= len(p.lines) {
		return "", false
	}
	l := p.lines[p.list.Cursor()]
	text := l.label + ": " + ansi.Strip(l.mark+" "+l.word) + " " + l.facts
	if l.record != "" {
		text += "\n" + l.record
	}
	return text, true
}

// Detail is the selected line whole: its verdict, every fact, the
// record, its problems and explanations.
func (p *Pane) Detail() (kit.Detail, bool) {
	if p.list.Cursor() >= len(p.lines) {
		return kit.Detail{}, false
	}
	l := p.lines[p.list.Cursor()]
	d := kit.Detail{Title: l.label}
	word := ansi.Strip(l.word)
	if l.plain != "" {
		word = l.plain
	}
	d.Add(kit.DetailLine{Label: "Verdict", Value: strings.TrimSpace(ansi.Strip(l.mark) + " " + word)})
	if len(l.rawFacts) > 0 {
		for _, f := range l.rawFacts {
			d.Add(kit.Field("", f))
		}
	} else {
		d.Add(kit.DetailLine{Value: l.facts, Kind: kit.DetailRaw})
	}
	d.Add(kit.RecordField("Record", l.record))
	for _, e := range l.detail {
		d.Add(kit.Problem(p.Com.Glyphs.Fail + " " + e))
	}
	for _, n := range l.notes {
		d.Add(kit.Note(n))
	}
	return d, true
}

// build works out the lines from the report.
func (p *Pane) build() {
	rep := p.report
	p.lines = p.lines[:0]
	if run := p.Com.Run; run != nil && run.Message() != nil {
		p.lines = append(p.lines, p.messageLines(run)...)
	}
	if run := p.Com.Run; run != nil && run.Reports() != nil {
		l := p.reportsLine(run.Reports())
		l.gap = len(p.lines) > 0
		p.lines = append(p.lines, l)
	}
	for i, part := range diag.Parts() {
		l := p.partLine(part, rep)
		l.gap = i == 0 && len(p.lines) > 0
		p.lines = append(p.lines, l)
	}
	if p.smtp != nil && rep != nil {
		p.lines = append(p.lines, p.smtpLine(rep))
	}
	f := p.findingsLine(rep)
	f.gap = true
	p.lines = append(p.lines, f)
	p.list.SetLen(len(p.lines))
}

// partLine is the line of one part, or its loading state.
func (p *Pane) partLine(part finding.Part, rep *diag.Report) ovLine {
	st, g := p.Com.Styles, p.Com.Glyphs
	l := ovLine{label: diag.PartLabel(part), part: part, pane: p.Com.PaneFor(part)}
	if text, waiting := p.NotLoaded(part, l.label); waiting {
		switch p.Com.State(part) {
		case kit.StateLoading:
			l.mark, l.word = p.Com.Spinner, st.Muted.Render("checking"+g.Ellipsis)
		case kit.StateCut:
			l.mark, l.word = p.Mark(diag.ToneUnknown), p.Word(diag.ToneUnknown, "not finished")
			l.facts = p.Com.Run.CutReason(part)
		default:
			l.facts = strings.TrimSpace(ansi.Strip(text))
		}
		return l
	}
	v := rep.Verdict(part)
	if part == finding.PartSPF {
		v = rep.SPFVerdictFor(p.verdict)
	}
	l.mark, l.word = p.Mark(v.Tone), p.Word(v.Tone, kit.Safe(v.Word))
	l.plain, l.rawFacts = v.Word, v.Facts
	facts := make([]string, len(v.Facts))
	for i, f := range v.Facts {
		facts[i] = kit.Safe(f)
	}
	l.facts = strings.Join(facts, " "+g.Dot+" ")
	l.record, l.detail = v.Record, v.Errors
	return l
}

// smtpLine is the SMTP probe's line: its verdict (decided in diag) once
// every address is in, how far it is until then.
func (p *Pane) smtpLine(rep *diag.Report) ovLine {
	l := ovLine{label: diag.PartLabel(finding.PartSMTP), part: finding.PartSMTP, pane: p.Com.PaneFor(finding.PartSMTP)}
	if !p.smtpEnd {
		l.mark, l.word = p.Com.Spinner, p.Com.Styles.Muted.Render("probing"+p.Com.Glyphs.Ellipsis)
		l.facts = kit.Itoa(len(p.smtp.Results)) + " in"
		return l
	}
	v := rep.WithSMTP(p.smtp).Verdict(finding.PartSMTP)
	l.mark, l.word = p.Mark(v.Tone), p.Word(v.Tone, kit.Safe(v.Word))
	facts := make([]string, len(v.Facts))
	for i, f := range v.Facts {
		facts[i] = kit.Safe(f)
	}
	l.facts = strings.Join(facts, " "+p.Com.Glyphs.Dot+" ")
	return l
}

// findingsLine sums the findings up by severity.
func (p *Pane) findingsLine(rep *diag.Report) ovLine {
	st, g := p.Com.Styles, p.Com.Glyphs
	l := ovLine{label: "Findings", pane: finding.PartFindings}
	if rep == nil && (p.Com.Run == nil || p.Com.Run.Message() == nil) {
		l.mark, l.word = st.Muted.Render(g.Dot), st.Muted.Render("none yet")
		return l
	}
	n := map[finding.Severity]int{}
	for _, f := range p.Com.Run.Findings() {
		n[f.Severity]++
	}
	switch {
	case n[finding.Error] > 0:
		l.mark, l.word = st.Severity.Error.Render(g.Fail), st.Severity.Error.Render(kit.Plural(n[finding.Error], "error", "errors"))
	default:
		l.mark, l.word = st.Verdict.Pass.Render(g.Pass), st.Verdict.Pass.Render("no errors")
	}
	l.facts = kit.Plural(n[finding.Warning], "warning", "warnings") + " " + g.Dot + " " + kit.Plural(n[finding.Info], "note", "notes")
	if !p.Com.Busy() {
		return l
	}
	l.facts += " so far"
	return l
}

// View draws the pane, exactly its size.
func (p *Pane) View() string { return p.Fit(p.content()) }

// content is the pane's text before it is fitted to the pane.
func (p *Pane) content() string {
	st, g := p.Com.Styles, p.Com.Glyphs
	if p.Com.Run == nil {
		return " " + st.Muted.Render("No investigation yet.")
	}
	labelW := 9
	if p.Com.Run.Message() != nil {
		labelW = 10 // "Msg DMARC"
	}
	var rows []string
	for i, l := range p.lines {
		mark := l.mark
		if mark == "" {
			mark = " "
		}
		text := kit.Pad(l.label, labelW, g.Ellipsis) + mark + " " + l.word
		if l.facts != "" {
			text += st.Muted.Render(" " + g.Dot + " " + l.facts)
		}
		if l.gap {
			rows = append(rows, "")
		}
		rows = append(rows, p.CursorRow(text, p.Focused && i == p.list.Cursor()))
	}
	// Under the list: what the selected line holds.
	if p.list.Cursor() < len(p.lines) && len(rows)+3 < p.H {
		l := p.lines[p.list.Cursor()]
		var detail []string
		if l.record != "" {
			for _, w := range kit.WrapIndent(kit.Safe(l.record), p.W-2, 2) {
				detail = append(detail, " "+st.Record.Render(w))
			}
		}
		for _, e := range l.detail {
			for _, w := range kit.WrapIndent(g.Fail+" "+kit.Safe(e), p.W-2, 2) {
				detail = append(detail, " "+st.Error.Render(w))
			}
		}
		for _, n := range l.notes {
			for _, w := range kit.WrapIndent(kit.Safe(n), p.W-2, 2) {
				detail = append(detail, " "+st.Muted.Render(w))
			}
		}
		loading := p.Com.State(l.part) == kit.StateLoading
		if l.msg {
			loading = !p.Com.Run.RecheckDone()
		}
		if l.pane != "" && l.pane != finding.PartOverview && !loading {
			detail = append(detail, " "+st.Muted.Render("enter opens "+p.Com.Title(l.pane)))
		}
		if len(detail) > 0 {
			rows = append(rows, "", p.Rule(l.label, p.W))
			rows = append(rows, detail...)
		}
	}
	return strings.Join(rows, "\n")
}
