package overview

import (
	"strconv"
	"strings"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/dmarcreport/readiness"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/tui/kit"
)

// reportsLine sums up a reports run: whether the reports say the domains
// are ready for an enforcing policy (readiness decides, per domain), how
// many reports and messages, and the share that passed DMARC. Enter opens
// the Reports pane.
func (p *Pane) reportsLine(r *readiness.Result) ovLine {
	l := ovLine{label: "Reports", part: finding.PartReports, pane: p.Com.PaneFor(finding.PartReports)}
	notReady := 0
	for _, rd := range r.Readiness {
		if !rd.Ready {
			notReady++
		}
	}
	tone, word := diag.TonePass, "ready for p=reject"
	switch {
	case len(r.Readiness) == 0:
		tone, word = diag.ToneUnknown, "no messages reported"
	case notReady > 0:
		tone, word = diag.ToneFail, "not ready for p=reject"
	}
	l.mark, l.word, l.plain = p.Mark(tone), p.Word(tone, word), word
	facts := []string{kit.Plural(r.Totals.Reports, "report", "reports"), readiness.Count(r.Totals.Messages, "message")}
	if r.Totals.Messages > 0 {
		facts = append(facts, readiness.Percent(r.Totals.DMARCPass, r.Totals.Messages)+" pass DMARC")
	}
	if notReady > 0 && len(r.Readiness) > 1 {
		facts = append(facts, strconv.Itoa(notReady)+" of "+strconv.Itoa(len(r.Readiness))+" domains not ready")
	}
	// Every fact is mxray's own counting: nothing from a report's text.
	l.rawFacts, l.facts = facts, strings.Join(facts, " "+p.Com.Glyphs.Dot+" ")
	return l
}
