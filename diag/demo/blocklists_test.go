package demo

import (
	"net/netip"
	"regexp"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

// TestBlocklistZoneUsesOnlyReservedNames keeps the demo blocklists from
// naming a real host: owners, targets and the URLs in TXT records are all
// under .example (RFC 2606), and the A records are blocklist return codes
// in 127.0.0.0/8 (RFC 5782 §2.3) and nothing else.
func TestBlocklistZoneUsesOnlyReservedNames(t *testing.T) {
	okName := func(name string) bool {
		name = strings.ToLower(name)
		return strings.HasSuffix(name, ".example.") || name == "example."
	}
	urlHost := regexp.MustCompile(`https?://([^/?#"\s]+)`)
	zp := dns.NewZoneParser(strings.NewReader(BlocklistZoneText()), "", "blocklists.zone")
	n := 0
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		n++
		if !okName(rr.Header().Name) {
			t.Errorf("owner %s is not a reserved name", rr.Header().Name)
		}
		switch r := rr.(type) {
		case *dns.A:
			if ip, _ := netip.AddrFromSlice(r.A.To4()); !ip.IsLoopback() {
				t.Errorf("%s: %s is not a blocklist return code", r.Hdr.Name, ip)
			}
		case *dns.AAAA, *dns.MX, *dns.CNAME, *dns.PTR:
			t.Errorf("%s: the blocklist zone holds no %s records", rr.Header().Name, dns.TypeToString[rr.Header().Rrtype])
		case *dns.NS:
			if !okName(r.Ns) {
				t.Errorf("NS target %s is not reserved", r.Ns)
			}
		case *dns.TXT:
			for _, m := range urlHost.FindAllStringSubmatch(strings.Join(r.Txt, ""), -1) {
				if !strings.HasSuffix(m[1], ".example") && m[1] != "example" {
					t.Errorf("%s: URL host %s is not reserved", r.Hdr.Name, m[1])
				}
			}
		}
	}
	if err := zp.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 8 {
		t.Errorf("only %d records parsed", n)
	}
	for _, m := range urlHost.FindAllStringSubmatch(string(BlocklistLists()), -1) {
		if !strings.HasSuffix(m[1], ".example") {
			t.Errorf("demo list file: URL host %s is not reserved", m[1])
		}
	}
	for _, line := range strings.Split(string(BlocklistLists()), "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "list" && !strings.HasSuffix(f[1], ".example") {
			t.Errorf("demo list zone %s is not reserved", f[1])
		}
	}
}

func TestBlocklistListsIsACopy(t *testing.T) {
	a := BlocklistLists()
	a[0] = 'X'
	if BlocklistLists()[0] == 'X' {
		t.Error("BlocklistLists returned shared bytes")
	}
}
