package tui

import (
	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/finding"
)

// messageLabels name a message's checks on the overview.
var messageLabels = map[finding.Part]string{
	finding.PartSPF:   "Msg SPF",
	finding.PartDKIM:  "Msg DKIM",
	finding.PartDMARC: "Msg DMARC",
}

// messageLines are the Overview's lines for a message: SPF, DKIM and DMARC
// as the receiver recorded them at delivery, then as they are today, with
// the re-check's explanation of each under the list.
func (p *overviewPane) messageLines(h *headerRun) []ovLine {
	var rep *diag.HeadersReport
	if h.done {
		rep = h.report
	}
	checks := diag.MessageChecks(h.analysis, rep)
	lines := make([]ovLine, len(checks))
	for i, c := range checks {
		l := ovLine{label: messageLabels[c.Check], pane: PaneThenNow, msg: true, notes: c.Notes, facts: safe(c.Facts), word: p.thenWord(c.Then)}
		if h.done {
			l.mark, l.word = p.nowMark(c.Now), l.word+p.nowWord(c.Now, c.NoNow)
		} else {
			l.mark, l.word = p.com.spinner, l.word+p.com.styles.Muted.Render("checking"+p.com.glyphs.Ellipsis)
		}
		lines[i] = l
	}
	return lines
}

// thenWord is the receiver's verdict followed by an arrow to today's.
func (p *overviewPane) thenWord(o diag.Outcome) string {
	arrow := " " + p.com.glyphs.Arrow + " "
	if o == "" {
		return p.com.styles.Muted.Render("not recorded") + arrow
	}
	return p.word(o.Tone(), safe(string(o))) + arrow
}

// nowWord is today's verdict in its style, or none when there is none.
func (p *overviewPane) nowWord(o diag.Outcome, none string) string {
	if o == "" {
		return p.com.styles.Muted.Render(none)
	}
	return p.word(o.Tone(), safe(string(o)))
}

// nowMark is the symbol of today's verdict: unknown when there is none.
func (p *overviewPane) nowMark(o diag.Outcome) string {
	if o == "" {
		return p.mark(diag.ToneNotFound)
	}
	return p.mark(o.Tone())
}
