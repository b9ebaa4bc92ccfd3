package dmarc

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/mxray/mxray/diag/dnsclient"
)

// SPFInput is the SPF verdict for the MAIL FROM identity (RFC 9989 §4.4.2:
// DMARC uses only that identity).
type SPFInput struct {
	Domain string // the RFC5321.MailFrom domain SPF checked
	Result string // RFC 7208 §2.6 word: "pass", "fail", ...
}

// DKIMInput is one DKIM signature's verdict.
type DKIMInput struct {
	Domain string // the signature's d= tag
	Result string // RFC 8601 §2.7.1 word: "pass", "fail", ...
}

// AlignmentCheck is one Authenticated Identifier held against the Author
// Domain.
type AlignmentCheck struct {
	Method string `json:"method"` // "spf" or "dkim"
	Domain string `json:"domain"` // the authenticated identifier's domain
	// Result is the underlying SPF or DKIM verdict; only "pass" can align
	// (RFC 9989 §4.4.1, §4.4.2).
	Result    string    `json:"result"`
	Mode      Alignment `json:"mode"`                 // the record's adkim or aspf
	OrgDomain string    `json:"org_domain,omitempty"` // for relaxed mode
	Aligned   bool      `json:"aligned"`              // whether it aligns with the Author Domain in that mode
	// Unknown is true when a query for the identifier's Organizational
	// Domain failed temporarily.
	Unknown bool   `json:"unknown,omitempty"`
	Why     string `json:"why"` // the outcome, in one sentence
}

// Evaluation is the DMARC verdict for one message, as the header re-check
// shows it ("recheck.dmarc" in the headers contract, with more).
type Evaluation struct {
	Result Result `json:"result"` // pass, fail, none, temperror or permerror
	// Policy is what a receiver following the record does with this
	// message: none for a pass (or when DMARC does not apply), else the
	// requested policy; empty when undetermined (temperror).
	Policy Policy `json:"policy"`
	// RequestedPolicy is the record's policy for the From domain: p, sp or
	// np as RFC 9989 §4.10.1 picks it, lowered one step by t=y.
	RequestedPolicy Policy           `json:"requested_policy"`
	PolicyTag       string           `json:"policy_tag,omitempty"` // the tag RequestedPolicy came from: p, sp or np
	Testing         bool             `json:"testing"`              // the record has t=y
	FromDomain      string           `json:"from_domain"`          // the Author Domain (RFC 5322 From)
	OrgDomain       string           `json:"org_domain"`           // the From domain's Organizational Domain
	PolicyDomain    string           `json:"policy_domain"`        // where the record was found
	Record          string           `json:"record"`               // the applicable record; "" when none
	SPFAligned      bool             `json:"spf_aligned"`          // an SPF pass aligns with the From domain
	DKIMAligned     bool             `json:"dkim_aligned"`         // a DKIM pass aligns with the From domain
	Checks          []AlignmentCheck `json:"checks"`               // every identifier held against the From domain
	Reason          string           `json:"reason"`               // the verdict in one sentence
	Discovery       Discovery        `json:"-"`                    // how the record was found
}

// Evaluate decides DMARC for a message whose RFC5322.From domain is
// fromDomain (RFC 9989 §5.3.2 to §5.3.6): policy discovery by the Tree
// Walk, then Identifier Alignment of each passing SPF and DKIM identifier,
// relaxed by comparing Organizational Domains from their own Tree Walks
// (§4.10.2; all asked at once) or strict by equality (§3.2.10.2).
func Evaluate(ctx context.Context, r dnsclient.Resolver, fromDomain string, spf SPFInput, dkim []DKIMInput) Evaluation {
	from := normalize(fromDomain)
	ev := Evaluation{FromDomain: from, Checks: []AlignmentCheck{}}
	if why := domainProblem(from); why != "" {
		ev.Result, ev.Policy = None, PolicyNone
		ev.Reason = "There is no usable From domain (" + why + "), so DMARC cannot be evaluated (RFC 9989 §5.3.1)."
		return ev
	}
	d := Discover(ctx, r, from)
	ev.Discovery, ev.OrgDomain, ev.PolicyDomain = d, d.OrgDomain, d.SourceDomain
	if d.Record == nil {
		if d.Walk.Incomplete {
			ev.Result = TempError
			ev.Reason = fmt.Sprintf("Policy discovery could not finish: the query for _dmarc.%s failed, so DMARC gives temperror (RFC 9989 §5.3.6).", d.Walk.ErrorAt)
			return ev
		}
		ev.Result, ev.Policy = None, PolicyNone
		ev.Reason = "No DMARC record applies to " + from + ", so the DMARC mechanism does not apply (RFC 9989 §4.10.1)."
		return ev
	}
	rec := d.Record
	ev.Record, ev.Testing = rec.Raw, rec.Testing
	if !d.Policies.Applies {
		ev.Result, ev.Policy = PermError, PolicyNone
		ev.Reason = "The record at _dmarc." + d.SourceDomain + " cannot be used: " + d.Policies.Note + "."
		return ev
	}
	ev.PolicyTag = d.PolicyTag
	ev.RequestedPolicy = d.Policy
	if rec.Testing {
		ev.RequestedPolicy = d.Policy.Tested()
	}

	ev.Checks = alignAll(ctx, r, d, spf, dkim)
	unknown := d.Walk.Incomplete
	for _, c := range ev.Checks {
		switch {
		case c.Aligned && c.Method == "spf":
			ev.SPFAligned = true
		case c.Aligned:
			ev.DKIMAligned = true
		case c.Unknown:
			unknown = true
		}
	}
	switch {
	case ev.SPFAligned || ev.DKIMAligned:
		ev.Result, ev.Policy = Pass, PolicyNone
		ev.Reason = "At least one authenticated identifier is aligned with " + from + ", so DMARC passes (RFC 9989 §5.3.5)."
	case unknown:
		ev.Result = TempError
		ev.Reason = "No identifier was shown to align, and a DNS query needed to decide alignment failed, so DMARC gives temperror (RFC 9989 §5.3.6)."
	default:
		ev.Result, ev.Policy = Fail, ev.RequestedPolicy
		ev.Reason = fmt.Sprintf("No passing SPF or DKIM identifier is aligned with %s, so DMARC fails; the record at _dmarc.%s asks for %s (%s).", from, d.SourceDomain, ev.RequestedPolicy, policyWhy(d, rec))
	}
	return ev
}

