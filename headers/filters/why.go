package filters

import (
	"strings"

	"github.com/mxray/mxray/headers"
	"github.com/mxray/mxray/headers/authres"
	"github.com/mxray/mxray/headers/forwarding"
)

// Auth is the authentication story the why sentence draws on; see
// forwarding.Auth.
type Auth = forwarding.Auth

// Report is the filter-verdicts part of the headers report.
type Report struct {
	Verdicts   []FilterVerdict       `json:"filter_verdicts"`
	Why        string                `json:"why"`
	Forwarding forwarding.Forwarding `json:"forwarding"`
}

// Explain decodes the filters' verdicts of m, finds its forwarding, and
// builds the why sentence from them and auth (forwarding.AuthFromAnalysis(a),
// or the re-check's results). Pure; the caller sanitises every string it shows.
func Explain(m *headers.Message, a *headers.Analysis, auth Auth) Report {
	r := Report{Verdicts: Decode(m, a)}
	r.Forwarding = forwarding.Explain(forwarding.Rewrites(m, a), auth)
	r.Why = Why(r.Verdicts, auth, r.Forwarding)
	return r
}

// Why builds the one-sentence answer to "why did it land there?": the
// trusted verdict that decided, its reasons, and the authentication result
// that explains it; when nothing says spam, where the message went and why
// that is consistent. Verdicts that are not the receiver's never decide:
// when no verdict is trusted, one whose origin is unknown is reported with
// that caveat, and the sender's are named as such.
func Why(vs []FilterVerdict, auth Auth, fw forwarding.Forwarding) string {
	var trusted, unknown, earlier []FilterVerdict
	for _, v := range vs {
		switch {
		case v.Trusted:
			trusted = append(trusted, v)
		case v.Trust == TrustUnknown:
			unknown = append(unknown, v)
		default:
			earlier = append(earlier, v)
		}
	}
	var s string
	switch {
	case len(trusted) > 0:
		s = verdictSentence(decider(trusted), auth, "")
	case len(unknown) > 0:
		d := decider(unknown)
		s = "No filter verdict in this header can be tied to the receiving organisation: " +
			verdictSentence(d, auth, d.Filter.Name()+", whose fields "+unknownWhere(d)+",")
	case len(earlier) > 0:
		d := earlier[0]
		by := ""
		if d.AddedBy != "" {
			by = " (added by " + d.AddedBy + ")"
		}
		s = "No filter of the receiving organisation recorded a verdict in this header; the " + d.Filter.Name() +
			" fields" + by + " were written before the message arrived and say nothing about this delivery" + authClause(auth)
	default:
		s = "No spam filter recorded a verdict in this header" + authClause(auth)
	}
	if fw.Forwarder != "" && (auth.SPF == "fail" || auth.SPF == "softfail" || auth.SPF == "neutral") && !strings.Contains(s, fw.Forwarder) {
		s += "; SPF did not pass because the message was forwarded by " + fw.Forwarder
	}
	return strings.TrimSuffix(s, ".") + "."
}

// decider picks the verdict that decided: one that says where the
// message went, else one that objected to it, else any conclusive one;
// among equals the topmost (written last).
func decider(vs []FilterVerdict) FilterVerdict {
	best, bestRank := 0, -1
	for k, v := range vs {
		if v.Verdict == Unknown {
			continue
		}
		rank := 0
		if v.Folder != NoFolder {
			rank += 2
		}
		if bad(v.Verdict) {
			rank++
		}
		if rank > bestRank {
			best, bestRank = k, rank
		}
	}
	return vs[best]
}

func bad(v Verdict) bool { return v == Spam || v == Phish || v == Malware || v == Bulk }

// verdictSentence words one verdict: "Microsoft 365 delivered it to Junk:
// spam confidence 5 (SFV:SPM) and the From domain failed composite
// authentication (…)". subject replaces the filter's name when given.
func verdictSentence(v FilterVerdict, auth Auth, subject string) string {
	name := v.Filter.Name()
	if subject != "" {
		name = subject
	}
	reasons := v.Summary
	switch {
	case bad(v.Verdict):
		s := name + " " + badAction(v) + reasonSep(reasons) + reasons
		if c := failClause(auth); c != "" {
			if reasons == "" {
				s += ": " + c
			} else {
				s += " and " + c
			}
		}
		if v.Folder == NoFolder && v.Note != "" {
			s += " (" + v.Note + ")"
		}
		return s
	case v.Verdict == NotSpam && v.Folder == Junk:
		return name + " judged it not spam" + reasonSep(reasons) + reasons + ", yet delivered it to Junk" + folderWhy(v) +
			authClause(auth)
	case v.Verdict == NotSpam:
		where := " judged it not spam"
		switch v.Folder {
		case Inbox:
			where = " delivered it to the Inbox"
		case Quarantine:
			where = " judged it not spam but quarantined it"
		}
		return name + where + reasonSep(reasons) + reasons + consistency(auth)
	}
	return name + " recorded no verdict" + reasonSep(reasons) + reasons + authClause(auth)
}

