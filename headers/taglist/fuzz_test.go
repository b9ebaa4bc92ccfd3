package taglist

import (
	"errors"
	"testing"
)

// Native fuzz target. Its seeds (f.Add, plus testdata/fuzz/FuzzX/) run on
// every go test. It asserts properties: no panic, errors in range, every
// tag found where it says and none twice.

func FuzzParseTagList(f *testing.F) {
	for _, s := range []string{"v=1; a=rsa-sha256", "v=1;", "b=abc\r\n\tdef ;s=x", " k = rsa ", "p=", "v=1; v=1", "v=1;; a=b", "1v=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tags, err := Parse(s)
		if err != nil {
			var te *SyntaxError
			if !errors.As(err, &te) || te.Pos < 0 || te.Pos > len(s) {
				t.Fatalf("error %v is not a *SyntaxError in range", err)
			}
		}
		seen := map[string]bool{}
		for _, tag := range tags {
			if tag.Pos < 0 || tag.Pos+len(tag.Name) > len(s) || s[tag.Pos:tag.Pos+len(tag.Name)] != tag.Name {
				t.Fatalf("tag %q at %d is not there", tag.Name, tag.Pos)
			}
			if seen[tag.Name] {
				t.Fatalf("tag %q returned twice", tag.Name)
			}
			seen[tag.Name] = true
		}
	})
}
