package diag

import (
	"strings"

	"github.com/mxray/mxray/diag/filterreport"
	"github.com/mxray/mxray/diag/finding"
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
	rep.Findings = append(kept, filterreport.Findings(r)...)
	finding.Sort(rep.Findings)
}

// FiltersVerdict sums a filter report up for a summary line, decided here
// once (filterreport.Summarize): the verdict the why sentence rests on as
// a tone and a word ("spam, junk"), and the facts behind it. Text is raw.
func FiltersVerdict(r filters.Report) PartVerdict {
	s := filterreport.Summarize(r)
	return PartVerdict{Tone: moodTone(s.Mood), Word: s.Word, Facts: s.Facts}
}

// VerdictTone is how one filter verdict reads at a glance
// (filterreport.MoodOf): unknown when the receiver did not write it, fail
// for spam, phishing, malware or a quarantine, warn for bulk mail or a
// clean message in Junk, pass for a clean one.
func VerdictTone(v filters.FilterVerdict) Tone { return moodTone(filterreport.MoodOf(v)) }

// moodTone is a mood's tone.
func moodTone(m filterreport.Mood) Tone {
	switch m {
	case filterreport.MoodGood:
		return TonePass
	case filterreport.MoodWarn:
		return ToneWarn
	case filterreport.MoodBad:
		return ToneFail
	case filterreport.MoodUnknown:
		return ToneUnknown
	}
	return ToneNone
}
