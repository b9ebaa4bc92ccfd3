package headers

import (
	"fmt"
	"strings"

	"github.com/mxray/mxray/headers/rfc5322"
)

// pasteParser splits a paste into header fields and a body, repairing what
// pasting commonly breaks.
type pasteParser struct {
	lines []line
	text  string
	msg   *Message

	cur       *fieldBuilder
	double    bool // every header line is followed by a blank line
	wrap      int  // terminal width the header lines were broken at, or 0
	wrapLines int  // how many lines are exactly that wide
	nfields   int
	ended     bool
	bodyFrom  int // offset of the body in text, when ended with a body
}

// fieldBuilder collects the physical lines of one field.
type fieldBuilder struct {
	name  string
	lines []string
	line  int
}

func (p *pasteParser) problem(num int, format string, args ...any) {
	p.msg.Problems = append(p.msg.Problems, Problem{Line: num, Message: fmt.Sprintf(format, args...)})
}

func (p *pasteParser) run() error {
	i := p.skipBlank(0)
	i = p.preamble(i)
	i = p.skipBlank(i)
	p.double = p.detectDoubleSpaced(i)
	if p.double {
		p.problem(p.lines[i].num, "every header line is followed by a blank line (a copy-and-paste artefact): the blank lines between header lines were ignored")
	}
	p.wrap, p.wrapLines = p.wrapWidth(i)
	for i < len(p.lines) && !p.ended {
		next, err := p.step(i)
		if err != nil {
			return err
		}
		i = next
	}
	if err := p.finish(); err != nil {
		return err
	}
	if p.nfields == 0 {
		return &InputError{Err: ErrNoHeaders, Detail: "no line of the form “Name: value” was found: " +
			"paste the message's header block (Received, From, Authentication-Results, …), or the whole message"}
	}
	if p.ended && p.bodyFrom < len(p.text) && strings.TrimSpace(p.text[p.bodyFrom:]) != "" {
		p.msg.Body = []byte(p.text[p.bodyFrom:])
		p.msg.HasBody = true
	}
	return nil
}

// step handles line i and returns the index of the next line to read.
func (p *pasteParser) step(i int) (int, error) {
	ln := p.lines[i]
	switch {
	case ln.s == "":
		return p.blank(i)
	case isBlank(ln.s):
		// A line of spaces folds when more header follows (RFC 5322
		// obs-FWS); otherwise it ends the header like an empty line.
		if p.cur != nil && i+1 < len(p.lines) && (startsWSP(p.lines[i+1].s) && !isBlank(p.lines[i+1].s) || rfc5322.IsFieldLine(p.lines[i+1].s)) {
			p.cur.lines = append(p.cur.lines, ln.s)
			return i + 1, nil
		}
		return p.blank(i)
	case startsWSP(ln.s):
		if p.cur == nil {
			t := strings.TrimLeft(ln.s, " \t")
			if rfc5322.IsFieldLine(t) {
				p.problem(ln.num, "the first header line starts with a space, which would make it a continuation of nothing: the space was removed")
				return i + 1, p.startField(t, ln.num)
			}
			p.problem(ln.num, "an indented line with no header field before it was skipped: %s", excerpt(t))
			return i + 1, nil
		}
		p.cur.lines = append(p.cur.lines, ln.s)
		return i + 1, nil
	case rfc5322.IsFieldLine(ln.s):
		// After a line cut at the terminal's width, "2a01:…" is the rest of
		// an IPv6 address; "om:…" is the rest of a word when the cut is
		// seen on several lines.
		if p.cur != nil && p.wrappedBefore(i) && (hexName(ln.s) || p.wrapLines >= 2 && !plausibleFieldName(ln.s)) {
			p.joinWrapped(ln, "what precedes its colon is not a header field name")
			return i + 1, nil
		}
		return i + 1, p.startField(ln.s, ln.num)
	default:
		return p.notAField(i)
	}
}

// blank handles an empty line at i: the end of the header, except between
// the lines of a paste with a blank line after every header line.
func (p *pasteParser) blank(i int) (int, error) {
	j := i
	for j < len(p.lines) && isBlank(p.lines[j].s) {
		j++
	}
	if p.double && j-i == 1 && j < len(p.lines) && (rfc5322.IsFieldLine(p.lines[j].s) || startsWSP(p.lines[j].s)) {
		return j, nil
	}
	p.ended = true
	p.bodyFrom = p.lines[i].end
	return len(p.lines), nil
}

// notAField handles a line that is neither a field, a continuation nor
// blank: a line broken by a terminal, the start of a MIME part, a stray
// line amid the header, or the start of a body that lost its empty line.
func (p *pasteParser) notAField(i int) (int, error) {
	ln := p.lines[i]
	if p.cur != nil && p.wrappedBefore(i) {
		p.joinWrapped(ln, "it does not start like a header field")
		return i + 1, nil
	}
	if p.cur != nil && strings.HasPrefix(ln.s, "--") {
		p.problem(ln.num, "a MIME boundary line appears before any empty line: the header was taken to end here and the rest is the body")
		p.ended = true
		p.bodyFrom = p.lineStart(i)
		return len(p.lines), nil
	}
	if p.fieldAhead(i) {
		p.problem(ln.num, "this line is not a header field and was skipped: %s", excerpt(ln.s))
		return i + 1, nil
	}
	if p.cur == nil {
		p.problem(ln.num, "this line is not a header field and was skipped: %s", excerpt(ln.s))
		return i + 1, nil
	}
	p.problem(ln.num, "no empty line separates the header from the body: the header was taken to end before this line")
	p.ended = true
	p.bodyFrom = p.lineStart(i)
	return len(p.lines), nil
}

