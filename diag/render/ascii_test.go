package render

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestASCII(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                "plain",
		"a — b · c → d §5.1 …": "a -- b - c -> d S5.1 ...",
		"bücher.example":       "b<U+00FC>cher.example",
		"bad \xff byte":        "bad <0xFF> byte",
		"├── x  ◀":             "+-- x  <",
		"\u00a0nbsp":           " nbsp",
	} {
		if got := ASCII(in); got != want {
			t.Errorf("ASCII(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzASCII: ASCII's output is ASCII; ASCIIJSON of a JSON document is
// ASCII and the same value.
func FuzzASCII(f *testing.F) {
	for _, s := range []string{"a — b", "😀 \xff", `{"k":"bücher 😀"}`, `["§"]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{ASCII(s), string(ASCIIJSON([]byte(s)))} {
			for i := 0; i < len(out); i++ {
				if out[i] >= 0x80 {
					t.Fatalf("byte %d of %q is not ASCII", i, out)
				}
			}
		}
		var a, b any
		if json.Unmarshal([]byte(s), &a) != nil {
			return
		}
		if err := json.Unmarshal(ASCIIJSON([]byte(s)), &b); err != nil || !reflect.DeepEqual(a, b) {
			t.Errorf("ASCIIJSON changed %q: %v", s, err)
		}
	})
}