func policyWhy(d Discovery, rec *Record) string {
	why := d.PolicyTag
	switch d.PolicyTag {
	case TagSP:
		why = "sp, else p, for an existing subdomain"
	case TagNP:
		why = "np, else sp, else p, for a subdomain that does not exist"
	}
	if rec.Testing && d.Policy.Enforcing() {
		why += "; one step weaker because of t=y"
	}
	return why
}

// alignAll checks every identifier; the Organizational Domain walks for
// relaxed alignment run at once, one per distinct domain.
func alignAll(ctx context.Context, r dnsclient.Resolver, d Discovery, spf SPFInput, dkim []DKIMInput) []AlignmentCheck {
	rec := d.Record
	var checks []AlignmentCheck
	if spf.Domain != "" || spf.Result != "" {
		checks = append(checks, AlignmentCheck{Method: "spf", Domain: normalize(spf.Domain), Result: strings.ToLower(spf.Result), Mode: rec.ASPF})
	}
	for _, k := range dkim {
		checks = append(checks, AlignmentCheck{Method: "dkim", Domain: normalize(k.Domain), Result: strings.ToLower(k.Result), Mode: rec.ADKIM})
	}
	var doms []string
	for _, c := range checks {
		if c.Result == "pass" && c.Mode == Relaxed && c.Domain != "" && c.Domain != d.Domain &&
			domainProblem(c.Domain) == "" && !contains(doms, c.Domain) {
			doms = append(doms, c.Domain)
		}
	}
	walks := make([]Walk, len(doms))
	var wg sync.WaitGroup
	for i, dom := range doms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			walks[i] = RunWalk(ctx, r, dom)
		}()
	}
	wg.Wait()
	need := map[string]*Walk{}
	for i, dom := range doms {
		need[dom] = &walks[i]
	}
	for i := range checks {
		c := &checks[i]
		switch {
		case c.Result != "pass":
			c.Why = fmt.Sprintf("%s did not pass (%s); only a passing identifier can align.", strings.ToUpper(c.Method), orDash(c.Result))
		case c.Domain == "":
			c.Why = "No domain was given for this identifier."
		case c.Domain == d.Domain:
			c.Aligned = true
			c.Why = c.Domain + " is the From domain itself."
		case c.Mode == Strict:
			c.Why = fmt.Sprintf("Strict alignment requires exactly %s; %s differs.", d.Domain, c.Domain)
		case need[c.Domain] == nil:
			c.Why = c.Domain + " is not a usable domain name."
		default:
			w := need[c.Domain]
			c.OrgDomain, _ = w.OrgDomain()
			c.Aligned = c.OrgDomain == d.OrgDomain
			switch {
			case c.Aligned:
				c.Why = fmt.Sprintf("Relaxed alignment: %s and %s share the organizational domain %s.", c.Domain, d.Domain, d.OrgDomain)
			case w.Incomplete || d.Walk.Incomplete:
				c.Unknown = true
				c.Why = fmt.Sprintf("The organizational domain of %s could not be determined: a query failed.", c.Domain)
			default:
				c.Why = fmt.Sprintf("Relaxed alignment fails: the organizational domain of %s is %s, that of %s is %s.", c.Domain, c.OrgDomain, d.Domain, d.OrgDomain)
			}
		}
	}
	return checks
}

func orDash(s string) string {
	if s == "" {
		return "no result"
	}
	return s
}
