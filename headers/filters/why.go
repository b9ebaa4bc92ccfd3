package filters

import (
	"strconv"
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
	return Answer(Decode(m, a), forwarding.Rewrites(m, a), auth)
}

// Answer builds the report from verdicts and rewrites found once (Decode,
// forwarding.Rewrites) and the authentication story, which may change (the
// receiver's results first, the re-check's once it is in).
func Answer(vs []FilterVerdict, rw []forwarding.Rewrite, auth Auth) Report {
	if vs == nil {
		vs = []FilterVerdict{}
	}
	auth = withCompAuth(auth, vs)
	r := Report{Verdicts: vs, Forwarding: forwarding.Explain(rw, auth)}
	r.Why = Why(r.Verdicts, auth, r.Forwarding)
	return r
}

// withCompAuth fills auth's compauth, when it has none, from the deciding
// verdict: Microsoft 365's own, whose signals carry the compauth of an
// Authentication-Results the headers analysis could not place (Exchange
// Online writes it below every Received field).
func withCompAuth(auth Auth, vs []FilterVerdict) Auth {
	d, ok := Deciding(vs)
	if auth.CompAuth != "" || !ok || !d.Trusted || d.Filter != Microsoft365 {
		return auth
	}
	for _, s := range d.Signals {
		if s.Name == "compauth" && s.Field == "Authentication-Results" {
			res, reason, _ := strings.Cut(s.Raw, " reason=")
			auth.CompAuth, auth.CompAuthReason = strings.ToLower(res), reason
			break
		}
	}
	return auth
}

// Deciding is the verdict the why sentence rests on: among the receiver's
// own (trusted) verdicts, the one that says where the message went, else
// one that objected to it, else any conclusive one (the topmost among
// equals); with none trusted, the same choice among those whose origin is
// unknown. ok is false when no verdict can decide: there is none, or
// every one was written before the message arrived.
func Deciding(vs []FilterVerdict) (v FilterVerdict, ok bool) {
	var trusted, unknown []FilterVerdict
	for _, v := range vs {
		switch {
		case v.Trusted:
			trusted = append(trusted, v)
		case v.Trust == TrustUnknown:
			unknown = append(unknown, v)
		}
	}
	switch {
	case len(trusted) > 0:
		return decider(trusted), true
	case len(unknown) > 0:
		return decider(unknown), true
	}
	return FilterVerdict{}, false
}

// Why builds the one-sentence answer to "why did it land there?": the
// trusted verdict that decided, its reasons, and the authentication result
// that explains it; when nothing says spam, where the message went and why
// that is consistent. Verdicts that are not the receiver's never decide:
// when no verdict is trusted, one whose origin is unknown is reported with
// that caveat, and the sender's are named as such.
func Why(vs []FilterVerdict, auth Auth, fw forwarding.Forwarding) string {
	var s string
	d, ok := Deciding(vs)
	switch {
	case ok && d.Trusted:
		s = verdictSentence(d, auth, "")
	case ok:
		s = "No filter verdict in this header can be tied to the receiving organisation: " +
			verdictSentence(d, auth, d.Filter.Name()+", whose fields "+unknownWhere(d)+",")
	case len(vs) > 0:
		d := vs[0]
		by := ""
		if d.AddedBy != "" {
			by = ", added by " + d.AddedBy + ","
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
	if a.CompAuth == "fail" {
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
		return c + today(a)
	}
	if (a.SPF == "fail" || a.SPF == "softfail") && !dkimPassed(a) {
		past := "failed"
		if a.SPF == "softfail" {
			past = "soft-failed"
		}
		return "SPF " + past + " and no DKIM signature passed" + today(a)
	}
	return ""
}

// today says that results are mxray's re-check against today's DNS, not
// what the receiver recorded: " in today's re-check", or "".
func today(a Auth) string {
	if a.Source == "recheck" {
		return " in today's re-check"
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
	return ", consistent with its authentication" + today(a) + ": " + authSummary(a)
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
		// One entry per result, its domains once each: "pass
		// (example.com, esp.example), permerror (old.example)".
		var results []string
		domains := map[string][]string{}
		seen := map[[2]string]bool{}
		for _, d := range a.DKIM {
			if _, ok := domains[d.Result]; !ok {
				results = append(results, d.Result)
				domains[d.Result] = []string{}
			}
			if d.Domain != "" && !seen[[2]string{d.Result, d.Domain}] {
				seen[[2]string{d.Result, d.Domain}] = true
				domains[d.Result] = append(domains[d.Result], d.Domain)
			}
		}
		ds := make([]string, len(results))
		for i, r := range results {
			ds[i] = r
			if len(domains[r]) > 0 {
				ds[i] += " (" + listSome(domains[r], 4) + ")"
			}
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
		if a.Source == "recheck" {
			x += " (as recorded at delivery)"
		}
		parts = append(parts, x)
	}
	return strings.Join(parts, ", ")
}

// listSome joins the first n words, and says how many more there are.
func listSome(words []string, n int) string {
	if len(words) <= n {
		return strings.Join(words, ", ")
	}
	return strings.Join(words[:n], ", ") + " and " + strconv.Itoa(len(words)-n) + " more"
}

func dkimPassed(a Auth) bool {
	for _, d := range a.DKIM {
		if d.Result == "pass" {
			return true
		}
	}
	return false
}
