package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/tui/kit"
)

// View draws the whole screen. It only reads the model: every size was
// worked out when the terminal reported it.
func (m *Model) View() tea.View {
	content := m.render()
	if m.ascii {
		content = kit.ASCIIFold(content)
	}
	v := tea.NewView(content)
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "mxray"
	if run := m.run; run != nil {
		v.WindowTitle = "mxray " + kit.Safe(run.target.Domain)
		if run.hdr != nil {
			v.WindowTitle = "mxray " + messageName(run.hdr.msg)
		}
	}
	return v
}

// render returns the screen's text, exactly lay.width × lay.height cells.
func (m *Model) render() string {
	w, h := m.lay.width, m.lay.height
	if w <= 0 || h <= 0 {
		return ""
	}
	if m.lay.tooSmall {
		return m.tooSmallView()
	}
	var body string
	if m.screen == screenInput {
		body = kit.Fit(m.input.view(), w, h-1, m.com.Glyphs.Ellipsis)
		return body + "\n" + m.helpBar(m.input.help(), nil)
	}
	header := kit.Fit(m.headerView(), w, 1, m.com.Glyphs.Ellipsis)
	tabs := kit.Fit(m.tabsView(), w, 1, m.com.Glyphs.Ellipsis)
	own, global := m.focused().Help(), m.com.Keys.ShortHelp()
	switch {
	case m.report != nil:
		body = kit.Fit(m.report.view(m.com.Styles, m.com.Glyphs), w, m.lay.body.h, m.com.Glyphs.Ellipsis)
		return header + "\n" + tabs + "\n" + body + "\n" + m.helpBar(m.report.help(m.com.Keys), []key.Binding{m.com.Keys.Quit})
	case m.overlay != nil:
		body = m.overlay.View()
		own, global = m.overlay.Help(), []key.Binding{m.com.Keys.Help, m.com.Keys.Quit}
	case m.lay.wide:
		body = m.wideBody()
	default:
		body = kit.Fit(m.focused().View(), w, m.lay.body.h, m.com.Glyphs.Ellipsis)
	}
	return header + "\n" + tabs + "\n" + body + "\n" + m.helpBar(own, global)
}

// wideBody draws the two columns: Overview over Findings on the left, the
// focused (or last focused) detail pane on the right.
func (m *Model) wideBody() string {
	st, g := m.com.Styles, m.com.Glyphs
	frame := func(p kit.Pane, r rect) string {
		return box(p.Title(), p.View(), r.w, r.h, p == m.focused(), st, g)
	}
	ov := m.panes[m.indexOf(finding.PartOverview)]
	fi := m.panes[m.indexOf(finding.PartFindings)]
	left := strings.Split(frame(ov, m.lay.overview)+"\n"+frame(fi, m.lay.findings), "\n")
	right := strings.Split(frame(m.panes[m.detail], m.lay.detail), "\n")
	// Both columns are exactly the body's height, every line exactly its
	// column's width: they join line by line.
	var b strings.Builder
	for i := range min(len(left), len(right)) {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(left[i])
		b.WriteString(right[i])
	}
	return b.String()
}

// headerView is the first line: the target and where the run stands.
func (m *Model) headerView() string {
	st, g := m.com.Styles, m.com.Glyphs
	left := " " + st.App.Render("mxray")
	run := m.run
	if run == nil {
		return left
	}
	if run.noDomain == "" {
		left += "  " + st.Target.Render(kit.Safe(run.target.Display()))
	}
	if run.target.Kind == diag.TargetIPDomain {
		left += st.Muted.Render(" for " + run.target.IP.String())
	}
	if run.hdr != nil {
		left += st.Muted.Render(" " + g.Dot + " " + messageName(run.hdr.msg))
	}
	right := m.statusText() + " "
	room := m.lay.width - kit.Width(right)
	if room < kit.Width(left)+1 {
		left = kit.Truncate(left, max(0, room-1), g.Ellipsis)
	}
	return left + strings.Repeat(" ", max(1, m.lay.width-kit.Width(left)-kit.Width(right))) + right
}

