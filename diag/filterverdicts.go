package diag

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/render"
	"github.com/mxray/mxray/headers/filters"
	"github.com/mxray/mxray/headers/forwarding"
)

// A message's receiving spam filters (issue 15): their verdicts are
// decoded once, when the message is read (Message.Filters, by
// headers/filters, whose trust comes from the boundary of the headers
// analysis), with the signs of forwarding (Message.Rewrites). The why
// sentence answers from them and the authentication results: the
// re-check's once it ran (SPF, DKIM and DMARC today, with the compauth the
// receiver recorded), else what the receiver recorded.

// FilterReport returns the message's filter verdicts, forwarding and why
// sentence: rep's, built on its re-check, when rep is given; else built on
// what the receiver recorded. Text is raw: a view sanitises it.
func (m *Message) FilterReport(rep *HeadersReport) filters.Report {
	if rep != nil && rep.Filters.Verdicts != nil {
		return rep.Filters
	}
	return m.recorded
}

// filterReport builds the report on rc's results, or on the receiver's
// when rc is nil.
func (m *Message) filterReport(rc *Recheck) filters.Report {
	return filters.Answer(m.Filters, m.Rewrites, m.filterAuth(rc))
}

// filterAuth is the authentication story of the why sentence: today's SPF,
// DKIM and DMARC from rc with the compauth the receiver recorded, or,
// when rc is nil, what the receiver recorded.
func (m *Message) filterAuth(rc *Recheck) forwarding.Auth {
	recorded := forwarding.AuthFromAnalysis(m.Analysis)
	if rc == nil {
		return recorded
	}
	au := forwarding.Auth{Source: "recheck", FromDomain: m.Analysis.FromDomain,
		CompAuth: recorded.CompAuth, CompAuthReason: recorded.CompAuthReason}
	if s := rc.SPF; s != nil && s.Result != "" {
		au.SPF, au.SPFDomain = string(s.Result), strings.ToLower(s.Domain)
	}
	for _, d := range rc.DKIM {
		au.DKIM = append(au.DKIM, forwarding.DKIMResult{Domain: strings.ToLower(d.Domain), Selector: d.Selector, Result: string(d.Result), Reason: d.Reason})
	}
	if d := rc.DMARC; d != nil {
		au.DMARC, au.DMARCPolicy = string(d.Result), string(d.RequestedPolicy)
	}
	return au
}

// setFilters puts the filter report in rep, with its findings in place of
// any an earlier report gave.
func (rep *HeadersReport) setFilters(r filters.Report) {
	rep.Filters = r
	kept := rep.Findings[:0]
	for _, f := range rep.Findings {
		if f.Part != finding.PartVerdicts {
			kept = append(kept, f)
		}
	}
	rep.Findings = append(kept, filterFindings(r)...)
	finding.Sort(rep.Findings)
}

// The codes of the filter verdicts' findings.
const (
	// codeFilterVerdict: the receiver's filter judged the message spam,
	// bulk, phishing or malware, or put it in Junk or quarantine; the
	// message is the why sentence.
	codeFilterVerdict = "filters.verdict"
	// codeFilterUntrusted: a filter's fields were not written by the
	// receiving organisation (or cannot be placed).
	codeFilterUntrusted = "filters.untrusted"
)

// filterFindings are the notes a filter report gives: why the message
// landed in Junk or quarantine (or was judged spam) when the receiver's
// own filter says so, and each filter verdict the receiver did not write.
func filterFindings(r filters.Report) []finding.Finding {
	var out []finding.Finding
	if d, ok := filters.Deciding(r.Verdicts); ok && d.Trusted && (badVerdict(d.Verdict) || d.Folder == filters.Junk || d.Folder == filters.Quarantine) {
		out = append(out, finding.Finding{Severity: finding.Info, Code: codeFilterVerdict, Part: finding.PartVerdicts, Subject: finding.Line(d.Line),
			Message: r.Why,
			Fix: "Look at the signals that weighed most in the filter's verdict: fix what the sender controls (authentication, " +
				"the sending IP's reputation, the content); for mail the organisation wants, add an allow entry at the receiver " +
				"rather than loosening its filter."})
	}
	for _, v := range r.Verdicts {
		if v.Trusted {
			continue
		}
		what := fmt.Sprintf("%s's %s field (line %d)", v.Filter.Name(), v.Field, v.Line)
		var msg string
		switch v.Trust {
		case filters.TrustEarlier:
			by := ""
			if v.AddedBy != "" {
				by = ", added by " + v.AddedBy + ","
			}
			msg = fmt.Sprintf("%s%s was already in the message when it reached the receiving organisation, so it is the sender's "+
				"or a forwarder's verdict, or forged: it says nothing about this delivery.", what, by)
		default:
			msg = fmt.Sprintf("%s cannot be tied to the receiving organisation: %s.", what, v.TrustReason)
		}
		out = append(out, finding.Finding{Severity: finding.Info, Code: codeFilterUntrusted, Part: finding.PartVerdicts, Subject: finding.Line(v.Line),
			Message: msg,
			Fix: "Judge the delivery by the fields the receiver wrote itself; a rule that acts on this field can be fooled by a " +
				"sender who writes it (give the receiver's own servers with --trusted-hosts when they are not recognised)."})
	}
	return out
}

