package termsafetest

import "testing"

func TestUnsafe(t *testing.T) {
	for in, bad := range map[string]bool{
		"plain ✓ text\nline two": false,
		"esc \x1b[2J":            true,
		"del \x7f":               true,
		"c1 \u0085":              true,
		"raw \x9b":               true,
		"bidi \u202e":            true,
		"zero \u200b":            true,
		"tab \t":                 true,
	} {
		if got := Unsafe(in) != ""; got != bad {
			t.Errorf("Unsafe(%q) = %q, want unsafe %v", in, Unsafe(in), bad)
		}
	}
}
