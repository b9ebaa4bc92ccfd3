package kit

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/mxray/mxray/diag/termsafe"
)

// Safe makes text from outside mxray (DNS answers, names, messages that
// quote records) safe to draw on one line. Every such string passes
// through it before it is drawn.
func Safe(s string) string { return termsafe.String(s) }

// Width is a string's width in terminal cells, styles ignored. Text made
// of ASCII, SGR sequences and the one-cell symbols the TUI draws with is
// measured directly; anything else (wide characters, combining marks,
// emoji) by grapheme clusters, with ansi.StringWidth.
func Width(s string) int {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ansi.ESC:
			j := skipCSI(s, i)
			if j < 0 {
				return ansi.StringWidth(s)
			}
			i = j
		case c < 0x20 || c == 0x7f:
			i++
		case c < 0x80:
			n++
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if !oneCell(r) {
				return ansi.StringWidth(s)
			}
			n++
			i += size
		}
	}
	return n
}

// skipCSI returns the index after the CSI sequence (ESC [ ... final) at i,
// or -1 when there is another kind of sequence there.
func skipCSI(s string, i int) int {
	if i+1 >= len(s) || s[i+1] != '[' {
		return -1
	}
	for j := i + 2; j < len(s); j++ {
		if c := s[j]; c >= 0x40 && c <= 0x7e {
			return j + 1
		} else if c < 0x20 || c > 0x7e {
			return -1
		}
	}
	return -1
}

// oneCell reports whether r is a character known to take one cell and not
// to join a grapheme cluster: Latin letters and signs, general
// punctuation, arrows, box drawing, the plain geometric shapes, braille
// (the spinner) and the check and cross marks.
func oneCell(r rune) bool {
	switch {
	case r >= 0xa0 && r < 0x300 && r != 0xad, // not the soft hyphen
		r >= 0x2010 && r <= 0x2027, r >= 0x2030 && r <= 0x205e,
		r >= 0x2190 && r <= 0x21ff,
		r >= 0x2500 && r <= 0x25fc,
		r >= 0x2800 && r <= 0x28ff,
		r == 0x2713, r == 0x2717:
		return true
	}
	return false
}

// Truncate cuts s (which may carry styles) to at most w cells, ending in
// tail when something was cut.
func Truncate(s string, w int, tail string) string {
	s, _ = truncateWidth(s, w, tail)
	return s
}

// truncateWidth is truncate that also returns the result's width.
func truncateWidth(s string, w int, tail string) (string, int) {
	if w <= 0 {
		return "", 0
	}
	if sw := Width(s); sw <= w {
		return s, sw
	}
	if Width(tail) >= w {
		tail = ""
	}
	s = ansi.Truncate(s, w, tail)
	return s, Width(s)
}

// Pad fills s with spaces on the right to w cells (cutting it when wider).
func Pad(s string, w int, tail string) string {
	s, sw := truncateWidth(s, w, tail)
	if n := w - sw; n > 0 {
		s += strings.Repeat(" ", n)
	}
	return s
}

// PadLeft right-aligns s in w cells.
func PadLeft(s string, w int) string {
	s, sw := truncateWidth(s, w, "")
	if n := w - sw; n > 0 {
		s = strings.Repeat(" ", n) + s
	}
	return s
}

