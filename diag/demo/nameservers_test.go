package demo

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

// TestNameservers: the demo's nameserver addresses reach the in-process
// server that plays each, and ns2.changed.example's serves yesterday's
// zone: an older serial and the old SPF record.
func TestNameservers(t *testing.T) {
	ns, err := StartNameservers()
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()
	const primary = "127.0.0.1:5353"
	addr := ns.NameserverAddr(primary)
	tests := []struct {
		ip, want string
	}{
		{"192.0.2.53", primary},
		{"192.0.2.54", primary},
		{"192.0.2.55", ns.Stale().Addr()},
		{"198.51.100.1", "198.51.100.1:53"},
	}
	for _, tt := range tests {
		if got := addr("ns.example.", netip.MustParseAddr(tt.ip)); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.ip, got, tt.want)
		}
	}
	c := new(dns.Client)
	m := new(dns.Msg).SetQuestion(StaleDomain+".", dns.TypeSOA)
	r, _, err := c.Exchange(m, ns.Stale().Addr())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Answer) != 1 || r.Answer[0].(*dns.SOA).Serial != 2026120201 || !r.Authoritative {
		t.Errorf("stale SOA: %v", r)
	}
	if !strings.Contains(ZoneText(), "$ORIGIN "+StaleDomain+".") || !strings.Contains(ZoneText(), "2026120202") {
		t.Error("the demo zone lacks today's changed.example")
	}
}
