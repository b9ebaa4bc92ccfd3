package tui

import (
	"regexp"
	"strings"
	"testing"

	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/tui/kit"
)

// TestNoSentenceTwiceInARow: the detail of every row of the then-vs-now,
// overview and findings panes, on the demo's sample and two real
// messages, says no sentence twice (letter case and the closing full stop
// aside). Before, a DKIM row said the receiver's reason in its
// explanation, made a sentence, and again as written.
func TestNoSentenceTwiceInARow(t *testing.T) {
	srv := blocklistDemo(t)
	rows := 0
	for _, s := range headerSamples(t) {
		d := openIdle(t, withMessage(t, demoConfig(srv, "", true), s.raw, s.name), 120, 40)
		for _, id := range []finding.Part{finding.PartThenNow, finding.PartOverview, finding.PartFindings} {
			d.m.setFocus(d.m.indexOf(id))
			d.key("g")
			prev := ""
			for range 40 {
				det, ok := d.m.focused().(kit.Detailer)
				if !ok {
					t.Fatalf("%s: no detail", id)
				}
				dt, ok := det.Detail()
				if !ok {
					break
				}
				text := dt.Text()
				if text == prev {
					break
				}
				prev = text
				rows++
				seen := map[string]bool{}
				for _, sen := range sentences(text) {
					if seen[sen] {
						t.Errorf("%s/%s: %q said twice in:\n%s", s.name, id, sen, text)
					}
					seen[sen] = true
				}
				d.key("j")
			}
		}
	}
	if rows < 30 {
		t.Fatalf("only %d rows read: the panes did not fill", rows)
	}
	t.Logf("%d rows", rows)
}

// sentenceEnd splits text after a full stop, question or exclamation
// mark and a space.
var sentenceEnd = regexp.MustCompile(`[.!?]\s+`)

// sentences are text's sentences of four words or more, lower case,
// without their end.
func sentences(text string) []string {
	var out []string
	for _, s := range sentenceEnd.Split(strings.Join(strings.Fields(text), " "), -1) {
		s = strings.ToLower(strings.TrimRight(strings.TrimSpace(s), ".!?"))
		if len(strings.Fields(s)) >= 4 {
			out = append(out, s)
		}
	}
	return out
}
