package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// cursorList keeps a cursor and a scroll offset over n rows of which h
// show at a time. Panes draw the rows; it only does the arithmetic.
type cursorList struct {
	cursor, offset int
	n, h           int
}

// setLen sets the number of rows, keeping the cursor on a row.
func (l *cursorList) setLen(n int) {
	l.n = n
	l.clamp()
}

// setHeight sets how many rows show at once.
func (l *cursorList) setHeight(h int) {
	l.h = max(1, h)
	l.clamp()
}

// set puts the cursor on row i and scrolls it into view.
func (l *cursorList) set(i int) {
	l.cursor = i
	l.clamp()
}

// move moves the cursor by d rows.
func (l *cursorList) move(d int) { l.set(l.cursor + d) }

// atEnd reports whether the cursor is on the last row (or there is none).
func (l *cursorList) atEnd() bool { return l.n == 0 || l.cursor == l.n-1 }

func (l *cursorList) clamp() {
	l.cursor = min(max(l.cursor, 0), max(l.n-1, 0))
	if l.h <= 0 {
		l.h = 1
	}
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+l.h {
		l.offset = l.cursor - l.h + 1
	}
	l.offset = min(max(l.offset, 0), max(l.n-l.h, 0))
}

// visible returns the rows [from, to) that show.
func (l *cursorList) visible() (int, int) {
	return l.offset, min(l.offset+l.h, l.n)
}

// handleKey moves the cursor for the navigation keys and reports whether
// the key was one of them.
func (l *cursorList) handleKey(k tea.KeyPressMsg, keys KeyMap) bool {
	switch {
	case key.Matches(k, keys.Up):
		l.move(-1)
	case key.Matches(k, keys.Down):
		l.move(1)
	case key.Matches(k, keys.PageUp):
		l.move(-l.h)
	case key.Matches(k, keys.PageDown):
		l.move(l.h)
	case key.Matches(k, keys.Top):
		l.set(0)
	case key.Matches(k, keys.Bottom):
		l.set(l.n - 1)
	default:
		return false
	}
	return true
}

// scroller scrolls text of n lines shown h at a time (no cursor).
type scroller struct {
	offset, n, h int
}

func (s *scroller) setLen(n int)    { s.n = n; s.scroll(0) }
func (s *scroller) setHeight(h int) { s.h = max(1, h); s.scroll(0) }

func (s *scroller) scroll(d int) {
	s.offset = min(max(s.offset+d, 0), max(s.n-s.h, 0))
}

// handleKey scrolls for the navigation keys and reports whether the key
// was one of them.
func (s *scroller) handleKey(k tea.KeyPressMsg, keys KeyMap) bool {
	switch {
	case key.Matches(k, keys.Up):
		s.scroll(-1)
	case key.Matches(k, keys.Down):
		s.scroll(1)
	case key.Matches(k, keys.PageUp):
		s.scroll(-s.h)
	case key.Matches(k, keys.PageDown):
		s.scroll(s.h)
	case key.Matches(k, keys.Top):
		s.offset = 0
	case key.Matches(k, keys.Bottom):
		s.scroll(s.n)
	default:
		return false
	}
	return true
}

// window returns the lines that show.
func (s *scroller) window(lines []string) []string {
	from := min(s.offset, len(lines))
	to := min(from+s.h, len(lines))
	return lines[from:to]
}
