package policy

import "testing"

// FuzzParseSTSPolicy: no panic; offsets stay inside the body; every mx kept
// is a valid pattern; max_age stays within its limit.
func FuzzParseSTSPolicy(f *testing.F) {
	f.Add(goodPolicy)
	f.Add("version: STSv1\r\nmode: testing\r\nmx: *.example.com\r\nmax_age: 31557600\r\n")
	f.Add("version:STSv1\nmode: none\nmax_age: 0\nmx:\n\n: x\n")
	f.Fuzz(func(t *testing.T, body string) {
		p, _ := ParseSTSPolicy(body)
		if p == nil {
			t.Fatal("nil policy")
		}
		for _, e := range p.Errors {
			if e.Pos < 0 || e.Pos > len(body) {
				t.Fatalf("error offset %d outside %d bytes", e.Pos, len(body))
			}
		}
		for _, mx := range p.MX {
			if !MatchPattern(mx, "x."+trimWild(mx)) && !MatchPattern(mx, trimWild(mx)) {
				t.Fatalf("pattern %q matches neither its host nor a child", mx)
			}
		}
		if p.MaxAge > MaxAgeLimit {
			t.Fatalf("max_age %d above limit", p.MaxAge)
		}
	})
}

func trimWild(p string) string {
	if len(p) > 2 && p[:2] == "*." {
		return p[2:]
	}
	return p
}
