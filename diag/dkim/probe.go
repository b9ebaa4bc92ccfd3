package dkim

import (
	"context"
	"strings"
	"sync"

	"github.com/miekg/dns"

	"github.com/mxray/mxray/diag/dnsclient"
)

// witnessSelectors are the most widely published selectors, one per
// provider (Microsoft 365 publishes selector2 beside selector1, SendGrid s2
// beside s1). They are asked with _domainkey.<domain>: were the zone wrong
// about that empty non-terminal, keys are likeliest here, and one found
// proves it wrong.
var witnessSelectors = []string{"google", "selector1", "default", "k1", "s1"}

// The RFC 8020 rule (what Discover does with the answer for _domainkey.<d>).
//
// RFC 8020 §2: NXDOMAIN means that nothing exists at the name nor below it.
// An NXDOMAIN for _domainkey.<d> therefore says that no selector exists,
// and the 43 common selectors need not be probed. Some servers break this
// (RFC 8020 §4): they answer NXDOMAIN for an empty non-terminal, a name
// that has no records of its own but has names below it, as _domainkey.<d>
// is wherever keys exist. Trusting such a server would hide keys, so the
// NXDOMAIN is trusted only when nothing contradicts it:
//
//  1. Every name asked below _domainkey.<d> answered NXDOMAIN too: the
//     selectors named by headers or --selector, those inferred from the
//     domain's MX and SPF providers, and the witness selectors (the most
//     published ones), asked at the same time as _domainkey.<d> itself. One
//     that exists (a key, a CNAME, NODATA) proves the NXDOMAIN wrong.
//  2. Where the domain provably has an empty non-terminal of its own, the
//     zone answers NOERROR for it: _tls.<d> when _smtp._tls.<d> exists
//     (TLS-RPT), _bimi.<d> when default._bimi.<d> exists (BIMI). The
//     investigation's TLS-RPT and BIMI parts ask those two names anyway, so
//     this costs one question at most. An NXDOMAIN there is the same bug.
//  3. No answer in 1 or 2 failed (timeout, SERVFAIL): an unknown is not a
//     proof.
//
// When the NXDOMAIN is trusted, probing stops; when it is contradicted,
// every common selector is probed as if it had answered NOERROR, and a
// warning says that resolvers which follow RFC 8020 (aggressive negative
// caching, RFC 8198) may fail this domain's DKIM. What the rule cannot see:
// a zone that answers NXDOMAIN for empty non-terminals, publishes neither
// TLS-RPT nor BIMI, and keeps its keys only under selectors that are
// neither inferred nor witnesses; --selector always asks.

// prober asks selectors under one domain, each at most once.
type prober struct {
	ctx    context.Context // leaf priority
	r      dnsclient.Resolver
	domain string

	mu    sync.Mutex
	wg    sync.WaitGroup
	seen  map[string]bool
	probe []*job // in the order they were started
}

func newProber(ctx context.Context, r dnsclient.Resolver, domain string, named map[string]bool) *prober {
	seen := map[string]bool{}
	for k := range named {
		seen[k] = true
	}
	return &prober{ctx: dnsclient.WithPriority(ctx, dnsclient.Leaf), r: r, domain: domain, seen: seen}
}

// ask starts a probe of sel unless it was named or asked already.
func (p *prober) ask(sel string) {
	key := strings.ToLower(sel)
	p.mu.Lock()
	if p.seen[key] || !validSelector(sel, p.domain) {
		p.mu.Unlock()
		return
	}
	p.seen[key] = true
	j := &job{selector: sel, by: FoundByProbe}
	p.probe = append(p.probe, j)
	p.wg.Add(1)
	p.mu.Unlock()
	go func() {
		defer p.wg.Done()
		j.answer = p.r.Lookup(p.ctx, keyName(j.selector, p.domain), dns.TypeTXT)
	}()
}

// askAll probes every common selector not asked yet.
func (p *prober) askAll() {
	for _, c := range CommonSelectors() {
		p.ask(c.Name)
	}
}

// wait waits for every probe started so far and returns them.
func (p *prober) wait() []*job {
	p.wg.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]*job(nil), p.probe...)
}

// subtree is what the zone said about _domainkey.<domain>.
type subtree int

const (
	subtreeExists     subtree = iota // NOERROR, or unknown: probe everything
	subtreeAbsent                    // NXDOMAIN, trusted (RFC 8020): probe no further
	subtreeContradict                // NXDOMAIN, but names below or an empty non-terminal exist
)

// judgeNXDomain applies rules 1–3 of the RFC 8020 rule to an NXDOMAIN for
// _domainkey.<domain>, given every selector answer so far.
func (p *prober) judgeNXDomain(answers []dnsclient.Answer) (subtree, string) {
	for _, a := range answers {
		switch {
		case a.Status.Temporary():
			return subtreeExists, ""
		case a.Status != dnsclient.StatusNXDomain || len(a.CNAMEs) > 0:
			return subtreeContradict, strings.TrimSuffix(a.Name, ".")
		}
	}
	for _, c := range []struct{ child, ent string }{
		{"_smtp._tls.", "_tls."},
		{"default._bimi.", "_bimi."},
	} {
		child := p.r.Lookup(p.ctx, dns.Fqdn(c.child+p.domain), dns.TypeTXT)
		if child.Status.Temporary() {
			return subtreeExists, ""
		}
		if child.Status == dnsclient.StatusNXDomain && len(child.CNAMEs) == 0 {
			continue // no such name: no empty non-terminal to test
		}
		ent := p.r.Lookup(p.ctx, dns.Fqdn(c.ent+p.domain), dns.TypeTXT)
		switch {
		case ent.Status.Temporary():
			return subtreeExists, ""
		case ent.Status == dnsclient.StatusNXDomain:
			return subtreeContradict, strings.TrimSuffix(ent.Name, ".")
		}
		break // one empty non-terminal answered right: enough
	}
	return subtreeAbsent, ""
}
