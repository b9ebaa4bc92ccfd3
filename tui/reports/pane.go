// Package reports is the workbench pane of DMARC aggregate reports (RFC
// 7489 Appendix C, RFC 9990): the readiness answer for an enforcing policy
// (RFC 9989 §4.7) at the top, and the sources that send as the domain,
// failing first and by volume, each with what today's DNS says of it and
// the fix.
package reports

import (
	"fmt"
	"net/netip"
	"strconv"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag/dmarcreport/readiness"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/tui/kit"
)

// Pane is the Reports pane. The sources come from the run's readiness
// answer, rebuilt by the root as DNS names them (a spinner stands for a
// name still asked). Moving the cursor selects the source's IP; enter
// evaluates it in the SPF pane against today's record, with the include
// the fix names tried in the what-if editor.
type Pane struct {
	kit.Base
	res     *readiness.Result
	done    bool // DNS has named every source (or was cut off)
	named   int
	sources int
	list    kit.List
	sel     kit.Selection
}

// New returns the Reports pane.
func New(com *kit.Common) *Pane {
	return &Pane{Base: kit.NewBase(com, finding.PartReports, "Reports", "Rep")}
}

// SetSize gives the pane its size in cells.
func (p *Pane) SetSize(w, h int) {
	p.Base.SetSize(w, h)
	p.list.SetHeight(p.rowsHeight())
}

// topLines is the summary above the table: totals, a line per domain's
// answer (up to maxDomainLines), the note on the domain investigated.
func (p *Pane) topLines() []string {
	if p.res == nil {
		return nil
	}
	st, g := p.Com.Styles, p.Com.Glyphs
	r := p.res
	var lines []string
	head := fmt.Sprintf("%s %s %s %s %s pass DMARC", kit.Plural(r.Totals.Reports, "report", "reports"), g.Dot,
		readiness.Count(r.Totals.Messages, "message"), g.Dot, share(r.Totals.DMARCPass, r.Totals.Messages))
	if r.Totals.Errors > 0 {
		head += " " + g.Dot + " " + st.Verdict.Fail.Render(kit.Plural(r.Totals.Errors, "file problem", "file problems"))
	}
	switch {
	case !p.done:
		head += " " + g.Dot + " " + p.Com.Spinner + " naming " + strconv.Itoa(p.named) + "/" + strconv.Itoa(p.sources) + g.Ellipsis
	case p.sources > 0 && p.named < p.sources:
		head += " " + g.Dot + " " + st.Muted.Render(strconv.Itoa(p.sources-p.named)+" not named (cut off)")
	}
	lines = append(lines, " "+head)
	for i, rd := range r.Readiness {
		if i == maxDomainLines && len(r.Readiness) > maxDomainLines+1 {
			lines = append(lines, " "+st.Muted.Render(fmt.Sprintf("%s more domains in the Findings and the export", strconv.Itoa(len(r.Readiness)-i))))
			break
		}
		lines = append(lines, " "+p.readinessLine(rd))
	}
	if note := p.Com.Run.ReportsNote(); note != "" {
		lines = append(lines, " "+st.Muted.Render(kit.Safe(note)))
	}
	return lines
}

// maxDomainLines caps the readiness lines at the top.
const maxDomainLines = 3

// readinessLine is one domain's answer in a line: ready or not, and why.
func (p *Pane) readinessLine(rd readiness.Readiness) string {
	st, g := p.Com.Styles, p.Com.Glyphs
	nFix, nLeave := 0, 0
	for _, f := range rd.Failing {
		if f.Action.NeedsFix() {
			nFix++
		} else {
			nLeave++
		}
	}
	verdict := st.Verdict.Pass.Render(g.Pass + " ready for p=reject")
	if !rd.Ready {
		verdict = st.Verdict.Fail.Render(g.Fail+" not ready") + ": " + kit.Plural(nFix, "source", "sources") + " to fix (" + readiness.Count(rd.FixMessages, "message") + ")"
	}
	s := kit.Safe(rd.Domain) + " " + share(rd.DMARCPass, rd.Messages) + " pass " + g.Dot + " " + verdict
	if nLeave > 0 {
		s += " " + g.Dot + " " + st.Muted.Render(strconv.Itoa(nLeave)+" to leave failing")
	}
	return s
}

// detailHeight is the lines under the table for the selected source.
func (p *Pane) detailHeight() int { return min(max(5, p.H/3), 10) }

// rowsHeight is what is left for the table's rows.
func (p *Pane) rowsHeight() int {
	return max(1, p.H-len(p.topLines())-2-p.detailHeight())
}

// Help lists the pane's own keys.
func (p *Pane) Help() []key.Binding {
	k := p.Com.Keys
	return []key.Binding{kit.WithHelp(k.Open, "SPF verdict"), k.Copy}
}

