package dnsclient

import (
	"context"
	"errors"
	"net/netip"
	"testing"

	"github.com/miekg/dns"
	"github.com/mxray/mxray/diag/netguard"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// TestAuthoritativeCheckNameserver: in authoritative mode the nameserver
// addresses found in DNS (here glue for 127.0.0.1) are judged before they
// are asked; refused, the question fails saying why and nothing reaches
// them, while the operator's own server (also on loopback) is still asked.
func TestAuthoritativeCheckNameserver(t *testing.T) {
	tests := []struct {
		name    string
		check   func(netip.Addr) error
		status  Status
		asked   bool // the child's nameserver was asked
		refused bool
	}{
		{"public only", netguard.Check, StatusError, false, true},
		{"private allowed", func(netip.Addr) error { return nil }, StatusRecords, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parent := zoneservertest.New(t, parentZone)
			child := zoneservertest.New(t, childZone)
			addrs := map[string]string{"ns.example.": parent.Addr(), "ns.child.example.": child.Addr()}
			c := New(Config{
				Servers:         []string{parent.Addr()},
				Authoritative:   true,
				Timeout:         calm,
				NameserverAddr:  func(host string, _ netip.Addr) string { return addrs[canonical(host)] },
				CheckNameserver: tt.check,
			})
			a := c.Lookup(context.Background(), "www.child.example.", dns.TypeTXT)
			if a.Status != tt.status {
				t.Fatalf("status %s (err %v), want %s", a.Status, a.Err, tt.status)
			}
			if got := errors.Is(a.Err, ErrNameservers) && errors.Is(a.Err, netguard.ErrForbidden); got != tt.refused {
				t.Errorf("err %v: refused by the check = %v, want %v", a.Err, got, tt.refused)
			}
			if got := len(child.Log()) > 0; got != tt.asked {
				t.Errorf("the child's nameserver was asked: %v, want %v", got, tt.asked)
			}
			if len(parent.Log()) == 0 {
				t.Error("the operator's server was not asked")
			}
		})
	}
}
