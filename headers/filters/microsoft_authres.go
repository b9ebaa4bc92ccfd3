package filters

import (
	"strings"

	"github.com/mxray/mxray/headers"
	"github.com/mxray/mxray/headers/authres"
)

// Microsoft 365 writes three things of its own into its
// Authentication-Results, beside the RFC 8601 results: the compauth method
// with its reason code, an action= property on the dmarc result, and the
// dmarc result "bestguesspass". They are documented in "Anti-spam message
// headers in cloud organizations", Authentication-results message header
// fields (https://learn.microsoft.com/defender-office-365/message-headers-eop-mdo),
// and belong to Microsoft 365's verdict: they join its signals. The reason
// codes are read from headers/authres, the one table of them.

// lineSignal is a signal with the line of the field it came from.
type lineSignal struct {
	Signal
	line int
}

// signalsOf drops the lines.
func signalsOf(ls []lineSignal) []Signal {
	out := make([]Signal, len(ls))
	for i, l := range ls {
		out[i] = l.Signal
	}
	return out
}

// msAuthSignals are the Microsoft 365 items of the receiver's own
// Authentication-Results, in header order: the entries the headers
// analysis trusts, and those ours accepts (Microsoft 365's field, which
// names no authserv-id, where Exchange Online writes it).
func msAuthSignals(a *headers.Analysis, ours func(headers.AuthResultEntry) bool) []lineSignal {
	if a == nil {
		return nil
	}
	var out []lineSignal
	for _, e := range a.AuthenticationResults {
		if !e.Trusted && (ours == nil || !ours(e)) {
			continue
		}
		f := headers.Field{Name: e.Field, Line: e.Line}
		add := func(s Signal) { out = append(out, lineSignal{s, e.Line}) }
		switch e.Method {
		case "compauth":
			raw := string(e.Result)
			if e.Reason != "" {
				raw += " reason=" + e.Reason
			}
			s := fieldSignal(f, "compauth", raw, "")
			word := authres.CompAuthResult(e.Result)
			reason, documented := authres.CompAuthReason(e.Reason)
			switch {
			case e.Reason == "":
				s.Meaning = "the From domain " + word
			case documented:
				s.Meaning = "the From domain " + word + "; reason " + e.Reason + ": " + reason
			default:
				s = undocumented(s, "the From domain "+word+"; reason "+e.Reason+": "+reason)
			}
			add(s)
		case "dmarc":
			if e.Result == "bestguesspass" {
				add(fieldSignal(f, "dmarc", "bestguesspass",
					"the From domain publishes no DMARC record; had it one, the message would pass DMARC"))
			}
			if act, ok := e.Properties["action"]; ok {
				add(dmarcActionSignal(fieldSignal(f, "action", act, ""), act))
			}
		}
	}
	return out
}

// dmarcActionSignal explains the action= of Microsoft 365's dmarc result.
// Microsoft lists oreject among the values without saying what it means;
// the widely reported reading is a guess.
func dmarcActionSignal(s Signal, act string) Signal {
	switch strings.ToLower(act) {
	case "none":
		s.Meaning = "no action was taken because of DMARC"
	case "quarantine":
		s.Meaning = "DMARC failed and the From domain's policy (p=quarantine) was applied"
	case "reject":
		s.Meaning = "DMARC failed and the From domain's policy (p=reject) was applied"
	case "pct.quarantine":
		s.Meaning = "DMARC failed under p=quarantine, but the policy's pct= is below 100 and this message was picked to be delivered anyway"
	case "pct.reject":
		s.Meaning = "DMARC failed under p=reject, but the policy's pct= is below 100 and this message was picked to be delivered anyway"
	case "permerror":
		s.Meaning = "a permanent error stopped DMARC evaluation, such as an ill-formed DMARC record"
	case "temperror":
		s.Meaning = "a temporary error stopped DMARC evaluation; it may succeed later"
	case "oreject":
		return guess(s, "\"override reject\": DMARC failed under p=reject, but Microsoft 365 did not reject the message and "+
			"treated it as spoofing (Junk Email or quarantine, as its anti-phishing policy says)")
	default:
		return undocumented(s, "")
	}
	return s
}
