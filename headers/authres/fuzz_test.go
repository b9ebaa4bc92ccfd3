package authres

import (
	"errors"
	"strings"
	"testing"
)

// Native fuzz target. Its seeds (f.Add, plus testdata/fuzz/FuzzX/) run on
// every go test. It asserts properties: no panic, errors wrap the
// sentinel, methods are lower-case keywords, limits hold.

func FuzzParseAuthResults(f *testing.F) {
	for _, s := range []string{
		"example.com; spf=pass smtp.mailfrom=example.net",
		"spf=pass (sender IP is 1.2.3.4) smtp.mailfrom=a.example; dkim=pass header.d=a.example;dmarc=pass action=none header.from=a.example;compauth=pass reason=100",
		`mx.example.net; dkim=fail reason="a;b" header.d=x; dkim-atps=neutral`,
		"example.org 1; none",
		"mta1007.mail.sp2.yahoo.com  from=a.example; domainkeys=neutral (no sig)",
		"i=1; mx.google.com; arc=pass (i=1 spf=pass)",
		"a; b=(c", `"`, "x; =", "(((",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ar, err := ParseAuthResults(s)
		if err != nil && !errors.Is(err, ErrAuthResults) {
			t.Fatalf("error %v does not wrap ErrAuthResults", err)
		}
		if ar.Results == nil {
			t.Fatal("Results is nil")
		}
		for _, r := range ar.Results {
			if r.Method == "" || r.Method != strings.ToLower(r.Method) {
				t.Fatalf("method %q", r.Method)
			}
			for i := 0; i < len(r.Method); i++ {
				if !isKeywordChar(r.Method[i]) {
					t.Fatalf("method %q has %q", r.Method, r.Method[i])
				}
			}
			if r.Properties == nil {
				t.Fatal("Properties is nil")
			}
		}
		if len(ar.Results) > len(s) {
			t.Fatalf("%d results from %d bytes", len(ar.Results), len(s))
		}
	})
}
