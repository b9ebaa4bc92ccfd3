package forwarding

import (
	"strconv"
	"strings"

	"github.com/mxray/mxray/headers"
)

// Auth is the authentication story the why sentence draws on: the
// receiver's own results (AuthFromAnalysis) or mxray's re-check, which the
// caller fills in. Result words are the RFC's, lower case: SPF pass fail
// softfail neutral none temperror permerror (RFC 7208), DKIM pass fail
// neutral none temperror permerror policy (RFC 8601), DMARC pass fail none
// temperror permerror (RFC 7489); "" when not known.
type Auth struct {
	// Source says who checked: "receiver" (its Authentication-Results) or
	// "recheck" (mxray's own check of the message).
	Source     string
	FromDomain string // the From domain DMARC judged
	SPF        string
	SPFDomain  string // the domain SPF checked (the envelope sender's, or the HELO name's)
	DKIM       []DKIMResult
	DMARC      string
	// DMARCPolicy is the From domain's p= (none, quarantine, reject), when
	// known.
	DMARCPolicy string
	// CompAuth and CompAuthReason are Microsoft 365's composite
	// authentication (compauth=fail reason=601), when it recorded them.
	CompAuth       string
	CompAuthReason string
}

// DKIMResult is one DKIM signature's result.
type DKIMResult struct {
	Domain   string // d=
	Selector string // s=
	Result   string // the RFC 8601 word
	Reason   string // why, when it failed ("body hash did not verify")
}

// AuthFromAnalysis fills an Auth from what the receiver recorded
// (a.Receiver: its own Authentication-Results and Received-SPF), reading
// the DMARC policy from the comment of its dmarc result ("(p=NONE …)").
func AuthFromAnalysis(a *headers.Analysis) Auth {
	if a == nil {
		return Auth{}
	}
	r := a.Receiver
	au := Auth{Source: "receiver", FromDomain: a.FromDomain, SPF: strings.ToLower(string(r.SPF)), DMARC: strings.ToLower(string(r.DMARC)),
		CompAuth: strings.ToLower(string(r.CompAuth)), CompAuthReason: r.CompReason}
	if at := strings.LastIndexByte(a.EnvelopeFrom, '@'); at >= 0 {
		au.SPFDomain = strings.ToLower(a.EnvelopeFrom[at+1:])
	} else if a.NullSender {
		au.SPFDomain = strings.ToLower(a.HELO)
	}
	// The results that still lack a reason, by domain and result, so
	// that a field of thousands of results is read in one pass.
	type key struct{ domain, result string }
	waiting := map[key][]int{}
	for _, d := range r.DKIMResults {
		res := DKIMResult{Domain: strings.ToLower(d.Domain), Selector: d.Selector, Result: strings.ToLower(string(d.Result))}
		k := key{res.Domain, res.Result}
		waiting[k] = append(waiting[k], len(au.DKIM))
		au.DKIM = append(au.DKIM, res)
	}
	for _, e := range a.AuthenticationResults {
		if !e.Trusted {
			continue
		}
		switch e.Method {
		case "dmarc":
			if au.DMARCPolicy == "" {
				au.DMARCPolicy = dmarcPolicy(e.Comment, e.Properties)
			}
		case "dkim":
			reason := strings.Trim(e.Comment, "() ")
			if reason == "" {
				reason = e.Reason
			}
			k := key{strings.ToLower(e.Properties["header.d"]), strings.ToLower(string(e.Result))}
			for _, i := range waiting[k] {
				au.DKIM[i].Reason = reason
			}
			delete(waiting, k)
		case "spf":
			if au.SPFDomain == "" {
				if v := e.Properties["smtp.mailfrom"]; v != "" {
					au.SPFDomain = strings.ToLower(v[strings.LastIndexByte(v, '@')+1:])
				}
			}
		}
	}
	return au
}

// dmarcPolicy reads p= from a dmarc result's comment or properties.
func dmarcPolicy(comment string, props map[string]string) string {
	for _, k := range []string{"policy.dmarc", "policy.policy"} {
		if v := props[k]; v != "" {
			return strings.ToLower(v)
		}
	}
	for _, w := range strings.FieldsFunc(comment, func(r rune) bool { return r == ' ' || r == '(' || r == ')' || r == ';' || r == ',' }) {
		if v, ok := strings.CutPrefix(strings.ToLower(w), "p="); ok {
			return v
		}
	}
	return ""
}

