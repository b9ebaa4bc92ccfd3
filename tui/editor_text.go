package tui

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"
)

// textLines is the header editor's text: its lines (made safe already) and
// the cursor, a line and a rune column in it. Every operation costs at
// most the length of the lines it touches, whatever the size of the text:
// the bubbles text area this replaces redrew and re-measured the whole
// text on every key, so a 1 MiB paste made each key take 150–210 ms.
type textLines struct {
	lines    []string // never empty
	row, col int      // the cursor: a line, and a rune offset in it
	goal     int      // the column up and down aim for, -1 when unset
}

func newTextLines() textLines { return textLines{lines: []string{""}, goal: -1} }

// value is the text, lines joined with "\n".
func (t *textLines) value() string { return strings.Join(t.lines, "\n") }

// lineCount is the number of lines.
func (t *textLines) lineCount() int { return len(t.lines) }

// atEnd reports whether the cursor is at the very end of the text.
func (t *textLines) atEnd() bool {
	last := len(t.lines) - 1
	return t.row == last && t.col == utf8.RuneCountInString(t.lines[last])
}

// insert puts s (text made safe: "\n" the only control) at the cursor and
// moves the cursor after it.
func (t *textLines) insert(s string) {
	if s == "" {
		return
	}
	line := t.lines[t.row]
	at := byteOffset(line, t.col)
	head, tail := line[:at], line[at:]
	parts := strings.Split(s, "\n")
	if len(parts) == 1 {
		t.lines[t.row] = head + s + tail
		t.col += utf8.RuneCountInString(s)
		t.goal = -1
		return
	}
	last := parts[len(parts)-1]
	parts[0] = head + parts[0]
	parts[len(parts)-1] = last + tail
	t.lines = append(t.lines[:t.row], append(parts, t.lines[t.row+1:]...)...)
	t.row += len(parts) - 1
	t.col = utf8.RuneCountInString(last)
	t.goal = -1
}

// deleteRange removes the text from (r0, c0) to (r1, c1), the first before
// the second, and leaves the cursor at (r0, c0).
func (t *textLines) deleteRange(r0, c0, r1, c1 int) {
	head := t.lines[r0][:byteOffset(t.lines[r0], c0)]
	tail := t.lines[r1][byteOffset(t.lines[r1], c1):]
	t.lines[r0] = head + tail
	t.lines = append(t.lines[:r0+1], t.lines[r1+1:]...)
	t.row, t.col, t.goal = r0, c0, -1
}

// runes is the rune count of line r.
func (t *textLines) runes(r int) int { return utf8.RuneCountInString(t.lines[r]) }

// left and right are the positions one rune before and after the cursor,
// across line ends.
func (t *textLines) left() (int, int) {
	switch {
	case t.col > 0:
		return t.row, t.col - 1
	case t.row > 0:
		return t.row - 1, t.runes(t.row - 1)
	}
	return t.row, t.col
}

func (t *textLines) right() (int, int) {
	switch {
	case t.col < t.runes(t.row):
		return t.row, t.col + 1
	case t.row < len(t.lines)-1:
		return t.row + 1, 0
	}
	return t.row, t.col
}

// wordLeft and wordRight are the positions at the start of the word
// before the cursor and after the end of the word after it.
func (t *textLines) wordLeft() (int, int) {
	r, c := t.row, t.col
	if c == 0 {
		return t.left()
	}
	rs := []rune(t.lines[r])
	for c > 0 && unicode.IsSpace(rs[c-1]) {
		c--
	}
	for c > 0 && !unicode.IsSpace(rs[c-1]) {
		c--
	}
	return r, c
}

func (t *textLines) wordRight() (int, int) {
	r, c := t.row, t.col
	rs := []rune(t.lines[r])
	if c == len(rs) {
		return t.right()
	}
	for c < len(rs) && unicode.IsSpace(rs[c]) {
		c++
	}
	for c < len(rs) && !unicode.IsSpace(rs[c]) {
		c++
	}
	return r, c
}

// move puts the cursor at (r, c), clamped to the text.
func (t *textLines) move(r, c int) {
	t.row = min(max(0, r), len(t.lines)-1)
	t.col = min(max(0, c), t.runes(t.row))
	t.goal = -1
}

// vertical moves the cursor n lines down (up when negative), keeping the
// column it aimed for.
func (t *textLines) vertical(n int) {
	if t.goal < 0 {
		t.goal = t.col
	}
	goal := t.goal
	t.row = min(max(0, t.row+n), len(t.lines)-1)
	t.col = min(goal, t.runes(t.row))
	t.goal = goal
}

// byteOffset is the byte offset of rune column col in s (len(s) past the
// end).
func byteOffset(s string, col int) int {
	for i := range s {
		if col == 0 {
			return i
		}
		col--
	}
	return len(s)
}

// moveKey moves the cursor for a movement key of the text area's key map
// (page is the rows of a page) and reports whether k was one.
func (t *textLines) moveKey(k tea.KeyPressMsg, km textarea.KeyMap, page int) bool {
	switch {
	case key.Matches(k, km.CharacterForward):
		t.move(t.right())
	case key.Matches(k, km.CharacterBackward):
		t.move(t.left())
	case key.Matches(k, km.WordForward):
		t.move(t.wordRight())
	case key.Matches(k, km.WordBackward):
		t.move(t.wordLeft())
	case key.Matches(k, km.LineNext):
		t.vertical(1)
	case key.Matches(k, km.LinePrevious):
		t.vertical(-1)
	case key.Matches(k, km.PageDown):
		t.vertical(page)
	case key.Matches(k, km.PageUp):
		t.vertical(-page)
	case key.Matches(k, km.LineStart):
		t.move(t.row, 0)
	case key.Matches(k, km.LineEnd):
		t.move(t.row, t.runes(t.row))
	case key.Matches(k, km.InputBegin):
		t.move(0, 0)
	case key.Matches(k, km.InputEnd):
		last := len(t.lines) - 1
		t.move(last, t.runes(last))
	default:
		return false
	}
	return true
}

// changeKey applies a key that changes the text (when apply is set) and
// reports whether k is one. text is what a typed key inserts, made safe.
func (t *textLines) changeKey(k tea.KeyPressMsg, km textarea.KeyMap, text string, apply bool) bool {
	r, c := t.row, t.col
	var do func()
	switch {
	case key.Matches(k, km.DeleteCharacterBackward):
		do = func() { r0, c0 := t.left(); t.deleteRange(r0, c0, r, c) }
	case key.Matches(k, km.DeleteCharacterForward):
		do = func() { r1, c1 := t.right(); t.deleteRange(r, c, r1, c1) }
	case key.Matches(k, km.DeleteWordBackward):
		do = func() { r0, c0 := t.wordLeft(); t.deleteRange(r0, c0, r, c) }
	case key.Matches(k, km.DeleteWordForward):
		do = func() { r1, c1 := t.wordRight(); t.deleteRange(r, c, r1, c1) }
	case key.Matches(k, km.DeleteAfterCursor):
		do = func() { t.deleteRange(r, c, r, t.runes(r)) }
	case key.Matches(k, km.DeleteBeforeCursor):
		do = func() { t.deleteRange(r, 0, r, c) }
	case key.Matches(k, km.InsertNewline):
		do = func() { t.insert("\n") }
	case text != "":
		do = func() { t.insert(text) }
	default:
		return false
	}
	if apply {
		do()
	}
	return true
}
