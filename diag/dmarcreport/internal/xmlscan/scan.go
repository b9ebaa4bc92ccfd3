// Package xmlscan is a streaming tokenizer for the part of XML 1.0 (W3C
// REC-xml, fifth edition) that DMARC aggregate reports use (RFC 7489
// Appendix C, RFC 9990): elements, attributes, character data, the five
// predefined entities and character references (§4.1, §4.6), comments,
// CDATA sections, processing instructions and the XML declaration with its
// encoding (§2.8, §4.3.3). Names are split at their colon into a prefix
// and a local name (Namespaces in XML 1.0 §3); callers match by local name.
//
// A document type declaration is refused (ErrDTD), and so is any entity
// other than the five predefined ones (ErrEntity): a DTD can declare
// entities that expand without bound or read local files, and reports
// never have one. Every token is bounded (Limits): text, comments and
// attribute values by MaxToken, a start tag by a few times that, nesting
// by MaxDepth; the buffer never holds more than one token and one read.
//
// It is hand-written rather than taken from a library because none fits
// hostile input read at speed. encoding/xml is correct but decodes about
// 30 MB/s on one core (a report of a million rows is 650 MB), allocates per
// token, and holds a whole text node, comment or attribute before its caps
// can act; the fast Go tokenizers (github.com/muktihari/xmltokenizer,
// github.com/orisano/gosax) get their speed by not checking
// well-formedness: they accept mismatched tags, unquoted or unescaped
// values and undeclared entities, grow their buffers without a bound and
// say nothing of lines. This scanner checks what encoding/xml's strict mode
// checks for the constructs it accepts (a fuzz target holds it to the
// same token stream on every input both accept), and reads an aggregate
// report several times faster on one goroutine.
//
// Byte slices returned by the Scanner's methods are valid until the next
// call of Next.
package xmlscan

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kind is what a token is.
type Kind uint8

// The kinds of token.
const (
	// StartElement is a start tag or an empty-element tag (§3.1); an
	// empty-element tag is followed by its EndElement.
	StartElement Kind = iota + 1
	// EndElement is an end tag, checked against the open element.
	EndElement
	// Text is character data (§2.4) or a CDATA section (§2.7), with
	// references decoded and line ends normalised to "\n" (§2.11). Text
	// and CDATA next to each other are separate tokens.
	Text
	// Comment is a comment (§2.5): Text holds what is between "<!--" and
	// "-->".
	Comment
	// ProcInst is a processing instruction (§2.6), the XML declaration
	// included: Name().Local is its target, Text the rest.
	ProcInst
)

// Name is an element or attribute name split at its colon. A name without
// a colon, or with the colon first or last, is all Local.
type Name struct {
	Prefix, Local []byte
}

// Attr is one attribute, its value decoded.
type Attr struct {
	Name  Name
	Value []byte
}

// Limits bound what one document may cost. Zero fields take the defaults.
type Limits struct {
	// MaxToken caps one text run, attribute value, comment, CDATA section
	// or processing instruction, in bytes (default 64 KiB). A start tag may
	// take four times as much, with its attributes.
	MaxToken int
	// MaxDepth caps element nesting (default 64).
	MaxDepth int
	// MaxAttrs caps the attributes of one element (default 64).
	MaxAttrs int
	// Charset opens a decoder for an encoding the XML declaration names
	// other than UTF-8 (or US-ASCII); nil refuses every other encoding with
	// ErrCharset.
	Charset func(label string, r io.Reader) (io.Reader, error)
}

// The kinds of failure; an *Error wraps one of them.
var (
	ErrSyntax   = errors.New("malformed XML")
	ErrDTD      = errors.New("a DOCTYPE declaration")
	ErrEntity   = errors.New("an entity other than the five XML predefines")
	ErrTooLarge = errors.New("too large")
	ErrTooDeep  = errors.New("nested too deeply")
	ErrCharset  = errors.New("unsupported character encoding")
)

// Error is a failure in the document, with where it was found.
type Error struct {
	Err    error  // ErrSyntax, ErrDTD, ErrEntity, ErrTooLarge, ErrTooDeep or ErrCharset
	Msg    string // what is wrong, in words
	Line   int    // 1-based
	Offset int64  // bytes from the start of the (decoded) document
}

