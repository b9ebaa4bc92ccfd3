package tui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/mxray/mxray/tui/kit"
)

// The header editor draws only the rows that are on screen. The bubbles
// text area it used before wrapped, measured and styled every line of the
// text on every frame and on every key (its Update redraws, and its cursor
// bookkeeping walks every line above the cursor), which made each key of
// a 1 MiB paste cost 150–210 ms: keys queued behind the redraws and
// ctrl+c waited its turn. Here a window onto the lines (top) follows the
// cursor, and only the lines drawn are wrapped.

// editorGutter is the line-number column: " 1234 ", wide enough for
// editorMaxLines lines.
var editorGutter = len(strconv.Itoa(editorMaxLines)) + 2

// measured counts the lines segments has wrapped, for the test that a
// redraw measures only what is on screen. Only the program's one Update
// and View goroutine touches it.
var measured int

// window is the first row the editor shows: a line, and a wrapped segment
// of it.
type window struct{ line, seg int }

func (a window) before(b window) bool { return a.line < b.line || a.line == b.line && a.seg < b.seg }

// segments cuts a line into rows of at most w cells; each is a rune range
// [start, end). A line always has at least one row.
func segments(line string, w int) [][2]int {
	measured++
	var out [][2]int
	start, cells, i := 0, 0, 0
	for _, r := range line {
		rw := runeCells(r)
		if cells+rw > w && i > start {
			out = append(out, [2]int{start, i})
			start, cells = i, 0
		}
		cells += rw
		i++
	}
	return append(out, [2]int{start, i})
}

// runeCells is a rune's width on screen; the text is made safe already, so
// there are no controls.
func runeCells(r rune) int {
	if r < 0x80 {
		return 1
	}
	return ansi.StringWidth(string(r))
}

// cursorSeg is the row of a line the cursor at rune column col is on: the
// row holding that rune, or the last row when col is past the end.
func cursorSeg(segs [][2]int, col int) int {
	for k, s := range segs {
		if col < s[1] {
			return k
		}
	}
	return len(segs) - 1
}

// textWidth is the columns the text gets beside the gutter.
func (e *pasteEditor) textWidth() int { return max(1, e.w-2-editorGutter) }

// textHeight is the rows of text the editor shows.
func (e *pasteEditor) textHeight() int { return max(1, e.h-e.chromeHeight()) }

// scroll moves the window so the cursor's row is on screen, looking at no
// more lines than the screen holds.
func (e *pasteEditor) scroll(cur window, w, h int) {
	if n := len(e.text.lines); e.top.line >= n {
		e.top = window{line: n - 1}
	}
	if cur.before(e.top) {
		e.top = cur
		return
	}
	// Is the cursor within h rows of the top?
	rows := 0
	for l := e.top.line; l < len(e.text.lines) && rows < h; l++ {
		n := len(segments(e.text.lines[l], w))
		from := 0
		if l == e.top.line {
			from = min(e.top.seg, n-1)
		}
		if l == cur.line {
			if rows+cur.seg-from < h {
				return
			}
			break
		}
		rows += n - from
	}
	// No: put the cursor's row at the bottom, counting back from it.
	top, rows := cur, 1
	for rows < h && (top.line > 0 || top.seg > 0) {
		if top.seg > 0 {
			top.seg--
		} else {
			top.line--
			top.seg = len(segments(e.text.lines[top.line], w)) - 1
		}
		rows++
	}
	e.top = top
}

// drawText draws the rows of text on screen, with line numbers and the
// cursor, each w+gutter cells wide.
func (e *pasteEditor) drawText() []string {
	// The text area's styles are these (kit.NewStyles builds them so);
	// kit's own render a line with two concatenations.
	text, number := e.com.Styles.Input, e.com.Styles.Muted
	w, h := e.textWidth(), e.textHeight()
	row, col := e.text.row, e.text.col
	if len(e.raw) == 0 && e.synced {
		return e.placeholder(w, h)
	}
	cur := window{line: row, seg: cursorSeg(segments(e.text.lines[row], w), col)}
	e.scroll(cur, w, h)
	out := make([]string, 0, h)
	for l := e.top.line; l < len(e.text.lines) && len(out) < h; l++ {
		line := e.text.lines[l]
		runes := []rune(line)
		segs := segments(line, w)
		first := 0
		if l == e.top.line {
			first = min(e.top.seg, len(segs)-1)
		}
		for k := first; k < len(segs) && len(out) < h; k++ {
			n := " "
			if k == 0 {
				n = strconv.Itoa(l + 1)
			}
			var b strings.Builder
			b.WriteString(number.Render(fmt.Sprintf(" %*s ", editorGutter-2, n)))
			seg := string(runes[segs[k][0]:segs[k][1]])
			if l == row && k == cur.seg && e.focused {
				at := col - segs[k][0]
				segRunes := runes[segs[k][0]:segs[k][1]]
				under := " "
				if at < len(segRunes) {
					under = string(segRunes[at])
				}
				b.WriteString(text.Render(string(segRunes[:min(at, len(segRunes))])))
				b.WriteString(text.Style.Reverse(true).Render(under))
				if at+1 < len(segRunes) {
					b.WriteString(text.Render(string(segRunes[at+1:])))
				}
			} else {
				b.WriteString(text.Render(seg))
			}
			out = append(out, b.String())
		}
	}
	for len(out) < h {
		out = append(out, "")
	}
	return out
}

// placeholder is what the empty editor shows: the cursor, then the hint.
func (e *pasteEditor) placeholder(w, h int) []string {
	st := e.com.Styles
	gutter := st.Muted.Render(fmt.Sprintf(" %*s ", editorGutter-2, "1"))
	hint := []rune(editorPlaceholder)
	first := string(hint[:1])
	if e.focused {
		first = st.Muted.Style.Reverse(true).Render(first)
	} else {
		first = st.Muted.Render(first)
	}
	out := []string{gutter + first + st.Muted.Render(kit.Truncate(string(hint[1:]), max(0, w-1), e.com.Glyphs.Ellipsis))}
	for len(out) < h {
		out = append(out, "")
	}
	return out
}
