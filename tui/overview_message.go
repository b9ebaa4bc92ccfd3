package tui

import (
	"fmt"
	"strings"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/dkim"
	"github.com/mxray/mxray/headers/authres"
	"github.com/mxray/mxray/spf"
)

// messageLines are the Overview's lines for a message: SPF, DKIM and DMARC
// as the receiver recorded them at delivery, then as they are today, with
// the re-check's explanation of each under the list.
func (p *overviewPane) messageLines(h *headerRun) []ovLine {
	v := h.analysis.Receiver
	var rc *diag.Recheck
	if h.report != nil {
		rc = h.report.Recheck
	}
	mk := func(label, check string, then authres.Result) ovLine {
		return ovLine{label: label, pane: PaneThenNow, msg: true, notes: p.explanations(h, check), word: p.thenWord(string(then))}
	}

	spfLine := mk("Msg SPF", "spf", v.SPF)
	dkimLine := mk("Msg DKIM", "dkim", v.DKIM)
	dmarcLine := mk("Msg DMARC", "dmarc", v.DMARC)
	if !h.done {
		for _, l := range []*ovLine{&spfLine, &dkimLine, &dmarcLine} {
			l.mark = p.com.spinner
			l.word += p.nowWord("", "checking"+p.com.glyphs.Ellipsis)
		}
		if h.facts.sending != "" {
			spfLine.facts = "from " + h.facts.sending
		}
		return []ovLine{spfLine, dkimLine, dmarcLine}
	}

	var spfNow string
	if rc != nil && rc.SPF != nil {
		spfNow = string(rc.SPF.Result)
		if rc.SPF.IP != nil {
			spfLine.facts = "from " + rc.SPF.IP.String() + " for " + safe(rc.SPF.Domain)
		}
	}
	spfLine.mark, spfLine.word = p.nowMark(spfNow), spfLine.word+p.nowWord(spfNow, "not checked")

	var sigs []dkim.Result
	if rc != nil {
		sigs = rc.DKIM
	}
	dkimNow, failed := dkimSummary(sigs)
	dkimLine.mark, dkimLine.word = p.nowMark(dkimNow), dkimLine.word+p.nowWord(dkimNow, "no signature")
	switch {
	case len(failed) > 0 && len(sigs) > 1:
		dkimLine.facts = fmt.Sprintf("%d of %d pass", len(sigs)-len(failed), len(sigs)) + "; " + strings.Join(failed, ", ")
	case len(failed) > 0:
		dkimLine.facts = strings.Join(failed, ", ")
	case len(sigs) > 0:
		dkimLine.facts = plural(len(sigs), "signature", "signatures")
	}

	var dmarcNow string
	if rc != nil && rc.DMARC != nil {
		dmarcNow = string(rc.DMARC.Result)
		if rc.DMARC.RequestedPolicy != "" {
			dmarcLine.facts = "p=" + safe(string(rc.DMARC.RequestedPolicy)) + " for " + safe(rc.DMARC.FromDomain)
		}
	}
	dmarcLine.mark, dmarcLine.word = p.nowMark(dmarcNow), dmarcLine.word+p.nowWord(dmarcNow, "not checked")
	return []ovLine{spfLine, dkimLine, dmarcLine}
}

// dkimSummary is the DKIM verdict today over every signature (pass when
// one passes, as a receiver has it; else the first one's) and the
// signatures that do not pass, as "s=… d=… permerror".
func dkimSummary(sigs []dkim.Result) (string, []string) {
	now := ""
	var failed []string
	for _, r := range sigs {
		if r.Result == dkim.Pass {
			now = string(dkim.Pass)
			continue
		}
		failed = append(failed, safe(r.Selector+"@"+r.Domain)+" "+safe(string(r.Result)))
		if now == "" {
			now = string(r.Result)
		}
	}
	return now, failed
}

// thenWord is the receiver's verdict followed by an arrow to today's.
func (p *overviewPane) thenWord(w string) string {
	st, g := p.com.styles, p.com.glyphs
	arrow := " " + g.Arrow + " "
	if w == "" {
		return st.Muted.Render("not recorded") + arrow
	}
	return st.Verdict.For(spf.Result(w)).Render(safe(w)) + arrow
}

// nowWord is today's verdict in its style, or none when there is none.
func (p *overviewPane) nowWord(w, none string) string {
	if w == "" {
		return p.com.styles.Muted.Render(none)
	}
	return p.com.styles.Verdict.For(spf.Result(w)).Render(safe(w))
}

// nowMark is the symbol of today's verdict.
func (p *overviewPane) nowMark(w string) string {
	st, g := p.com.styles, p.com.glyphs
	if w == "" {
		return st.Verdict.None.Render(g.Unknown)
	}
	r := spf.Result(w)
	return st.Verdict.For(r).Render(resultGlyph(g, r))
}

// explanations are the re-check's explanations of one check's rows,
// those that changed or do not pass today first.
func (p *overviewPane) explanations(h *headerRun, check string) []string {
	if h.report == nil {
		return nil
	}
	var first, rest []string
	for _, r := range h.report.ThenVsNow {
		if r.Check != check {
			continue
		}
		text := r.Explanation
		if r.Subject != "" {
			text = r.Subject + ": " + text
		}
		if r.Changed || r.Now != "pass" {
			first = append(first, text)
		} else {
			rest = append(rest, text)
		}
	}
	return append(first, rest...)
}
