// Package termsafetest holds the test-side definition of "safe for a
// terminal", written apart from termsafe itself so that tests of what the
// program prints do not trust the sanitizer they are testing.
package termsafetest

import (
	"fmt"
	"unicode/utf8"
)

// Unsafe describes the first byte or rune of out that must never reach a
// terminal or a ticket: a control byte other than the line feed, DEL,
// invalid UTF-8 (a raw 0x9b is an 8-bit CSI), a C1 control, a bidi control
// or an invisible character. It returns "" when out is safe.
func Unsafe(out string) string {
	for i := 0; i < len(out); {
		r, size := utf8.DecodeRuneInString(out[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return fmt.Sprintf("invalid UTF-8 byte %#x at %d", out[i], i)
		case r < 0x20 && r != '\n', r == 0x7f:
			return fmt.Sprintf("control byte %#x at %d", r, i)
		case r >= 0x80 && r <= 0x9f:
			return fmt.Sprintf("C1 control %U at %d", r, i)
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
			return fmt.Sprintf("bidi control %U at %d", r, i)
		case r >= 0x200b && r <= 0x200d, r == 0x2060, r == 0xfeff, r == 0x2028, r == 0x2029:
			return fmt.Sprintf("invisible character %U at %d", r, i)
		}
		i += size
	}
	return ""
}