// badVerdict reports whether a filter objected to the message.
func badVerdict(v filters.Verdict) bool {
	return v == filters.Spam || v == filters.Bulk || v == filters.Phish || v == filters.Malware
}

// FiltersVerdict sums a filter report up for a summary line, decided here
// once: the verdict the why sentence rests on as a tone and a word ("spam,
// junk"), and the facts behind it (the filter, its score; the verdicts
// that are not the receiver's). Text is raw.
func FiltersVerdict(r filters.Report) PartVerdict {
	untrusted := 0
	for _, v := range r.Verdicts {
		if !v.Trusted {
			untrusted++
		}
	}
	var pv PartVerdict
	d, ok := filters.Deciding(r.Verdicts)
	switch {
	case len(r.Verdicts) == 0:
		return PartVerdict{Tone: ToneNone, Word: "none recorded"}
	case !ok:
		pv = PartVerdict{Tone: ToneNone, Word: "none of the receiver's"}
	default:
		pv.Word = strings.ReplaceAll(string(d.Verdict), "_", " ")
		if d.Folder != filters.NoFolder {
			pv.Word += ", " + string(d.Folder)
		}
		pv.Tone = VerdictTone(d)
		pv.Facts = append(pv.Facts, d.Filter.Name())
		if d.Score != nil {
			score := "score " + fmtScore(*d.Score)
			if d.Threshold != nil {
				score += " of " + fmtScore(*d.Threshold)
			}
			pv.Facts = append(pv.Facts, score)
		}
		if !d.Trusted {
			pv.Facts = append(pv.Facts, "origin unknown")
		}
	}
	if n := untrusted; n > 0 && (ok && d.Trusted || !ok) {
		pv.Facts = append(pv.Facts, plural(n, "verdict")+" not the receiver's")
	}
	return pv
}

// VerdictTone is how one filter verdict reads at a glance: unknown when
// the receiver did not write it (whatever it says), fail for spam,
// phishing, malware or a quarantine, warn for bulk mail or a clean message
// in Junk, pass for a clean one, none when it says nothing.
func VerdictTone(v filters.FilterVerdict) Tone {
	switch {
	case !v.Trusted:
		return ToneUnknown
	case v.Verdict == filters.NotSpam && v.Folder == filters.Junk, v.Verdict == filters.Bulk:
		return ToneWarn
	case badVerdict(v.Verdict) || v.Folder == filters.Quarantine:
		return ToneFail
	case v.Verdict == filters.NotSpam:
		return TonePass
	}
	return ToneNone
}

// fmtScore writes a filter's score as filters write theirs: no trailing
// zeros.
func fmtScore(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// filtersLine is the summary line of the filter verdicts: "spam, junk
// (Microsoft 365, score 5 of 5)".
func filtersLine(r filters.Report) string {
	v := FiltersVerdict(r)
	if len(v.Facts) == 0 {
		return v.Word
	}
	return v.Word + " (" + strings.Join(v.Facts, ", ") + ")"
}

// filtersDoc writes the "Filter verdicts" section: the why sentence first,
// then each filter's verdict with who wrote it and its signals, each raw
// value beside its meaning, then the forwarding found.
func filtersDoc(d *render.Doc, r filters.Report) {
	d.Heading(2, "Filter verdicts")
	d.Para("Why: " + r.Why)
	for _, v := range r.Verdicts {
		d.Heading(3, filters.VerdictHeading(v))
		read := "Read from " + filters.FieldLine(v)
		if v.Summary != "" {
			read += ": " + v.Summary
		}
		d.Para(read + ".")
		if v.Trusted {
			d.Para("Trusted: " + v.TrustReason + ".")
		} else {
			d.Para("NOT TRUSTED (" + string(v.Trust) + "): " + v.TrustReason + ".")
		}
		if v.Note != "" {
			d.Para("Note: " + v.Note + ".")
		}
		if len(v.Signals) == 0 {
			continue
		}
		rows := make([][]string, len(v.Signals))
		for i, s := range v.Signals {
			rows[i] = []string{s.Name, shortRaw(s.Raw), filters.SignalMeaning(s)}
		}
		d.Table([]string{"Signal", "Value", "Meaning"}, rows)
	}
	if fw := r.Forwarding; len(fw.Rewrites) > 0 {
		d.Heading(3, "Forwarding and rewriting")
		items := make([]string, len(fw.Rewrites))
		for i, rw := range fw.Rewrites {
			where := rw.Field
			if rw.Line > 0 {
				where += ", line " + strconv.Itoa(rw.Line)
			}
			items[i] = string(rw.Kind) + " (" + where + "): " + rw.Meaning
		}
		d.List(items...)
		if fw.Explanation != "" {
			d.Para(fw.Explanation + ".")
		}
	}
}

// shortRaw cuts a long raw value for a table cell (the JSON carries it
// whole): 60 characters at most.
func shortRaw(s string) string {
	if s == "" {
		return "(empty)"
	}
	if r := []rune(s); len(r) > 60 {
		return string(r[:59]) + "…"
	}
	return s
}
