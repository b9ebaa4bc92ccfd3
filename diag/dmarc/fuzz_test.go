package dmarc

import (
	"errors"
	"testing"

	"github.com/mxray/mxray/headers/taglist"
)

// FuzzParse: no panic; a record is returned exactly when IsDMARC says so;
// every offset lies inside the text; parsing is deterministic.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"v=DMARC1; p=reject; rua=mailto:a@example.com!10m, mailto:b@example.net; fo=1:d; t=y; psd=n",
		"v=DMARC1;p=none;;sp=x", "v=dmarc1", " v=DMARC1", "v=DMARC1; pct=101; ri=-1; rf=afrf",
		"v=DMARC1; rua=mailto:%zz@x, ,mailto:", "v=DMARC1; p=none; p=reject", "v=DMARC1 ;\t p\t=\treject\t;",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, txt string) {
		rec, err := Parse(txt)
		if (rec != nil) != IsDMARC(txt) {
			t.Fatalf("Parse gave record %v but IsDMARC %v", rec != nil, IsDMARC(txt))
		}
		if rec == nil {
			var se *taglist.SyntaxError
			if !errors.As(err, &se) || !errors.Is(err, ErrNotDMARC) {
				t.Fatalf("nil record with error %v", err)
			}
			return
		}
		if (err == nil) != (len(rec.Errors) == 0) {
			t.Fatalf("error %v but %d recorded errors", err, len(rec.Errors))
		}
		for _, e := range rec.Errors {
			if e.Pos < 0 || e.Pos > len(txt) || e.Reason == "" {
				t.Fatalf("error out of range: %+v (len %d)", e, len(txt))
			}
		}
		for _, tg := range rec.Tags {
			if tg.Pos < 0 || tg.Pos >= len(txt) {
				t.Fatalf("tag out of range: %+v", tg)
			}
		}
		for _, u := range append(rec.RUA, rec.RUF...) {
			if u.Host != "" && hostProblem(u.Host) != "" {
				t.Fatalf("accepted bad host %q", u.Host)
			}
		}
		again, _ := Parse(txt)
		if len(again.Tags) != len(rec.Tags) || len(again.Errors) != len(rec.Errors) || again.Policy != rec.Policy {
			t.Fatal("parse is not deterministic")
		}
		_ = rec.Explain()
		_ = rec.Policies()
	})
}
