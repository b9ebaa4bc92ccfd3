package demo

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

// TestZoneUsesOnlyReservedNames keeps the demo from ever naming a real host
// or network.
// TestZoneUsesOnlyReservedNames checks the demo zone and the stale copy of
// changed.example its second nameserver serves.
func TestZoneUsesOnlyReservedNames(t *testing.T) {
	reserved := []netip.Prefix{
		netip.MustParsePrefix("192.0.2.0/24"),
		netip.MustParsePrefix("198.51.100.0/24"),
		netip.MustParsePrefix("203.0.113.0/24"),
		netip.MustParsePrefix("2001:db8::/32"),
	}
	inReserved := func(ip netip.Addr) bool {
		for _, p := range reserved {
			if p.Contains(ip) {
				return true
			}
		}
		return false
	}
	okName := func(name string) bool {
		name = strings.ToLower(name)
		return name == "." || strings.HasSuffix(name, ".example.") || name == "example." ||
			strings.HasSuffix(name, ".2.0.192.in-addr.arpa.") || strings.HasSuffix(name, ".100.51.198.in-addr.arpa.") ||
			strings.HasSuffix(name, ".113.0.203.in-addr.arpa.") || strings.HasSuffix(name, ".8.b.d.0.1.0.0.2.ip6.arpa.") ||
			name == "2.0.192.in-addr.arpa." || name == "100.51.198.in-addr.arpa." || name == "113.0.203.in-addr.arpa." || name == "8.b.d.0.1.0.0.2.ip6.arpa."
	}
	zp := dns.NewZoneParser(strings.NewReader(ZoneText()+"\n"+StaleZoneText()), "", "demo.zone")
	n := 0
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		n++
		if !okName(rr.Header().Name) {
			t.Errorf("owner %s is not a reserved name", rr.Header().Name)
		}
		switch r := rr.(type) {
		case *dns.A:
			if ip, _ := netip.AddrFromSlice(r.A.To4()); !inReserved(ip) {
				t.Errorf("%s: %s is not a documentation address", r.Hdr.Name, ip)
			}
		case *dns.AAAA:
			if ip, _ := netip.AddrFromSlice(r.AAAA); !inReserved(ip) {
				t.Errorf("%s: %s is not a documentation address", r.Hdr.Name, ip)
			}
		case *dns.MX:
			if !okName(r.Mx) {
				t.Errorf("MX target %s is not reserved", r.Mx)
			}
		case *dns.PTR:
			if !okName(r.Ptr) {
				t.Errorf("PTR target %s is not reserved", r.Ptr)
			}
		case *dns.CNAME:
			if !okName(r.Target) {
				t.Errorf("CNAME target %s is not reserved", r.Target)
			}
		}
	}
	if err := zp.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Errorf("only %d records parsed", n)
	}
}

func TestSampleMessageIsACopy(t *testing.T) {
	a := SampleMessage()
	a[0] = 'X'
	if bytes.Equal(a, SampleMessage()) {
		t.Error("SampleMessage returned shared bytes")
	}
	if !bytes.Contains(SampleMessage(), []byte("DKIM-Signature:")) {
		t.Error("sample has no DKIM-Signature")
	}
}
