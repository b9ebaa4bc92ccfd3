package paste

import (
	"fmt"
	"slices"
	"strings"
)

// pasteParser splits a paste into header fields and a body, repairing what
// pasting commonly breaks. A line that is not a field never ends the
// header by itself: only an empty line does (or, in a paste with a blank
// line after every line, two), a MIME boundary the header declared, or,
// in a paste with no empty line at all, lines that cannot be header with
// no field after them.
type pasteParser struct {
	lines   []line
	res     *Result
	max     int // the most fields read
	tooMany int // the line of the field over max

	cur    *fieldBuilder
	double bool     // every header line is followed by a blank line
	wrap   wrapInfo // the width lines were broken at
	// damaged is set when lines that cannot start a field stand between
	// fields (not explained by a terminal's wrapping): continuation lines
	// lost their indentation, so a field with an unusual name is more
	// likely such a line than a field.
	damaged bool
	// fieldAfter[i] says whether a field line follows line i before the
	// header block ends.
	fieldAfter []bool
	// blankAfter[i] says whether an empty line, which ends the header,
	// comes after line i.
	blankAfter []bool
	boundaries []string // the MIME boundaries the header declared so far
	nfields    int
	ended      bool
	bodyLine   int // the first line of the body, when the header ended before the input
}

// fieldBuilder collects the physical lines of one field, and the repairs
// made inside it.
type fieldBuilder struct {
	name string
	// lines are the field's pieces in order; fold[i] says piece i starts a
	// new physical line (folded): the others (the first, and words joined
	// back where a line was cut) continue the line before.
	lines   []string
	fold    []bool
	line    int
	repairs []fieldRepair
	tagList bool   // the field is a tag-list (tagListFields)
	tag     string // the first two characters of its last tag so far
}

// fieldRepair is the lines of one field repaired in one way.
type fieldRepair struct {
	kind  RepairKind
	lines []int
}

func (p *pasteParser) problem(num int, kind RepairKind, format string, args ...any) {
	p.res.Problems = append(p.res.Problems, Problem{Line: num, Kind: kind, Message: fmt.Sprintf(format, args...)})
}

func (p *pasteParser) run() error {
	i := p.skipBlank(0)
	p.dequote(i)
	i = p.preamble(i)
	i = p.skipBlank(i)
	for k := range p.lines {
		p.lines[k].kind = classify(p.lines[k].s)
	}
	p.double = p.detectDoubleSpaced(i)
	if p.double {
		p.problem(p.lines[i].num, RepairDoubleSpaced, "every header line is followed by a blank line (a copy-and-paste artefact): the blank lines between header lines were ignored")
	}
	p.survey(i)
	for i < len(p.lines) && !p.ended {
		next, err := p.step(i)
		if err != nil {
			return err
		}
		i = next
	}
	if err := p.flush(); err != nil {
		return err
	}
	if p.ended {
		var b strings.Builder
		for _, l := range p.lines[p.bodyLine:] {
			b.WriteString(l.s)
			b.WriteString(l.term)
		}
		if body := b.String(); strings.TrimSpace(body) != "" {
			p.res.Body, p.res.HasBody = []byte(body), true
		}
	}
	slices.SortStableFunc(p.res.Problems, func(a, b Problem) int { return a.Line - b.Line })
	return nil
}

// step handles line i and returns the index of the next line to read.
func (p *pasteParser) step(i int) (int, error) {
	ln := p.lines[i]
	switch ln.kind {
	case kindBlank:
		// Lines of spaces fold when more header follows (RFC 5322
		// obs-FWS); otherwise they end the header like an empty line.
		j := i
		for j < len(p.lines) && p.lines[j].kind == kindBlank && p.lines[j].s != "" {
			j++
		}
		if j > i && p.cur != nil && j < len(p.lines) {
			if k := p.lines[j].kind; k == kindFold || k == kindField || k == kindWeak || k == kindOther && p.fieldAfter[i] {
				for _, l := range p.lines[i:j] {
					p.cur.add(l.s)
				}
				return j, nil
			}
		}
		return p.blank(i)
	case kindFold:
		if p.cur == nil {
			t := strings.TrimLeft(ln.s, " \t")
			if k := classify(t); k == kindField || k == kindWeak {
				p.problem(ln.num, RepairLeadingSpace, "the first header line starts with a space, which would make it a continuation of nothing: the space was removed")
				return i + 1, p.startField(t, ln.num)
			}
			p.problem(ln.num, RepairSkipped, "an indented line with no header field before it was skipped: %s", Excerpt(t))
			return i + 1, nil
		}
		p.cur.add(ln.s)
		return i + 1, nil
	case kindWeak, kindField:
		// In a paste whose continuations lost their indentation, a field
		// name is taken as the rest of the field above where that field
		// is a tag-list inside its list of field names (h=, z=: "To:" then
		// "Subject: Date: From:"), and an unusual name always.
		cut := p.wrap.at(p.above(i))
		if p.cur != nil && ((p.damaged || cut) && p.cur.inFieldList() || ln.kind == kindWeak && (p.damaged || p.wrap.char && cut)) {
			p.attach(i)
			return i + 1, nil
		}
		return i + 1, p.startField(ln.s, ln.num)
	}
	return p.other(i)
}

