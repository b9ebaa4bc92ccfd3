package dnsclient

import (
	"context"
	"net/netip"
	"testing"

	"github.com/miekg/dns"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// TestDNSSECStatus checks that queries carry DO (the test server sets AD
// only then, as RFC 6840 §5.8 has a resolver do) and that the AD bit of the
// reply reaches the Answer and the log, plainly stated.
func TestDNSSECStatus(t *testing.T) {
	signed := zoneservertest.New(t, zone("signed.example.", `
www        IN A 192.0.2.1
alias      IN CNAME www.plain.example.
drop       IN A 192.0.2.2
_25._tcp.mx IN TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
`))
	signed.SetAD("signed.example.", true)
	signed.SetFault("drop.signed.example.", 0, zoneserver.FaultDrop)
	plain := zoneservertest.New(t, zone("plain.example.", "www IN A 192.0.2.3\n"))
	c := New(Config{Timeout: calm, AttemptTimeout: zoneservertest.Expiry(nil, signed), Overlays: []Overlay{
		{Zones: []string{"signed.example."}, Server: signed.Addr()},
		{Zones: []string{"plain.example."}, Server: plain.Addr()},
	}})
	tests := []struct {
		name  string
		qname string
		qtype uint16
		ad    bool
		want  DNSSEC
	}{
		{"validated answer", "www.signed.example.", dns.TypeA, true, DNSSECSecure},
		{"validated TLSA", "_25._tcp.mx.signed.example.", dns.TypeTLSA, true, DNSSECSecure},
		{"validated NXDOMAIN", "nope.signed.example.", dns.TypeA, true, DNSSECSecure},
		{"unsigned zone", "www.plain.example.", dns.TypeA, false, DNSSECInsecure},
		{"chain into an unsigned zone is not secure", "alias.signed.example.", dns.TypeA, false, DNSSECInsecure},
		{"no answer", "drop.signed.example.", dns.TypeA, false, DNSSECUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := c.Lookup(context.Background(), tt.qname, tt.qtype)
			if a.AD != tt.ad || a.DNSSEC != tt.want {
				t.Errorf("AD %v DNSSEC %q, want %v %q (status %s)", a.AD, a.DNSSEC, tt.ad, tt.want, a.Status)
			}
			// A cached answer says the same.
			if b := c.Lookup(context.Background(), tt.qname, tt.qtype); b.DNSSEC != a.DNSSEC || b.AD != a.AD {
				t.Errorf("cached: AD %v DNSSEC %q", b.AD, b.DNSSEC)
			}
		})
	}
	for _, e := range c.Log() {
		var want DNSSEC
		for _, tt := range tests {
			if dns.Fqdn(tt.qname) == e.Name {
				want = tt.want
			}
		}
		if e.DNSSEC != want {
			t.Errorf("log %s %s: DNSSEC %q, want %q", e.Name, e.Type, e.DNSSEC, want)
		}
	}
	for _, q := range signed.Log() {
		if q.EDNS != EDNSBufferSize {
			t.Errorf("query %+v without EDNS0", q)
		}
	}
}

// TestDNSSECAuthoritativeMode: a zone's own nameservers do not validate,
// so their answers are "unknown" even when the AD bit comes back set.
func TestDNSSECAuthoritativeMode(t *testing.T) {
	parent := zoneservertest.New(t, parentZone)
	child := zoneservertest.New(t, childZone)
	child.SetAD("child.example.", true)
	addrs := map[string]string{"ns.example.": parent.Addr(), "ns.child.example.": child.Addr()}
	c := New(Config{
		Servers:        []string{parent.Addr()},
		Authoritative:  true,
		Timeout:        calm,
		NameserverAddr: func(host string, _ netip.Addr) string { return addrs[canonical(host)] },
	})
	a := c.Lookup(context.Background(), "www.child.example.", dns.TypeTXT)
	if a.Status != StatusRecords || a.DNSSEC != DNSSECUnknown {
		t.Errorf("status %s DNSSEC %q, want records and unknown", a.Status, a.DNSSEC)
	}
}
