package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag/termsafe"
	"github.com/mxray/mxray/tui/kit"
)

// The overlay is what shows over the workbench's body instead of the
// panes: the full help (?) or the detail of the focused pane's item (v,
// or enter where a pane has nothing else for it). Both are one kit.Viewer,
// scrolled with the navigation keys, so neither is ever cut at 60x20.

// openHelp shows the full help.
func (m *Model) openHelp() {
	m.overlay = kit.NewViewer(m.com, "Keys", m.fullHelpLines)
	m.showHelp = true
	m.sizeOverlay()
}

// openDetail shows a pane's detail.
func (m *Model) openDetail(d kit.Detail) {
	m.overlay = kit.DetailViewer(m.com, d)
	m.showHelp = false
	m.sizeOverlay()
}

// detailFocused opens the focused pane's detail, or says there is none.
func (m *Model) detailFocused() tea.Cmd {
	if d, ok := m.focused().(kit.Detailer); ok {
		if det, ok := d.Detail(); ok {
			m.openDetail(det)
			return nil
		}
	}
	m.setFlash("Nothing selected to show in full", true)
	return nil
}

// closeOverlay closes the help or the detail.
func (m *Model) closeOverlay() {
	m.overlay, m.showHelp = nil, false
}

// sizeOverlay lays the overlay out over the body.
func (m *Model) sizeOverlay() {
	if m.overlay != nil && !m.lay.tooSmall {
		m.overlay.SetSize(m.lay.width, m.lay.body.h)
	}
}

// overlayKey handles a key while the overlay shows: the navigation keys
// scroll it; esc, v, enter (and ? for the help) close it; y copies a
// detail; q quits.
func (m *Model) overlayKey(k tea.KeyPressMsg) tea.Cmd {
	keys := m.com.Keys
	switch {
	case key.Matches(k, keys.Quit):
		return m.quit()
	case key.Matches(k, keys.Help):
		if m.showHelp {
			m.closeOverlay()
		} else {
			m.openHelp()
		}
	case key.Matches(k, keys.Back), key.Matches(k, keys.Detail), key.Matches(k, keys.Open):
		m.closeOverlay()
	case key.Matches(k, keys.Copy) && m.overlay.Copy != "":
		return m.copyText("detail", termsafe.Lines(m.overlay.Copy))
	default:
		m.overlay.HandleKey(k)
	}
	return nil
}

// fullHelpLines lists every key, the focused pane's own after them, and
// how the workbench behaves, for a width: the help's columns side by side
// when they fit, else one key a line.
func (m *Model) fullHelpLines(w int) []string {
	st := m.com.Styles
	var lines []string
	groups := m.com.Keys.FullHelp()
	wide := m.help
	wide.SetWidth(0)
	cols := wide.FullHelpView(groups)
	if maxWidth(cols) <= w-1 {
		for l := range strings.SplitSeq(cols, "\n") {
			lines = append(lines, " "+l)
		}
	} else {
		for i, g := range groups {
			if i > 0 {
				lines = append(lines, "")
			}
			lines = append(lines, m.keyLines(g, w)...)
		}
	}
	if own := m.focused().Help(); len(own) > 0 {
		lines = append(lines, "", " "+st.Heading.Render(m.focused().Title()))
		lines = append(lines, m.keyLines(own, w)...)
	}
	lines = append(lines, "")
	for _, text := range []string{
		"While a text field has focus every key is text; only ctrl+c, esc, enter and tab act.",
		"In the header editor (ctrl+e on the input screen, or paste headers) enter and tab are text too: ctrl+d reads the headers, esc closes it with the text kept.",
		"Panes are linked: choosing an IP, a domain or a selector in one moves the others to it.",
		"v shows the focused item in full (every value a row cuts with " + m.com.Glyphs.Ellipsis + "), wrapped and scrollable; enter does too where it has no other job.",
		m.exportHelp(),
	} {
		for _, l := range kit.Wrap(text, w-2) {
			lines = append(lines, " "+st.Muted.Render(l))
		}
	}
	return lines
}

// keyLines lists bindings one a line, keys in a column.
func (m *Model) keyLines(bs []key.Binding, w int) []string {
	st := m.com.Styles.Help
	kw := 0
	for _, b := range bs {
		if b.Enabled() {
			kw = max(kw, kit.Width(b.Help().Key))
		}
	}
	var out []string
	for _, b := range bs {
		if !b.Enabled() {
			continue
		}
		h := b.Help()
		for i, l := range kit.Wrap(h.Desc, max(1, w-kw-3)) {
			k := ""
			if i == 0 {
				k = h.Key
			}
			out = append(out, " "+st.FullKey.Render(kit.Pad(k, kw, ""))+"  "+st.FullDesc.Render(l))
		}
	}
	return out
}

// maxWidth is the width of the widest line of a block.
func maxWidth(block string) int {
	n := 0
	for l := range strings.SplitSeq(block, "\n") {
		n = max(n, kit.Width(l))
	}
	return n
}

// exportHelp says what y and e do.
func (m *Model) exportHelp() string {
	if m.cfg.ExportToView {
		return "y copies with OSC 52 (works over SSH); e shows the Markdown report here, where y copies it whole: nothing is written on the server."
	}
	return "y copies with OSC 52 (works over SSH); e writes a Markdown report in the working directory (for a message, the message too), never overwriting a file."
}
