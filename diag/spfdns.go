package diag

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/miekg/dns"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/spf"
)

// spfResolver adapts a dnsclient.Resolver to the small interface the spf
// package declares: records, NODATA (nil error, no records), NXDOMAIN
// (spf.ErrNXDomain) or a temporary failure (any other error).
type spfResolver struct {
	r dnsclient.Resolver
}

// SPFResolver returns r as an spf.Resolver.
func SPFResolver(r dnsclient.Resolver) spf.Resolver { return spfResolver{r} }

func (s spfResolver) lookup(ctx context.Context, name string, qtype uint16) (dnsclient.Answer, error) {
	a := s.r.Lookup(ctx, dns.Fqdn(name), qtype)
	switch {
	case a.Status == dnsclient.StatusNXDomain:
		return a, fmt.Errorf("%s %s: %w", name, dns.TypeToString[qtype], spf.ErrNXDomain)
	case a.Status.Temporary():
		if a.Err != nil {
			return a, a.Err
		}
		return a, fmt.Errorf("%s %s: %s", name, dns.TypeToString[qtype], a.Status)
	}
	return a, nil
}

func (s spfResolver) LookupTXT(ctx context.Context, name string) ([]spf.TXTRecord, error) {
	a, err := s.lookup(ctx, name, dns.TypeTXT)
	if err != nil {
		return nil, err
	}
	parts := a.TXTParts()
	out := make([]spf.TXTRecord, len(parts))
	for i, p := range parts {
		out[i] = spf.TXTRecord(p)
	}
	return out, nil
}

func (s spfResolver) LookupA(ctx context.Context, name string) ([]netip.Addr, error) {
	a, err := s.lookup(ctx, name, dns.TypeA)
	return a.Addrs(), err
}

func (s spfResolver) LookupAAAA(ctx context.Context, name string) ([]netip.Addr, error) {
	a, err := s.lookup(ctx, name, dns.TypeAAAA)
	return a.Addrs(), err
}

func (s spfResolver) LookupMX(ctx context.Context, name string) ([]string, error) {
	a, err := s.lookup(ctx, name, dns.TypeMX)
	var hosts []string
	for _, m := range a.MX() {
		hosts = append(hosts, m.Host)
	}
	return hosts, err
}

func (s spfResolver) LookupPTR(ctx context.Context, ip netip.Addr) ([]string, error) {
	rev, err := dns.ReverseAddr(ip.Unmap().String())
	if err != nil {
		return nil, err
	}
	a, err := s.lookup(ctx, rev, dns.TypePTR)
	return a.Names(), err
}
