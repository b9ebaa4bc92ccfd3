package filters

import (
	"strconv"
	"strings"
)

// Lines renders the report section in plain text, one line per element:
// the why sentence, each verdict with its trust, each signal with its raw
// value beside its meaning, then the forwarding found. Lines are not
// wrapped and not escaped: they hold what senders wrote, so the caller
// passes every line through the terminal sanitiser (diag/termsafe) before
// it reaches a terminal, a ticket or a file.
func Lines(r Report) []string {
	var out []string
	if r.Why != "" {
		out = append(out, "Why: "+r.Why)
	}
	if len(r.Verdicts) == 0 {
		out = append(out, "Filter verdicts: none recorded in this header")
	} else {
		out = append(out, "Filter verdicts:")
	}
	for _, v := range r.Verdicts {
		out = append(out, "  "+VerdictLine(v))
		trust := "trusted: " + v.TrustReason
		if !v.Trusted {
			trust = "NOT TRUSTED (" + string(v.Trust) + "): " + v.TrustReason
		}
		out = append(out, "    "+trust)
		if v.Note != "" {
			out = append(out, "    note: "+v.Note)
		}
		width := 0
		for _, s := range v.Signals {
			width = max(width, len(s.Name))
		}
		width = min(width, 24)
		for _, s := range v.Signals {
			out = append(out, "    "+SignalLine(s, width))
		}
	}
	if len(r.Forwarding.Rewrites) > 0 {
		out = append(out, "Forwarding and rewriting:")
		for _, rw := range r.Forwarding.Rewrites {
			where := rw.Field
			if rw.Line > 0 {
				where += " line " + strconv.Itoa(rw.Line)
			}
			out = append(out, "  "+string(rw.Kind)+" ("+where+"): "+rw.Meaning)
		}
		if r.Forwarding.Explanation != "" {
			out = append(out, "  "+r.Forwarding.Explanation)
		}
	}
	return out
}

// VerdictLine is a verdict's heading: "Microsoft 365: spam, junk, score 5
// of 5 (X-Forefront-Antispam-Report, line 12): spam confidence 5 (SFV:SPM)".
func VerdictLine(v FilterVerdict) string {
	var b strings.Builder
	b.WriteString(VerdictHeading(v))
	b.WriteString(" (" + FieldLine(v) + ")")
	if v.Summary != "" {
		b.WriteString(": " + v.Summary)
	}
	return b.String()
}

// VerdictHeading is a verdict in a few words: "Microsoft 365: spam, junk,
// score 5 of 5".
func VerdictHeading(v FilterVerdict) string {
	var b strings.Builder
	b.WriteString(v.Filter.Name() + ": " + strings.ReplaceAll(string(v.Verdict), "_", " "))
	if v.Folder != NoFolder {
		b.WriteString(", " + string(v.Folder))
		if v.FolderGuess {
			b.WriteString(" (from an undocumented field)")
		}
	}
	if v.Score != nil {
		b.WriteString(", score " + fmtNum(*v.Score))
		if v.Threshold != nil {
			b.WriteString(" of " + fmtNum(*v.Threshold))
		}
	}
	return b.String()
}

// FieldLine names where a verdict was read: "X-Spam-Status, line 8".
func FieldLine(v FilterVerdict) string {
	if v.Line > 0 {
		return v.Field + ", line " + strconv.Itoa(v.Line)
	}
	return v.Field
}

// SignalLine is one signal: its name padded to width, the raw value, and
// its meaning, marked "[guess]" or "[undocumented]".
func SignalLine(s Signal, width int) string {
	name := s.Name
	if len(name) < width {
		name += strings.Repeat(" ", width-len(name))
	}
	raw := s.Raw
	if len(raw) > 60 {
		raw = raw[:57] + "..."
	}
	line := name + "  " + raw
	if s.Raw == "" {
		line = name + "  (empty)"
	}
	return line + " — " + SignalMeaning(s)
}

// SignalMeaning is a signal's meaning marked "[guess] " when it is an
// unofficial reading and "[undocumented] " when the vendor documents none
// (unless the meaning starts by saying so), so that the mark shows in
// plain text.
func SignalMeaning(s Signal) string {
	switch {
	case s.Guess:
		return "[guess] " + s.Meaning
	case s.Undocumented && !strings.HasPrefix(s.Meaning, "undocumented"):
		return "[undocumented] " + s.Meaning
	}
	return s.Meaning
}
