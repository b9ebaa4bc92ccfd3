package readiness

import (
	"bytes"
	"strings"
	"testing"

	"github.com/mxray/mxray/diag/render"
	"github.com/mxray/mxray/diag/termsafe/termsafetest"
)

// FuzzBuild answers for any report: no panic, and the text and Markdown
// renderings are always safe for a terminal.
func FuzzBuild(f *testing.F) {
	f.Add(plain)
	f.Add(strings.Replace(plain, "<count>3</count>", "<count>-3</count>", 1))
	f.Add(strings.Replace(plain, "<p>none</p>", "<p>reject</p><testing>y</testing><pct>10</pct>", 1))
	f.Add(strings.Replace(plain, "receiver.example</org_name>", "\u009b2J\u202e</org_name>", 1))
	f.Fuzz(func(t *testing.T, x string) {
		res := Build(read("fuzz.xml", x), Options{})
		if res.Totals.DMARCPass > res.Totals.Messages || res.Totals.DMARCFail < 0 {
			t.Fatalf("totals %+v", res.Totals)
		}
		for _, w := range []func(*bytes.Buffer) error{
			func(b *bytes.Buffer) error { return render.Text(b, res.Doc(), render.Options{}) },
			func(b *bytes.Buffer) error { return render.Markdown(b, res.Doc(), render.Options{}) },
		} {
			var b bytes.Buffer
			if err := w(&b); err != nil {
				t.Fatal(err)
			}
			if u := termsafetest.Unsafe(b.String()); u != "" {
				t.Fatalf("unsafe output: %s", u)
			}
		}
	})
}
