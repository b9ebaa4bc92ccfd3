package kit

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// List keeps a cursor and a scroll offset over n rows of which h show at a
// time. Panes draw the rows; it only does the arithmetic.
type List struct {
	cursor, offset int
	n, h           int
}

// Cursor is the row the cursor is on.
func (l *List) Cursor() int { return l.cursor }

// SetLen sets the number of rows, keeping the cursor on a row.
func (l *List) SetLen(n int) {
	l.n = n
	l.clamp()
}

// SetHeight sets how many rows show at once.
func (l *List) SetHeight(h int) {
	l.h = max(1, h)
	l.clamp()
}

// Set puts the cursor on row i and scrolls it into view.
func (l *List) Set(i int) {
	l.cursor = i
	l.clamp()
}

// Move moves the cursor by d rows.
func (l *List) Move(d int) { l.Set(l.cursor + d) }

// AtEnd reports whether the cursor is on the last row (or there is none).
func (l *List) AtEnd() bool { return l.n == 0 || l.cursor == l.n-1 }

func (l *List) clamp() {
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

// Visible returns the rows [from, to) that show.
func (l *List) Visible() (int, int) {
	return l.offset, min(l.offset+l.h, l.n)
}

// HandleKey moves the cursor for the navigation keys and reports whether
// the key was one of them.
func (l *List) HandleKey(k tea.KeyPressMsg, keys KeyMap) bool {
	switch {
	case key.Matches(k, keys.Up):
		l.Move(-1)
	case key.Matches(k, keys.Down):
		l.Move(1)
	case key.Matches(k, keys.PageUp):
		l.Move(-l.h)
	case key.Matches(k, keys.PageDown):
		l.Move(l.h)
	case key.Matches(k, keys.Top):
		l.Set(0)
	case key.Matches(k, keys.Bottom):
		l.Set(l.n - 1)
	default:
		return false
	}
	return true
}

// Scroller scrolls text of n lines shown h at a time (no cursor).
type Scroller struct {
	offset, n, h int
}

// SetLen sets the number of lines.
func (s *Scroller) SetLen(n int) { s.n = n; s.scroll(0) }

// SetHeight sets how many lines show at once.
func (s *Scroller) SetHeight(h int) { s.h = max(1, h); s.scroll(0) }

// Top scrolls back to the first line.
func (s *Scroller) Top() { s.offset = 0 }

// Offset is the first line that shows.
func (s *Scroller) Offset() int { return s.offset }

// Len is the number of lines.
func (s *Scroller) Len() int { return s.n }

func (s *Scroller) scroll(d int) {
	s.offset = min(max(s.offset+d, 0), max(s.n-s.h, 0))
}

// HandleKey scrolls for the navigation keys and reports whether the key
// was one of them.
func (s *Scroller) HandleKey(k tea.KeyPressMsg, keys KeyMap) bool {
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

// Window returns the lines that show.
func (s *Scroller) Window(lines []string) []string {
	from := min(s.offset, len(lines))
	to := min(from+s.h, len(lines))
	return lines[from:to]
}
