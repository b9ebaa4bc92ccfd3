package kittest

import (
	"strconv"
	"strings"
	"sync"

	"github.com/charmbracelet/x/ansi"
)

// Screen is a small terminal emulator for tests: it applies what a
// tea.Program writes (the cursor movements, erasures, scrolls, inserts and
// deletions Bubble Tea's cell renderer uses) to a grid of cells, so a test
// can wait for what a person would see on the screen rather than for bytes.
// Styles are ignored. Unknown sequences are counted so a test can insist
// there are none.
type Screen struct {
	mu       sync.Mutex
	w, h     int
	cells    [][]string // "" is a blank cell; a wide rune's second cell is "\x00"
	x, y     int
	top, bot int // the scroll region, inclusive
	insert   bool
	wrapNext bool
	autowrap bool
	last     string // the last printed grapheme, for REP
	onlcr    bool   // LF also returns the carriage (a tty's ONLCR)
	unknown  []string
	pending  []byte
}

// NewScreen returns a blank w×h screen; onlcr says whether a line feed
// also returns the carriage, as a tty not in raw mode does.
func NewScreen(w, h int, onlcr bool) *Screen {
	s := &Screen{w: w, h: h, autowrap: true, onlcr: onlcr}
	s.reset()
	return s
}

func (s *Screen) reset() {
	s.cells = make([][]string, s.h)
	for i := range s.cells {
		s.cells[i] = make([]string, s.w)
	}
	s.x, s.y, s.top, s.bot = 0, 0, 0, s.h-1
}

// Resize changes the grid's size, keeping what fits.
func (s *Screen) Resize(w, h int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cells := make([][]string, h)
	for i := range cells {
		cells[i] = make([]string, w)
		if i < len(s.cells) {
			copy(cells[i], s.cells[i])
		}
	}
	s.w, s.h, s.cells = w, h, cells
	s.top, s.bot = 0, h-1
	s.x, s.y = min(s.x, w-1), min(s.y, h-1)
}

// Write feeds output to the screen.
func (s *Screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	data := append(s.pending, p...)
	s.pending = nil
	for len(data) > 0 {
		seq, width, n, _ := ansi.DecodeSequence(data, ansi.NormalState, nil)
		if n == 0 {
			break
		}
		// An escape sequence cut at the end of this write: wait for more.
		if data[0] == ansi.ESC && n == len(data) && !complete(seq) {
			s.pending = append([]byte(nil), data...)
			break
		}
		s.apply(seq, width)
		data = data[n:]
	}
	return len(p), nil
}

// complete reports whether an escape sequence looks finished.
func complete(seq []byte) bool {
	if len(seq) < 2 {
		return false
	}
	switch seq[1] {
	case '[':
		c := seq[len(seq)-1]
		return c >= 0x40 && c <= 0x7e && len(seq) > 2
	case ']', 'P', '_', '^', 'X':
		return seq[len(seq)-1] == ansi.BEL || strings.HasSuffix(string(seq), "\x1b\\")
	}
	return true
}

func (s *Screen) apply(seq []byte, width int) {
	str := string(seq)
	switch {
	case len(seq) == 0:
	case seq[0] == ansi.ESC && len(seq) > 1 && seq[1] == '[':
		s.csi(str)
	case seq[0] == ansi.ESC:
		s.esc(str)
	case len(seq) == 1 && seq[0] < 0x20 || seq[0] == ansi.DEL:
		s.control(seq[0])
	default:
		s.print(str, width)
	}
}

func (s *Screen) control(c byte) {
	switch c {
	case '\r':
		s.x, s.wrapNext = 0, false
	case '\n':
		// With ONLCR the tty turns LF into CR LF. Bubble Tea writes for
		// that when it has no terminal of its own to put in raw mode (as
		// under teatest), and for a bare LF on a raw terminal.
		if s.onlcr {
			s.x = 0
		}
		s.lineFeed()
	case '\v', '\f':
		s.lineFeed()
	case '\b':
		s.x, s.wrapNext = max(0, s.x-1), false
	case '\t':
		s.x = min(s.w-1, (s.x/8+1)*8)
	case ansi.BEL, 0, ansi.DEL:
	default:
		s.unknown = append(s.unknown, strconv.Quote(string(c)))
	}
}

