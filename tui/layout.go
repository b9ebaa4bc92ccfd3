package tui

import (
	"strings"

	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/tui/kit"
)

// Size limits of the layout (DESIGN.md "The TUI").
const (
	// MinWidth and MinHeight are the smallest terminal the workbench draws
	// in; below it a "terminal too small" message shows.
	MinWidth, MinHeight = 60, 20
	// WideWidth is the width from which panes stand in two columns.
	WideWidth = 120
	// chromeRows are the header, the tab strip and the help bar.
	chromeRows = 3
	// overviewRows is the Overview frame's height in the two-column
	// layout; messageRows more when a message's verdicts join it.
	overviewRows = 13
	messageRows  = 4
)

// rect is an area of the screen in cells.
type rect struct{ x, y, w, h int }

// contains reports whether the cell (x, y) lies inside r.
func (r rect) contains(x, y int) bool {
	return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h
}

// inner is r without a one-cell frame.
func (r rect) inner() rect {
	return rect{r.x + 1, r.y + 1, max(0, r.w-2), max(0, r.h-2)}
}

// layout is where everything goes for one terminal size, computed once per
// tea.WindowSizeMsg.
type layout struct {
	width, height int
	tooSmall      bool
	wide          bool
	// body is the focused pane's area in the one-column layout.
	body rect
	// overview, findings and detail are the frames of the two-column
	// layout: the summary column on the left, the focused detail pane on
	// the right.
	overview, findings, detail rect
}

// computeLayout lays the workbench out for a w×h terminal, the Overview
// frame ovRows high in two columns (at most half the body).
func computeLayout(w, h, ovRows int) layout {
	l := layout{width: w, height: h}
	if w < MinWidth || h < MinHeight {
		l.tooSmall = true
		return l
	}
	bodyH := h - chromeRows
	l.body = rect{0, 2, w, bodyH}
	if w < WideWidth {
		return l
	}
	l.wide = true
	leftW := min(max(w*2/5, 44), 64)
	ovH := min(ovRows, bodyH/2)
	l.overview = rect{0, 2, leftW, ovH}
	l.findings = rect{0, 2 + ovH, leftW, bodyH - ovH}
	l.detail = rect{leftW, 2, w - leftW, bodyH}
	return l
}

// paneRect is the frame (wide) or area (narrow) of a pane.
func (l layout) paneRect(id finding.Part) rect {
	if !l.wide {
		return l.body
	}
	switch id {
	case finding.PartOverview:
		return l.overview
	case finding.PartFindings:
		return l.findings
	default:
		return l.detail
	}
}

// paneSize is the size a pane draws in: its frame's inside when wide.
func (l layout) paneSize(id finding.Part) (int, int) {
	r := l.paneRect(id)
	if l.wide {
		r = r.inner()
	}
	return r.w, r.h
}

// box draws content inside a rounded frame of w×h cells with the title in
// the top edge. The focused frame is drawn in the focus style and its title
// marked with the focus glyph, so focus does not rest on colour alone.
func box(title, content string, w, h int, focused bool, st kit.Styles, g kit.Glyphs) string {
	if w < 2 || h < 2 {
		return kit.Fit("", w, h, "")
	}
	border, titleStyle := st.Box.Border, st.Box.Title
	mark := g.Horizontal
	if focused {
		border, titleStyle, mark = st.Box.FocusedBorder, st.Box.FocusedTitle, g.Focus
	}
	// ╭─▸ Title ───╮: corner, one rule, the mark, the title, the fill, corner.
	title = kit.Truncate(" "+title+" ", max(0, w-4), g.Ellipsis)
	topFill := max(0, w-4-kit.Width(title))
	var b strings.Builder
	b.WriteString(border.Render(g.TopLeft+g.Horizontal) + titleStyle.Render(mark+title) +
		border.Render(strings.Repeat(g.Horizontal, topFill)+g.TopRight))
	if h > 2 {
		side := border.Render(g.Vertical)
		for line := range strings.SplitSeq(kit.Fit(content, w-2, h-2, g.Ellipsis), "\n") {
			b.WriteString("\n" + side + line + side)
		}
	}
	b.WriteString("\n" + border.Render(g.BottomLeft+strings.Repeat(g.Horizontal, w-2)+g.BottomRight))
	return b.String()
}
