package termsafe

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "example.com", "example.com"},
		{"utf8 kept", "bücher.example ✓", "bücher.example ✓"},
		{"osc52 clipboard", "x\x1b]52;c;cm0gLXJmIH4=\x07y", `x\x1b]52;c;cm0gLXJmIH4=\x07y`},
		{"osc8 hyperlink", "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\", `\x1b]8;;http://evil.example\x1b\click\x1b]8;;\x1b\`},
		{"csi clear screen", "\x1b[2J\x1b[H", `\x1b[2J\x1b[H`},
		{"dcs", "\x1bPq#0\x1b\\", `\x1bPq#0\x1b\`},
		{"apc", "\x1b_Gf=100\x1b\\", `\x1b_Gf=100\x1b\`},
		{"c1 csi", "a\u009b2Jb", `a\u009b2Jb`},
		{"raw 8-bit csi byte", "a\x9b2J", `a\x9b2J`},
		{"bidi override", "moc.\u202eelpmaxe", `moc.\u202eelpmaxe`},
		{"bidi isolate", "\u2066x\u2069", `\u2066x\u2069`},
		{"zero width", "pay\u200bpal.example\ufeff", `pay\u200bpal.example\ufeff`},
		{"newline escaped", "a\r\nb", `a\x0d\x0ab`},
		{"tab becomes space", "a\tb", "a b"},
		{"nul and del", "\x00\x7f", `\x00\x7f`},
		{"invalid utf8", "caf\xe9", `caf\xe9`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := String(tt.in)
			if got != tt.want {
				t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if strings.ContainsAny(got, "\x1b\x07\u202e\u200b") || strings.Contains(got, "\x9b") {
				t.Errorf("output still carries a dangerous character: %q", got)
			}
			if !Safe(got) {
				t.Errorf("String output is not Safe: %q", got)
			}
		})
	}
}

func TestLines(t *testing.T) {
	got := Lines("one\r\ntwo\rthree\nfour\x1b[31m")
	want := "one\ntwo\nthree\nfour\\x1b[31m"
	if got != want {
		t.Errorf("Lines = %q, want %q", got, want)
	}
}

func FuzzString(f *testing.F) {
	for _, s := range []string{"", "a\x1b]52;c;x\x07", "\u202e", "\xff\xfe", "a\r\nb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{String(s), Lines(s)} {
			for i := 0; i < len(out); i++ {
				c := out[i]
				if (c < 0x20 && c != '\n') || c == 0x7f {
					t.Fatalf("control byte %#x survived in %q", c, out)
				}
			}
			if strings.ContainsAny(out, "\u009b\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\ufeff") {
				t.Fatalf("dangerous rune survived in %q", out)
			}
		}
		if strings.Contains(String(s), "\n") {
			t.Fatalf("String kept a newline: %q", String(s))
		}
	})
}

func TestJSON(t *testing.T) {
	in := map[string]string{"v": "a\u0085b\u202ec\u200bd\x7fe\x1bf ✓"}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	out := JSON(b)
	if bytes.ContainsAny(out, "\x7f\x1b") || bytes.Contains(out, []byte("\u202e")) || bytes.Contains(out, []byte("\u0085")) || bytes.Contains(out, []byte("\u200b")) {
		t.Errorf("JSON(%q) = %q still carries raw controls", b, out)
	}
	var back map[string]string
	if err := json.Unmarshal(out, &back); err != nil || back["v"] != in["v"] {
		t.Errorf("round trip = %q, %v; want %q", back["v"], err, in["v"])
	}
	if plain := []byte(`{"v":"✓ ok"}`); &JSON(plain)[0] != &plain[0] {
		t.Error("clean JSON was copied")
	}
}
