package xmlscan

import (
	"bytes"
	"unicode/utf8"
)

// charCtx is where character data stands.
type charCtx uint8

const (
	ctxText  charCtx = iota // between markup
	ctxCDATA                // inside <![CDATA[ ... ]]>: no references
	ctxAttr                 // an attribute value: no '<'
)

// special marks the ASCII bytes chars must look at: references, carriage
// returns, the ']' of "]]>", '<', and the control characters XML forbids.
var special = func() (t [128]bool) {
	for c := range 0x20 {
		t[c] = c != '\t' && c != '\n'
	}
	t['&'], t['\r'], t[']'], t['<'] = true, true, true, true
	return t
}()

// plainStop marks the bytes that end a run of plain text: '<', and every
// byte chars must look at (special, and those of multi-byte characters).
var plainStop = func() (t [256]bool) {
	for c := range 0x80 {
		t[c] = special[c]
	}
	for c := 0x80; c < 0x100; c++ {
		t[c] = true
	}
	return t
}()

// chars checks raw character data and decodes it: references (outside
// CDATA) and line ends (§2.11). It returns raw itself when nothing needed
// decoding, else a slice of the scratch buffer. rel is raw's offset in the
// token, for error positions.
func (s *Scanner) chars(raw []byte, ctx charCtx, rel int) ([]byte, error) {
	start := len(s.scratch)
	copying := false
	last := 0 // raw[last:i] is still to be copied, when copying
	flush := func(i int) {
		s.scratch = append(s.scratch, raw[last:i]...)
		copying = true
	}
	i := 0
	for i < len(raw) {
		c := raw[i]
		if c >= 0x80 {
			r, size := utf8.DecodeRune(raw[i:])
			if r == utf8.RuneError && size == 1 {
				return nil, s.fail(ErrSyntax, rel+i, "invalid UTF-8")
			}
			if !isChar(r) {
				return nil, s.fail(ErrSyntax, rel+i, "character U+%04X is not allowed in XML", r)
			}
			i += size
			continue
		}
		if !special[c] {
			i++
			continue
		}
		switch c {
		case '&':
			if ctx == ctxCDATA {
				i++
				continue
			}
			r, n, err := s.reference(raw[i:], rel+i)
			if err != nil {
				return nil, err
			}
			flush(i)
			s.scratch = utf8.AppendRune(s.scratch, r)
			i += n
			last = i
		case '\r':
			flush(i)
			s.scratch = append(s.scratch, '\n')
			i++
			if i < len(raw) && raw[i] == '\n' {
				i++
			}
			last = i
		case ']':
			if ctx == ctxText && bytes.HasPrefix(raw[i:], []byte("]]>")) {
				return nil, s.fail(ErrSyntax, rel+i, "]]> outside a CDATA section")
			}
			i++
		case '<':
			if ctx == ctxAttr {
				return nil, s.fail(ErrSyntax, rel+i, "an unescaped < inside an attribute value")
			}
			i++
		default:
			return nil, s.fail(ErrSyntax, rel+i, "character U+%04X is not allowed in XML", c)
		}
	}
	if !copying {
		return raw, nil
	}
	flush(len(raw))
	return s.scratch[start:], nil
}

// maxRef is the longest reference read, ';' included.
const maxRef = 32

// reference decodes the reference at the start of b ('&' first): one of
// the five predefined entities or a character reference (§4.1, §4.6). It
// returns the character and the bytes taken.
func (s *Scanner) reference(b []byte, rel int) (rune, int, error) {
	end := bytes.IndexByte(b[:min(len(b), maxRef)], ';')
	if end < 0 {
		return 0, 0, s.fail(ErrEntity, rel, "an & that starts no entity or character reference (%s)", clip(firstWord(b[:min(len(b), 16)])))
	}
	ref := b[1:end]
	if len(ref) > 0 && ref[0] == '#' {
		digits, base := ref[1:], rune(10)
		if len(digits) > 0 && digits[0] == 'x' {
			digits, base = digits[1:], 16
		}
		if len(digits) == 0 {
			return 0, 0, s.fail(ErrEntity, rel, "a malformed character reference &%s;", clip(ref))
		}
		var r rune
		for _, c := range digits {
			var d rune
			switch {
			case c >= '0' && c <= '9':
				d = rune(c - '0')
			case base == 16 && c >= 'a' && c <= 'f':
				d = rune(c-'a') + 10
			case base == 16 && c >= 'A' && c <= 'F':
				d = rune(c-'A') + 10
			default:
				return 0, 0, s.fail(ErrEntity, rel, "a malformed character reference &%s;", clip(ref))
			}
			r = r*base + d
			if r > utf8.MaxRune {
				return 0, 0, s.fail(ErrEntity, rel, "a character reference &%s; beyond Unicode", clip(ref))
			}
		}
		if !isChar(r) {
			return 0, 0, s.fail(ErrSyntax, rel, "a character reference to U+%04X, which is not allowed in XML", r)
		}
		return r, end + 1, nil
	}
	switch string(ref) {
	case "lt":
		return '<', end + 1, nil
	case "gt":
		return '>', end + 1, nil
	case "amp":
		return '&', end + 1, nil
	case "apos":
		return '\'', end + 1, nil
	case "quot":
		return '"', end + 1, nil
	}
	return 0, 0, s.fail(ErrEntity, rel, "the undeclared entity &%s;", clip(ref))
}

// isChar reports whether r is an XML Char (§2.2).
func isChar(r rune) bool {
	switch {
	case r == 0x09, r == 0x0A, r == 0x0D:
		return true
	case r >= 0x20 && r <= 0xD7FF:
		return true
	case r >= 0xE000 && r <= 0xFFFD:
		return true
	case r >= 0x10000 && r <= 0x10FFFF:
		return true
	}
	return false
}

// Name character classes of bytes (§2.3).
const (
	classNone      = iota
	classNameStart // may start a name (and continue it)
	classNameChar  // may continue a name only
	classColon     // ':', which splits a prefix from a local name
	classMulti     // a byte of a multi-byte UTF-8 character
)

var nameClass = func() (t [256]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = classNameStart
		t[c-'a'+'A'] = classNameStart
	}
	t['_'], t[':'] = classNameStart, classColon
	for c := '0'; c <= '9'; c++ {
		t[c] = classNameChar
	}
	t['-'], t['.'] = classNameChar, classNameChar
	for c := 0x80; c < 0x100; c++ {
		t[c] = classMulti
	}
	return t
}()

// isNameRune reports whether a non-ASCII rune may stand in a name
// (NameStartChar and NameChar of §2.3, fifth edition, taken together).
func isNameRune(r rune) bool {
	switch {
	case r == 0xB7:
		return true
	case r >= 0xC0 && r <= 0xD6, r >= 0xD8 && r <= 0xF6, r >= 0xF8 && r <= 0x37D:
		return true
	case r >= 0x37F && r <= 0x1FFF, r >= 0x200C && r <= 0x200D, r >= 0x203F && r <= 0x2040:
		return true
	case r >= 0x2070 && r <= 0x218F, r >= 0x2C00 && r <= 0x2FEF, r >= 0x3001 && r <= 0xD7FF:
		return true
	case r >= 0xF900 && r <= 0xFDCF, r >= 0xFDF0 && r <= 0xFFFD, r >= 0x10000 && r <= 0xEFFFF:
		return true
	}
	return false
}
