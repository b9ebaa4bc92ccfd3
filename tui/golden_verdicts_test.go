package tui

import (
	"fmt"
	"os"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/finding"
)

// verdictSamples are the messages the Verdicts pane is compared on: the
// demo's sample (its receiver's SpamAssassin, trusted) and three real ones
// from testdata/headers: a Microsoft 365 NDR whose X-Forefront-Antispam-Report
// is the sending tenant's outbound scan (DIR:OUT, not the receiver's),
// Fastmail's SpamAssassin with its rules and scores (X-Spam-Hits), and
// MailScanner's and SpamAssassin's fields appended below every Received
// field (origin unknown).
func verdictSamples(t testing.TB) []headerSample {
	out := []headerSample{{"demo", demo.SampleMessage()}}
	for _, f := range []string{"exchange-online-ndr-forefront.eml", "fastmail-amazon-arc-bimi.eml", "yahoo-dkim-dk-empty-group-lists.eml"} {
		raw, err := os.ReadFile("../testdata/headers/" + f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, headerSample{f, raw})
	}
	return out
}

// TestGoldenVerdictsPane compares the Verdicts pane at 80x24 and 120x40
// on each sample, with the cursor on the why sentence and on the first
// signal (go test ./tui -update rewrites them).
func TestGoldenVerdictsPane(t *testing.T) {
	eachHeaderScreen(t, verdictSamples(t), func(d *driver, name string, w, h int) {
		d.m.setFocus(d.m.indexOf(finding.PartVerdicts))
		t.Run(fmt.Sprintf("why/%s/%dx%d", name, w, h), func(t *testing.T) {
			golden.RequireEqual(t, d.screen())
		})
		d.key("j", "j")
		t.Run(fmt.Sprintf("signal/%s/%dx%d", name, w, h), func(t *testing.T) {
			golden.RequireEqual(t, d.screen())
		})
	})
}
