package headers

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
			p.problem(p.lines[i].num, "the mbox “From ” separator line was skipped")
		case strings.TrimSpace(s) == "Microsoft Mail Internet Headers Version 2.0":
			p.problem(p.lines[i].num, "Outlook's “Microsoft Mail Internet Headers Version 2.0” label line was skipped")
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
		p.msg.Summary = append(p.msg.Summary, boxRow(t, p.lines[j].num))
	}
	end := start
	if j > 0 && j <= len(p.lines) {
		end = p.lines[j-1].num
	}
	p.problem(start, "Gmail's “Show original” summary box (lines %d–%d) was skipped; the header below it was read", start, end)
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
// blank line, and the first of them a field.
func (p *pasteParser) detectDoubleSpaced(i int) bool {
	if i >= len(p.lines) || !rfc5322.IsFieldLine(p.lines[i].s) {
		return false
	}
	pairs := 0
	for j := i; j+1 < len(p.lines); j += 2 {
		s := p.lines[j].s
		if !(rfc5322.IsFieldLine(s) || startsWSP(s)) || isBlank(s) || !isBlank(p.lines[j+1].s) {
			break
		}
		pairs++
		if j+2 < len(p.lines) && isBlank(p.lines[j+2].s) {
			break
		}
	}
	return pairs >= 4
}

// wrapWidth returns the width a terminal broke the header lines at: the
// display width of the widest line of the header block, when that is
// between 60 and 512 columns (no terminal is wider), and how many lines
// are that wide. Otherwise 0: no line is taken as broken.
func (p *pasteParser) wrapWidth(i int) (int, int) {
	w, n := 0, 0
	for j := i; j < len(p.lines); j++ {
		s := p.lines[j].s
		if s == "" && !p.double {
			break
		}
		switch dw := displayWidth(s); {
		case dw > w:
			w, n = dw, 1
		case dw == w:
			n++
		}
	}
	if w < 60 || w > 512 {
		return 0, 0
	}
	return w, n
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
