package filterreport

import (
	"strings"
	"testing"

	"github.com/mxray/mxray/diag/render"
	"github.com/mxray/mxray/headers/filters"
)

func ptr(v float64) *float64 { return &v }

// TestSummarize: the summary line of each kind of report.
func TestSummarize(t *testing.T) {
	ms := filters.FilterVerdict{Filter: filters.Microsoft365, Verdict: filters.Phish, Folder: filters.Junk, Score: ptr(5), Threshold: ptr(5),
		Trusted: true, Trust: filters.TrustReceiver}
	sender := filters.FilterVerdict{Filter: filters.SpamAssassin, Verdict: filters.NotSpam, Trust: filters.TrustEarlier}
	unplaced := filters.FilterVerdict{Filter: filters.Rspamd, Verdict: filters.Spam, Score: ptr(-0.5), Trust: filters.TrustUnknown}
	tests := []struct {
		vs   []filters.FilterVerdict
		mood Mood
		line string
	}{
		{nil, MoodNone, "none recorded"},
		{[]filters.FilterVerdict{ms, sender}, MoodBad, "phish, junk (Microsoft 365, score 5 of 5, 1 verdict not the receiver's)"},
		{[]filters.FilterVerdict{sender, sender}, MoodNone, "none of the receiver's (2 verdicts not the receiver's)"},
		{[]filters.FilterVerdict{unplaced}, MoodUnknown, "spam (rspamd, score -0.5, origin unknown)"},
	}
	for _, tt := range tests {
		if s := Summarize(filters.Report{Verdicts: tt.vs}); s.Mood != tt.mood || s.Line() != tt.line {
			t.Errorf("got %v %q, want %v %q", s.Mood, s.Line(), tt.mood, tt.line)
		}
	}
}

// TestDocCutsLongValues: a long raw value is cut in the written table
// (the JSON keeps it whole); an empty one says so.
func TestDocCutsLongValues(t *testing.T) {
	long := strings.Repeat("(1)", 40)
	r := filters.Report{Why: "because.", Verdicts: []filters.FilterVerdict{{Filter: filters.Microsoft365, Verdict: filters.NotSpam, Field: "X-Forefront-Antispam-Report",
		Trusted: true, TrustReason: "written inside", Signals: []filters.Signal{{Name: "SFS", Raw: long, Meaning: "rule ids", Undocumented: true}, {Name: "SRV", Meaning: "not bulk"}}}}}
	d := &render.Doc{}
	Doc(d, r)
	var b strings.Builder
	if err := render.Text(&b, d, render.Options{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"Why: because.", long[:59] + "…", "[undocumented] rule ids", "(empty)", "Trusted: written inside."} {
		if !strings.Contains(out, want) {
			t.Errorf("the section lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, long) {
		t.Error("the long value was not cut")
	}
}
