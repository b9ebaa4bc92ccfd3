package spfcheck

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

// Resolver returns r as an spf.Resolver.
func Resolver(r dnsclient.Resolver) spf.Resolver { return spfResolver{r} }

func (s spfResolver) lookup(ctx context.Context, name string, qtype uint16) (dnsclient.Answer, error) {
	a := s.r.Lookup(ctx, dns.Fqdn(name), qtype)
	return a, spfError(a)
}

// spfError maps an answer's status onto the spf package's convention.
func spfError(a dnsclient.Answer) error {
	switch {
	case a.Status == dnsclient.StatusNXDomain:
		return fmt.Errorf("%s %s: %w", a.Name, dns.TypeToString[a.Type], spf.ErrNXDomain)
	case a.Status.Temporary() && a.Err != nil:
		return a.Err
	case a.Status.Temporary():
		return fmt.Errorf("%s %s: %s", a.Name, dns.TypeToString[a.Type], a.Status)
	}
	return nil
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
	a := dnsclient.LookupPTR(ctx, s.r, ip)
	return a.Names(), spfError(a)
}
