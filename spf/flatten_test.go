package spf

import (
	"math/big"
	"sort"
	"strings"
	"testing"
)

func TestFlatten(t *testing.T) {
	r := newFakeDNS().
		TXT("top.example", "v=spf1 ip4:192.0.2.0/24 a/28 mx include:inc.example -include:deny.example ?ip4:198.51.100.0/24 exists:%{i}.x.example ptr -all ip4:10.0.0.0/8").
		A("top.example", "192.0.2.10", "2001:db8::1").MX("top.example", "mx.top.example").A("mx.top.example", "203.0.113.5").
		TXT("inc.example", "v=spf1 ip4:203.0.113.0/25 ~ip4:203.0.113.128/25 include:%{l}.dyn.example redirect=red.example").
		TXT("red.example", "v=spf1 ip6:2001:db8:1::/48 -all").
		TXT("deny.example", "v=spf1 ip4:172.16.0.0/12")
	f := Prefetch(bg, r, "top.example").Flatten()
	var got []string
	for _, n := range f.Networks {
		got = append(got, n.Prefix.String()+" "+string(n.Result)+" "+n.Domain+" "+n.Term)
	}
	want := []string{
		"192.0.2.0/24 pass top.example ip4:192.0.2.0/24",
		"192.0.2.0/28 pass top.example a/28",
		"2001:db8::1/128 pass top.example a/28",
		"203.0.113.5/32 pass top.example mx",
		"203.0.113.0/25 pass inc.example ip4:203.0.113.0/25",
		"2001:db8:1::/48 pass red.example ip6:2001:db8:1::/48",
		"172.16.0.0/12 fail deny.example ip4:172.16.0.0/12",
		"198.51.100.0/24 neutral top.example ?ip4:198.51.100.0/24",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("networks:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// 192.0.2.0/24 (its /28 inside) + 203.0.113.0/25 (the MX inside) = 384.
	if f.IPv4Addresses != 384 {
		t.Errorf("IPv4 addresses = %d, want 384", f.IPv4Addresses)
	}
	want6 := new(big.Int).Add(big.NewInt(1), new(big.Int).Lsh(big.NewInt(1), 80))
	if f.IPv6Addresses.Cmp(want6) != 0 {
		t.Errorf("IPv6 addresses = %s, want %s", f.IPv6Addresses, want6)
	}
	var gaps []string
	for _, g := range f.Unflattenable {
		gaps = append(gaps, g.Domain+" "+g.Term)
	}
	sort.Strings(gaps)
	if strings.Join(gaps, "|") != "inc.example include:%{l}.dyn.example|top.example exists:%{i}.x.example|top.example ptr" {
		t.Errorf("gaps = %v", gaps)
	}
}

func TestFlattenPlusAll(t *testing.T) {
	r := newFakeDNS().TXT("open.example", "v=spf1 include:lax.example -all").TXT("lax.example", "v=spf1 +all")
	f := Prefetch(bg, r, "open.example").Flatten()
	if f.IPv4Addresses != 1<<32 || f.IPv6Addresses.Cmp(new(big.Int).Lsh(big.NewInt(1), 128)) != 0 {
		t.Errorf("+all through an include authorises %d IPv4 / %s IPv6 addresses, want everything", f.IPv4Addresses, f.IPv6Addresses)
	}
}
