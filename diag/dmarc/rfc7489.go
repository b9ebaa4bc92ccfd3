package dmarc

import (
	"fmt"
	"strings"

	"golang.org/x/net/publicsuffix"

	"github.com/mxray/mxray/diag/dnsclient"
)

// RFC7489View is what a receiver still on RFC 7489 decides for a domain:
// the Organizational Domain from the Public Suffix List (RFC 7489 §3.2),
// policy discovery by RFC 7489 §6.6.3, and pct sampling (§6.3).
type RFC7489View struct {
	OrgDomain    string `json:"org_domain"`    // the Organizational Domain by the Public Suffix List
	SourceDomain string `json:"source_domain"` // where its record was found; "" when none
	Record       string `json:"record"`        // "" when none
	// Policy is what applies to mail from the domain: p, or sp for a
	// subdomain (RFC 7489 knows no np); empty when DMARC does not apply.
	Policy Policy `json:"policy"`
	// Pct is the share of failing mail the policy is applied to (default
	// 100).
	Pct int `json:"pct"`
	// Applies is false when an RFC 7489 receiver applies no DMARC.
	Applies bool `json:"applies"`
	// Incomplete is true when a query it needs failed temporarily.
	Incomplete bool `json:"incomplete,omitempty"`
	// Differs is true when an RFC 7489 receiver would decide differently
	// from an RFC 9989 one; Why says how, one sentence per difference.
	Differs bool     `json:"differs"`
	Why     []string `json:"why,omitempty"`
}

// PSLOrgDomain returns the RFC 7489 §3.2 Organizational Domain: the public
// suffix of domain (from the Public Suffix List, private entries included)
// plus one label; a domain that is itself a public suffix is returned as
// is.
func PSLOrgDomain(domain string) string {
	domain = normalize(domain)
	org, err := publicsuffix.EffectiveTLDPlusOne(domain)
	if err != nil {
		return domain
	}
	return org
}

// policies7489 applies RFC 7489 §6.3 and §6.6.3 step 6 to a record: p is
// REQUIRED, so a missing or invalid p (or an invalid sp) leads to p=none
// when rua has a valid URI and to no DMARC otherwise; np is unknown.
func (r *Record) policies7489() Policies {
	if r.PolicyTag != TagValid || r.SPTag == TagInvalid {
		if len(r.RUA) > 0 {
			return Policies{Applies: true, Domain: PolicyNone, Subdomain: PolicyNone, Nonexistent: PolicyNone}
		}
		return Policies{}
	}
	sp := r.SubdomainPolicy
	if sp == "" {
		sp = r.Policy
	}
	return Policies{Applies: true, Domain: r.Policy, Subdomain: sp, Nonexistent: sp}
}

// rfc7489Discover runs RFC 7489 §6.6.3 on the answers for _dmarc.<domain>
// and _dmarc.<PSL org domain>. Unlike RFC 9989, several DMARC records at
// the domain end discovery there and then (step 5).
func rfc7489Discover(domain, org string, atDomain, atOrg dnsclient.Answer) RFC7489View {
	v := RFC7489View{OrgDomain: org, Pct: 100}
	pick := func(a dnsclient.Answer) (recs []string, temp bool) {
		if a.Status.Temporary() {
			return nil, true
		}
		for _, t := range a.TXT() {
			if IsDMARC(t) {
				recs = append(recs, t)
			}
		}
		return recs, false
	}
	recs, temp := pick(atDomain)
	source := domain
	if temp {
		v.Incomplete = true
		return v
	}
	if len(recs) == 0 && org != domain {
		recs, temp = pick(atOrg)
		source = org
		if temp {
			v.Incomplete = true
			return v
		}
	}
	if len(recs) != 1 {
		return v
	}
	rec, _ := Parse(recs[0])
	v.Record, v.SourceDomain = recs[0], source
	ps := rec.policies7489()
	if !ps.Applies {
		return v
	}
	v.Applies = true
	if rec.Pct >= 0 {
		v.Pct = rec.Pct
	}
	if source == domain {
		v.Policy = ps.Domain
	} else {
		v.Policy = ps.Subdomain
	}
	return v
}

// compare fills Differs and Why by setting the RFC 7489 view against the
// RFC 9989 discovery of the same domain.
func (v *RFC7489View) compare(d Discovery) {
	add := func(format string, args ...any) {
		v.Why = append(v.Why, fmt.Sprintf(format, args...))
	}
	if v.OrgDomain != d.OrgDomain {
		add("The organizational domain differs: %s by the Public Suffix List (RFC 7489) but %s by the DNS tree walk (RFC 9989), so relaxed alignment can pass with one and fail with the other.", v.OrgDomain, d.OrgDomain)
	}
	applies9989 := d.Record != nil && d.Policies.Applies
	switch {
	case v.Incomplete || d.Walk.Incomplete:
		// Policies cannot be compared soundly when a query failed.
	case v.Applies != applies9989:
		if applies9989 {
			add("An RFC 9989 receiver applies the record at _dmarc.%s, but an RFC 7489 receiver applies no DMARC at all%s.", d.SourceDomain, v.noDMARCReason(d))
		} else {
			add("An RFC 7489 receiver applies the record at _dmarc.%s, but an RFC 9989 receiver applies no DMARC at all.", v.SourceDomain)
		}
	case v.Applies:
		if v.SourceDomain != d.SourceDomain {
			add("The policy comes from a different record: _dmarc.%s for RFC 7489, _dmarc.%s for RFC 9989.", v.SourceDomain, d.SourceDomain)
		}
		pol9989 := d.Policy
		if d.Record.Testing {
			pol9989 = pol9989.Tested()
		}
		if v.Policy != pol9989 {
			add("The policy applied differs: %s for RFC 7489, %s for RFC 9989%s.", v.Policy, pol9989, policyDiffReason(d))
		}
		if v.Pct < 100 && v.Policy != PolicyNone {
			add("pct=%d: an RFC 7489 receiver applies %s to only %d%% of failing mail (the rest gets the next weaker treatment); RFC 9989 removed pct and applies the policy to all of it.", v.Pct, v.Policy, v.Pct)
		}
	}
	v.Differs = len(v.Why) > 0
}

func (v *RFC7489View) noDMARCReason(d Discovery) string {
	switch {
	case d.Walk.level(d.Domain) != nil && d.Walk.level(d.Domain).Multiple:
		return " (RFC 7489 stops at the several records at _dmarc." + d.Domain + "; RFC 9989 discards them and walks on)"
	case d.Record != nil && d.Record.PolicyTag == TagAbsent && len(d.Record.RUA) == 0:
		return " (the record has no p tag, which RFC 7489 requires, and no valid rua)"
	case d.SourceDomain != "" && d.SourceDomain != d.Domain && d.SourceDomain != v.OrgDomain:
		return " (it only looks at _dmarc." + d.Domain + " and _dmarc." + v.OrgDomain + ")"
	}
	return ""
}

func policyDiffReason(d Discovery) string {
	var why []string
	if d.PolicyTag == TagNP {
		why = append(why, "the domain does not exist and RFC 7489 does not know np")
	}
	if d.Record.Testing {
		why = append(why, "RFC 7489 does not know t=y, which lowers the policy one step")
	}
	if d.Record.PolicyTag == TagAbsent {
		why = append(why, "p is missing, which RFC 7489 treats as invalid")
	}
	if len(why) == 0 {
		return ""
	}
	return " (" + strings.Join(why, "; ") + ")"
}
