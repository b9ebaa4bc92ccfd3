// Package findings is the workbench pane that lists every finding of the
// run, worst first, with its fix; enter goes to the pane that shows it.
package findings

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/tui/kit"
)

// Pane lists every finding, errors first, with the selected one's
// message and fix in full underneath; enter jumps to the pane and node the
// finding is about, "/" filters.
type Pane struct {
	kit.ListPane
	all   []finding.Finding
	shown []int
}

// New returns the findings pane.
func New(com *kit.Common) *Pane {
	p := &Pane{}
	p.ListPane = kit.NewListPane(kit.NewBase(com, finding.PartFindings, "Findings", "Find"), p.refilter)
	return p
}

// SetSize gives the pane its size in cells.
func (p *Pane) SetSize(w, h int) {
	p.ListPane.SetSize(w, h)
	p.List.SetHeight(p.rowsHeight())
}

// detailHeight is the lines under the list for the selected finding.
func (p *Pane) detailHeight() int { return min(max(5, p.H*2/5), 12) }

func (p *Pane) rowsHeight() int { return max(1, p.H-1-p.detailHeight()) }

// Help lists the pane's own keys.
func (p *Pane) Help() []key.Binding {
	k := p.Com.Keys
	return []key.Binding{kit.WithHelp(k.Open, "go to"), k.Filter, k.Copy}
}

// Update takes the run's messages, and keys while the pane has focus.
func (p *Pane) Update(msg tea.Msg) (kit.Pane, tea.Cmd) {
	if cmd, ok := p.RouteFilter(msg); ok {
		return p, cmd
	}
	switch msg := msg.(type) {
	case kit.RunStartMsg:
		p.all = p.findings()
		p.List.Set(0)
		p.refilter()
	case kit.PartMsg, kit.RunDoneMsg, kit.RecheckMsg, kit.ReportsMsg, kit.SMTPMsg:
		// The root has put the part in the run already.
		p.all = p.findings()
		p.refilter()
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, p.Com.Keys.Open):
			if f, ok := p.current(); ok {
				pane, sel := p.Com.PaneFor(f.Where()), findingSelection(f)
				return p, func() tea.Msg { return kit.JumpMsg{Pane: pane, Sel: sel} }
			}
		default:
			p.List.HandleKey(msg, p.Com.Keys)
		}
	}
	return p, nil
}

// findings are the run's findings; none before the first run.
func (p *Pane) findings() []finding.Finding {
	if p.Com.Run == nil {
		return nil
	}
	return p.Com.Run.Findings()
}

// findingSelection is what a finding is about, as a kit.Selection: an IP, a
// DKIM selector, a message's hop or signature, or a domain or host.
func findingSelection(f finding.Finding) kit.Selection {
	s := f.Subject
	switch s.Kind {
	case finding.SubjectIP:
		return kit.IPSelection(s.IP)
	case finding.SubjectHop:
		return kit.HopSelection(s.N)
	case finding.SubjectSignature:
		if s.Domain != "" && s.Name != "" {
			return kit.SignatureSelection(s.Domain, s.Name)
		}
	case finding.SubjectSelector:
		return kit.SelectorSelection(s.Name)
	case finding.SubjectDomain, finding.SubjectHost:
		return kit.DomainSelection(s.Name)
	}
	return kit.Selection{}
}

func (p *Pane) refilter() {
	p.shown = p.shown[:0]
	for i, f := range p.all {
		if p.Filter.Matches(string(f.Severity), f.Code, f.Message, f.Fix, string(f.Part), f.Subject.String()) {
			p.shown = append(p.shown, i)
		}
	}
	p.List.SetLen(len(p.shown))
}

func (p *Pane) current() (finding.Finding, bool) {
	if p.List.Cursor() < len(p.shown) {
		return p.all[p.shown[p.List.Cursor()]], true
	}
	return finding.Finding{}, false
}

// Selected is nothing: moving through findings does not move the other
// panes; enter does (a jump).
func (p *Pane) Selected() kit.Selection { return kit.Selection{} }

// Select does nothing: nothing this pane shows follows a selection.
func (p *Pane) Select(kit.Selection) tea.Cmd { return nil }

