package overview

import (
	"strings"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/tui/kit"
)

// messageLabels name a message's checks on the overview.
var messageLabels = map[finding.Part]string{
	finding.PartSPF:   "Msg SPF",
	finding.PartDKIM:  "Msg DKIM",
	finding.PartDMARC: "Msg DMARC",
}

// messageLines are the Overview's lines for a message: the receiving
// filters' verdict first, with the why sentence under the list (diag
// builds it); then SPF, DKIM and DMARC as the receiver recorded them at
// delivery and as they are today, with the re-check's explanation of each
// under the list.
func (p *Pane) messageLines(run kit.Run) []ovLine {
	done := run.RecheckDone()
	checks := diag.MessageChecks(run.Message().Analysis, run.Recheck())
	lines := make([]ovLine, len(checks), len(checks)+1)
	fr := run.Message().FilterReport(run.Recheck())
	fv := diag.FiltersVerdict(fr)
	facts := make([]string, len(fv.Facts))
	for i, f := range fv.Facts {
		facts[i] = kit.Safe(f)
	}
	why := ovLine{label: "Filters", pane: p.Com.PaneFor(finding.PartVerdicts), msg: true, notes: []string{fr.Why},
		mark: p.Mark(fv.Tone), word: p.Word(fv.Tone, kit.Safe(fv.Word)), facts: strings.Join(facts, " "+p.Com.Glyphs.Dot+" ")}
	for i, c := range checks {
		l := ovLine{label: messageLabels[c.Check], pane: p.Com.PaneFor(finding.PartThenNow), msg: true, notes: c.Notes, facts: kit.Safe(c.Facts), word: p.thenWord(c.Then)}
		if done {
			l.mark, l.word = p.nowMark(c.Now), l.word+p.nowWord(c.Now, c.NoNow)
		} else {
			l.mark, l.word = p.Com.Spinner, l.word+p.Com.Styles.Muted.Render("checking"+p.Com.Glyphs.Ellipsis)
		}
		lines[i] = l
	}
	return append([]ovLine{why}, lines...)
}

// thenWord is the receiver's verdict followed by an arrow to today's.
func (p *Pane) thenWord(o diag.Outcome) string {
	arrow := " " + p.Com.Glyphs.Arrow + " "
	if o == "" {
		return p.Com.Styles.Muted.Render("not recorded") + arrow
	}
	return p.Word(o.Tone(), kit.Safe(string(o))) + arrow
}

// nowWord is today's verdict in its style, or none when there is none.
func (p *Pane) nowWord(o diag.Outcome, none string) string {
	if o == "" {
		return p.Com.Styles.Muted.Render(none)
	}
	return p.Word(o.Tone(), kit.Safe(string(o)))
}

// nowMark is the symbol of today's verdict: unknown when there is none.
func (p *Pane) nowMark(o diag.Outcome) string {
	if o == "" {
		return p.Mark(diag.ToneNotFound)
	}
	return p.Mark(o.Tone())
}
