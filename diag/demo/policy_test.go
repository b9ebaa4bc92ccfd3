package demo

import (
	"context"
	"errors"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/mxray/mxray/diag/policy"
)

// TestPoliciesServeHealthyExample: the demo's MTA-STS server answers the
// fetch for healthy.example (over HTTPS, trusted only through Roots), with
// an enforce policy covering its MX hosts; no policy exists for a domain
// it does not play, and its dial reaches nothing but its own address.
func TestPoliciesServeHealthyExample(t *testing.T) {
	p := NewPolicies()
	defer p.Close()
	// The demo's DNS gives mta-sts.healthy.example this address; cmd
	// resolves through the demo zone with diag.ResolvingDialer.
	resolved := func(ctx context.Context, network, addr string) (net.Conn, error) {
		_, port, _ := net.SplitHostPort(addr)
		return p.Dial(ctx, network, net.JoinHostPort(policyAddr.String(), port))
	}
	ctx := context.Background()
	got := policy.FetchPolicyWithRoots(ctx, "healthy.example", resolved, time.Minute, p.Roots())
	if got.Err != nil {
		t.Fatalf("fetch: %v", got.Err)
	}
	pol, err := policy.ParseSTSPolicy(got.Body)
	if err != nil || !got.Fetched || got.Status != 200 {
		t.Fatalf("fetched %v, status %d, parse error %v", got.Fetched, got.Status, err)
	}
	if pol.Mode != "enforce" || len(pol.MX) != 1 || pol.MX[0] != "*.healthy.example" {
		t.Errorf("policy = %+v", pol)
	}
	// Without the demo's roots the certificate is not trusted: the system
	// roots never learn the demo's CA.
	if untrusted := policy.FetchPolicyWithRoots(ctx, "healthy.example", resolved, time.Minute, nil); untrusted.Err == nil {
		t.Error("fetched with the system roots; want a certificate error")
	}
	for _, addr := range []string{"192.0.2.80:80", "192.0.2.10:443", "127.0.0.1:443"} {
		if c, err := p.Dial(ctx, "tcp", addr); err == nil || !errors.Is(err, syscall.ECONNREFUSED) {
			if c != nil {
				c.Close()
			}
			t.Errorf("Dial(%s) = %v, want connection refused", addr, err)
		}
	}
}