// other handles a line that cannot start a field: the rest of the field
// above (its indentation lost, or broken by a terminal or a mail client),
// a stray line before the header, or the start of a body that lost its
// empty line.
func (p *pasteParser) other(i int) (int, error) {
	ln := p.lines[i]
	switch {
	case p.cur == nil:
		p.problem(ln.num, RepairSkipped, "this line is not a header field and was skipped: %s", Excerpt(ln.s))
		return i + 1, nil
	case p.isBoundary(ln.s):
		p.problem(ln.num, RepairBodyStart, "a MIME boundary line appears before any empty line: the header was taken to end here and the rest is the body")
		return p.endAt(i), nil
	case !p.fieldAfter[i] && !p.blankAfter[i] && !(p.wrap.char && p.wrap.at(p.above(i))) && !continuesStructure(ln.s, p.above(i)):
		if strings.HasPrefix(ln.s, "--") {
			p.problem(ln.num, RepairBodyStart, "a MIME boundary line appears before any empty line: the header was taken to end here and the rest is the body")
		} else {
			p.problem(ln.num, RepairBodyStart, "no empty line separates the header from the body: the header was taken to end before this line")
		}
		return p.endAt(i), nil
	}
	p.attach(i)
	return i + 1, nil
}

// endAt ends the header before line i: the body starts there.
func (p *pasteParser) endAt(i int) int {
	p.ended = true
	p.bodyLine = i
	return len(p.lines)
}

// blank handles an empty line at i: the end of the header, except between
// the lines of a paste with a blank line after every header line.
func (p *pasteParser) blank(i int) (int, error) {
	j := i
	for j < len(p.lines) && p.lines[j].kind == kindBlank {
		j++
	}
	if p.cur == nil {
		// No field yet: the blank lines after a stray line (a greeting
		// above the pasted header) end nothing.
		return j, nil
	}
	if j-i == 1 && j < len(p.lines) {
		next, above := p.lines[j], p.above(i)
		switch {
		case p.double && (next.kind != kindOther || p.fieldAfter[j] || continuesStructure(next.s, above)):
			return j, nil
		case p.damaged && next.kind == kindOther && unfinished(above):
			// A line of white space inside a field (RFC 5322 obs-FWS),
			// trimmed to nothing with the indentation of the others.
			p.cur.repaired(RepairDeindented, p.lines[i].num)
			return j, nil
		}
	}
	p.ended = true
	p.bodyLine = i + 1
	return len(p.lines), nil
}

// above is the text of the line above line i, the blank line of a double
// spaced paste skipped; "" for the first.
func (p *pasteParser) above(i int) string {
	j := i - 1
	if p.double && j > 0 && p.lines[j].kind == kindBlank {
		j--
	}
	if j < 0 {
		return ""
	}
	return p.lines[j].s
}

// attach re-attaches line i to the field above it. When the line above
// was cut at the width the paste was broken at, in the middle of a word,
// the two are joined with nothing between; when a mail client re-wrapped
// it where a space was, with that space; otherwise the line was a
// continuation that lost its indentation, and it is joined as a fold with
// one space. Either reads the same as the original white space under
// relaxed canonicalization (RFC 6376 §3.4.2).
func (p *pasteParser) attach(i int) {
	ln, above := p.lines[i], p.above(i)
	if p.wrap.at(above) && (p.wrap.char || p.wrap.splitsWord(above, ln.s, p.damaged)) {
		p.cur.join(ln.s)
		p.cur.repaired(RepairSplitToken, ln.num)
		return
	}
	if p.wrap.rewrapped(above, ln.s) {
		// A mail client broke the line where a space was: the space goes
		// back on the same line, as it was (exact even under simple
		// canonicalization, when the space was one).
		p.cur.join(" " + ln.s)
		p.cur.repaired(RepairRewrapped, ln.num)
		return
	}
	p.cur.add(" " + ln.s)
	p.cur.repaired(RepairDeindented, ln.num)
}

// TagListFields are the fields whose value is an RFC 6376 §3.2 tag-list
// with a list of field names in h= (and z=): a line after an open h= is
// the rest of that list, whatever it looks like.
var TagListFields = []string{"DKIM-Signature", "ARC-Message-Signature", "X-Google-DKIM-Signature", "DKIM2-Signature", "DomainKey-Signature"}

// inFieldList reports whether the field so far is a tag-list whose last
// tag, not yet ended by ";", is h= or z=: a line that follows continues
// its list of field names, whatever it looks like.
func (b *fieldBuilder) inFieldList() bool {
	return b.tagList && (b.tag == "h=" || b.tag == "z=")
}

// add appends a physical line to the field.
func (b *fieldBuilder) add(s string) {
	b.lines = append(b.lines, s)
	b.fold = append(b.fold, true)
	b.scanTags(s)
}

