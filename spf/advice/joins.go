package advice

import (
	"fmt"
	"strings"

	"github.com/mxray/mxray/spf"
)

// maxJoinChecks bounds the string boundaries examined per record, so that a
// hostile record of thousands of one-byte strings costs little.
const maxJoinChecks = 32

// joinFindings detects TXT strings joined without a space where that
// changes the record: RFC 7208 §3.3 joins the strings of one record with
// nothing between them, so "... ~all" "include:..." reads as
// "~allinclude:...". A boundary is reported when neither side has a space
// and the term it falls in, read as two terms, parses no worse than as one.
// A term split across strings on purpose ("ip4:" "192.0.2.1", or
// "include:_spf.goo" "gle.com") parses worse as two and is not reported.
func joinFindings(n *spf.Node) []spf.Finding {
	if len(n.Strings) < 2 || n.Parsed == nil {
		return nil
	}
	var out []spf.Finding
	offset, checked := 0, 0
	for i := 0; i < len(n.Strings)-1 && checked < maxJoinChecks; i++ {
		offset += len(n.Strings[i])
		left, right := n.Strings[i], n.Strings[i+1]
		if left == "" || right == "" || left[len(left)-1] == ' ' || right[0] == ' ' || offset <= len(spf.Version) {
			continue
		}
		checked++
		start, tok := tokenAt(n.Record, offset)
		k := offset - start
		joinedBad := termErrors(tok)
		splitBad := termErrors(tok[:k]) + termErrors(tok[k:])
		if splitBad > joinedBad {
			continue
		}
		sev := spf.SeverityWarning
		if joinedBad > splitBad {
			sev = spf.SeverityError
		}
		out = append(out, spf.Finding{Severity: sev, Code: "spf.string_join", Domain: n.Domain,
			Message: fmt.Sprintf("The TXT record at %s is split into strings and %q is followed directly by %q; receivers join the strings with nothing between them (RFC 7208 §3.3) and read %q.", n.Domain, tail(left, 24), head(right, 24), head(tok, 64)),
			Fix:     fmt.Sprintf("Republish the record at %s with a space at the end of the string %q (or at the start of the next one).", n.Domain, tail(left, 24))})
	}
	return out
}

// termErrors is 1 when tok is not a valid term, 0 otherwise; an unknown
// modifier counts as invalid here, since it is ignored.
func termErrors(tok string) int {
	t, err := spf.ParseTerm(tok)
	if err != nil {
		return 1
	}
	if t.Modifier != "" && t.Modifier != spf.Redirect && t.Modifier != spf.Exp {
		return 1
	}
	return 0
}

// versionJoinFinding explains a TXT record that starts like SPF but is not
// one because "v=spf1" runs into what follows, most often because the
// version was published as a string of its own: "v=spf1" "mx -all".
func versionJoinFinding(n *spf.Node) (spf.Finding, bool) {
	ignored := n.Ignored()
	if len(ignored) == 0 {
		return spf.Finding{}, false
	}
	strs := ignored[0]
	text := strings.Join(strs, "")
	if len(strs) > 1 && strings.EqualFold(strs[0], spf.Version) {
		return spf.Finding{Severity: spf.SeverityError, Code: "spf.string_join", Domain: n.Domain,
			Message: fmt.Sprintf("The TXT record at %s starts with the string %q followed directly by %q; receivers join the strings with nothing between them (RFC 7208 §3.3), read %q, and do not recognise it as SPF.", n.Domain, strs[0], head(strs[1], 24), head(text, 24)),
			Fix:     fmt.Sprintf("Republish the record at %s as \"v=spf1 \" with a trailing space, or as one string.", n.Domain)}, true
	}
	return spf.Finding{Severity: spf.SeverityError, Code: "spf.version", Domain: n.Domain,
		Message: fmt.Sprintf("The TXT record %q at %s is not an SPF record: \"v=spf1\" must be followed by a space or the end of the record (RFC 7208 §4.5), so receivers ignore it.", head(text, 40), n.Domain),
		Fix:     fmt.Sprintf("Republish it at %s starting with \"v=spf1 \".", n.Domain)}, true
}

// tokenAt returns the space-separated token of s that holds byte offset off,
// and where it starts.
func tokenAt(s string, off int) (int, string) {
	start := strings.LastIndexByte(s[:off], ' ') + 1
	end := strings.IndexByte(s[off:], ' ')
	if end < 0 {
		return start, s[start:]
	}
	return start, s[start : off+end]
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

func head(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
