package diag

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/ptrcheck"
	"github.com/mxray/mxray/diag/render"
	"github.com/mxray/mxray/headers"
)

// clip cuts a long value for the written headers report (render.Clip).
func clip(s string) string { return render.Clip(s, 300) }

// sendingIPText is the sending IP with what its reverse DNS says today,
// when the re-check looked (the workbench shows the same beside the hop).
func sendingIPText(a *headers.Analysis, ptr *ptrcheck.Result) string {
	if a.SendingIP == nil {
		return "none (no public client IP)"
	}
	s := a.SendingIP.String()
	if a.SendingHop > 0 {
		s += fmt.Sprintf(" (hop %d)", a.SendingHop)
	}
	if ptr == nil {
		return s
	}
	switch {
	case ptr.Error != "":
		return s + " · reverse DNS not checked: " + ptr.Error
	case len(ptr.PTR) == 0:
		return s + " · no PTR record today"
	case ptr.FCrDNS:
		return s + " · PTR " + clip(strings.Join(ptr.PTR, ", ")) + ", forward-confirmed"
	}
	return s + " · PTR " + clip(strings.Join(ptr.PTR, ", ")) + ", not forward-confirmed (the name does not resolve back to the address)"
}

// hopMark is the last column of a hop in the written table.
func hopMark(h headers.Hop) string {
	var marks []string
	if h.Internal {
		marks = append(marks, "internal")
	}
	if h.ChainBreak {
		marks = append(marks, "chain break")
	}
	return strings.Join(marks, ", ")
}

// authResultsDoc lists every Authentication-Results result with whose word
// it is: the receiver's results are trusted, the others are listed as what
// they are (RFC 8601 §5), never hidden.
func authResultsDoc(d *render.Doc, a *headers.Analysis) {
	if len(a.AuthenticationResults) == 0 {
		return
	}
	d.Heading(2, "Authentication-Results (all of them, and whose word each is)")
	var rows [][]string
	for _, e := range a.AuthenticationResults {
		rows = append(rows, []string{clip(orDash(e.AuthServID)), e.Method, string(e.Result), trustWords(e.Trust), strconv.Itoa(e.Line)})
	}
	d.Table([]string{"authserv-id", "Method", "Result", "Whose", "Line"}, rows)
}

// trustWords says whose word an Authentication-Results field is.
func trustWords(t headers.AuthTrust) string {
	switch t {
	case headers.TrustReceiver:
		return "the receiver (trusted)"
	case headers.TrustReceiverEarlier:
		return "names the receiver, but was already in the message (untrusted)"
	case headers.TrustUnnamed:
		return "no authserv-id (untrusted)"
	}
	return "another ADMD (untrusted)"
}

// signaturesDoc lays out what the sender (and the relays) signed: the
// DKIM-Signature fields, and the signatures listed but not evaluated.
func signaturesDoc(d *render.Doc, a *headers.Analysis) {
	if len(a.DKIMSignatures) == 0 && len(a.OtherSignatures) == 0 {
		return
	}
	d.Heading(2, "What the sender signed (DKIM-Signature)")
	if len(a.DKIMSignatures) > 0 {
		var sigs [][]string
		for _, s := range a.DKIMSignatures {
			x := "-"
			if s.X != nil {
				x = s.X.UTC().Format(time.RFC3339)
			}
			l := "-"
			if s.L != nil {
				l = strconv.FormatInt(*s.L, 10)
			}
			sigs = append(sigs, []string{clip(s.D), clip(s.S), clip(s.A), clip(orNone(s.C)), l, x})
		}
		d.Table([]string{"d=", "s=", "a=", "c=", "l=", "x="}, sigs)
	}
	for _, o := range a.OtherSignatures {
		what := "not evaluated (RFC 4870 DomainKeys is historic)"
		if o.Status == "not_yet_evaluated" {
			what = "not yet evaluated (DKIM2, an Internet-Draft)"
		}
		who := ""
		if o.D != "" {
			who = " d=" + clip(o.D)
			if o.S != "" {
				who += " s=" + clip(o.S)
			}
		}
		d.Para(fmt.Sprintf("%s%s (line %d): %s.", o.Field, who, o.Line, what))
	}
}

// sendingPTRFindings are what a receiver would hold against the sending
// IP's reverse DNS today, shown with the hops (the workbench shows the
// same under the selected address).
func sendingPTRFindings(a *headers.Analysis, ptr *ptrcheck.Result) []finding.Finding {
	if ptr == nil || a.SendingIP == nil {
		return nil
	}
	role := "the sending IP"
	if a.SendingHop > 0 {
		role = fmt.Sprintf("the sending IP, hop %d", a.SendingHop)
	}
	fs := ptr.Findings(finding.PartPTR, role)
	for i := range fs {
		fs[i].Home = finding.PartHops
	}
	return fs
}