// Fit makes a block exactly w cells wide and h lines high: long lines are
// cut with tail, short ones padded, missing lines added, extra ones dropped.
// It is the last guard against a pane drawing outside its box.
func Fit(block string, w, h int, tail string) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	lines := strings.Split(block, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	var b strings.Builder
	for i := range h {
		line := ""
		if i < len(lines) {
			line = lines[i]
		}
		b.WriteString(Pad(line, w, tail))
		if i < h-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// Wrap breaks text into lines of at most w cells, only at spaces: a term
// such as "-all" or "include:_spf.example" is never split where it has a
// hyphen or a colon. Only a word wider than a whole line (a DKIM key, a
// URL) is cut inside, hard. Runs of spaces inside a line are kept; a
// newline starts a new line. Styles pass through.
func Wrap(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	var out []string
	for para := range strings.SplitSeq(s, "\n") {
		out = wrapLine(out, para, w)
	}
	if strings.Contains(s, "\x1b[") {
		carryStyles(out)
	}
	return out
}

// carryStyles closes a style left open at the end of a line and opens it
// again on the next, so a style never bleeds into a line's padding.
func carryStyles(lines []string) {
	active := ""
	for i, l := range lines {
		prefix := active
		for j := 0; j < len(l); {
			k := strings.Index(l[j:], "\x1b[")
			if k < 0 {
				break
			}
			end := skipCSI(l, j+k)
			if end < 0 {
				break
			}
			seq := l[j+k : end]
			switch {
			case seq == "\x1b[m" || seq == "\x1b[0m":
				active = ""
			case strings.HasSuffix(seq, "m"):
				active += seq
			}
			j = end
		}
		l = prefix + l
		if active != "" {
			l += "\x1b[m"
		}
		lines[i] = l
	}
}

// wrapLine appends the lines of one paragraph wrapped to w cells.
func wrapLine(out []string, s string, w int) []string {
	var line strings.Builder
	lineW := 0
	flush := func() {
		out = append(out, strings.TrimRight(line.String(), " "))
		line.Reset()
		lineW = 0
	}
	first := true
	for s != "" {
		// A run of spaces, then a word.
		sp := len(s) - len(strings.TrimLeft(s, " "))
		gap, rest := s[:sp], s[sp:]
		end := strings.IndexByte(rest, ' ')
		if end < 0 {
			end = len(rest)
		}
		word := rest[:end]
		s = rest[end:]
		ww := Width(word)
		switch {
		case lineW > 0 && lineW+len(gap)+ww <= w:
			line.WriteString(gap)
			line.WriteString(word)
			lineW += len(gap) + ww
			continue
		case lineW > 0:
			flush()
		case first && sp > 0 && len(gap)+ww <= w:
			// Leading spaces of the paragraph are its indent.
			line.WriteString(gap)
			lineW = len(gap)
		}
		first = false
		if ww <= w-lineW {
			line.WriteString(word)
			lineW += ww
			continue
		}
		// A word wider than the line: cut it, hard.
		pieces := strings.Split(ansi.Hardwrap(word, w, true), "\n")
		for i, h := range pieces {
			h = Truncate(h, w, "") // a wide character in one cell
			if i < len(pieces)-1 {
				out = append(out, h)
				continue
			}
			line.WriteString(h)
			lineW = Width(h)
		}
	}
	if lineW > 0 || line.Len() > 0 || len(out) == 0 || first {
		flush()
	}
	return out
}

// WrapIndent wraps s to w cells; every line after the first is indented by
// indent spaces (the first takes the label before it).
func WrapIndent(s string, w, indent int) []string {
	lines := Wrap(s, w-indent)
	for i := 1; i < len(lines); i++ {
		lines[i] = strings.Repeat(" ", indent) + lines[i]
	}
	return lines
}

// ASCIIFold makes drawn text ASCII for a terminal whose locale is not
// UTF-8, keeping every line as wide as it was: a one-cell character
// becomes one ASCII character (§ S, · -, → >, … ., dashes -, curly quotes
// straight, anything else ?), a wider one as many question marks. Escape
// sequences pass unchanged.
func ASCIIFold(s string) string {
	if isASCII(s) {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if !isASCII(l) {
			lines[i] = foldLine(l)
		}
	}
	return strings.Join(lines, "\n")
}

// foldLine folds one line; where grapheme clustering makes the pieces add
// up to another width than the whole, the line is padded or cut back to
// its width.
func foldLine(l string) string {
	want := ansi.StringWidth(l)
	var b strings.Builder
	b.Grow(len(l))
	var state byte
	for rest := l; len(rest) > 0; {
		seq, w, n, next := ansi.DecodeSequence(rest, state, nil)
		state = next
		if n <= 0 {
			break
		}
		switch {
		case isASCII(seq) || w == 0:
			if isASCII(seq) {
				b.WriteString(seq)
			}
		case w >= 2:
			b.WriteString(strings.Repeat("?", w))
		default:
			b.WriteByte(foldRune(seq))
		}
		rest = rest[n:]
	}
	out := b.String()
	if Width(out) != want {
		out = Pad(out, want, "")
	}
	return out
}

// foldRune is the ASCII stand-in for a one-cell character.
func foldRune(g string) byte {
	switch g {
	case "§":
		return 'S'
	case "·", "–", "—", "─", "━":
		return '-'
	case "→", "›", "▸", "»":
		return '>'
	case "←", "‹", "◀", "«":
		return '<'
	case "…":
		return '.'
	case "“", "”", "„":
		return '"'
	case "‘", "’", "‚":
		return '\''
	case "│", "┃":
		return '|'
	}
	return '?'
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// JoinFit joins parts with sep, as many as fit in w cells: the parts
// that do not fit are left out whole (the detail view shows them), and
// only a first part wider than w is cut.
func JoinFit(parts []string, sep string, w int, tail string) string {
	var b strings.Builder
	n := 0
	for i, p := range parts {
		pw := Width(p)
		if i == 0 {
			p = Truncate(p, w, tail)
			b.WriteString(p)
			n = Width(p)
			continue
		}
		if n+Width(sep)+pw > w {
			break
		}
		b.WriteString(sep + p)
		n += Width(sep) + pw
	}
	return b.String()
}

// Plural is "1 thing" or "n things".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return Itoa(n) + " " + many
}

// Itoa is strconv.Itoa.
func Itoa(n int) string { return strconv.Itoa(n) }

// OrNone is s, or "(none)" when it is empty.
func OrNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// YesNo spells a boolean.
func YesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// Elapsed formats a duration briefly: whole milliseconds under a second,
// else seconds with one decimal.
func Elapsed(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
}
