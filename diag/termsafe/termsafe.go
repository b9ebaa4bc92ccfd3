// Package termsafe is mxray's one sanitizer for text bound for a terminal or
// a ticket. DNS answers and pasted headers are written by strangers: a TXT
// record or a Subject carrying ESC ]52 could rewrite the technician's
// clipboard, ESC [2J could blank the screen, and a bidi override could make
// "moc.elpmaxe" read as "example.com". Every string the TUI draws, and every
// string the text and Markdown reports print, passes through String or
// Lines first. JSON output keeps the values: encoding/json escapes C0
// controls itself, and JSON escapes everything else this package
// neutralises as \uXXXX, which decodes to the very same value.
//
// What is neutralised, each shown as a visible escape:
//
//   - invalid UTF-8 bytes, as \xNN;
//   - C0 controls and DEL (U+0000–U+001F, U+007F), as \xNN; this defuses
//     every ESC sequence (CSI, OSC including 52 and 8, DCS, APC, SOS, PM)
//     because the ESC that starts it is no longer sent;
//   - C1 controls (U+0080–U+009F), which some terminals obey as 8-bit CSI,
//     OSC and DCS, as \u0080;
//   - bidirectional overrides, embeddings, isolates and marks (U+202A–U+202E,
//     U+2066–U+2069, U+200E, U+200F, U+061C), as \u202e;
//   - zero-width and invisible format characters (U+200B–U+200D, U+2060–U+2064,
//     U+FEFF, U+00AD, U+180E), and the line and paragraph separators
//     U+2028/U+2029, as \u200b.
//
// A tab becomes one space. Lines keeps line feeds (a CR LF pair or a lone CR
// becomes one line feed); String escapes them too, for one-line display.
package termsafe

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// String returns s made safe to show on one line of a terminal: every
// control character, escape-sequence introducer, bidi control and
// zero-width character is replaced by a visible escape, and invalid UTF-8
// bytes are shown as \xNN.
func String(s string) string {
	return sanitize(s, false)
}

// Lines is String for multi-line text: line ends are kept as "\n" (CR LF and
// a lone CR become "\n"); everything else is treated as String treats it.
func Lines(s string) string {
	return sanitize(s, true)
}

// Error returns err's message made safe by String; "" for a nil error.
func Error(err error) string {
	if err == nil {
		return ""
	}
	return String(err.Error())
}

// Safe reports whether s would come back from String unchanged.
func Safe(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || r == '\t' || escaped(r) {
			return false
		}
		i += size
	}
	return true
}

func sanitize(s string, keepNewlines bool) string {
	if Safe(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\t':
			b.WriteByte(' ')
		case keepNewlines && r == '\n':
			b.WriteByte('\n')
		case keepNewlines && r == '\r':
			b.WriteByte('\n')
			if i+1 < len(s) && s[i+1] == '\n' {
				size++
			}
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case escaped(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// JSON rewrites encoded JSON so that it can be printed on a terminal: DEL,
// C1 controls, bidi controls and zero-width characters, which encoding/json
// writes as they are, become \uXXXX escapes. Outside strings JSON is ASCII,
// so every such rune is inside a string, and the result decodes to exactly
// the same values.
func JSON(b []byte) []byte {
	ascii := true
	for _, c := range b {
		if c >= 0x7f {
			ascii = false
			break
		}
	}
	if ascii {
		return b // encoding/json escapes C0 controls itself
	}
	clean := true
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == 0x7f || (r >= 0x80 && escaped(r)) {
			clean = false
			break
		}
		i += size
	}
	if clean {
		return b
	}
	out := make([]byte, 0, len(b)+32)
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == 0x7f || (r >= 0x80 && escaped(r)) {
			out = fmt.Appendf(out, `\u%04x`, r)
		} else {
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	return out
}

// escaped reports whether r must not reach a terminal as itself.
func escaped(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f:
		return true
	case r >= 0x80 && r <= 0x9f: // C1 controls
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, // bidi embeddings, overrides, isolates
		r == 0x200e, r == 0x200f, r == 0x061c: // bidi marks
		return true
	case r >= 0x200b && r <= 0x200d, r >= 0x2060 && r <= 0x2064, // zero-width, invisible operators
		r == 0xfeff, r == 0x00ad, r == 0x180e, r == 0x2028, r == 0x2029:
		return true
	}
	return false
}
