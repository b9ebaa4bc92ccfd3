package readiness

import (
	"strings"
	"testing"
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
		renderings(t, res)
	})
}