// unknownWhere says where a verdict of unknown trust sits.
func unknownWhere(v FilterVerdict) string {
	if strings.Contains(v.TrustReason, "no Received field") || strings.Contains(v.TrustReason, "no analysis") {
		return "cannot be placed in the Received chain"
	}
	return "sit below every Received field and may be the receiver's"
}

func reasonSep(reasons string) string {
	if reasons == "" {
		return ""
	}
	return ": "
}

// badAction words what the filter did with a message it did not like.
func badAction(v FilterVerdict) string {
	what := map[Verdict]string{Spam: "spam", Phish: "phishing", Malware: "malware", Bulk: "bulk mail"}[v.Verdict]
	switch v.Folder {
	case Junk:
		return "delivered it to Junk as " + what
	case Quarantine:
		return "quarantined it as " + what
	case Inbox:
		return "marked it as " + what + " but delivered it to the Inbox"
	}
	return "marked it as " + what
}

// folderWhy explains a Junk folder for a message judged not spam, from
// the Microsoft mailbox-delivery signals.
func folderWhy(v FilterVerdict) string {
	for _, s := range v.Signals {
		if strings.EqualFold(s.Name, "OFR") && s.Raw != "" {
			return " (OFR:" + s.Raw + ", an undocumented field: " + s.Meaning + ")"
		}
	}
	return ": a rule of the recipient or the mailbox's junk settings moved it"
}

// failClause names the authentication failure that explains a spam
// verdict, or "".
func failClause(a Auth) string {
	if a.CompAuth == "fail" || a.CompAuth == "softpass" {
		c := "the From domain " + authres.CompAuthResult(authres.Result(a.CompAuth)) + " (compauth=" + a.CompAuth
		if a.CompAuthReason != "" {
			m, _ := authres.CompAuthReasonDetail(a.CompAuthReason)
			c += " reason=" + a.CompAuthReason + ": " + m
		}
		return c + ")"
	}
	if a.DMARC == "fail" {
		c := "the From domain failed DMARC"
		if a.DMARCPolicy != "" {
			c += " (p=" + a.DMARCPolicy + ")"
		}
		return c
	}
	if (a.SPF == "fail" || a.SPF == "softfail") && !dkimPassed(a) {
		past := "failed"
		if a.SPF == "softfail" {
			past = "soft-failed"
		}
		return "SPF " + past + " and no DKIM signature passed"
	}
	return ""
}

// consistency says whether authentication agrees with a clean verdict.
func consistency(a Auth) string {
	if a.SPF == "" && a.DMARC == "" && len(a.DKIM) == 0 && a.CompAuth == "" {
		return ""
	}
	if c := failClause(a); c != "" {
		s := ", although " + c
		if a.DMARC == "fail" && (a.DMARCPolicy == "none" || a.DMARCPolicy == "") {
			s += ": a p=none policy asks receivers to deliver as usual, so the failure alone does not send it to Junk"
		}
		return s
	}
	return ", consistent with its authentication: " + authSummary(a)
}

// authClause appends the authentication results, for sentences that have
// no verdict to explain.
func authClause(a Auth) string {
	s := authSummary(a)
	if s == "" {
		return ""
	}
	who := "the receiver recorded "
	if a.Source == "recheck" {
		who = "the re-check found "
	}
	return "; " + who + s
}

// authSummary lists the results: "SPF pass, DKIM pass (example.com), DMARC
// pass".
func authSummary(a Auth) string {
	var parts []string
	if a.SPF != "" {
		parts = append(parts, "SPF "+a.SPF)
	}
	if len(a.DKIM) > 0 {
		var ds []string
		for _, d := range a.DKIM {
			x := d.Result
			if d.Domain != "" {
				x += " (" + d.Domain + ")"
			}
			ds = append(ds, x)
		}
		parts = append(parts, "DKIM "+strings.Join(ds, ", "))
	}
	if a.DMARC != "" {
		x := "DMARC " + a.DMARC
		if a.DMARCPolicy != "" {
			x += " (p=" + a.DMARCPolicy + ")"
		}
		parts = append(parts, x)
	}
	if a.CompAuth != "" {
		x := "compauth " + a.CompAuth
		if a.CompAuthReason != "" {
			x += " reason " + a.CompAuthReason
		}
		parts = append(parts, x)
	}
	return strings.Join(parts, ", ")
}

func dkimPassed(a Auth) bool {
	for _, d := range a.DKIM {
		if d.Result == "pass" {
			return true
		}
	}
	return false
}