// Explain names the forwarder the rewrites show and says what
// forwarding did to authentication at the final receiver, given auth: "SPF
// fails at the final receiver because the message was forwarded by X; DKIM
// is what survives forwarding, and it passed there (d=example.org)".
func Explain(rw []Rewrite, auth Auth) Forwarding {
	f := Forwarding{Rewrites: rw}
	if f.Rewrites == nil {
		f.Rewrites = []Rewrite{}
	}
	var srs *SRS
	var list, fwd, sender, arc string
	for _, r := range rw {
		if r.Internal {
			continue
		}
		switch r.Kind {
		case RewriteSRS:
			if srs == nil {
				srs = r.SRS
			}
		case RewriteList:
			if list == "" {
				list = r.By
			}
		case RewriteForwarded:
			if fwd == "" && r.By != "" {
				fwd = r.By
			}
		case RewriteSender:
			if sender == "" {
				sender = r.By
			}
		case RewriteARC:
			if arc == "" {
				arc = r.By
			}
		}
	}
	switch {
	case srs != nil:
		f.Forwarder = srs.Forwarder
	case list != "":
		f.Forwarder = list
	case fwd != "":
		f.Forwarder = fwd
	}
	spfBad := auth.SPF == "fail" || auth.SPF == "softfail" || auth.SPF == "neutral"
	dkim := dkimStory(auth)
	switch {
	case f.Forwarder != "" && spfBad:
		how := "forwarded by " + f.Forwarder
		if srs == nil && list != "" {
			how = "sent on by the mailing list " + list
		}
		f.Explanation = "SPF " + spfVerb(auth.SPF) + " at the final receiver because the message was " + how +
			": that server is not in the SPF record of " + orWord(auth.SPFDomain, "the envelope sender's domain") + "; " + dkim
	case srs != nil && auth.SPF == "pass":
		s := "The forwarder " + srs.Forwarder + " rewrote the envelope sender (" + srs.Scheme
		if o := srs.Original(); o != "" {
			s += ", originally " + o
		}
		f.Explanation = s + "), so SPF passed for " + srs.Forwarder + ", not for the original sender, and cannot align with the From domain " +
			orWord(auth.FromDomain, "") + "; DMARC rests on DKIM, which survives forwarding: " + dkimResultWords(auth)
	case list != "" && auth.SPF != "":
		f.Explanation = "The message came through the mailing list " + list + ", which sends it on under its own envelope sender: SPF " +
			auth.SPF + " is about " + orWord(auth.SPFDomain, "the list's domain") + ", not the author's domain " + orWord(auth.FromDomain, "") +
			"; DMARC rests on the author's DKIM signature, which lists often break by changing the subject or body: " + dkimResultWords(auth)
	case f.Forwarder != "" && auth.SPF == "pass":
		f.Explanation = "The message was forwarded by " + f.Forwarder + ", yet SPF passed for " + orWord(auth.SPFDomain, "the envelope sender") +
			": the forwarder's server is allowed by that domain's SPF record, or it rewrote the envelope sender"
	case sender != "" && auth.DMARC != "":
		f.Explanation = "The Sender field shows " + sender + " sent the message on behalf of the From domain " + orWord(auth.FromDomain, "") +
			"; DMARC judges only the From domain, so " + sender + " needs DKIM signing for " + orWord(auth.FromDomain, "it") + " or an aligned envelope sender to pass: DMARC " + auth.DMARC
	case arc != "" && auth.DMARC == "fail":
		f.Explanation = "DMARC failed, but " + arc + " sealed the message with ARC on the way: a receiver that trusts " + arc +
			" may accept the authentication results it recorded before it changed or forwarded the message"
	}
	f.Explanation = strings.ReplaceAll(f.Explanation, "  ", " ")
	return f
}

// spfVerb words an SPF result as a verb: "fails", "soft-fails".
func spfVerb(r string) string {
	switch r {
	case "fail":
		return "fails"
	case "softfail":
		return "soft-fails"
	case "neutral":
		return "does not pass (neutral)"
	}
	return "returns " + r
}

// dkimStory words DKIM's part after forwarding.
func dkimStory(a Auth) string {
	return "DKIM is what survives forwarding, and " + dkimResultWords(a)
}

// dkimResultWords says how DKIM fared: "it passed there (d=example.org)".
func dkimResultWords(a Auth) string {
	if len(a.DKIM) == 0 {
		return "the message has no DKIM result there, so nothing vouched for the author at the final receiver"
	}
	var pass, fail []string
	seen := map[string]bool{}
	for _, d := range a.DKIM {
		x := "d=" + orWord(d.Domain, "?")
		if seen[x+d.Result] {
			continue
		}
		seen[x+d.Result] = true
		if d.Result == "pass" {
			pass = append(pass, x)
		} else {
			if d.Reason != "" {
				x += ": " + d.Reason
			}
			fail = append(fail, x+", "+d.Result)
		}
	}
	switch {
	case len(pass) > 0 && len(fail) == 0:
		return "it passed there (" + some(pass, ", ") + ")"
	case len(pass) > 0:
		return "it passed there for " + some(pass, ", ") + " and failed for " + some(fail, "; ")
	}
	return "it failed there too (" + some(fail, "; ") + "): the message was changed on the way"
}

// some joins the first four items with sep, and says how many more there
// are: a message can carry thousands of results.
func some(items []string, sep string) string {
	const n = 4
	if len(items) <= n {
		return strings.Join(items, sep)
	}
	return strings.Join(items[:n], sep) + sep + "and " + strconv.Itoa(len(items)-n) + " more"
}

// orWord returns s, or alt when s is empty.
func orWord(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}