// statusText says where the current run stands, in words and a symbol.
func (m *Model) statusText() string {
	st, g := m.com.Styles, m.com.Glyphs
	run := m.run
	queries := 0
	if run.report != nil {
		queries = run.report.Queries
	}
	parts, total := 0, len(diag.Parts())
	for _, p := range diag.Parts() {
		if run.State(p) == kit.StateLoaded {
			parts++
		}
	}
	if run.noDomain != "" {
		parts, total = 0, 0
	}
	if h := run.hdr; h != nil {
		// The message's re-check counts as a part.
		total++
		if h.done {
			parts++
			queries = max(queries, h.report.Queries)
		}
	}
	if r := run.rep; r != nil {
		// Naming the reports' sources counts as a part; its questions
		// go through the run's client too.
		total++
		if r.done {
			parts++
			queries = max(queries, r.queries)
		}
	}
	switch {
	case run.Busy():
		return m.com.Spinner + " checking " + g.Dot + fmt.Sprintf(" %d/%d parts %s %s", parts, total, g.Dot, kit.Plural(queries, "query", "queries"))
	case run.unreachable:
		return st.Verdict.Fail.Render(g.Fail + " no DNS server answered")
	case len(run.report.Unfinished) > 0:
		word := "deadline reached"
		if run.cancelled {
			word = "cancelled"
		}
		return st.Verdict.SoftFail.Render(g.Warn+" "+word) + fmt.Sprintf(" %s %d/%d parts %s %s", g.Dot, parts, total, g.Dot, kit.Plural(queries, "query", "queries"))
	default:
		return st.Verdict.Pass.Render(g.Pass+" done") + fmt.Sprintf(" %s %s %s %s", g.Dot, kit.Plural(queries, "query", "queries"), g.Dot, kit.Elapsed(run.finished.Sub(run.started)))
	}
}

// tabSpan is where one tab stands in the tab strip.
type tabSpan struct {
	pane  int
	x, w  int
	label string
}

// tabSpans lays out the tab strip: full titles when they fit the width,
// else the short ones. The focused tab is bracketed, the others padded,
// so the spans do not move when the focus does.
func (pm *paneManager) tabSpans() []tabSpan {
	build := func(short bool) ([]tabSpan, int) {
		var out []tabSpan
		x := 0
		for i, p := range pm.panes {
			label := p.Title()
			if short {
				label = p.Short()
			}
			if i > 0 {
				x++ // the separator
			}
			w := kit.Width(label) + 2
			out = append(out, tabSpan{pane: i, x: x, w: w, label: label})
			x += w
		}
		return out, x
	}
	spans, total := build(false)
	if total > pm.lay.width {
		spans, _ = build(true)
	}
	return spans
}

// tabsView draws the tab strip naming every pane.
func (m *Model) tabsView() string {
	st, g := m.com.Styles, m.com.Glyphs
	var b strings.Builder
	for i, t := range m.tabSpans() {
		if i > 0 {
			b.WriteString(st.Tab.Separator.Render(g.Vertical))
		}
		if t.pane == m.focus {
			b.WriteString(st.Tab.Active.Render("[" + t.label + "]"))
		} else {
			b.WriteString(st.Tab.Inactive.Render(" " + t.label + " "))
		}
	}
	return b.String()
}

// helpBar is the last line: a notice when there is one, else the keys:
// the global ones always (? lists everything), and as many of own, in
// order, as fit beside them.
func (m *Model) helpBar(own, global []key.Binding) string {
	st := m.com.Styles
	w := m.lay.width
	if m.flash != "" {
		style := st.Flash
		if m.flashBad {
			style = st.FlashBad
		}
		return kit.Fit(" "+style.Render(m.flash), w, 1, m.com.Glyphs.Ellipsis)
	}
	wide := m.help
	wide.SetWidth(0)
	bindings := append(slices.Clip(own), global...)
	for n := len(own); n > 0 && kit.Width(wide.ShortHelpView(bindings)) > w-1; n-- {
		bindings = append(slices.Clip(own[:n-1]), global...)
	}
	return kit.Fit(" "+m.help.ShortHelpView(bindings), w, 1, m.com.Glyphs.Ellipsis)
}

// tooSmallView replaces everything when the terminal is under the minimum.
func (m *Model) tooSmallView() string {
	w, h := m.lay.width, m.lay.height
	st, g := m.com.Styles, m.com.Glyphs
	msg := []string{
		st.TooSmall.Render("Terminal too small"),
		fmt.Sprintf("%dx%d; mxray needs at least %dx%d.", w, h, MinWidth, MinHeight),
		"Make the window larger, or press q to quit.",
	}
	top := max(0, (h-len(msg))/2)
	lines := make([]string, 0, h)
	for range top {
		lines = append(lines, "")
	}
	for _, l := range msg {
		l = kit.Truncate(l, w, g.Ellipsis)
		lines = append(lines, strings.Repeat(" ", max(0, (w-kit.Width(l))/2))+l)
	}
	return kit.Fit(strings.Join(lines, "\n"), w, h, g.Ellipsis)
}
