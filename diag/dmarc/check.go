package dmarc

import (
	"context"
	"strings"

	"github.com/miekg/dns"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
)

// CheckResult is the DMARC part of a domain investigation: the "dmarc"
// object of the check JSON contract, with the walk, the explained tags, the
// report authorizations and the findings added.
type CheckResult struct {
	Domain string `json:"domain"` // the domain investigated
	// Record is the text of the applicable record; "" when none applies.
	Record       string    `json:"record"`
	SourceDomain string    `json:"source_domain"` // where Record was found
	Source       Source    `json:"source"`        // which domain's record applies
	OrgDomain    string    `json:"org_domain"`    // Domain's Organizational Domain (RFC 9989 §4.10.2)
	OrgReason    string    `json:"org_reason"`    // why it is, in words
	Exists       Existence `json:"exists"`        // whether Domain exists in the DNS
	// Policy is what the record asks for mail from Domain (p, sp or np as
	// RFC 9989 §4.10.1 picks it); AppliedPolicy is what a receiver does with
	// failing mail after a t=y downgrade.
	Policy        Policy `json:"policy"`
	PolicyTag     string `json:"policy_tag,omitempty"` // the tag Policy came from: p, sp or np
	AppliedPolicy Policy `json:"applied_policy"`
	// SubdomainPolicy and NonexistentPolicy are what an existing, and a
	// non-existent, subdomain of Domain without a record of its own gets.
	SubdomainPolicy   Policy    `json:"subdomain_policy"`
	NonexistentPolicy Policy    `json:"nonexistent_policy"`
	ADKIM             Alignment `json:"adkim"` // "adkim", default r
	ASPF              Alignment `json:"aspf"`  // "aspf", default r
	RUA               []string  `json:"rua"`   // "rua": the aggregate report destinations
	RUF               []string  `json:"ruf"`   // "ruf": the failure report destinations
	FO                string    `json:"fo"`    // "fo", colon-separated
	T                 string    `json:"t"`     // "t": y or n
	PSD               PSD       `json:"psd"`   // "psd"
	// Errors are the record's syntax errors, in words with their byte
	// offsets.
	Errors  []string    `json:"errors"`
	RFC7489 RFC7489View `json:"rfc7489"` // what a receiver still on RFC 7489 decides

	Walk          Walk              `json:"walk"`                 // the DNS Tree Walk (RFC 9989 §4.10)
	Tags          []ExplainedTag    `json:"tags"`                 // every tag with what its value means
	ReportAuth    []ReportAuth      `json:"report_authorization"` // whether external report destinations authorize the reports
	Findings      []finding.Finding `json:"findings"`             // what is wrong, each with the fix
	Parsed        *Record           `json:"-"`                    // the applicable record, parsed; nil when none
	Discovery     Discovery         `json:"-"`                    // the discovery the result comes from
	misplacedAt   string
	misplacedText string
}

