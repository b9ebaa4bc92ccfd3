package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/spf"
)

// overviewPane is one line per check with a symbol, a verdict word and the
// facts behind it; enter opens the check's pane. The policy records
// (MTA-STS, TLS-RPT, BIMI) have no pane of their own: their record and
// problems show under the list. For a message, its SPF, DKIM and DMARC
// verdicts, as the receiver recorded them and as they are today, lead the
// list, beside the From domain's own.
type overviewPane struct {
	paneBase
	report  *diag.Report
	verdict *spf.Verdict // of the selected IP against the published tree
	lastReq int
	list    cursorList
	lines   []ovLine
}

// ovLine is one check's line.
type ovLine struct {
	label  string
	part   finding.Part // "" for the findings summary
	pane   PaneID       // where enter goes
	mark   string       // styled symbol
	word   string       // styled verdict word
	facts  string       // plain facts, already safe
	record string       // the record, raw (for the detail and for copying)
	detail []string     // raw extra lines (errors)
	notes  []string     // raw extra lines (explanations)
	msg    bool         // one of the message's lines
	gap    bool         // a blank line above it
}

func newOverviewPane(com *common) *overviewPane {
	return &overviewPane{paneBase: paneBase{com: com}}
}

// ID names the pane.
func (p *overviewPane) ID() PaneID { return PaneOverview }

// SetSize gives the pane its size in cells.
func (p *overviewPane) SetSize(w, h int) {
	p.paneBase.SetSize(w, h)
	p.list.setHeight(h)
}

// Help lists the pane's own keys.
func (p *overviewPane) Help() []key.Binding {
	k := p.com.keys
	return []key.Binding{withHelp(k.Open, "open pane"), k.Copy}
}

// withHelp returns a copy of b with other help text.
func withHelp(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

// Update takes the run's messages, and keys while the pane has focus.
func (p *overviewPane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case runStartMsg:
		p.report, p.verdict, p.lastReq = nil, nil, 0
		p.list.set(0)
	case partMsg:
		p.report = msg.report
	case runDoneMsg:
		p.report = msg.report
	case verdictMsg:
		if msg.req > p.lastReq {
			p.lastReq = msg.req
			p.verdict = msg.verdict
			if run := p.com.run; msg.verdict != nil && run != nil && normName(msg.verdict.Domain) != run.target.Domain {
				p.verdict = nil // the envelope domain's: the message's lines say it
			}
		}
	case tea.KeyPressMsg:
		if !p.focused {
			return p, nil
		}
		p.build()
		if p.list.handleKey(msg, p.com.keys) {
			return p, nil
		}
		if key.Matches(msg, p.com.keys.Open) && p.list.cursor < len(p.lines) {
			if l := p.lines[p.list.cursor]; l.pane != "" && l.pane != PaneOverview {
				return p, func() tea.Msg { return jumpMsg{pane: l.pane} }
			}
		}
		return p, nil
	}
	p.build()
	return p, nil
}

// Selected is nothing: the overview's lines are checks, not names to link.
func (p *overviewPane) Selected() Selection { return Selection{} }

// Select does nothing: the verdict of the IP under test arrives as a
// verdictMsg, and other selections do not change the summary.
func (p *overviewPane) Select(Selection) tea.Cmd { return nil }

// Copy copies the selected check's line and its record.
func (p *overviewPane) Copy() (string, bool) {
	if p.list.cursor >= len(p.lines) {
		return "", false
	}
	l := p.lines[p.list.cursor]
	text := l.label + ": " + ansi.Strip(l.mark+" "+l.word) + " " + l.facts
	if l.record != "" {
		text += "\n" + l.record
	}
	return text, true
}

// build works out the lines from the report.
func (p *overviewPane) build() {
	rep := p.report
	p.lines = p.lines[:0]
	if run := p.com.run; run != nil && run.hdr != nil {
		p.lines = append(p.lines, p.messageLines(run.hdr)...)
	}
	for i, part := range diag.Parts() {
		l := p.partLine(part, rep)
		l.gap = i == 0 && len(p.lines) > 0
		p.lines = append(p.lines, l)
	}
	f := p.findingsLine(rep)
	f.gap = true
	p.lines = append(p.lines, f)
	p.list.setLen(len(p.lines))
}

