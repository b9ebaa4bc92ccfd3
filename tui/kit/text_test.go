package kit

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestTextFitting: wrap, truncate, pad and fit never exceed the width
// they are given, whatever the text (wide characters, hyphens, styles).
func TestTextFitting(t *testing.T) {
	texts := []string{
		"! Removed in RFC 9989; older receivers may still apply pct, to 50% of failing mail.",
		"p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAt6mISUlFs8bbvH7Jt9W55gqffps6SXyfh6BFS4LWMar5PjyocKZpmuA",
		"a-very-long-hyphenated-name-that-breaks-at-hyphens-over-and-over.example",
		"日本語のドメイン名.example と 中文域名.example は幅が二つ",
		"\x1b[1mbold\x1b[m and ✓ ✗ · → … plain",
		"e\u0301 combining, emoji 👍🏽 and flags 🇩🇪",
		"",
	}
	for _, s := range texts {
		for w := 1; w <= 40; w++ {
			for _, l := range Wrap(s, w) {
				if ansi.StringWidth(l) > w {
					t.Fatalf("Wrap(%q, %d) line %q is %d wide", s, w, l, ansi.StringWidth(l))
				}
			}
			if got := ansi.StringWidth(Truncate(s, w, "…")); got > w {
				t.Fatalf("Truncate(%q, %d) is %d wide", s, w, got)
			}
			if got := ansi.StringWidth(Pad(s, w, "…")); got != w {
				t.Fatalf("Pad(%q, %d) is %d wide", s, w, got)
			}
			for _, l := range strings.Split(Fit(s+"\n"+s, w, 3, "…"), "\n") {
				if ansi.StringWidth(l) != w {
					t.Fatalf("Fit(%q, %d) line %q is %d wide", s, w, l, ansi.StringWidth(l))
				}
			}
		}
		if Width(s) != ansi.StringWidth(s) {
			t.Errorf("Width(%q) = %d, ansi.StringWidth says %d", s, Width(s), ansi.StringWidth(s))
		}
	}
}

// TestASCIIFold keeps every cell in place and leaves only ASCII.
func TestASCIIFold(t *testing.T) {
	for _, s := range []string{"RFC 5321 §5.1 · ✓ → …", "bücher.example 日本", "\x1b[1m✗\x1b[m plain"} {
		got := ASCIIFold(s)
		if ansi.StringWidth(got) != ansi.StringWidth(s) {
			t.Errorf("ASCIIFold(%q) = %q changes the width", s, got)
		}
		for _, r := range ansi.Strip(got) {
			if r > 0x7e {
				t.Errorf("ASCIIFold(%q) = %q keeps %q", s, got, r)
			}
		}
	}
	if got := ASCIIFold("RFC 5321 §5.1 · a → b…"); got != "RFC 5321 S5.1 - a > b." {
		t.Errorf("asciiFold = %q", got)
	}
}

// TestWidthAgreesOnSymbols: the fast width agrees with ansi.StringWidth on
// every character of the ranges it measures itself, and on their
// neighbours.
func TestWidthAgreesOnSymbols(t *testing.T) {
	ranges := [][2]rune{{0x20, 0x7e}, {0x9f, 0x302}, {0x200f, 0x2061}, {0x218f, 0x2200}, {0x24ff, 0x25ff}, {0x27ff, 0x2900}, {0x2712, 0x2718}}
	for _, r := range ranges {
		for c := r[0]; c <= r[1]; c++ {
			s := "a" + string(c) + "b"
			if got, want := Width(s), ansi.StringWidth(s); got != want {
				t.Errorf("Width(%q U+%04X) = %d, ansi.StringWidth = %d", s, c, got, want)
			}
		}
	}
}

// TestWrapKeepsTerms: a record wraps only between its terms, so "-all" or
// "include:_spf.example" is never split at its hyphen or colon (the old
// wrap broke "-all" into "-" and "all"); only a term wider than the line
// is cut.
func TestWrapKeepsTerms(t *testing.T) {
	rec := "v=spf1 ip4:192.0.2.0/24 a:mail-out.example include:_spf.mail-provider.example redirect=_spf.example-two.example -all"
	terms := map[string]bool{}
	for _, term := range strings.Fields(rec) {
		terms[term] = true
	}
	for w := 6; w <= 90; w++ {
		lines := Wrap(rec, w)
		longest := 0
		for term := range terms {
			longest = max(longest, len(term))
		}
		if w < longest {
			continue
		}
		for _, l := range lines {
			if Width(l) > w {
				t.Fatalf("Wrap(%d): %q is wider than %d", w, l, w)
			}
			for _, word := range strings.Fields(l) {
				if !terms[word] {
					t.Fatalf("Wrap(%d) broke a term: line %q has %q", w, l, word)
				}
			}
		}
		if got := strings.Join(lines, " "); got != rec {
			t.Fatalf("Wrap(%d) lost text: %q", w, got)
		}
	}
	if got := Wrap("a  b", 10); len(got) != 1 || got[0] != "a  b" {
		t.Errorf("Wrap keeps a run of spaces inside a line: %q", got)
	}
	if got := Wrap("one\ntwo", 10); len(got) != 2 {
		t.Errorf("Wrap starts a line at a newline: %q", got)
	}
}

// TestWrapCarriesStyles: a style that spans a line break is closed at the
// end of the line and opened again on the next.
func TestWrapCarriesStyles(t *testing.T) {
	got := Wrap("\x1b[32mone two\x1b[m three", 5)
	want := []string{"\x1b[32mone\x1b[m", "\x1b[32mtwo\x1b[m", "three"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Wrap = %q, want %q", got, want)
	}
}