// Error says what and where.
func (e *Error) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// Unwrap returns the kind.
func (e *Error) Unwrap() error { return e.Err }

const (
	readSize   = 64 << 10
	defToken   = 64 << 10
	defDepth   = 64
	defAttrs   = 64
	tagFactor  = 4
	refMaxLen  = 12 // "&#x10FFFF;" and a little
	maxLabel   = 40 // an encoding name
	whitespace = " \t\r\n"
)

// Scanner reads tokens from a stream.
type Scanner struct {
	r   io.Reader
	lim Limits

	buf      []byte
	pos, end int   // unread bytes are buf[pos:end]
	base     int64 // stream offset of buf[0]
	lines    int   // newlines before buf[lineAt]
	lineAt   int
	eof      bool
	err      error // sticky

	tokens  int  // tokens returned so far
	blank   int  // of them, text that is only white space
	tok     int  // buf index where the current token starts
	pending bool // an empty-element tag's EndElement is due

	name    Name
	attrs   []Attr
	text    []byte
	scratch []byte // decoded text and attribute values

	open     []byte // names of open elements, concatenated
	openEnds []int
}

// New returns a Scanner reading r.
func New(r io.Reader, lim Limits) *Scanner {
	if lim.MaxToken <= 0 {
		lim.MaxToken = defToken
	}
	if lim.MaxDepth <= 0 {
		lim.MaxDepth = defDepth
	}
	if lim.MaxAttrs <= 0 {
		lim.MaxAttrs = defAttrs
	}
	return &Scanner{r: r, lim: lim, buf: make([]byte, readSize)}
}

// Name is the current element's name, or a processing instruction's
// target.
func (s *Scanner) Name() Name { return s.name }

// Attrs are the current start tag's attributes.
func (s *Scanner) Attrs() []Attr { return s.attrs }

// Text is the current Text, Comment or ProcInst content.
func (s *Scanner) Text() []byte { return s.text }

// Depth is the number of elements open after the current token.
func (s *Scanner) Depth() int { return len(s.openEnds) }

// Offset is where the current token starts, in bytes from the start of
// the document.
func (s *Scanner) Offset() int64 { return s.base + int64(s.tok) }

// Line is the 1-based line the current token starts on.
func (s *Scanner) Line() int {
	s.lines += bytes.Count(s.buf[s.lineAt:s.tok], newline)
	s.lineAt = s.tok
	return s.lines + 1
}

var newline = []byte{'\n'}

// lineOf is the line of buf[i], i >= lineAt, without moving the count.
func (s *Scanner) lineOf(i int) int {
	return s.lines + bytes.Count(s.buf[s.lineAt:min(i, s.end)], newline) + 1
}

// fail makes the sticky error for a problem at buf[s.pos+rel].
func (s *Scanner) fail(kind error, rel int, format string, args ...any) error {
	i := s.pos + rel
	s.err = &Error{Err: kind, Msg: fmt.Sprintf(format, args...), Line: s.lineOf(i), Offset: s.base + int64(i)}
	return s.err
}

// short says the buffer ends inside a token.
type short struct{ what string }

func (short) Error() string { return "short" }

// Next reads the next token. It returns io.EOF after the last one, an
// *Error for a problem in the document, or the reader's error.
//
// Every token is scanned in the same order: first its extent (where its
// terminator is), then its size against its limit, then its content. So
// the answer, error included, does not depend on how the reader cuts the
// stream: a token the buffer ends inside is over its limit exactly when
// the whole token would be.
func (s *Scanner) Next() (Kind, error) {
	if s.err != nil {
		return 0, s.err
	}
	if s.pending {
		s.pending = false
		s.pop()
		return EndElement, nil
	}
	for {
		s.tok = s.pos
		if s.pos < s.end {
			k, n, err := s.scan(s.buf[s.pos:s.end])
			if err == nil {
				s.pos += n
				s.tokens++
				return k, nil
			}
			sh, ok := err.(short)
			if !ok {
				return 0, err
			}
			if s.eof {
				return 0, s.fail(ErrSyntax, 0, "the document ends inside %s", sh.what)
			}
			if err := s.size(sh.what, s.end-s.pos); err != nil {
				return 0, err
			}
		} else if s.eof {
			if n := len(s.openEnds); n > 0 {
				return 0, s.fail(ErrSyntax, 0, "the document ends inside <%s>", clip(s.open[s.openStart(n-1):]))
			}
			return 0, io.EOF
		}
		if err := s.more(); err != nil {
			s.err = err
			return 0, err
		}
	}
}

