package spf

import (
	"context"
	"net/netip"
	"sync"

	"golang.org/x/net/idna"
)

// Identity is what a receiver knows when it checks SPF.
type Identity struct {
	// Domain is checked when set (check_host(ip, Domain, sender)); when empty
	// the MAIL FROM domain is, or the HELO name for a bounce.
	Domain string
	// Sender is the MAIL FROM address as given; empty for a bounce.
	Sender string
	// HELO is the HELO/EHLO name.
	HELO string
}

// Check does what a receiver does (RFC 7208 §2.3, §2.4): the MAIL FROM
// verdict (postmaster@<helo> when the sender is empty) and, separately, the
// HELO identity's verdict in HELOResult. Odd or empty identities ("",
// "@example.net", "[192.0.2.1]", odd characters) get the RFC's answer,
// usually none, never an error.
func Check(ctx context.Context, r Resolver, ip netip.Addr, id Identity, opts ...Option) *Verdict {
	return CheckIPs(ctx, r, []netip.Addr{ip}, id, opts...).Results[0]
}

// CheckIPs is Check for several client IPs: the trees are prefetched once
// and every IP is evaluated against them. WithRecord applies to the checked
// domain, not to the HELO name.
func CheckIPs(ctx context.Context, r Resolver, ips []netip.Addr, id Identity, opts ...Option) *Report {
	c := NewChecker(ctx, r, id, opts...)
	rep := &Report{Domain: c.main.Domain, HELO: id.HELO, Tree: c.main}
	for _, ip := range ips {
		v := c.Check(ctx, ip)
		rep.Sender = v.Sender
		rep.Results = append(rep.Results, v)
	}
	if len(ips) == 0 {
		local, sdom := splitSender(id.Sender, id.HELO)
		rep.Sender = local + "@" + sdom
	}
	return rep
}

// Checker evaluates any number of client IPs for one identity, as Check
// does, against the checked domain's tree and the HELO name's, prefetched
// once by NewChecker. Safe for concurrent use: a bulk evaluation runs it
// from many goroutines.
type Checker struct {
	main, helo *Tree
	id         Identity
	heloName   string // A-label form
}

// NewChecker prefetches the trees of the checked domain (Identity.Domain,
// else the MAIL FROM domain, else the HELO name) and of the HELO name when
// it is another valid domain.
func NewChecker(ctx context.Context, r Resolver, id Identity, opts ...Option) *Checker {
	cfg := newConfig(opts)
	domain := id.CheckedDomain()
	helo := asciiDomain(id.HELO)
	_, heloOK := checkDomain(helo)
	sameHELO := heloOK && domainKey(helo) == domainKey(domain)

	c := &Checker{id: id, heloName: helo}
	var wg sync.WaitGroup
	if t := cfg.tree; t != nil && cfg.record == nil && domainKey(t.Domain) == domainKey(domain) {
		c.main = t
	} else {
		wg.Go(func() { c.main = build(ctx, newStore(r, nil, cfg.concurrency), domain, cfg) })
	}
	if heloOK && !sameHELO {
		hcfg := cfg
		hcfg.record = nil
		wg.Go(func() { c.helo = build(ctx, newStore(r, nil, hcfg.concurrency), helo, hcfg) })
	}
	wg.Wait()
	if sameHELO {
		c.helo = c.main
	}
	return c
}

// Tree returns the checked domain's tree.
func (c *Checker) Tree() *Tree { return c.main }

// Check evaluates one client IP: the MAIL FROM verdict and, in HELOResult,
// the HELO identity's (none when there is no valid HELO name).
func (c *Checker) Check(ctx context.Context, ip netip.Addr) *Verdict {
	v := c.main.CheckHost(ctx, ip, c.id.Sender, c.id.HELO)
	v.HELOResult = None
	if c.helo != nil {
		v.HELOResult = c.helo.CheckHost(ctx, ip, "postmaster@"+c.heloName, c.id.HELO).Result
	}
	return v
}

// CheckedDomain is the domain check_host() evaluates for the identity:
// Domain when set, else the MAIL FROM domain, or the HELO name for a
// bounce (RFC 7208 §2.3, §2.4), in A-labels.
func (id Identity) CheckedDomain() string {
	domain := id.Domain
	if domain == "" {
		_, domain = splitSender(id.Sender, id.HELO)
	}
	return asciiDomain(domain)
}

// asciiDomain turns an internationalised name into A-labels (RFC 5890) so
// that it can be queried; a name that cannot be converted is returned as is
// and initial processing then gives none.
func asciiDomain(d string) string {
	for i := 0; i < len(d); i++ {
		if d[i] >= 0x80 {
			if a, err := idna.Lookup.ToASCII(d); err == nil {
				return a
			}
			return d
		}
	}
	return d
}