// fieldAhead reports whether a header field line follows line i within
// the next three non-blank lines of the header block.
func (p *pasteParser) fieldAhead(i int) bool {
	seen := 0
	for j := i + 1; j < len(p.lines) && seen < 3; j++ {
		s := p.lines[j].s
		if s == "" && !p.double {
			return false
		}
		if isBlank(s) {
			continue
		}
		if rfc5322.IsFieldLine(s) {
			return true
		}
		seen++
	}
	return false
}

func (p *pasteParser) lineStart(i int) int {
	if i == 0 {
		return 0
	}
	return p.lines[i-1].end
}

// wrappedBefore reports whether the line before i looks cut by a terminal:
// it is exactly as wide as the widest line of the header block.
func (p *pasteParser) wrappedBefore(i int) bool {
	if p.wrap == 0 || i == 0 {
		return false
	}
	prev := p.lines[i-1].s
	return displayWidth(prev) == p.wrap
}

// joinWrapped appends a line broken by a terminal to the field it belongs
// to, with nothing in between: the terminal cut the text mid-word.
func (p *pasteParser) joinWrapped(ln line, why string) {
	last := len(p.cur.lines) - 1
	p.cur.lines[last] += ln.s
	p.problem(ln.num, "joined to the line above: the line above is exactly %d columns wide, as if a terminal broke it there, and %s", p.wrap, why)
}

func (p *pasteParser) startField(s string, num int) error {
	if err := p.flush(); err != nil {
		return err
	}
	name, _, _ := strings.Cut(s, ":")
	if trimmed := strings.TrimRight(name, " \t"); trimmed != name {
		p.problem(num, "the field name %q has spaces before its colon (obsolete syntax): they were ignored", trimmed)
		name = trimmed
	}
	p.cur = &fieldBuilder{name: name, lines: []string{s}, line: num}
	return nil
}

func (p *pasteParser) finish() error { return p.flush() }

func (p *pasteParser) flush() error {
	if p.cur == nil {
		return nil
	}
	b := p.cur
	p.cur = nil
	p.nfields++
	if p.nfields > MaxFields {
		return &InputError{Err: ErrTooManyFields, Line: b.line, Detail: fmt.Sprintf(
			"the header has more than %d fields: paste only the header block of one message", MaxFields)}
	}
	p.msg.Fields = append(p.msg.Fields, b.field())
	return nil
}

// field builds the Field: Raw keeps the folding with CRLF between lines;
// Value is unfolded (RFC 5322 §2.2.3: each CRLF that precedes white space
// is removed) with the white space after the colon removed.
func (b *fieldBuilder) field() Field {
	size := 0
	for _, l := range b.lines {
		size += len(l) + 2
	}
	var raw, val strings.Builder
	raw.Grow(size)
	val.Grow(size)
	for i, l := range b.lines {
		if i > 0 {
			raw.WriteString("\r\n")
		}
		raw.WriteString(l)
	}
	_, first, _ := strings.Cut(b.lines[0], ":")
	val.WriteString(first)
	for _, l := range b.lines[1:] {
		val.WriteString(l)
	}
	return Field{Name: b.name, Raw: raw.String(), Value: strings.TrimLeft(val.String(), " \t"), Line: b.line}
}

// hexName reports whether the field name of s is only hexadecimal digits:
// a piece of an IPv6 address, not a field name.
func hexName(s string) bool {
	name, _, _ := strings.Cut(s, ":")
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if !isHex(name[i]) {
			return false
		}
	}
	return true
}

// commonFields are field names without a hyphen that real headers use.
var commonFields = map[string]bool{
	"received": true, "from": true, "to": true, "cc": true, "bcc": true, "subject": true, "date": true,
	"sender": true, "precedence": true, "references": true, "importance": true, "priority": true,
	"organization": true, "organisation": true, "comments": true, "keywords": true, "status": true,
	"lines": true, "path": true, "newsgroups": true, "xref": true, "encoding": true, "sensitivity": true,
}

// plausibleFieldName reports whether the line s, which has the form of a
// field, names a field the way real headers do: a common name, an "X-"
// name, or a hyphenated name of four characters or more. It is asked only
// of a line that follows a line cut at the terminal's width, where "om:"
// or "2a01:" is more likely the rest of the line above than a new field.
func plausibleFieldName(s string) bool {
	name, _, _ := strings.Cut(s, ":")
	name = strings.ToLower(strings.TrimRight(name, " \t"))
	if commonFields[name] || strings.HasPrefix(name, "x-") {
		return true
	}
	if len(name) < 4 || !strings.Contains(name, "-") {
		return false
	}
	c := name[0]
	return c >= 'a' && c <= 'z'
}

func isBlank(s string) bool { return strings.Trim(s, " \t") == "" }

func startsWSP(s string) bool { return s != "" && (s[0] == ' ' || s[0] == '\t') }

func (p *pasteParser) skipBlank(i int) int {
	for i < len(p.lines) && isBlank(p.lines[i].s) {
		i++
	}
	return i
}

// excerpt quotes the start of s for a problem message.
func excerpt(s string) string {
	const max = 60
	if len(s) > max {
		cut := max
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		s = s[:cut] + "…"
	}
	return fmt.Sprintf("%q", s)
}
