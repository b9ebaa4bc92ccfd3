package spf

import (
	"fmt"
	"strings"
)

// MacroString is a parsed macro-string of RFC 7208 §7.1: the text of a
// domain-spec, an unknown modifier's value or an explanation, with its
// macros split out for expansion.
//
//	macro-string = *( macro-expand / macro-literal )
//	macro-expand = ( "%{" macro-letter transformers *delimiter "}" )
//	               / "%%" / "%_" / "%-"
type MacroString struct {
	raw     string
	items   []macroItem
	letters uint32 // bit (letter-'a') set for each macro letter used
}

// macroItem is a run of literal text or one macro.
type macroItem struct {
	lit     string // literal text; also the value of %%, %_ and %-
	letter  byte   // lower-case macro letter; 0 for literal text
	upper   bool   // the letter was upper case: URL-escape the value (§7.3)
	digits  int    // keep this many right-hand parts; 0 keeps all
	reverse bool   // the "r" transformer
	delims  string // split characters; "" means "."
	expand  bool   // a macro-expand (including %%, %_, %-), for domain-end
}

// macroMode says where a macro-string stands, which decides what it may hold.
type macroMode int

const (
	modeDomain   macroMode = iota // a domain-spec: no c, r, t; no spaces
	modeModifier                  // an unknown modifier's value: any letter
	modeExplain                   // explanation text: any letter, spaces
)

// macroLetters are the letters of RFC 7208 §7.2; c, r and t only in exp text.
const macroLetters = "slodiphcrtv"

// Delimiters of RFC 7208 §7.1.
const macroDelims = ".-+,/_="

// maxTransformDigits bounds the DIGIT transformer; RFC 7208 §7.3 requires at
// least 127 and any larger value keeps every part anyway.
const maxTransformDigits = 1 << 16

// macroError is a macro-string syntax error at an offset within the string.
type macroError struct {
	off    int
	reason string
	err    error
}

// Error returns the reason.
func (e *macroError) Error() string { return e.reason }

// parseMacroString parses s, which stands in the given mode.
func parseMacroString(s string, mode macroMode) (*MacroString, *macroError) {
	m := &MacroString{raw: s}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			m.items = append(m.items, macroItem{lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c != '%' {
			switch {
			case c == ' ' && mode == modeExplain:
			case c >= 0x21 && c <= 0x7e:
			default:
				return nil, &macroError{off: i, err: ErrCharacter, reason: badByte(c)}
			}
			lit.WriteByte(c)
			i++
			continue
		}
		if i+1 >= len(s) {
			return nil, &macroError{off: i, err: ErrMacro,
				reason: `a lone "%" ends the text; write "%%" for a literal percent sign`}
		}
		var it macroItem
		switch s[i+1] {
		case '%':
			it = macroItem{lit: "%", expand: true}
			i += 2
		case '_':
			it = macroItem{lit: " ", expand: true}
			i += 2
		case '-':
			it = macroItem{lit: "%20", expand: true}
			i += 2
		case '{':
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				return nil, &macroError{off: i, err: ErrMacro, reason: `"%{" is never closed with "}"`}
			}
			body := s[i+2 : i+2+end]
			var merr *macroError
			it, merr = parseMacroBody(body, mode)
			if merr != nil {
				merr.off += i
				return nil, merr
			}
			m.letters |= 1 << (it.letter - 'a')
			i += 3 + end
		default:
			return nil, &macroError{off: i, err: ErrMacro,
				reason: fmt.Sprintf(`"%%" must be followed by "{", "%%", "_" or "-", not %q; write "%%%%" for a literal percent sign`, s[i+1])}
		}
		flush()
		m.items = append(m.items, it)
	}
	flush()
	return m, nil
}

// parseMacroBody parses what stands between "%{" and "}":
// macro-letter transformers *delimiter.
func parseMacroBody(body string, mode macroMode) (macroItem, *macroError) {
	if body == "" {
		return macroItem{}, &macroError{err: ErrMacro, reason: `"%{}" names no macro letter`}
	}
	l := body[0]
	lower := l | 0x20
	if !isAlpha(l) || !strings.ContainsRune(macroLetters, rune(lower)) {
		return macroItem{}, &macroError{err: ErrMacro,
			reason: fmt.Sprintf("%q is not a macro letter (RFC 7208 §7.2 allows s l o d i p h v, and c r t in explanations)", l)}
	}
	if mode == modeDomain && (lower == 'c' || lower == 'r' || lower == 't') {
		return macroItem{}, &macroError{err: ErrMacro,
			reason: fmt.Sprintf("%%{%c} may only be used in the explanation text an exp= record holds, not in a domain name (RFC 7208 §7.2)", l)}
	}
	it := macroItem{letter: lower, upper: l != lower, expand: true}
	i := 1
	for i < len(body) && isDigit(body[i]) {
		if it.digits < maxTransformDigits {
			it.digits = it.digits*10 + int(body[i]-'0')
		}
		i++
	}
	if i > 1 && it.digits == 0 {
		return macroItem{}, &macroError{err: ErrMacro, reason: "the number of parts to keep must not be zero (RFC 7208 §7.3)"}
	}
	if i < len(body) && body[i]|0x20 == 'r' {
		it.reverse = true
		i++
	}
	for ; i < len(body); i++ {
		if !strings.ContainsRune(macroDelims, rune(body[i])) {
			return macroItem{}, &macroError{err: ErrMacro,
				reason: fmt.Sprintf("%q is not a macro delimiter (RFC 7208 §7.1 allows . - + , / _ =)", body[i])}
		}
		if !strings.ContainsRune(it.delims, rune(body[i])) {
			it.delims += string(body[i])
		}
	}
	return it, nil
}

// String returns the macro-string as written.
func (m *MacroString) String() string {
	if m == nil {
		return ""
	}
	return m.raw
}

// HasMacros reports whether the string holds any %{...} macro (escapes such
// as %% and %_ do not count: they expand to constants).
func (m *MacroString) HasMacros() bool { return m != nil && m.letters != 0 }

// onlyDomainMacros reports whether every macro in the string is %{d}, whose
// value (the domain being checked) is known before any client IP is.
func (m *MacroString) onlyDomainMacros() bool {
	return m == nil || m.letters&^(1<<('d'-'a')) == 0
}

// endsAsDomain checks domain-end = ( "." toplabel [ "." ] ) / macro-expand.
func (m *MacroString) endsAsDomain() bool {
	if len(m.items) == 0 {
		return false
	}
	last := m.items[len(m.items)-1]
	if last.expand {
		return true
	}
	tail := strings.TrimSuffix(last.lit, ".")
	dot := strings.LastIndexByte(tail, '.')
	return dot >= 0 && isToplabel(tail[dot+1:])
}
