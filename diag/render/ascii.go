package render

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// asciiFor spells the characters mxray writes itself in ASCII (--ascii).
var asciiFor = map[rune]string{
	'—': "--", '–': "-", '…': "...", '→': "->", '←': "<-", '·': "-", '§': "S",
	'•': "*", '◀': "<", '▶': ">", '✓': "ok", '✗': "x", '“': `"`, '”': `"`,
	'‘': "'", '’': "'", '≤': "<=", '≥': ">=", '×': "x", '±': "+/-", '≈': "~",
	'─': "-", '━': "-", '═': "=", '│': "|", '├': "+", '└': "`", '┌': "+",
	'┐': "+", '┘': "+", '┬': "+", '┴': "+", '┼': "+", '▸': ">", '▾': "v",
	'\u00a0': " ",
}

// ASCII returns s in ASCII only: the punctuation and drawing mxray writes
// spelled out ("—" as "--", "§" as "S", "→" as "->"), and any other
// character, such as one of an internationalised name, as <U+XXXX>, so
// that nothing is silently lost. Invalid UTF-8 bytes become <0xNN>.
func ASCII(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r < utf8.RuneSelf:
			b.WriteByte(s[i])
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, "<0x%02X>", s[i])
		default:
			if a, ok := asciiFor[r]; ok {
				b.WriteString(a)
			} else {
				fmt.Fprintf(&b, "<U+%04X>", r)
			}
		}
		i += n
	}
	return b.String()
}

// ASCIIJSON returns JSON text with every character outside ASCII escaped
// as \uXXXX (a surrogate pair past U+FFFF): the same JSON value, in ASCII
// bytes only. Outside ASCII, JSON text holds characters only inside
// strings, where the escape means the same.
func ASCIIJSON(js []byte) []byte {
	out := make([]byte, 0, len(js))
	for i := 0; i < len(js); {
		if js[i] < utf8.RuneSelf {
			out = append(out, js[i])
			i++
			continue
		}
		r, n := utf8.DecodeRune(js[i:])
		if r > 0xFFFF {
			r -= 0x10000
			out = fmt.Appendf(out, `\u%04x\u%04x`, 0xD800+(r>>10), 0xDC00+(r&0x3FF))
		} else {
			out = fmt.Appendf(out, `\u%04x`, r) // U+FFFD for an invalid byte
		}
		i += n
	}
	return out
}