// Update takes the run's messages, and keys while the pane has focus.
func (p *Pane) Update(msg tea.Msg) (kit.Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case kit.RunStartMsg:
		p.res, p.done, p.named, p.sources, p.sel = nil, false, 0, 0, kit.Selection{}
		p.list.Set(0)
		p.list.SetLen(0)
	case kit.ReportsMsg:
		p.load(msg)
	case tea.KeyPressMsg:
		if !p.Focused || p.res == nil {
			return p, nil
		}
		keys := p.Com.Keys
		switch {
		case key.Matches(msg, keys.Open):
			return p, p.open()
		case p.list.HandleKey(msg, keys):
			p.sel = p.cursorSelection()
		}
	}
	return p, nil
}

// load takes a new answer, keeping the cursor on the same source.
func (p *Pane) load(msg kit.ReportsMsg) {
	var ip string
	if s, ok := p.current(); ok {
		ip = s.IP + " " + s.Domain
	}
	p.res, p.done, p.named, p.sources = msg.Result, msg.Done, msg.Named, msg.Sources
	p.list.SetLen(len(p.res.Sources))
	p.list.SetHeight(p.rowsHeight())
	for i, s := range p.res.Sources {
		if s.IP+" "+s.Domain == ip {
			p.list.Set(i)
			break
		}
	}
}

// current is the source under the cursor.
func (p *Pane) current() (readiness.SourceJSON, bool) {
	if p.res == nil || p.list.Cursor() >= len(p.res.Sources) {
		return readiness.SourceJSON{}, false
	}
	return p.res.Sources[p.list.Cursor()], true
}

// cursorSelection is the IP of the source under the cursor.
func (p *Pane) cursorSelection() kit.Selection {
	s, ok := p.current()
	if !ok {
		return kit.Selection{}
	}
	ip, err := netip.ParseAddr(s.IP)
	if err != nil {
		return kit.Selection{}
	}
	return kit.IPSelection(ip)
}

// open evaluates the source's IP in the SPF pane, with the include its
// fix names for the what-if editor to try.
func (p *Pane) open() tea.Cmd {
	sel := p.cursorSelection()
	s, _ := p.current()
	if sel.IsZero() {
		return nil
	}
	sel.Explicit = true
	sel.Suggest = p.suggestion(s)
	p.sel = sel
	return func() tea.Msg { return kit.JumpMsg{Pane: finding.PartSPF, Sel: sel} }
}

// suggestion is the SPF term that would authorise a failing source of the
// domain investigated: the include its fix names. A source of another
// domain gets none: the SPF pane shows the investigated domain's record.
func (p *Pane) suggestion(s readiness.SourceJSON) string {
	if s.DMARCFail == 0 || s.AuthorisedBy != nil || s.Domain != p.investigated() {
		return ""
	}
	return s.SuggestInclude
}

// investigated is the domain the run investigates (the reports' main
// policy domain); "" before a run.
func (p *Pane) investigated() string {
	if p.Com.Run == nil {
		return ""
	}
	return p.Com.Run.Target().Domain
}

// Selected is the IP under the cursor, once moved or opened.
func (p *Pane) Selected() kit.Selection { return p.sel }

// Select moves the cursor to a source whose IP another pane (a finding)
// selected.
func (p *Pane) Select(sel kit.Selection) tea.Cmd {
	if sel.Kind != kit.SelectIP || p.res == nil || sel.ViaPane == finding.PartReports {
		return nil
	}
	for i, s := range p.res.Sources {
		if s.IP == sel.IP.String() {
			p.list.Set(i)
			p.sel = sel
			return nil
		}
	}
	return nil
}

// Copy copies the source under the cursor: its line and its fix.
func (p *Pane) Copy() (string, bool) {
	s, ok := p.current()
	if !ok {
		return "", false
	}
	text := fmt.Sprintf("%s (%s) sent %d messages as %s, %d failing DMARC", s.IP, serviceName(s), s.Messages, s.Domain, s.DMARCFail)
	if s.Fix != "" {
		text += ". Fix: " + s.Fix
	}
	return text, true
}

// Waiting reports whether sources are still being named.
func (p *Pane) Waiting() bool { return p.res != nil && !p.done }

// serviceName is how a source is known: its service, its PTR, or "-".
func serviceName(s readiness.SourceJSON) string {
	switch {
	case s.Service != nil && *s.Service != "":
		return *s.Service
	case s.PTR != nil && *s.PTR != "":
		return *s.PTR
	}
	return "-"
}

// share is part of whole as a percentage with one decimal.
func share(part, whole int64) string {
	if whole == 0 {
		return "0%"
	}
	return strconv.FormatFloat(float64(part)*100/float64(whole), 'f', 1, 64) + "%"
}
