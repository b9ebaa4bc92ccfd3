package paste

import (
	"strings"

	"github.com/mxray/mxray/headers/rfc5322"
)

// preamble skips what mail programs put above the header block when the
// header is copied from them, starting at line i, and returns the index of
// the first line of the header proper.
func (p *pasteParser) preamble(i int) int {
	for i < len(p.lines) {
		s := p.lines[i].s
		switch {
		case strings.HasPrefix(s, "From ") && !rfc5322.IsFieldLine(s):
			p.problem(p.lines[i].num, RepairPreamble, "the mbox “From ” separator line was skipped")
		case strings.TrimSpace(s) == "Microsoft Mail Internet Headers Version 2.0":
			p.problem(p.lines[i].num, RepairPreamble, "Outlook's “Microsoft Mail Internet Headers Version 2.0” label line was skipped")
		case isGmailBoxStart(s):
			return p.gmailBox(i)
		default:
			return i
		}
		i = p.skipBlank(i + 1)
	}
	return i
}

// isGmailBoxStart reports whether s opens the summary box Gmail shows
// above the original message ("Show original").
func isGmailBoxStart(s string) bool {
	t := strings.TrimSpace(s)
	if t == "Original message" {
		return true
	}
	for _, label := range []string{"Message ID", "Created at:", "Created on:"} {
		if len(t) > len(label) && strings.EqualFold(t[:len(label)], label) && (label[len(label)-1] == ':' || t[len(label)] == ' ' || t[len(label)] == '\t') {
			return true
		}
	}
	return false
}

// gmailBoxLabels are the rows of Gmail's summary box that look like header
// fields; a field with another name starts the real header.
var gmailBoxLabels = []string{"From", "To", "Cc", "Bcc", "Subject", "Date", "SPF", "DKIM", "DMARC"}

// gmailBox skips Gmail's summary box starting at line i, keeping its rows
// in Message.Summary, and returns the index of the first header line.
func (p *pasteParser) gmailBox(i int) int {
	start := p.lines[i].num
	j := i
	for ; j < len(p.lines); j++ {
		s := p.lines[j].s
		t := strings.TrimSpace(s)
		if t == "" {
			continue
		}
		low := strings.ToLower(t)
		if strings.HasPrefix(low, "download original") || strings.HasPrefix(low, "copy to clipboard") {
			// The buttons end the box; a second button line may follow.
			for j+1 < len(p.lines) {
				n := strings.ToLower(strings.TrimSpace(p.lines[j+1].s))
				if n != "" && !strings.HasPrefix(n, "copy to clipboard") && !strings.HasPrefix(n, "download original") {
					break
				}
				j++
			}
			j++
			break
		}
		if rfc5322.IsFieldLine(s) {
			name, _, _ := strings.Cut(s, ":")
			if !containsFold(gmailBoxLabels, strings.TrimSpace(name)) {
				break
			}
		}
		p.res.Summary = append(p.res.Summary, boxRow(t, p.lines[j].num))
	}
	end := start
	if j > 0 && j <= len(p.lines) {
		end = p.lines[j-1].num
	}
	p.problem(start, RepairPreamble, "Gmail's “Show original” summary box (lines %d–%d) was skipped; the header below it was read", start, end)
	return j
}

// boxRow splits one row of Gmail's summary box into label and value.
func boxRow(t string, num int) Field {
	label, value := t, ""
	if k := strings.IndexAny(t, ":\t"); k >= 0 {
		label, value = t[:k], t[k+1:]
	} else if strings.HasPrefix(t, "Message ID ") {
		label, value = "Message ID", t[len("Message ID "):]
	}
	value = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(value), "Learn more"))
	return Field{Name: strings.TrimSpace(strings.TrimSuffix(label, ":")), Raw: t, Value: value, Line: num}
}

// detectDoubleSpaced reports whether the header starting at line i has a
// blank line after every header line, a known copy-and-paste artefact. It
// needs at least four header lines in a row, each followed by exactly one
// blank line, the first of them a field and at least three of them fields
// or folds (the others may be continuations that lost their indentation).
func (p *pasteParser) detectDoubleSpaced(i int) bool {
	if i >= len(p.lines) || p.lines[i].kind != kindField && p.lines[i].kind != kindWeak {
		return false
	}
	pairs, header := 0, 0
	for j := i; j+1 < len(p.lines); j += 2 {
		k := p.lines[j].kind
		if k == kindBlank || p.lines[j+1].kind != kindBlank {
			break
		}
		pairs++
		if k != kindOther {
			header++
		}
		if j+2 < len(p.lines) && p.lines[j+2].kind == kindBlank {
			break
		}
	}
	return pairs >= 4 && header >= 3 && header*2 >= pairs
}

