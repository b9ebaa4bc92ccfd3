package kit

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// Viewer shows text over the workbench's body, scrolled with the
// navigation keys: the full help, and the detail of a pane's focused item.
// Its lines are drawn again for each width, so nothing is cut: they wrap.
type Viewer struct {
	com    *Common
	title  string
	draw   func(w int) []string
	lines  []string
	scroll Scroller
	w, h   int
	// Copy is the viewer's text for y; "" when it has none to copy.
	Copy string
}

// NewViewer returns a viewer titled title whose lines draw makes for a
// width.
func NewViewer(com *Common, title string, draw func(w int) []string) *Viewer {
	return &Viewer{com: com, title: title, draw: draw}
}

// DetailViewer returns the viewer of a pane's detail.
func DetailViewer(com *Common, d Detail) *Viewer {
	v := NewViewer(com, d.Title, func(w int) []string { return d.Render(com, w) })
	v.Copy = d.Text()
	return v
}

// SetSize lays the viewer out w×h cells, its lines drawn again.
func (v *Viewer) SetSize(w, h int) {
	v.w, v.h = w, h
	v.lines = v.draw(max(1, w))
	v.scroll.SetLen(len(v.lines))
	v.scroll.SetHeight(v.bodyHeight())
}

// Refresh draws the lines again at the same size (the styles changed).
func (v *Viewer) Refresh() { v.SetSize(v.w, v.h) }

// bodyHeight is the lines of text that show: the height less the title
// and the footer.
func (v *Viewer) bodyHeight() int { return max(1, v.h-2) }

// HandleKey scrolls for the navigation keys and reports whether the key
// was one of them.
func (v *Viewer) HandleKey(k tea.KeyPressMsg) bool { return v.scroll.HandleKey(k, v.com.Keys) }

// Lines is every line of the text at the current width, styles kept.
func (v *Viewer) Lines() []string { return v.lines }

// Help lists the keys that act while the viewer shows.
func (v *Viewer) Help() []key.Binding {
	k := v.com.Keys
	out := []key.Binding{WithHelp(k.Down, "scroll"), WithHelp(k.Back, "close")}
	if v.Copy != "" {
		out = append(out, k.Copy)
	}
	return out
}

// View draws the viewer exactly w×h cells: the title, the lines that show,
// and where they are in the text.
func (v *Viewer) View() string {
	st, g := v.com.Styles, v.com.Glyphs
	if v.w <= 0 || v.h <= 0 {
		return ""
	}
	out := make([]string, 0, v.h)
	out = append(out, v.com.Rule(Safe(v.title), v.w))
	shown := v.scroll.Window(v.lines)
	out = append(out, shown...)
	for len(out) < v.h-1 {
		out = append(out, "")
	}
	from := v.scroll.Offset()
	foot := "all " + Plural(len(v.lines), "line", "lines") + " shown"
	if len(v.lines) > len(shown) {
		foot = "lines " + Itoa(from+1) + "-" + Itoa(from+len(shown)) + " of " + Itoa(len(v.lines)) + " " + g.Dot + " " + v.com.Keys.Down.Help().Key + " " + v.com.Keys.PageDown.Help().Key + " scroll"
	}
	out = append(out, " "+st.Muted.Render(foot+" "+g.Dot+" esc closes"))
	return Fit(strings.Join(out, "\n"), v.w, v.h, g.Ellipsis)
}
