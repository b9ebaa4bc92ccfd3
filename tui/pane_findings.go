package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag/finding"
)

// findingsPane lists every finding, errors first, with the selected one's
// message and fix in full underneath; enter jumps to the pane and node the
// finding is about, "/" filters.
type findingsPane struct {
	listPane
	all   []finding.Finding
	shown []int
}

func newFindingsPane(com *common) *findingsPane {
	return &findingsPane{listPane: newListPane(com)}
}

// ID names the pane.
func (p *findingsPane) ID() PaneID { return PaneFindings }

// SetSize gives the pane its size in cells.
func (p *findingsPane) SetSize(w, h int) {
	p.listPane.setSize(w, h)
	p.list.setHeight(p.rowsHeight())
}

// detailHeight is the lines under the list for the selected finding.
func (p *findingsPane) detailHeight() int { return min(max(5, p.h*2/5), 12) }

func (p *findingsPane) rowsHeight() int { return max(1, p.h-1-p.detailHeight()) }

// Help lists the pane's own keys.
func (p *findingsPane) Help() []key.Binding {
	k := p.com.keys
	return []key.Binding{withHelp(k.Open, "go to"), k.Filter, k.Copy}
}

// Back clears the filter.
func (p *findingsPane) Back() bool {
	if p.filter.clear() {
		p.refilter()
		return true
	}
	return false
}

// Update takes the run's messages, and keys while the pane has focus.
func (p *findingsPane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case runStartMsg:
		p.all = runFindings(p.com.run)
		p.list.set(0)
		p.refilter()
	case partMsg, runDoneMsg, recheckMsg:
		// The root has put the part in the run already.
		p.all = runFindings(p.com.run)
		p.refilter()
	case tea.PasteMsg:
		if cmd, ok := p.filter.route(msg, p.refilter); ok {
			return p, cmd
		}
	case tea.KeyPressMsg:
		if !p.focused {
			return p, nil
		}
		if cmd, ok := p.filter.route(msg, p.refilter); ok {
			return p, cmd
		}
		switch {
		case key.Matches(msg, p.com.keys.Filter):
			return p, p.filter.open()
		case key.Matches(msg, p.com.keys.Open):
			if f, ok := p.current(); ok {
				pane, sel := findingPane(f), findingSelection(f)
				return p, func() tea.Msg { return jumpMsg{pane: pane, sel: sel} }
			}
		default:
			p.list.handleKey(msg, p.com.keys)
		}
	}
	return p, nil
}

// findingSelection is what a finding is about, as a Selection: an IP, a
// DKIM selector, a message's hop or signature, or a domain or host.
func findingSelection(f finding.Finding) Selection {
	s := f.Subject
	switch s.Kind {
	case finding.SubjectIP:
		return IPSelection(s.IP)
	case finding.SubjectHop:
		return HopSelection(s.N)
	case finding.SubjectSignature:
		if s.Domain != "" && s.Name != "" {
			return SignatureSelection(s.Domain, s.Name)
		}
	case finding.SubjectSelector:
		return SelectorSelection(s.Name)
	case finding.SubjectDomain, finding.SubjectHost:
		return DomainSelection(s.Name)
	}
	return Selection{}
}

func (p *findingsPane) refilter() {
	p.shown = p.shown[:0]
	for i, f := range p.all {
		if p.filter.matches(string(f.Severity), f.Code, f.Message, f.Fix, string(f.Part), f.Subject.String()) {
			p.shown = append(p.shown, i)
		}
	}
	p.list.setLen(len(p.shown))
}

func (p *findingsPane) current() (finding.Finding, bool) {
	if p.list.cursor < len(p.shown) {
		return p.all[p.shown[p.list.cursor]], true
	}
	return finding.Finding{}, false
}

// Selected is nothing: moving through findings does not move the other
// panes; enter does (a jump).
func (p *findingsPane) Selected() Selection { return Selection{} }

// Select does nothing: nothing this pane shows follows a selection.
func (p *findingsPane) Select(Selection) tea.Cmd { return nil }

