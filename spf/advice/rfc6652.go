package advice

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mxray/mxray/spf"
)

// RFC 6652 adds three modifiers to SPF that ask receivers for failure
// reports: ra= (the local-part reports go to), rp= (the share of failures
// to report) and rr= (which failures). check_host() ignores them; they are
// valid, not unknown.

// reportModifier checks one RFC 6652 modifier: ok is false for another
// modifier; problem says what is malformed ("" when nothing is).
func reportModifier(t *spf.Term) (problem string, ok bool) {
	val := t.Value.String()
	switch t.Modifier {
	case spf.ReportAddress:
		switch {
		case val == "":
			return "ra= names no local-part", true
		case strings.Contains(val, "@"):
			return fmt.Sprintf("ra= takes only the local-part (the reports go to it at the record's domain), not %q", val), true
		}
	case spf.ReportPercent:
		if n, err := strconv.Atoi(val); err != nil || n < 0 || n > 100 || len(val) > 3 {
			return fmt.Sprintf("rp= is a percentage from 0 to 100, not %q", val), true
		}
	case spf.ReportRequest:
		for _, k := range strings.Split(val, ":") {
			switch strings.ToLower(k) {
			case "all", "e", "f", "s", "n":
			default:
				return fmt.Sprintf("rr= lists all, e, f, s or n separated by colons; %q is none of them", k), true
			}
		}
	default:
		return "", false
	}
	return "", true
}

// reportWords says what a record's RFC 6652 modifiers ask for, and
// whether it has any.
func reportWords(n *spf.Node) (string, bool) {
	var ra, rp, rr string
	for i := range n.Parsed.Terms {
		t := &n.Parsed.Terms[i]
		if p, ok := reportModifier(t); !ok || p != "" {
			continue
		}
		switch t.Modifier {
		case spf.ReportAddress:
			ra = t.Value.String()
		case spf.ReportPercent:
			rp = t.Value.String()
		case spf.ReportRequest:
			rr = t.Value.String()
		}
	}
	if ra == "" && rp == "" && rr == "" {
		return "", false
	}
	var parts []string
	if ra != "" {
		parts = append(parts, "reports go to "+ra+"@"+n.Domain)
	} else {
		parts = append(parts, "with no ra= no address is given, so a receiver sends none")
	}
	if rp != "" {
		parts = append(parts, "for "+rp+"% of failures")
	}
	if rr != "" {
		parts = append(parts, "of "+requestWords(rr))
	}
	return strings.Join(parts, ", "), true
}

// requestWords spells an rr= value.
func requestWords(rr string) string {
	names := map[string]string{"all": "every kind", "e": "evaluation errors", "f": "fails", "s": "softfails", "n": "neutral and none results"}
	var out []string
	for _, k := range strings.Split(strings.ToLower(rr), ":") {
		out = append(out, names[k])
	}
	return strings.Join(out, " and ")
}

// reportFindings explains a record's RFC 6652 modifiers (a note), or says
// which is malformed (a warning).
func reportFindings(n *spf.Node, add addFunc) {
	if n.Parsed == nil {
		return
	}
	for i := range n.Parsed.Terms {
		t := &n.Parsed.Terms[i]
		if p, ok := reportModifier(t); ok && p != "" {
			add(spf.SeverityWarning, "spf.report_modifier", n.Domain,
				fmt.Sprintf("At %s, %q asks for SPF failure reports (RFC 6652) but %s.", n.Domain, t.Text, p),
				fmt.Sprintf("Correct %q in the record at %s, or remove it.", t.Text, n.Domain))
		}
	}
	if words, ok := reportWords(n); ok {
		add(spf.SeverityInfo, "spf.failure_reports", n.Domain,
			fmt.Sprintf("The record at %s asks receivers for SPF failure reports (RFC 6652): %s. These modifiers change no verdict, and few receivers send such reports.", n.Domain, words),
			"Nothing to change. For reports most receivers do send, publish DMARC with rua= (and ruf= for failure reports).")
	}
}

// senderIDFinding reports the Sender ID records (RFC 4406, "spf2.0/...")
// at the investigated domain: SPF receivers ignore them, and the
// experiment ended (RFC 6686). A warning when the domain has no SPF record
// beside them (its owner may think it has one), else a note.
func senderIDFinding(root *spf.Node, add addFunc) {
	ids := root.SenderID()
	if len(ids) == 0 {
		return
	}
	quoted := make([]string, len(ids))
	for i, r := range ids {
		quoted[i] = fmt.Sprintf("%q", head(r, 60))
	}
	list := strings.Join(quoted, ", ")
	records := "a Sender ID record"
	if len(ids) > 1 {
		records = fmt.Sprintf("%d Sender ID records", len(ids))
	}
	if root.Status == spf.NodeNone {
		add(spf.SeverityWarning, "spf.sender_id", root.Domain,
			fmt.Sprintf("%s publishes %s (%s) but no SPF record: receivers ignore Sender ID, an experiment that ended (RFC 6686), so they get \"none\".", root.Domain, records, list),
			fmt.Sprintf("Publish a v=spf1 record at %s listing every server that sends its mail (the Sender ID record's terms are a start), then delete the spf2.0 record.", root.Domain))
		return
	}
	add(spf.SeverityInfo, "spf.sender_id", root.Domain,
		fmt.Sprintf("%s also publishes %s (%s): receivers ignore Sender ID, an experiment that ended (RFC 6686); they read only the v=spf1 record.", root.Domain, records, list),
		fmt.Sprintf("Delete the spf2.0 record at %s.", root.Domain))
}

// upperFirst capitalises the first letter of a sentence (a quote mark
// first is left as it is).
func upperFirst(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
