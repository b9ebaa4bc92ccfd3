package headers

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mxray/mxray/headers/authres"
)

// arcFields builds ARC fields; each spec is "kind:i:cv" with kind s
// (ARC-Seal), m (ARC-Message-Signature) or a (ARC-Authentication-Results).
func arcFields(specs ...string) []Field {
	var fs []Field
	for n, spec := range specs {
		parts := strings.Split(spec, ":")
		kind, i := parts[0], parts[1]
		var f Field
		switch kind {
		case "s":
			f = Field{Name: "ARC-Seal", Value: fmt.Sprintf("i=%s; a=rsa-sha256; cv=%s; d=example.net; s=arc; t=1; b=AA==", i, parts[2])}
		case "m":
			f = Field{Name: "ARC-Message-Signature", Value: fmt.Sprintf("i=%s; a=rsa-sha256; c=relaxed/relaxed; d=example.net; s=arc; h=from:to:subject; bh=AA==; b=AA==", i)}
		case "a":
			f = Field{Name: "ARC-Authentication-Results", Value: fmt.Sprintf("i=%s; mx.example.net; spf=pass smtp.mailfrom=a@b.example; dkim=pass header.d=b.example", i)}
		}
		f.Line = n + 1
		fs = append(fs, f)
	}
	return fs
}

func TestARCChainStructure(t *testing.T) {
	tests := []struct {
		name    string
		fields  []Field
		n       int
		cv      authres.CV
		valid   bool
		problem string
	}{
		{"one instance", arcFields("s:1:none", "m:1", "a:1"), 1, authres.CVNone, true, ""},
		{"two instances", arcFields("s:2:pass", "m:2", "a:2", "s:1:none", "m:1", "a:1"), 2, authres.CVPass, true, ""},
		{"gap", arcFields("s:3:pass", "m:3", "a:3", "s:1:none", "m:1", "a:1"), 3, authres.CVPass, false, "instance 2 is missing"},
		{"duplicate seal", arcFields("s:1:none", "s:1:none", "m:1", "a:1"), 1, authres.CVNone, false, "more than one ARC-Seal"},
		{"incomplete", arcFields("s:1:none", "a:1"), 1, authres.CVNone, false, "lacks ARC-Message-Signature"},
		{"cv=pass at i=1", arcFields("s:1:pass", "m:1", "a:1"), 1, authres.CVPass, false, "must have cv=none"},
		{"cv=none after i=1", arcFields("s:2:none", "m:2", "a:2", "s:1:none", "m:1", "a:1"), 2, authres.CVNone, false, "only instance 1 may have"},
		{"cv=fail", arcFields("s:2:fail", "m:2", "a:2", "s:1:none", "m:1", "a:1"), 2, authres.CVFail, false, "cv=fail"},
		{"instance out of range", arcFields("s:51:pass", "m:51", "a:51"), 0, "", false, "from 1 to 50"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sets, c := readARC(tt.fields)
			if c.Instances != tt.n || c.NewestCV != tt.cv || c.Valid != tt.valid {
				t.Errorf("chain = %+v, want %d/%s valid=%v", c, tt.n, tt.cv, tt.valid)
			}
			if tt.problem != "" && !strings.Contains(strings.Join(c.Problems, "|"), tt.problem) {
				t.Errorf("problems %q lack %q", c.Problems, tt.problem)
			}
			if tt.valid && len(c.Problems) != 0 {
				t.Errorf("valid chain with problems %q", c.Problems)
			}
			for k := 1; k < len(sets); k++ {
				if sets[k].Instance >= sets[k-1].Instance {
					t.Errorf("sets not newest first: %d after %d", sets[k].Instance, sets[k-1].Instance)
				}
			}
		})
	}
}

func TestARCSetContents(t *testing.T) {
	sets, _ := readARC(arcFields("s:1:none", "m:1", "a:1"))
	if len(sets) != 1 {
		t.Fatalf("%d sets", len(sets))
	}
	s := sets[0]
	if s.Domain != "example.net" || s.Selector != "arc" || s.AuthServID != "mx.example.net" || len(s.Results) != 2 ||
		s.Results[0].Method != "spf" || s.Results[0].Properties["smtp.mailfrom"] != "a@b.example" || strings.Join(s.AMSSigned, ":") != "from:to:subject" {
		t.Errorf("set = %+v", s)
	}
}
