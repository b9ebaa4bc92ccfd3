// Package filterreport is how mxray reports a message's receiving spam
// filters (package headers/filters decodes them): the findings they give,
// the summary of their verdict in a few words, and the "Filter verdicts"
// section of the written report. Package diag builds the report (which
// authentication results the why sentence rests on) and hands it here.
// Every string may hold what a sender wrote: the writers in diag/render
// and the TUI sanitise it.
package filterreport

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/render"
	"github.com/mxray/mxray/headers/filters"
)

// The codes of the filter verdicts' findings.
const (
	// CodeVerdict: the receiver's filter judged the message spam, bulk,
	// phishing or malware, or put it in Junk or quarantine; the message is
	// the why sentence.
	CodeVerdict = "filters.verdict"
	// CodeUntrusted: a filter's fields were not written by the receiving
	// organisation (or cannot be placed).
	CodeUntrusted = "filters.untrusted"
)

// Findings are the notes a filter report gives, of finding.PartVerdicts:
// why the message landed in Junk or quarantine (or was judged spam) when
// the receiver's own filter says so, and each filter verdict the receiver
// did not write, with who added it.
func Findings(r filters.Report) []finding.Finding {
	var out []finding.Finding
	if d, ok := filters.Deciding(r.Verdicts); ok && d.Trusted && (Objects(d.Verdict) || d.Folder == filters.Junk || d.Folder == filters.Quarantine) {
		out = append(out, finding.Finding{Severity: finding.Info, Code: CodeVerdict, Part: finding.PartVerdicts, Subject: finding.Line(d.Line),
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
		out = append(out, finding.Finding{Severity: finding.Info, Code: CodeUntrusted, Part: finding.PartVerdicts, Subject: finding.Line(v.Line),
			Message: msg,
			Fix: "Judge the delivery by the fields the receiver wrote itself; a rule that acts on this field can be fooled by a " +
				"sender who writes it (give the receiver's own servers with --trusted-hosts when they are not recognised)."})
	}
	return out
}

// Objects reports whether a verdict objects to the message: spam, bulk,
// phishing or malware.
func Objects(v filters.Verdict) bool {
	return v == filters.Spam || v == filters.Bulk || v == filters.Phish || v == filters.Malware
}

// Mood is how a verdict reads at a glance; diag draws it as a tone.
type Mood int

// The moods.
const (
	MoodNone    Mood = iota // says nothing
	MoodGood                // clean
	MoodWarn                // bulk mail, or a clean message in Junk
	MoodBad                 // spam, phishing, malware, or a quarantine
	MoodUnknown             // not the receiver's, whatever it says
)

// MoodOf is how one verdict reads: unknown when the receiver did not
// write it (whatever it says), bad for spam, phishing, malware or a
// quarantine, warn for bulk mail or a clean message in Junk, good for a
// clean one, none when it says nothing.
func MoodOf(v filters.FilterVerdict) Mood {
	switch {
	case !v.Trusted:
		return MoodUnknown
	case v.Verdict == filters.NotSpam && v.Folder == filters.Junk, v.Verdict == filters.Bulk:
		return MoodWarn
	case Objects(v.Verdict) || v.Folder == filters.Quarantine:
		return MoodBad
	case v.Verdict == filters.NotSpam:
		return MoodGood
	}
	return MoodNone
}

// Summary is a filter report in a few words, for a summary line.
type Summary struct {
	Mood  Mood
	Word  string   // "spam, junk", "not spam", "none recorded"
	Facts []string // "Microsoft 365", "score 5 of 5", "1 verdict not the receiver's"
}

// Summarize sums a report up: the verdict the why sentence rests on, as a
// mood and a word, and the facts behind it (the filter, its score; the
// verdicts that are not the receiver's). Text is raw.
func Summarize(r filters.Report) Summary {
	untrusted := 0
	for _, v := range r.Verdicts {
		if !v.Trusted {
			untrusted++
		}
	}
	var s Summary
	d, ok := filters.Deciding(r.Verdicts)
	switch {
	case len(r.Verdicts) == 0:
		return Summary{Word: "none recorded"}
	case !ok:
		s.Word = "none of the receiver's"
	default:
		s.Mood, s.Word = MoodOf(d), strings.ReplaceAll(string(d.Verdict), "_", " ")
		if d.Folder != filters.NoFolder {
			s.Word += ", " + string(d.Folder)
		}
		s.Facts = append(s.Facts, d.Filter.Name())
		if d.Score != nil {
			score := "score " + fmtScore(*d.Score)
			if d.Threshold != nil {
				score += " of " + fmtScore(*d.Threshold)
			}
			s.Facts = append(s.Facts, score)
		}
		if !d.Trusted {
			s.Facts = append(s.Facts, "origin unknown")
		}
	}
	if untrusted > 0 && (!ok || d.Trusted) {
		word := " verdicts"
		if untrusted == 1 {
			word = " verdict"
		}
		s.Facts = append(s.Facts, strconv.Itoa(untrusted)+word+" not the receiver's")
	}
	return s
}

// Line is the summary in one line: "spam, junk (Microsoft 365, score 5
// of 5)".
func (s Summary) Line() string {
	if len(s.Facts) == 0 {
		return s.Word
	}
	return s.Word + " (" + strings.Join(s.Facts, ", ") + ")"
}

// fmtScore writes a filter's score as filters write theirs: no trailing
// zeros.
func fmtScore(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// Doc writes the "Filter verdicts" section: the why sentence first, then
// each filter's verdict with who wrote it and its signals, each raw value
// beside its meaning, then the forwarding found.
func Doc(d *render.Doc, r filters.Report) {
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
