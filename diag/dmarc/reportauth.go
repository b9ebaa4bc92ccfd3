package dmarc

import (
	"context"
	"sort"
	"strings"

	"github.com/miekg/dns"

	"github.com/mxray/mxray/diag/dnsclient"
)

// AuthState says whether an external report destination accepts reports
// for the domain.
type AuthState string

// The authorization states.
const (
	// AuthInternal: the destination has the same Organizational Domain as
	// the record, so no authorization is needed.
	AuthInternal AuthState = "internal"
	// AuthAuthorized: the destination publishes the authorization record.
	AuthAuthorized AuthState = "authorized"
	// AuthMissing: the destination publishes no authorization; receivers
	// send it no reports.
	AuthMissing AuthState = "missing"
	// AuthUnknown: a query failed temporarily, or the name is too long to
	// ask.
	AuthUnknown AuthState = "unknown"
)

// ReportAuth is the verification of one report destination host
// (draft-ietf-dmarc-aggregate-reporting §3; RFC 7489 §7.1).
type ReportAuth struct {
	Host      string    `json:"host"`       // the destination host
	Tags      []string  `json:"tags"`       // "rua", "ruf" or both
	OrgDomain string    `json:"org_domain"` // the host's Organizational Domain (RFC 9989 §4.10.2)
	State     AuthState `json:"state"`      // internal, authorized, or why not
	// Name is the TXT name that must hold v=DMARC1:
	// <policy domain>._report._dmarc.<host>. Empty for internal hosts.
	Name   string           `json:"name,omitempty"`
	Status dnsclient.Status `json:"status,omitempty"` // of the query at Name
	// Record is the authorization record found (the server answers for a
	// wildcard *._report._dmarc.<host> too).
	Record string `json:"record,omitempty"`
	// Override holds the rua or ruf URIs the authorization record names,
	// which replace the record's own for this host (step 9).
	Override []string `json:"override,omitempty"`
}

// maxNameLen is the longest presentation-form domain name, without the
// root dot (RFC 1035 §2.3.4).
const maxNameLen = 253

// CheckReportAuth verifies every external destination of the record, which
// was found at policyDomain, whose Organizational Domain is orgDomain.
// Per destination host: its Organizational Domain comes from its own Tree
// Walk; when that differs from orgDomain, the TXT record
// <policyDomain>._report._dmarc.<host> must start with v=DMARC1 (the name
// is the domain the policy was retrieved from, as the procedure's step 3
// says). Hosts outside orgDomain's tree get their authorization query at
// the same time as their walk; hosts inside it only when the walk shows
// them external.
func CheckReportAuth(ctx context.Context, r dnsclient.Resolver, rec *Record, policyDomain, orgDomain string) []ReportAuth {
	policyDomain, orgDomain = normalize(policyDomain), normalize(orgDomain)
	byHost := map[string]*ReportAuth{}
	var hosts []string
	add := func(tag string, uris []ReportURI) {
		for _, u := range uris {
			if u.Host == "" {
				continue
			}
			ra := byHost[u.Host]
			if ra == nil {
				ra = &ReportAuth{Host: u.Host}
				byHost[u.Host] = ra
				hosts = append(hosts, u.Host)
			}
			if !contains(ra.Tags, tag) {
				ra.Tags = append(ra.Tags, tag)
			}
		}
	}
	add(TagRUA, rec.RUA)
	add(TagRUF, rec.RUF)
	sort.Strings(hosts)

	out := make([]ReportAuth, len(hosts))
	done := make(chan struct{}, len(hosts))
	for i, h := range hosts {
		go func() {
			defer func() { done <- struct{}{} }()
			out[i] = verifyHost(ctx, r, *byHost[h], policyDomain, orgDomain)
		}()
	}
	for range hosts {
		<-done
	}
	return out
}

func verifyHost(ctx context.Context, r dnsclient.Resolver, ra ReportAuth, policyDomain, orgDomain string) ReportAuth {
	name := policyDomain + "._report._dmarc." + ra.Host
	tooLong := len(name) > maxNameLen
	speculative := !tooLong && ra.Host != orgDomain && !isSubdomain(ra.Host, orgDomain)

	var authAnswer dnsclient.Answer
	var walk Walk
	if speculative {
		// Ask the authorization name together with the walk.
		domains, skipped := WalkDomains(ra.Host)
		qs := append(walkQueries(domains), query{name: name, qtype: dns.TypeTXT})
		as := ask(ctx, r, qs)
		walk = decideWalk(ra.Host, domains, skipped, as[:len(domains)])
		authAnswer = as[len(domains)]
	} else {
		walk = RunWalk(ctx, r, ra.Host)
	}
	ra.OrgDomain, _ = walk.OrgDomain()
	if ra.OrgDomain == orgDomain && !walk.Incomplete {
		ra.State = AuthInternal
		return ra
	}
	ra.Name = name
	if tooLong {
		ra.State = AuthUnknown
		return ra
	}
	if !speculative {
		authAnswer = r.Lookup(ctx, dns.Fqdn(name), dns.TypeTXT)
	}
	ra.Status = authAnswer.Status
	if authAnswer.Status.Temporary() {
		ra.State = AuthUnknown
		return ra
	}
	ra.State = AuthMissing
	for _, t := range authAnswer.TXT() {
		if !IsDMARC(t) {
			continue // step 6: discard records that do not start with v=DMARC1
		}
		ra.State, ra.Record = AuthAuthorized, t
		if ar, _ := Parse(t); ar != nil {
			for _, u := range append(pickTag(ar, ra.Tags, TagRUA), pickTag(ar, ra.Tags, TagRUF)...) {
				if u.Host == ra.Host { // step 9: an override must keep the host
					ra.Override = append(ra.Override, u.URI)
				}
			}
		}
		break
	}
	if walk.Incomplete && ra.State != AuthAuthorized {
		ra.State = AuthUnknown
	}
	return ra
}

// pickTag returns the authorization record's URIs for tag when the policy
// record sends that kind of report to this host.
func pickTag(ar *Record, tags []string, tag string) []ReportURI {
	if !contains(tags, tag) {
		return nil
	}
	if tag == TagRUA {
		return ar.RUA
	}
	return ar.RUF
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