// Check investigates the DMARC policy of domain (an A-label name). The
// first round of queries goes out at once: the Tree Walk's names, the
// domain's existence, TXT at the domain itself (a record put there by
// mistake) and, when it is not on the walk, the RFC 7489 PSL
// Organizational Domain. A second round checks the report destinations'
// authorization, or, when no record applies, looks for one published at
// _dmarc.<domain>.<domain>. Those leaf queries run at Leaf priority.
func Check(ctx context.Context, r dnsclient.Resolver, domain string) *CheckResult {
	domain = normalize(domain)
	res := &CheckResult{Domain: domain, RUA: []string{}, RUF: []string{}, Errors: []string{}, Tags: []ExplainedTag{}, ReportAuth: []ReportAuth{}}
	if why := domainProblem(domain); why != "" {
		res.Findings = []finding.Finding{{Severity: finding.Error, Code: "dmarc.bad_domain", Part: finding.PartDMARC, Subject: finding.Domain(domain),
			Message: "Cannot look up DMARC for " + quote(domain) + ": " + why + ".", Fix: "Give a domain name such as example.com."}}
		return res
	}
	domains, skipped := WalkDomains(domain)
	org7489 := PSLOrgDomain(domain)
	qs := walkQueries(domains)
	iExists, iTXT := len(qs), len(qs)+1
	qs = append(qs, query{name: domain, qtype: dns.TypeA}, query{name: domain, qtype: dns.TypeTXT})
	i7489 := -1
	if !contains(domains, org7489) {
		i7489 = len(qs)
		qs = append(qs, query{name: "_dmarc." + org7489, qtype: dns.TypeTXT})
	}
	as := ask(ctx, r, qs)

	byDomain := map[string]dnsclient.Answer{}
	for i, d := range domains {
		byDomain[d] = as[i]
	}
	w := decideWalk(domain, domains, skipped, as[:len(domains)])
	disc := discover(w, existence(as[iExists]))
	sub := childDiscovery(w, byDomain, Exists)
	nx := childDiscovery(w, byDomain, NotExists)
	atOrg := byDomain[org7489]
	if i7489 >= 0 {
		atOrg = as[i7489]
	}
	res.RFC7489 = rfc7489Discover(domain, org7489, byDomain[domain], atOrg)
	res.RFC7489.compare(disc)

	res.fill(disc, sub, nx)
	leaf := dnsclient.WithPriority(ctx, dnsclient.Leaf)
	if disc.Record != nil {
		res.ReportAuth = CheckReportAuth(leaf, r, disc.Record, disc.SourceDomain, res.sourceOrg())
	} else if !w.Incomplete {
		name := "_dmarc." + domain + "." + domain
		if len(name) <= maxNameLen {
			for _, t := range r.Lookup(leaf, dns.Fqdn(name), dns.TypeTXT).TXT() {
				if IsDMARC(t) {
					res.misplacedAt, res.misplacedText = name, t
				}
			}
		}
	}
	res.Findings = res.findings(as[iTXT])
	finding.Sort(res.Findings)
	return res
}

// fill copies the discovery into the contract fields.
func (res *CheckResult) fill(disc, sub, nx Discovery) {
	res.Discovery, res.Walk = disc, disc.Walk
	res.OrgDomain, res.OrgReason, res.Exists = disc.OrgDomain, disc.OrgReason, disc.Exists
	res.Source, res.SourceDomain = disc.Source, disc.SourceDomain
	if disc.Record == nil {
		return
	}
	rec := disc.Record
	res.Parsed, res.Record = rec, rec.Raw
	res.Policy, res.PolicyTag = disc.Policy, disc.PolicyTag
	res.AppliedPolicy = disc.Policy
	if rec.Testing {
		res.AppliedPolicy = disc.Policy.Tested()
	}
	res.SubdomainPolicy, res.NonexistentPolicy = sub.Policy, nx.Policy
	res.ADKIM, res.ASPF, res.PSD = rec.ADKIM, rec.ASPF, rec.PSD
	for _, u := range rec.RUA {
		res.RUA = append(res.RUA, u.URI)
	}
	for _, u := range rec.RUF {
		res.RUF = append(res.RUF, u.URI)
	}
	res.FO = strings.Join(rec.FO, ":")
	res.T = "n"
	if rec.Testing {
		res.T = "y"
	}
	for _, e := range rec.Errors {
		res.Errors = append(res.Errors, e.Error())
	}
	res.Tags = rec.Explain()
}

// sourceOrg is the Organizational Domain of the domain the record was
// found at: the walk's own answer when the record is the domain's, the
// source itself when it is the organizational or the public suffix record.
func (res *CheckResult) sourceOrg() string {
	if res.Source == SourceDomain {
		return res.OrgDomain
	}
	return res.SourceDomain
}

// domainProblem says why d cannot start a walk, or "".
func domainProblem(d string) string {
	switch {
	case d == "":
		return "the name is empty"
	case len(d) > maxNameLen:
		return "the name is longer than 253 characters"
	case strings.Contains(d, ".."):
		return "the name has an empty label"
	}
	for _, l := range strings.Split(d, ".") {
		if len(l) > 63 {
			return "a label is longer than 63 characters"
		}
	}
	for i := 0; i < len(d); i++ {
		if c := d[i]; c <= ' ' || c >= 0x7f {
			return "the name has spaces, control characters or non-ASCII bytes (give IDNs in their xn-- form)"
		}
	}
	return ""
}

func quote(s string) string { return "\"" + clip(s) + "\"" }
