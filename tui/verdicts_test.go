package tui

import (
	"strings"
	"testing"

	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/headers/filters"
)

// TestVerdictsCopyAndScroll: y copies the item under the cursor (the why
// sentence, a verdict with who wrote it, a signal with its raw value and
// meaning); the rows scroll so that the cursor's row always shows, and a
// page down past the end stops on the last signal.
func TestVerdictsCopyAndScroll(t *testing.T) {
	d := openHeaders(t, demoServer(t), demo.SampleName, demo.SampleMessage(), 80, 24)
	d.focusPane(finding.PartVerdicts)
	rep := d.m.run.Recheck()
	if rep == nil {
		t.Fatal("the re-check is not in")
	}
	v := rep.Filters.Verdicts[0]
	copyNow := func() {
		n := len(d.copied)
		d.key("y")
		d.until("the copy", func(*Model) bool { return len(d.copied) == n+1 })
	}
	copyNow()
	d.key("j")
	copyNow()
	d.key("j", "j")
	copyNow()
	want := []string{
		rep.Filters.Why,
		filters.VerdictLine(v) + "\nTrusted: " + v.TrustReason,
		"BAYES_00  -1.9 — BODY: Bayes spam probability is 0 to 1% [score: 0.0000]",
	}
	if strings.Join(d.copied, "\n|\n") != strings.Join(want, "\n|\n") {
		t.Fatalf("copied\n%q\nwant\n%q", d.copied, want)
	}
	// Every signal, one after the other, is on screen with the cursor.
	for _, s := range v.Signals[2:] { // from BAYES_00 on
		d.key("j")
		if sc := d.screen(); !strings.Contains(sc, "›  "+s.Name) || !strings.Contains(sc, "── "+s.Name) {
			t.Fatalf("the cursor on %s is not shown:\n%s", s.Name, sc)
		}
	}
	d.key("pgdown", "pgdown")
	if sc := d.screen(); !strings.Contains(sc, "›  autolearn") {
		t.Fatalf("page down past the end:\n%s", sc)
	}
	d.key("g")
	if sc := d.screen(); !strings.Contains(sc, "›Why SpamAssassin") || !strings.Contains(sc, "✓ SpamAssassin: not spam") {
		t.Fatalf("back to the top:\n%s", sc)
	}
}

// BenchmarkViewVerdicts draws the whole screen at 120x40 with the
// Verdicts pane of the demo's sample focused, the cursor on a signal.
func BenchmarkViewVerdicts(b *testing.B) {
	d := openHeaders(b, demoServer(b), demo.SampleName, demo.SampleMessage(), 120, 40)
	d.focusPane(finding.PartVerdicts)
	d.key("j", "j", "j")
	for b.Loop() {
		_ = d.m.View()
	}
}