// partLine is the line of one part, or its loading state.
func (p *overviewPane) partLine(part finding.Part, rep *diag.Report) ovLine {
	st, g := p.com.styles, p.com.glyphs
	l := ovLine{label: diag.PartLabel(part), part: part, pane: partPane(part)}
	if text, waiting := p.notLoaded(part, l.label); waiting {
		switch p.com.run.state(part) {
		case stateLoading:
			l.mark, l.word = p.com.spinner, st.Muted.Render("checking"+g.Ellipsis)
		case stateCut:
			l.mark, l.word = p.mark(diag.ToneUnknown), p.word(diag.ToneUnknown, "not finished")
			l.facts = p.com.run.cutReason(part)
		default:
			l.facts = strings.TrimSpace(ansi.Strip(text))
		}
		return l
	}
	v := rep.Verdict(part)
	if part == finding.PartSPF {
		v = rep.SPFVerdictFor(p.verdict)
	}
	l.mark, l.word = p.mark(v.Tone), p.word(v.Tone, safe(v.Word))
	facts := make([]string, len(v.Facts))
	for i, f := range v.Facts {
		facts[i] = safe(f)
	}
	l.facts = strings.Join(facts, " "+g.Dot+" ")
	l.record, l.detail = v.Record, v.Errors
	return l
}

// findingsLine sums the findings up by severity.
func (p *overviewPane) findingsLine(rep *diag.Report) ovLine {
	st, g := p.com.styles, p.com.glyphs
	l := ovLine{label: "Findings", pane: PaneFindings}
	if rep == nil && (p.com.run == nil || p.com.run.hdr == nil) {
		l.mark, l.word = st.Muted.Render(g.Dot), st.Muted.Render("none yet")
		return l
	}
	n := map[finding.Severity]int{}
	for _, f := range runFindings(p.com.run) {
		n[f.Severity]++
	}
	switch {
	case n[finding.Error] > 0:
		l.mark, l.word = st.Severity.Error.Render(g.Fail), st.Severity.Error.Render(plural(n[finding.Error], "error", "errors"))
	default:
		l.mark, l.word = st.Verdict.Pass.Render(g.Pass), st.Verdict.Pass.Render("no errors")
	}
	l.facts = plural(n[finding.Warning], "warning", "warnings") + " " + g.Dot + " " + plural(n[finding.Info], "note", "notes")
	if !p.com.run.busy() {
		return l
	}
	l.facts += " so far"
	return l
}

// View draws the pane, exactly its size.
func (p *overviewPane) View() string { return p.fit(p.content()) }

// content is the pane's text before it is fitted to the pane.
func (p *overviewPane) content() string {
	st, g := p.com.styles, p.com.glyphs
	if p.com.run == nil {
		return " " + st.Muted.Render("No investigation yet.")
	}
	labelW := 9
	if p.com.run.hdr != nil {
		labelW = 10 // "Msg DMARC"
	}
	var rows []string
	for i, l := range p.lines {
		mark := l.mark
		if mark == "" {
			mark = " "
		}
		text := pad(l.label, labelW, g.Ellipsis) + mark + " " + l.word
		if l.facts != "" {
			text += st.Muted.Render(" " + g.Dot + " " + l.facts)
		}
		if l.gap {
			rows = append(rows, "")
		}
		rows = append(rows, p.cursorRow(text, p.focused && i == p.list.cursor))
	}
	// Under the list: what the selected line holds.
	if p.list.cursor < len(p.lines) && len(rows)+3 < p.h {
		l := p.lines[p.list.cursor]
		var detail []string
		if l.record != "" {
			for _, w := range wrapIndent(safe(l.record), p.w-2, 2) {
				detail = append(detail, " "+st.Record.Render(w))
			}
		}
		for _, e := range l.detail {
			for _, w := range wrapIndent(g.Fail+" "+safe(e), p.w-2, 2) {
				detail = append(detail, " "+st.Error.Render(w))
			}
		}
		for _, n := range l.notes {
			for _, w := range wrapIndent(safe(n), p.w-2, 2) {
				detail = append(detail, " "+st.Muted.Render(w))
			}
		}
		loading := p.com.run.state(l.part) == stateLoading
		if l.msg {
			loading = !p.com.run.hdr.done
		}
		if l.pane != "" && l.pane != PaneOverview && !loading {
			detail = append(detail, " "+st.Muted.Render("enter opens "+paneTitle(l.pane)))
		}
		if len(detail) > 0 {
			rows = append(rows, "", p.rule(l.label, p.w))
			rows = append(rows, detail...)
		}
	}
	return strings.Join(rows, "\n")
}

// partPane is the pane that shows a part.
func partPane(p finding.Part) PaneID {
	switch p {
	case finding.PartMX:
		return PaneMX
	case finding.PartSPF:
		return PaneSPF
	case finding.PartDKIM:
		return PaneDKIM
	case finding.PartDMARC:
		return PaneDMARC
	}
	return PaneOverview
}

// findingPane is the pane that shows a finding: where it belongs, when
// that has a pane, else the overview.
func findingPane(f finding.Finding) PaneID {
	switch w := f.Where(); w {
	case PaneMX, PaneSPF, PaneDKIM, PaneDMARC, PaneHops, PaneThenNow, PaneDNSLog:
		return w
	}
	return PaneOverview
}