func (s *Screen) lineFeed() {
	s.wrapNext = false
	if s.y == s.bot {
		s.scrollUp(1)
		return
	}
	s.y = min(s.h-1, s.y+1)
}

func (s *Screen) print(g string, width int) {
	if width <= 0 {
		width = ansi.StringWidth(g)
	}
	if width == 0 {
		return
	}
	if s.wrapNext && s.autowrap {
		s.x = 0
		s.lineFeed()
	}
	s.wrapNext = false
	if s.insert {
		s.insertChars(width)
	}
	if s.x+width > s.w {
		return
	}
	s.cells[s.y][s.x] = g
	for i := 1; i < width; i++ {
		s.cells[s.y][s.x+i] = "\x00"
	}
	s.last = g
	if s.x+width >= s.w {
		s.x = s.w - 1
		s.wrapNext = true
		return
	}
	s.x += width
}

func (s *Screen) esc(str string) {
	switch str {
	case "\x1bM": // RI
		if s.y == s.top {
			s.scrollDown(1)
		} else {
			s.y = max(0, s.y-1)
		}
	case "\x1bD": // IND
		s.lineFeed()
	case "\x1bE": // NEL
		s.x = 0
		s.lineFeed()
	case "\x1b7", "\x1b8", "\x1b=", "\x1b>":
	default:
		if strings.HasPrefix(str, "\x1b]") || strings.HasPrefix(str, "\x1bP") || strings.HasPrefix(str, "\x1b_") {
			return // OSC, DCS, APC: titles, clipboard, queries
		}
		s.unknown = append(s.unknown, strconv.Quote(str))
	}
}

// csi applies a control sequence.
func (s *Screen) csi(str string) {
	body := str[2:]
	final := body[len(body)-1]
	params := body[:len(body)-1]
	private := strings.HasPrefix(params, "?") || strings.HasPrefix(params, ">") || strings.HasPrefix(params, "=") || strings.HasPrefix(params, "<")
	nums := parseParams(strings.TrimLeft(params, "?><="))
	n := func(i, def int) int {
		if i < len(nums) && nums[i] > 0 {
			return nums[i]
		}
		return def
	}
	if private {
		switch final {
		case 'h', 'l':
			set := final == 'h'
			for _, p := range nums {
				switch p {
				case 7:
					s.autowrap = set
				case 1049, 47, 1047:
					s.reset()
				}
			}
		}
		return // other private modes and queries do not draw
	}
	s.wrapNext = false
	switch final {
	case 'm', 'q', 't', 'c', 'n':
		// styles, cursor style, window ops, device attributes, reports
	case 'H', 'f':
		s.y, s.x = clamp(n(0, 1)-1, 0, s.h-1), clamp(n(1, 1)-1, 0, s.w-1)
	case 'A':
		s.y = max(s.y-n(0, 1), 0)
	case 'B', 'e':
		s.y = min(s.y+n(0, 1), s.h-1)
	case 'C', 'a':
		s.x = min(s.x+n(0, 1), s.w-1)
	case 'D':
		s.x = max(s.x-n(0, 1), 0)
	case 'E':
		s.x, s.y = 0, min(s.y+n(0, 1), s.h-1)
	case 'F':
		s.x, s.y = 0, max(s.y-n(0, 1), 0)
	case 'G', '`':
		s.x = clamp(n(0, 1)-1, 0, s.w-1)
	case 'd':
		s.y = clamp(n(0, 1)-1, 0, s.h-1)
	case 'I':
		for range n(0, 1) {
			s.x = min(s.w-1, (s.x/8+1)*8)
		}
	case 'Z':
		for range n(0, 1) {
			s.x = max(0, (s.x-1)/8*8)
		}
	case 'K':
		from, to := s.x, s.w
		switch n(0, 0) {
		case 1:
			from, to = 0, s.x+1
		case 2:
			from, to = 0, s.w
		}
		for i := from; i < to && i < s.w; i++ {
			s.cells[s.y][i] = ""
		}
	case 'J':
		switch n(0, 0) {
		case 0:
			for i := s.x; i < s.w; i++ {
				s.cells[s.y][i] = ""
			}
			for y := s.y + 1; y < s.h; y++ {
				s.cells[y] = make([]string, s.w)
			}
		case 1:
			for y := range s.y {
				s.cells[y] = make([]string, s.w)
			}
			for i := 0; i <= s.x && i < s.w; i++ {
				s.cells[s.y][i] = ""
			}
		default:
			for y := range s.h {
				s.cells[y] = make([]string, s.w)
			}
		}
	case 'X':
		for i := s.x; i < s.x+n(0, 1) && i < s.w; i++ {
			s.cells[s.y][i] = ""
		}
	case 'b':
		for range n(0, 1) {
			s.print(s.last, ansi.StringWidth(s.last))
		}
	case '@':
		s.insertChars(n(0, 1))
	case 'P':
		row := s.cells[s.y]
		k := min(n(0, 1), s.w-s.x)
		copy(row[s.x:], row[s.x+k:])
		for i := s.w - k; i < s.w; i++ {
			row[i] = ""
		}
	case 'L':
		if s.y >= s.top && s.y <= s.bot {
			s.scrollDownFrom(s.y, n(0, 1))
		}
	case 'M':
		if s.y >= s.top && s.y <= s.bot {
			s.scrollUpFrom(s.y, n(0, 1))
		}
	case 'S':
		s.scrollUp(n(0, 1))
	case 'T':
		s.scrollDown(n(0, 1))
	case 'r':
		s.top, s.bot = clamp(n(0, 1)-1, 0, s.h-1), clamp(n(1, s.h)-1, 0, s.h-1)
		s.x, s.y = 0, 0
	case 'h', 'l':
		for _, p := range nums {
			if p == 4 {
				s.insert = final == 'h'
			}
		}
	default:
		s.unknown = append(s.unknown, strconv.Quote(str))
	}
}