// size fails a token of n bytes that is over the limit for its kind: a
// start tag may hold a few times MaxToken with its attributes; the others
// MaxToken with their delimiters.
func (s *Scanner) size(what string, n int) error {
	limit, says := s.lim.MaxToken+len("<![CDATA[]]>"), s.lim.MaxToken
	switch what {
	case whatStartTag:
		limit = tagFactor*s.lim.MaxToken + 1024
		says = limit
	case whatText:
		limit = s.lim.MaxToken
	}
	if n > limit {
		return s.fail(ErrTooLarge, 0, "%s over %s", what, sizeText(int64(says)))
	}
	return nil
}

// more reads into the buffer, keeping buf[pos:end]. It sets eof at the end
// of the stream and returns the reader's other errors.
func (s *Scanner) more() error {
	if s.pos > 0 {
		s.lines += bytes.Count(s.buf[s.lineAt:s.pos], newline)
		n := copy(s.buf, s.buf[s.pos:s.end])
		s.base += int64(s.pos)
		s.pos, s.end, s.lineAt, s.tok = 0, n, 0, 0
	}
	if len(s.buf)-s.end < readSize/2 {
		nb := make([]byte, 2*len(s.buf))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for range 100 {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		switch {
		case err == io.EOF:
			s.eof = true
			return nil
		case err != nil:
			return err
		case n > 0:
			return nil
		}
	}
	return io.ErrNoProgress
}

func (s *Scanner) push(name []byte) error {
	if len(s.openEnds) >= s.lim.MaxDepth {
		return s.fail(ErrTooDeep, 0, "elements nested deeper than %d", s.lim.MaxDepth)
	}
	s.open = append(s.open, name...)
	s.openEnds = append(s.openEnds, len(s.open))
	return nil
}

func (s *Scanner) pop() {
	n := len(s.openEnds) - 1
	s.open = s.open[:s.openStart(n)]
	s.openEnds = s.openEnds[:n]
}

func (s *Scanner) openStart(i int) int {
	if i == 0 {
		return 0
	}
	return s.openEnds[i-1]
}

const (
	whatStartTag = "a start tag"
	whatEndTag   = "an end tag"
	whatText     = "text"
	whatComment  = "a comment"
	whatCDATA    = "a CDATA section"
	whatPI       = "a processing instruction"
	whatMarkup   = "markup"
)

// scan reads one token from b, which starts at the token. It returns the
// bytes it took, or a short error when b ends inside the token.
func (s *Scanner) scan(b []byte) (Kind, int, error) {
	if b[0] != '<' {
		return s.scanText(b)
	}
	if len(b) < 2 {
		return 0, 0, short{whatMarkup}
	}
	switch b[1] {
	case '/':
		return s.scanEnd(b)
	case '?':
		return s.scanPI(b)
	case '!':
		switch {
		case hasPrefix(b, "<!--"):
			return s.scanComment(b)
		case hasPrefix(b, "<![CDATA["):
			return s.scanCDATA(b)
		case len(b) < 9:
			return 0, 0, short{whatMarkup}
		case strings.EqualFold(string(b[2:9]), "DOCTYPE"):
			return 0, 0, s.fail(ErrDTD, 0, "a DOCTYPE declaration (DMARC reports have no DTD, and a DTD can declare expanding or external entities)")
		}
		return 0, 0, s.fail(ErrSyntax, 0, "a <!%s> declaration", clip(firstWord(b[2:9])))
	}
	return s.scanStart(b)
}

// hasPrefix reports whether b starts with p, or could once more bytes come
// (then the caller sees a short read through the scanner it calls).
func hasPrefix(b []byte, p string) bool {
	n := min(len(b), len(p))
	return string(b[:n]) == p[:n]
}

func (s *Scanner) scanText(b []byte) (Kind, int, error) {
	// Most text is short and plain (the white space between tags): one
	// pass finds its end and whether it needs chars.
	i := 0
	for i < len(b) && !plainStop[b[i]] {
		i++
	}
	plain := i < len(b) && b[i] == '<'
	if !plain {
		if j := bytes.IndexByte(b[i:], '<'); j >= 0 {
			i += j
		} else if !s.eof {
			return 0, 0, short{whatText}
		} else {
			i = len(b)
		}
	}
	if err := s.size(whatText, i); err != nil {
		return 0, 0, err
	}
	t := b[:i]
	if !plain {
		var err error
		s.scratch = s.scratch[:0]
		if t, err = s.chars(t, ctxText, 0); err != nil {
			return 0, 0, err
		}
	}
	s.text = t
	if s.tokens == s.blank && blank(t) {
		s.blank++
	}
	return Text, i, nil
}

func (s *Scanner) scanCDATA(b []byte) (Kind, int, error) {
	const open = len("<![CDATA[")
	if len(b) < open {
		return 0, 0, short{whatCDATA}
	}
	i := bytes.Index(b[open:], []byte("]]>"))
	if i < 0 {
		return 0, 0, short{whatCDATA}
	}
	n := open + i + 3
	if err := s.size(whatCDATA, n); err != nil {
		return 0, 0, err
	}
	s.scratch = s.scratch[:0]
	t, err := s.chars(b[open:open+i], ctxCDATA, open)
	if err != nil {
		return 0, 0, err
	}
	s.text = t
	return Text, n, nil
}

// scanComment reads a comment, which ends at the first "--": a "--" not
// followed by '>' is malformed (§2.5).
func (s *Scanner) scanComment(b []byte) (Kind, int, error) {
	const open = len("<!--")
	if len(b) < open {
		return 0, 0, short{whatComment}
	}
	i := bytes.Index(b[open:], []byte("--"))
	if i < 0 || open+i+2 >= len(b) {
		return 0, 0, short{whatComment}
	}
	n := open + i + 3
	if err := s.size(whatComment, n); err != nil {
		return 0, 0, err
	}
	if b[open+i+2] != '>' {
		return 0, 0, s.fail(ErrSyntax, open+i, `"--" inside a comment`)
	}
	s.text = b[open : open+i]
	return Comment, n, nil
}

func (s *Scanner) scanPI(b []byte) (Kind, int, error) {
	i := bytes.Index(b[2:], []byte("?>"))
	if i < 0 {
		return 0, 0, short{whatPI}
	}
	n := 2 + i + 2
	if err := s.size(whatPI, n); err != nil {
		return 0, 0, err
	}
	b = b[:n]
	end, colon, err := s.readName(b, 2)
	if err != nil {
		return 0, 0, err
	}
	if end == 2 || colon >= 0 {
		return 0, 0, s.fail(ErrSyntax, 2, "expected a target name after <?")
	}
	target := b[2:end]
	content := b[end : n-2]
	if len(content) > 0 && !isSpace(content[0]) {
		return 0, 0, s.fail(ErrSyntax, end, "expected a space after <?%s", clip(target))
	}
	s.name = Name{Local: target}
	s.text = bytes.TrimLeft(content, whitespace)
	if string(target) == "xml" {
		if err := s.declaration(s.text); err != nil {
			return 0, 0, err
		}
		if err := s.switchCharset(n); err != nil {
			return 0, 0, err
		}
	}
	return ProcInst, n, nil
}

// declaration checks the XML declaration (§2.8): first in the document
// (white space before it is allowed, as receivers write it), version 1.0. Its encoding is taken by switchCharset.
func (s *Scanner) declaration(content []byte) error {
	if s.tokens > s.blank {
		return s.fail(ErrSyntax, 0, "an XML declaration after the start of the document")
	}
	if v := pseudoAttr(content, "version"); v != "" && v != "1.0" {
		return s.fail(ErrSyntax, 0, "XML version %q; only 1.0 is read", clip([]byte(v)))
	}
	return nil
}

// switchCharset puts the decoder the declaration's encoding needs under
// the rest of the document, from buf[pos+n].
func (s *Scanner) switchCharset(n int) error {
	enc := pseudoAttr(s.text, "encoding")
	switch strings.ToLower(enc) {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
		return nil
	}
	if s.lim.Charset == nil {
		return s.fail(ErrCharset, 0, "the document is in %q", clip([]byte(enc)))
	}
	rest := bytes.Clone(s.buf[s.pos+n : s.end])
	var under io.Reader = bytes.NewReader(rest)
	if !s.eof {
		under = io.MultiReader(under, s.r)
	}
	r, err := s.lim.Charset(enc, under)
	if err != nil {
		return s.fail(ErrCharset, 0, "the document is in %q: %v", clip([]byte(enc)), err)
	}
	// The declaration itself stays in the buffer until Next moves past it.
	s.text = bytes.Clone(s.text)
	s.name.Local = bytes.Clone(s.name.Local)
	s.r, s.end, s.eof = r, s.pos+n, false
	return nil
}

// pseudoAttr finds name="value" or name='value' in a declaration.
func pseudoAttr(content []byte, name string) string {
	c := string(content)
	for {
		i := strings.Index(c, name)
		if i < 0 {
			return ""
		}
		rest := strings.TrimLeft(c[i+len(name):], whitespace)
		if (i == 0 || isSpace(c[i-1])) && strings.HasPrefix(rest, "=") {
			rest = strings.TrimLeft(rest[1:], whitespace)
			if len(rest) > 0 && (rest[0] == '"' || rest[0] == '\'') {
				if j := strings.IndexByte(rest[1:], rest[0]); j >= 0 && j <= maxLabel {
					return rest[1 : 1+j]
				}
			}
			return ""
		}
		c = c[i+len(name):]
	}
}

func (s *Scanner) scanEnd(b []byte) (Kind, int, error) {
	gt := bytes.IndexByte(b, '>')
	if gt < 0 {
		return 0, 0, short{whatEndTag}
	}
	if err := s.size(whatEndTag, gt+1); err != nil {
		return 0, 0, err
	}
	b = b[:gt+1]
	// Fast path: the name of the open element, then '>'.
	if n := len(s.openEnds); n > 0 {
		open := s.open[s.openStart(n-1):]
		if end := 2 + len(open); end <= gt && bytes.Equal(b[2:end], open) && skipSpace(b, end) == gt {
			s.name = split(b[2:end], bytes.IndexByte(open, ':'))
			s.pop()
			return EndElement, gt + 1, nil
		}
	}
	end, _, err := s.readName(b, 2)
	if err != nil {
		return 0, 0, err
	}
	if end == 2 {
		return 0, 0, s.fail(ErrSyntax, 2, "expected an element name after </")
	}
	if i := skipSpace(b, end); i != gt {
		return 0, 0, s.fail(ErrSyntax, i, "invalid characters between </%s and >", clip(b[2:end]))
	}
	full := b[2:end]
	n := len(s.openEnds)
	if n == 0 {
		return 0, 0, s.fail(ErrSyntax, 0, "unexpected </%s>", clip(full))
	}
	if open := s.open[s.openStart(n-1):]; !bytes.Equal(open, full) {
		return 0, 0, s.fail(ErrSyntax, 0, "</%s> does not close <%s>", clip(full), clip(open))
	}
	s.name = split(full, bytes.IndexByte(full, ':'))
	s.pop()
	return EndElement, gt + 1, nil
}

// tagEnd finds the '>' that ends the start tag b begins with, skipping
// quoted attribute values; -1 when b ends first.
func tagEnd(b []byte) int {
	for i := 1; i < len(b); i++ {
		switch b[i] {
		case '>':
			return i
		case '"', '\'':
			j := bytes.IndexByte(b[i+1:], b[i])
			if j < 0 {
				return -1
			}
			i += j + 1
		}
	}
	return -1
}

func (s *Scanner) scanStart(b []byte) (Kind, int, error) {
	gt := tagEnd(b)
	if gt < 0 {
		return 0, 0, short{whatStartTag}
	}
	if err := s.size(whatStartTag, gt+1); err != nil {
		return 0, 0, err
	}
	b = b[:gt+1]
	end, colon, err := s.readName(b, 1)
	if err != nil {
		return 0, 0, err
	}
	if end == 1 {
		return 0, 0, s.fail(ErrSyntax, 1, "expected an element name after <")
	}
	s.attrs = s.attrs[:0]
	s.scratch = s.scratch[:0]
	i := end
	for {
		i = skipSpace(b, i)
		switch {
		case i == gt:
		case b[i] == '/' && i+1 == gt:
			s.pending = true
		default:
			n, err := s.attr(b, i)
			if err != nil {
				return 0, 0, err
			}
			i = n
			continue
		}
		if err := s.push(b[1:end]); err != nil {
			s.pending = false
			return 0, 0, err
		}
		s.name = split(b[1:end], colon-1)
		return StartElement, gt + 1, nil
	}
}

// attr reads one attribute starting at b[i], inside a whole start tag,
// and returns where it ends.
func (s *Scanner) attr(b []byte, i int) (int, error) {
	end, colon, err := s.readName(b, i)
	if err != nil {
		return 0, err
	}
	if end == i {
		return 0, s.fail(ErrSyntax, i, "expected an attribute name or > in element")
	}
	if len(s.attrs) >= s.lim.MaxAttrs {
		return 0, s.fail(ErrTooLarge, 0, "an element with more than %d attributes", s.lim.MaxAttrs)
	}
	name := split(b[i:end], colon-i)
	j := skipSpace(b, end)
	if b[j] != '=' {
		return 0, s.fail(ErrSyntax, j, "attribute %s has no value", clip(b[i:end]))
	}
	j = skipSpace(b, j+1)
	q := b[j]
	if q != '"' && q != '\'' {
		return 0, s.fail(ErrSyntax, j, "the value of attribute %s is not quoted", clip(b[i:end]))
	}
	// tagEnd saw this quote open a value, so its closing quote is in b.
	k := bytes.IndexByte(b[j+1:], q)
	if k < 0 {
		return 0, s.fail(ErrSyntax, j, "the value of attribute %s is not closed", clip(b[i:end]))
	}
	if k > s.lim.MaxToken {
		return 0, s.fail(ErrTooLarge, j, "attribute %s over %s", clip(b[i:end]), sizeText(int64(s.lim.MaxToken)))
	}
	v, err := s.chars(b[j+1:j+1+k], ctxAttr, j+1)
	if err != nil {
		return 0, err
	}
	s.attrs = append(s.attrs, Attr{Name: name, Value: v})
	return j + 1 + k + 1, nil
}

// split divides a name at its colon (index c, -1 for none).
func split(full []byte, c int) Name {
	if c <= 0 || c >= len(full)-1 {
		return Name{Local: full}
	}
	return Name{Prefix: full[:c], Local: full[c+1:]}
}

// readName reads a name starting at b[i] (§2.3, any non-ASCII name
// character allowed anywhere) and returns where it ends and where its
// colon is (-1 for none). b is a whole tag, ending in a delimiter. A name
// with two colons is malformed (Namespaces in XML §3).
func (s *Scanner) readName(b []byte, i int) (end, colon int, err error) {
	colon = -1
	j := i
	for j < len(b) {
		switch nameClass[b[j]] {
		case classNameStart:
			j++
			continue
		case classNameChar:
			if j > i {
				j++
				continue
			}
		case classColon:
			if colon >= 0 {
				return 0, 0, s.fail(ErrSyntax, j, "a name with two colons")
			}
			colon = j
			j++
			continue
		case classMulti:
			r, size := utf8.DecodeRune(b[j:])
			if r == utf8.RuneError && size == 1 || !isNameRune(r) {
				return 0, 0, s.fail(ErrSyntax, j, "a character not allowed in a name")
			}
			j += size
			continue
		}
		break
	}
	return j, colon, nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// blank reports whether b is only white space.
func blank(b []byte) bool {
	for _, c := range b {
		if !isSpace(c) {
			return false
		}
	}
	return true
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// firstWord is b up to its first space.
func firstWord(b []byte) []byte {
	if i := bytes.IndexAny(b, whitespace+">"); i >= 0 {
		return b[:i]
	}
	return b
}

// clip shortens raw text for an error message.
func clip(b []byte) string {
	const n = 64
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}

// sizeText writes a byte count for people: "1.5 MiB".
func sizeText(n int64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatInt(n, 10) + " bytes"
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTP"[exp])
}
