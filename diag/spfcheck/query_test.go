package spfcheck

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// TestCheckReusesAKnownTree: given the tree an investigation fetched,
// Check decides each IP from it without asking DNS again, and decides as
// it would have from its own fetch.
func TestCheckReusesAKnownTree(t *testing.T) {
	srv := zoneservertest.New(t, demo.ZoneText())
	ctx := context.Background()
	client := func() *dnsclient.Client {
		return dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: time.Minute})
	}
	known := CheckDomain(ctx, client(), "healthy.example")
	ip := netip.MustParseAddr("203.0.113.10")
	fresh := Check(ctx, client(), Query{Domain: "healthy.example", IPs: []netip.Addr{ip}})
	before := srv.Queries()
	reused := Check(ctx, client(), Query{Domain: "healthy.example", IPs: []netip.Addr{ip}, Tree: known.Tree})
	if asked := srv.Queries() - before; asked != 0 {
		t.Errorf("%d questions asked with the tree known, want 0", asked)
	}
	if len(reused.Verdicts) != 1 || reused.Verdicts[0].Result != fresh.Verdicts[0].Result || reused.Verdicts[0].Lookups != fresh.Verdicts[0].Lookups {
		t.Errorf("reused %+v, fresh %+v", reused.Verdicts, fresh.Verdicts)
	}
}
