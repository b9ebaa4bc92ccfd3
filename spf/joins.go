package spf

import (
	"fmt"
	"strings"
)

// joinFindings detects TXT strings joined without a space where that
// changes the record: RFC 7208 §3.3 joins the strings of one record with
// nothing between them, so "... ~all" "include:..." reads as
// "~allinclude:...". A boundary is reported when neither side has a space,
// the record with a space there parses no worse, and the terms differ.
// Splitting a term across strings on purpose ("ip4:" "192.0.2.1") parses
// worse with a space and is not reported.
func joinFindings(n *Node) []Finding {
	if len(n.Strings) < 2 || n.Parsed == nil {
		return nil
	}
	var out []Finding
	joined := n.Parsed
	offset := 0
	for i := 0; i < len(n.Strings)-1; i++ {
		offset += len(n.Strings[i])
		left, right := n.Strings[i], n.Strings[i+1]
		if left == "" || right == "" || left[len(left)-1] == ' ' || right[0] == ' ' {
			continue
		}
		spaced, _ := Parse(n.Record[:offset] + " " + n.Record[offset:])
		if len(spaced.Errors) > len(joined.Errors) || sameTerms(spaced, joined) {
			continue
		}
		tok := tokenAt(n.Record, offset)
		sev := SeverityWarning
		if len(joined.Errors) > len(spaced.Errors) {
			sev = SeverityError
		}
		out = append(out, Finding{Severity: sev, Code: "spf.string_join", Domain: n.Domain,
			Message: fmt.Sprintf("The TXT record at %s is split into strings and %q is followed directly by %q; receivers join the strings with nothing between them (RFC 7208 §3.3) and read %q.", n.Domain, tail(left, 24), head(right, 24), tok),
			Fix:     fmt.Sprintf("Republish the record at %s with a space at the end of the string %q (or at the start of the next one).", n.Domain, tail(left, 24))})
	}
	return out
}

// sameTerms reports whether two parses have the same terms.
func sameTerms(a, b *Record) bool {
	if len(a.Terms) != len(b.Terms) {
		return false
	}
	for i := range a.Terms {
		if a.Terms[i].String() != b.Terms[i].String() {
			return false
		}
	}
	return true
}

// tokenAt returns the space-separated token of s that holds byte offset off.
func tokenAt(s string, off int) string {
	start := strings.LastIndexByte(s[:off], ' ') + 1
	end := strings.IndexByte(s[off:], ' ')
	if end < 0 {
		return s[start:]
	}
	return s[start : off+end]
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