// Copy copies the selected finding with its fix.
func (p *Pane) Copy() (string, bool) {
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

// Detail is the selected finding whole: its severity, code, what it is
// about, the message and the fix.
func (p *Pane) Detail() (kit.Detail, bool) {
	f, ok := p.current()
	if !ok {
		return kit.Detail{}, false
	}
	d := kit.Detail{Title: "Finding " + f.Code}
	d.Add(kit.Field("Severity", string(f.Severity)), kit.Field("Code", f.Code), kit.Field("About", f.Subject.String()))
	if pane := p.Com.PaneFor(f.Where()); pane != finding.PartOverview {
		d.Add(kit.Field("Shown in", p.Com.Title(pane)))
	}
	d.Add(kit.Heading("What is wrong"), kit.Para(f.Message))
	if f.Fix != "" {
		d.Add(kit.Heading("Fix"), kit.Para(f.Fix))
	}
	return d, true
}

// View draws the pane, exactly its size.
func (p *Pane) View() string { return p.Fit(p.content()) }

// content is the pane's text before it is fitted to the pane.
func (p *Pane) content() string {
	st, g := p.Com.Styles, p.Com.Glyphs
	run := p.Com.Run
	if run == nil {
		return " " + st.Muted.Render("No investigation yet.")
	}
	var lines []string
	if p.Filter.Shown() {
		lines = append(lines, p.Filter.View(len(p.shown), len(p.all), p.W))
	} else {
		lines = append(lines, " "+p.summary())
	}
	if len(p.all) == 0 {
		switch {
		case run.Busy():
			lines = append(lines, "", " "+p.Com.Spinner+" Collecting findings as the checks finish"+g.Ellipsis)
		case run.Unreachable():
			lines = append(lines, "", " "+st.Verdict.Fail.Render(g.Fail+" No DNS server answered: nothing could be checked."))
		default:
			lines = append(lines, "", " "+st.Verdict.Pass.Render(g.Pass+" No findings: nothing to fix."))
		}
		return strings.Join(lines, "\n")
	}
	codeW := 0
	for _, i := range p.shown {
		codeW = max(codeW, kit.Width(kit.Safe(p.all[i].Code)))
	}
	codeW = min(codeW, max(12, p.W/3))
	words := p.W >= 60 // the severity in a word too; the symbol alone when narrow
	from, to := p.List.Visible()
	for i := from; i < to; i++ {
		f := p.all[p.shown[i]]
		row := p.SeverityMark(f.Severity) + " "
		if words {
			row += kit.Pad(sevWord(f.Severity), 5, "") + " "
		}
		row += kit.Pad(kit.Safe(f.Code), codeW, g.Ellipsis) + " " + st.Muted.Render(kit.Safe(f.Message))
		lines = append(lines, p.CursorRow(row, p.Focused && i == p.List.Cursor()))
	}
	for len(lines) < 1+p.rowsHeight() {
		lines = append(lines, "")
	}
	if f, ok := p.current(); ok {
		head := strings.ToUpper(string(f.Severity)) + " " + kit.Safe(f.Code)
		if !f.Subject.IsZero() {
			head += " " + g.Dot + " " + kit.Safe(f.Subject.String())
		}
		lines = append(lines, p.Rule(head, p.W))
		body := p.FindingLines([]finding.Finding{f}, p.W-1, true)
		if pane := p.Com.PaneFor(f.Where()); pane != finding.PartOverview {
			body = append(body, "   "+st.Muted.Render("enter: go to "+p.Com.Title(pane)))
		}
		lines = append(lines, body...)
	}
	return strings.Join(lines, "\n")
}

// summary counts the findings by severity.
func (p *Pane) summary() string {
	st, g := p.Com.Styles, p.Com.Glyphs
	n := map[finding.Severity]int{}
	for _, f := range p.all {
		n[f.Severity]++
	}
	s := st.Severity.Error.Render(kit.Plural(n[finding.Error], "error", "errors")) + " " + g.Dot + " " +
		st.Severity.Warning.Render(kit.Plural(n[finding.Warning], "warning", "warnings")) + " " + g.Dot + " " +
		kit.Plural(n[finding.Info], "note", "notes")
	if p.Com.Busy() {
		s += " " + p.Com.Spinner
	}
	if hint := "  (/ filters, enter goes to)"; kit.Width(s+hint) < p.W {
		s += st.Muted.Render(hint)
	}
	return s
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
