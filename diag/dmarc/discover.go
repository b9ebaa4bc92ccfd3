package dmarc

import (
	"context"

	"github.com/miekg/dns"

	"github.com/mxray/mxray/diag/dnsclient"
)

// Source says where the policy record that applies to a domain was found
// (RFC 9989 §4.10.1).
type Source string

// The sources, from highest preference to lowest.
const (
	SourceDomain         Source = "domain"         // the domain itself
	SourceOrganizational Source = "organizational" // its Organizational Domain
	SourcePublicSuffix   Source = "public_suffix"  // its Public Suffix Domain (a psd=y record)
	SourceNone           Source = "none"           // no record applies
)

// Existence says whether a domain exists in the DNS (RFC 9989 §3.2.13,
// Appendix A.4: NXDOMAIN means it does not; any other answer means it
// does).
type Existence string

// The existence states.
const (
	Exists    Existence = "yes"
	NotExists Existence = "no"
	Unknown   Existence = "unknown" // the query failed temporarily or was not asked
)

// Discovery is the outcome of DMARC policy discovery for one domain.
type Discovery struct {
	Domain string `json:"domain"` // the domain whose policy was looked for
	Walk   Walk   `json:"walk"`   // the DNS Tree Walk that looked
	// Record is the applicable record; nil when none applies.
	Record *Record `json:"-"`
	// SourceDomain is where Record was found ("" when none).
	SourceDomain string `json:"source_domain"`
	Source       Source `json:"source"` // which domain's record applies
	// OrgDomain is the Organizational Domain of Domain (§4.10.2) and
	// OrgReason says why, in words.
	OrgDomain string `json:"org_domain"`
	OrgReason string `json:"org_reason"`
	// OrgNotQueried is true when the Organizational Domain lies among the
	// names a long domain's walk jumps over: its record, if any, was never
	// asked for, and the public suffix's record applies.
	OrgNotQueried bool `json:"org_not_queried,omitempty"`
	// Exists says whether Domain exists; it picks sp or np when the record
	// is a parent's.
	Exists Existence `json:"exists"`
	// Policies are the record's policies after its fallbacks.
	Policies Policies `json:"policies"`
	// Policy is the one that applies to mail from Domain: p when the
	// record is Domain's own, else sp (Domain exists) or np (it does not);
	// before any t=y downgrade. Empty when no record applies.
	Policy Policy `json:"policy"`
	// PolicyTag names the tag Policy came from: "p", "sp" or "np".
	PolicyTag string `json:"policy_tag,omitempty"`
}

// Discover performs RFC 9989 policy discovery for domain: the Tree Walk's
// TXT queries and a query for the domain's own existence go out at once.
func Discover(ctx context.Context, r dnsclient.Resolver, domain string) Discovery {
	domain = normalize(domain)
	domains, skipped := WalkDomains(domain)
	qs := walkQueries(domains)
	qs = append(qs, query{name: domain, qtype: dns.TypeA})
	answers := ask(ctx, r, qs)
	w := decideWalk(domain, domains, skipped, answers[:len(domains)])
	return discover(w, existence(answers[len(domains)]))
}

// existence reads an answer about the domain's own name.
func existence(a dnsclient.Answer) Existence {
	switch {
	case a.Status == dnsclient.StatusNXDomain:
		return NotExists
	case a.Status.Temporary() || a.Status == "":
		return Unknown
	}
	return Exists
}

// discover applies RFC 9989 §4.10.1 to a finished walk: the record at the
// domain itself if there is one, else the record of its Organizational
// Domain, else that of its Public Suffix Domain.
func discover(w Walk, exists Existence) Discovery {
	d := Discovery{Domain: w.Start, Walk: w, Exists: exists, Source: SourceNone}
	d.OrgDomain, d.OrgReason = w.OrgDomain()
	if len(w.Levels) == 0 {
		return d
	}
	if l := w.level(w.Start); l != nil && l.Record != nil {
		d.use(l, SourceDomain)
		return d
	}
	if l := w.level(d.OrgDomain); l != nil && l.Record != nil {
		d.use(l, SourceOrganizational)
		return d
	}
	if w.StoppedAt != "" {
		if l := w.level(w.StoppedAt); l != nil && l.Record != nil && l.Record.PSD == PSDYes {
			d.OrgNotQueried = !w.queried(d.OrgDomain)
			d.use(l, SourcePublicSuffix)
		}
	}
	return d
}

func (w *Walk) queried(domain string) bool {
	for _, l := range w.Levels {
		if l.Domain == domain {
			return true
		}
	}
	return false
}

func (d *Discovery) use(l *Level, src Source) {
	d.Record, d.SourceDomain, d.Source = l.Record, l.Domain, src
	d.Policies = l.Record.Policies()
	if !d.Policies.Applies {
		return
	}
	switch {
	case src == SourceDomain:
		d.Policy, d.PolicyTag = d.Policies.Domain, TagP
	case d.Exists == NotExists:
		d.Policy, d.PolicyTag = d.Policies.Nonexistent, TagNP
	default:
		d.Policy, d.PolicyTag = d.Policies.Subdomain, TagSP
	}
}

// childDiscovery is the discovery an existing (exists true) or
// non-existent subdomain of the walk's start would get when it publishes no
// record of its own. Every name of its walk but the child itself was
// already asked by the parent's walk (RFC 9989 §4.10 step 4 keeps them a
// subset), so no query is needed.
func childDiscovery(parent Walk, answers map[string]dnsclient.Answer, exists Existence) Discovery {
	child := "subdomain." + parent.Start
	domains, skipped := WalkDomains(child)
	as := make([]dnsclient.Answer, len(domains))
	for i, d := range domains {
		if i == 0 {
			as[i] = dnsclient.Answer{Name: dns.Fqdn("_dmarc." + d), Type: dns.TypeTXT, Status: dnsclient.StatusNXDomain}
			continue
		}
		as[i] = answers[d]
	}
	return discover(decideWalk(child, domains, skipped, as), exists)
}

// query is one DNS question.
type query struct {
	name  string
	qtype uint16
}

func walkQueries(domains []string) []query {
	qs := make([]query, len(domains))
	for i, d := range domains {
		qs[i] = query{name: "_dmarc." + d, qtype: dns.TypeTXT}
	}
	return qs
}