// survey reads the header block starting at line i once, before it is
// parsed: the width its lines were broken at (wrapInfo), whether lines
// that cannot start a field stand among the fields (damaged), and which
// lines have a field after them before the block ends (fieldAfter), and
// which have an empty line after them (blankAfter).
func (p *pasteParser) survey(i int) {
	n := len(p.lines)
	p.fieldAfter = make([]bool, n)
	p.blankAfter = make([]bool, n)
	seen, blank := false, false
	for k := n - 1; k >= 0; k-- {
		p.fieldAfter[k], p.blankAfter[k] = seen, blank
		switch l := p.lines[k]; {
		case l.s == "" && (!p.double || k+1 == n || p.lines[k+1].kind == kindBlank):
			seen, blank = false, true
		case l.kind == kindField:
			seen = true
		}
	}
	end := i
	for end < n && !(p.lines[end].s == "" && (!p.double || end+1 == n || p.lines[end+1].kind == kindBlank)) {
		end++
	}
	p.wrap = measureWrap(p.lines[i:end])
	started, others, atWidth := false, 0, 0
	for k := i; k < end; k++ {
		l := p.lines[k]
		if l.kind == kindField {
			started = true
		}
		if !started || l.kind != kindOther {
			continue
		}
		others++
		if p.wrap.at(p.above(k)) {
			atWidth++
		}
	}
	// One line cut once can be a terminal's cut or a mail client's soft
	// break: that takes two.
	p.wrap.char = others > 0 && atWidth == others && (p.wrap.n >= 2 || others >= 2)
	p.damaged = others > atWidth
}

// wrapInfo is the width a paste's lines were broken at: by a terminal
// (every break at the width, mid-word) or by a mail client re-wrapping at
// 72–78 columns (breaks at spaces, long words cut at the width). The
// width is that of the widest lines, counted both in characters and in
// terminal columns (tab stops every 8), when between 60 and 512 (no
// terminal is wider); 0 when there is none.
type wrapInfo struct {
	runes, cols int
	n           int  // how many lines are that wide
	char        bool // broken by a terminal: every break is at the width
}

// measureWrap finds the widest lines of a header block.
func measureWrap(lines []line) wrapInfo {
	var w wrapInfo
	nr, nc := 0, 0
	for _, l := range lines {
		switch r := runeWidth(l.s); {
		case r > w.runes:
			w.runes, nr = r, 1
		case r == w.runes:
			nr++
		}
		switch c := displayWidth(l.s); {
		case c > w.cols:
			w.cols, nc = c, 1
		case c == w.cols:
			nc++
		}
	}
	if w.runes < 60 || w.runes > 512 {
		w.runes, nr = 0, 0
	}
	if w.cols < 60 || w.cols > 512 {
		w.cols, nc = 0, 0
	}
	w.n = max(nr, nc)
	return w
}

// at reports whether the line s is exactly as wide as the paste's width:
// cut there, perhaps.
func (w wrapInfo) at(s string) bool {
	return w.runes > 0 && runeWidth(s) == w.runes || w.cols > 0 && displayWidth(s) == w.cols
}

// width is the width in columns for the repair's words.
func (w wrapInfo) width() int {
	if w.cols > 0 {
		return w.cols
	}
	return w.runes
}

// splitsWord reports whether a break between above (a line at the width)
// and s cut a word: the word across the break fills the line above or is
// longer than the width, so a mail client wrapping at spaces had to cut it
// (a shorter word would have moved whole to the next line); or the break
// falls where no space stands
// in a header: after "(", "[", "<", "=", "/", "@", "." or ":", or before
// ")", "]", ">", ";", ",", ".", "@", "=" or ":". That second reading is
// left out in a paste whose continuations lost their indentation
// (damaged), where the break more likely stood for a fold.
func (w wrapInfo) splitsWord(above, s string, damaged bool) bool {
	if !damaged && above != "" && s != "" && (strings.IndexByte("([<=/@.:", above[len(above)-1]) >= 0 || strings.IndexByte(")]>;,.@=:", s[0]) >= 0) {
		return true
	}
	tail := above[strings.LastIndexAny(above, " \t")+1:]
	if tail == strings.TrimLeft(above, " \t") {
		// One word fills the line: it did not fit on a line of its own.
		return true
	}
	head := s
	if k := strings.IndexAny(s, " \t"); k >= 0 {
		head = s[:k]
	}
	width := w.runes
	if width == 0 {
		width = w.cols
	}
	return runeWidth(tail)+runeWidth(head) > width
}

// rewrapped reports whether the break between above and s, a line that
// lost its indentation, looks like a mail client's re-wrap at its width
// (72–78 columns, give or take quote marks) rather than a fold: the first
// word of s would not have fit at the end of above, which is why the
// client broke the line there.
func (w wrapInfo) rewrapped(above, s string) bool {
	if w.runes == 0 || w.runes > 100 {
		return false
	}
	head := s
	if k := strings.IndexAny(s, " \t"); k >= 0 {
		head = s[:k]
	}
	return runeWidth(strings.TrimRight(above, " \t"))+1+runeWidth(head) > w.runes
}

// runeWidth is the number of characters in s (UTF-8 continuation bytes
// take none; a tab is one).
func runeWidth(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i]&0xC0 != 0x80 {
			n++
		}
	}
	return n
}

// displayWidth is the number of terminal columns s takes, with tab stops
// every 8 columns and one column per character (continuation bytes of
// UTF-8 sequences take none).
func displayWidth(s string) int {
	w := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\t':
			w += 8 - w%8
		case c&0xC0 != 0x80:
			w++
		}
	}
	return w
}