// Copy copies the selected finding with its fix.
func (p *findingsPane) Copy() (string, bool) {
	f, ok := p.current()
	if !ok {
		return "", false
	}
	text := strings.ToUpper(string(f.Severity)) + " " + f.Code
	if !f.Subject.IsZero() {
		text += " (" + f.Subject.String() + ")"
	}
	text += ": " + f.Message
	if f.Fix != "" {
		text += "\nFix: " + f.Fix
	}
	return text, true
}

// View draws the pane, exactly its size.
func (p *findingsPane) View() string { return p.fit(p.content()) }

// content is the pane's text before it is fitted to the pane.
func (p *findingsPane) content() string {
	st, g := p.com.styles, p.com.glyphs
	run := p.com.run
	if run == nil {
		return " " + st.Muted.Render("No investigation yet.")
	}
	var lines []string
	if p.filter.shown() {
		lines = append(lines, p.filter.view(len(p.shown), len(p.all), p.w))
	} else {
		lines = append(lines, " "+p.summary())
	}
	if len(p.all) == 0 {
		switch {
		case run.busy():
			lines = append(lines, "", " "+p.com.spinner+" Collecting findings as the checks finish"+g.Ellipsis)
		case run.unreachable:
			lines = append(lines, "", " "+st.Verdict.Fail.Render(g.Fail+" No DNS server answered: nothing could be checked."))
		default:
			lines = append(lines, "", " "+st.Verdict.Pass.Render(g.Pass+" No findings: nothing to fix."))
		}
		return strings.Join(lines, "\n")
	}
	codeW := 0
	for _, i := range p.shown {
		codeW = max(codeW, width(safe(p.all[i].Code)))
	}
	codeW = min(codeW, max(12, p.w/3))
	words := p.w >= 60 // the severity in a word too; the symbol alone when narrow
	from, to := p.list.visible()
	for i := from; i < to; i++ {
		f := p.all[p.shown[i]]
		row := p.severityMark(f.Severity) + " "
		if words {
			row += pad(sevWord(f.Severity), 5, "") + " "
		}
		row += pad(safe(f.Code), codeW, g.Ellipsis) + " " + st.Muted.Render(safe(f.Message))
		lines = append(lines, p.cursorRow(row, p.focused && i == p.list.cursor))
	}
	for len(lines) < 1+p.rowsHeight() {
		lines = append(lines, "")
	}
	if f, ok := p.current(); ok {
		head := strings.ToUpper(string(f.Severity)) + " " + safe(f.Code)
		if !f.Subject.IsZero() {
			head += " " + g.Dot + " " + safe(f.Subject.String())
		}
		lines = append(lines, p.rule(head, p.w))
		body := p.findingLines([]finding.Finding{f}, p.w-1, true)
		if pane := findingPane(f); pane != PaneOverview {
			body = append(body, "   "+st.Muted.Render("enter: go to "+paneTitle(pane)))
		}
		lines = append(lines, body...)
	}
	return strings.Join(lines, "\n")
}

// summary counts the findings by severity.
func (p *findingsPane) summary() string {
	st, g := p.com.styles, p.com.glyphs
	n := map[finding.Severity]int{}
	for _, f := range p.all {
		n[f.Severity]++
	}
	s := st.Severity.Error.Render(plural(n[finding.Error], "error", "errors")) + " " + g.Dot + " " +
		st.Severity.Warning.Render(plural(n[finding.Warning], "warning", "warnings")) + " " + g.Dot + " " +
		plural(n[finding.Info], "note", "notes")
	if p.com.run.busy() {
		s += " " + p.com.spinner
	}
	return s + st.Muted.Render("  (/ filters, enter goes to)")
}

// sevWord is a severity in a short upper-case word.
func sevWord(s finding.Severity) string {
	switch s {
	case finding.Error:
		return "ERROR"
	case finding.Warning:
		return "WARN"
	}
	return "NOTE"
}