// join appends s to the field's last line, with nothing between. It is a
// piece of its own until the field is built: joining strings one by one
// would copy a long re-wrapped field over and over.
func (b *fieldBuilder) join(s string) {
	b.lines = append(b.lines, s)
	b.fold = append(b.fold, false)
	b.scanTags(s)
}

// scanTags follows, in a tag-list field, the start of the tag after the
// last ";": its first two characters, white space skipped.
func (b *fieldBuilder) scanTags(s string) {
	if !b.tagList {
		return
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ';':
			b.tag = ""
		case c != ' ' && c != '\t' && len(b.tag) < 2:
			b.tag += string(c)
		}
	}
}

func (b *fieldBuilder) repaired(kind RepairKind, num int) {
	for k := range b.repairs {
		if b.repairs[k].kind == kind {
			b.repairs[k].lines = append(b.repairs[k].lines, num)
			return
		}
	}
	b.repairs = append(b.repairs, fieldRepair{kind: kind, lines: []int{num}})
}

func (p *pasteParser) startField(s string, num int) error {
	if err := p.flush(); err != nil {
		return err
	}
	name, _, _ := strings.Cut(s, ":")
	if trimmed := strings.TrimRight(name, " \t"); trimmed != name {
		p.problem(num, RepairNameSpace, "the field name %q has spaces before its colon (obsolete syntax): they were ignored", trimmed)
		name = trimmed
	}
	p.cur = &fieldBuilder{name: name, line: num, tagList: containsFold(TagListFields, name)}
	_, value, _ := strings.Cut(s, ":")
	p.cur.lines, p.cur.fold = []string{s}, []bool{false}
	p.cur.scanTags(value)
	return nil
}

func (p *pasteParser) flush() error {
	if p.cur == nil {
		return nil
	}
	b := p.cur
	p.cur = nil
	p.nfields++
	if p.nfields > p.max {
		p.tooMany = b.line
		return errTooMany
	}
	f := b.field()
	for _, r := range b.repairs {
		if f.Repair == "" && r.kind.BytesChanged() {
			f.Repair = r.kind
		}
		p.problem(r.lines[0], r.kind, "%s", p.repairWords(r, f.Name))
	}
	if strings.EqualFold(f.Name, "Content-Type") {
		if bd := boundaryParam(f.Value); bd != "" {
			p.boundaries = append(p.boundaries, bd)
		}
	}
	p.res.Fields = append(p.res.Fields, f)
	return nil
}

// repairWords says what was done to the lines of one field.
func (p *pasteParser) repairWords(r fieldRepair, name string) string {
	which := fmt.Sprintf("line %d", r.lines[0])
	if n := len(r.lines); n > 1 {
		which = fmt.Sprintf("%d lines (%d–%d)", n, r.lines[0], r.lines[n-1])
	}
	switch r.kind {
	case RepairSplitToken:
		return fmt.Sprintf("%s followed a line cut at %d columns in the middle of a word (a terminal's or a mail client's width) and %s joined to the %s field above with nothing between",
			which, p.wrap.width(), isAre(r.lines, "was", "were"), name)
	case RepairRewrapped:
		return fmt.Sprintf("%s of the %s field %s broken by a mail client at about %d columns with no indentation, and %s joined again with one space where %s broke",
			which, name, isAre(r.lines, "was", "were"), p.wrap.width(), isAre(r.lines, "was", "were"), isAre(r.lines, "it", "they"))
	}
	return fmt.Sprintf("%s lost the white space at %s start and %s re-attached to the %s field above (folded with one space)",
		which, isAre(r.lines, "its", "their"), isAre(r.lines, "was", "were"), name)
}

func isAre(lines []int, one, many string) string {
	if len(lines) == 1 {
		return one
	}
	return many
}

// isBoundary reports whether s is a boundary line ("--b" or "--b--") of a
// multipart body the header declared (RFC 2046 §5.1.1).
func (p *pasteParser) isBoundary(s string) bool {
	rest, ok := strings.CutPrefix(strings.TrimRight(s, " \t"), "--")
	if !ok {
		return false
	}
	rest = strings.TrimSuffix(rest, "--")
	return slices.Contains(p.boundaries, rest)
}

// boundaryParam returns the boundary parameter of a Content-Type value, or
// "".
func boundaryParam(v string) string {
	low := strings.ToLower(v)
	i := strings.Index(low, "boundary=")
	if i < 0 {
		return ""
	}
	b := v[i+len("boundary="):]
	if strings.HasPrefix(b, `"`) {
		b, _, _ = strings.Cut(b[1:], `"`)
		return b
	}
	end := strings.IndexAny(b, "; \t")
	if end >= 0 {
		b = b[:end]
	}
	return b
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
		if b.fold[i] {
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

func isBlank(s string) bool { return strings.Trim(s, " \t") == "" }

func startsWSP(s string) bool { return s != "" && (s[0] == ' ' || s[0] == '\t') }

func (p *pasteParser) skipBlank(i int) int {
	for i < len(p.lines) && isBlank(p.lines[i].s) {
		i++
	}
	return i
}

// Excerpt quotes the start of s (60 bytes at most) for a message about it.
func Excerpt(s string) string {
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