func (s *Screen) insertChars(k int) {
	row := s.cells[s.y]
	k = min(k, s.w-s.x)
	copy(row[s.x+k:], row[s.x:s.w-k])
	for i := s.x; i < s.x+k; i++ {
		row[i] = ""
	}
}

func (s *Screen) scrollUp(k int)   { s.scrollUpFrom(s.top, k) }
func (s *Screen) scrollDown(k int) { s.scrollDownFrom(s.top, k) }

// scrollUpFrom moves lines [from, bot] up by k, blank lines entering at
// the bottom of the region.
func (s *Screen) scrollUpFrom(from, k int) {
	for range k {
		copy(s.cells[from:s.bot+1], s.cells[from+1:s.bot+1])
		s.cells[s.bot] = make([]string, s.w)
	}
}

// scrollDownFrom moves lines [from, bot] down by k, blank lines entering
// at from.
func (s *Screen) scrollDownFrom(from, k int) {
	for range k {
		copy(s.cells[from+1:s.bot+1], s.cells[from:s.bot])
		s.cells[from] = make([]string, s.w)
	}
}

func parseParams(p string) []int {
	if p == "" {
		return nil
	}
	var out []int
	for f := range strings.SplitSeq(p, ";") {
		if i := strings.IndexByte(f, ':'); i >= 0 {
			f = f[:i]
		}
		v, _ := strconv.Atoi(f)
		out = append(out, v)
	}
	return out
}

func clamp(v, lo, hi int) int { return min(max(v, lo), hi) }

// String returns the screen's text, one line per row, trailing blanks
// trimmed.
func (s *Screen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	lines := make([]string, s.h)
	for y, row := range s.cells {
		var b strings.Builder
		for _, c := range row {
			switch c {
			case "":
				b.WriteByte(' ')
			case "\x00":
			default:
				b.WriteString(c)
			}
		}
		lines[y] = strings.TrimRight(b.String(), " ")
	}
	return strings.Join(lines, "\n")
}

// Unknown lists the sequences the emulator did not understand.
func (s *Screen) Unknown() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.unknown...)
}
