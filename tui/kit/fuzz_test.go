package kit

import (
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// FuzzTextFit: for any text made safe to draw, the fast width agrees with
// ansi.StringWidth, and wrap, pad and fit keep to the width asked for.
func FuzzTextFit(f *testing.F) {
	for _, seed := range []string{
		"v=spf1 include:_spf.example.com -all",
		"日本語のドメイン名.example",
		"e\u0301 👍🏽 🇩🇪 ✓ ✗ · → …",
		"\x1b[2J\x1b]52;c;aGk=\x07\u202e\u200b",
		"a-b-c-d-e-f-g-h",
		"\u00ad\u180e\ufeff",
	} {
		f.Add(seed, uint8(10))
	}
	f.Fuzz(func(t *testing.T, s string, w8 uint8) {
		s = Safe(s)
		w := 1 + int(w8)%120
		if got, want := Width(s), ansi.StringWidth(s); got != want {
			t.Fatalf("Width(%q) = %d, ansi.StringWidth = %d", s, got, want)
		}
		for _, l := range Wrap(s, w) {
			if ansi.StringWidth(l) > w {
				t.Fatalf("Wrap(%q, %d): line %q is %d wide", s, w, l, ansi.StringWidth(l))
			}
		}
		if got := ansi.StringWidth(Pad(s, w, "…")); got != w {
			t.Fatalf("Pad(%q, %d) is %d wide", s, w, got)
		}
		if got := ASCIIFold(s); ansi.StringWidth(got) != ansi.StringWidth(s) {
			t.Fatalf("ASCIIFold(%q) = %q changes the width", s, got)
		}
	})
}
