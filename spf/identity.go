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
	cfg := newConfig(opts)
	domain := id.CheckedDomain()
	helo := asciiDomain(id.HELO)
	_, heloOK := checkDomain(helo)
	sameHELO := heloOK && domainKey(helo) == domainKey(domain)

	var main, heloTree *Tree
	var wg sync.WaitGroup
	if t := cfg.tree; t != nil && cfg.record == nil && domainKey(t.Domain) == domainKey(domain) {
		main = t
	} else {
		wg.Go(func() { main = build(ctx, newStore(r, nil, cfg.concurrency), domain, cfg) })
	}
	if heloOK && !sameHELO {
		hcfg := cfg
		hcfg.record = nil
		wg.Go(func() { heloTree = build(ctx, newStore(r, nil, hcfg.concurrency), helo, hcfg) })
	}
	wg.Wait()
	if sameHELO {
		heloTree = main
	}

	rep := &Report{Domain: main.Domain, HELO: id.HELO, Tree: main}
	for _, ip := range ips {
		v := main.CheckHost(ctx, ip, id.Sender, id.HELO)
		v.HELOResult = None
		if heloTree != nil {
			v.HELOResult = heloTree.CheckHost(ctx, ip, "postmaster@"+helo, id.HELO).Result
		}
		rep.Sender = v.Sender
		rep.Results = append(rep.Results, v)
	}
	if len(ips) == 0 {
		local, sdom := splitSender(id.Sender, id.HELO)
		rep.Sender = local + "@" + sdom
	}
	return rep
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
