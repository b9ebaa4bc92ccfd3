package spf

import (
	"net/netip"
	"strings"
	"testing"
)

func identityZone() *fakeDNS {
	return newFakeDNS().
		TXT("example.com", "v=spf1 ip4:192.0.2.0/24 -all").
		TXT("mail.example.net", "v=spf1 a -all").A("mail.example.net", "198.51.100.25").
		TXT("example.net", "v=spf1 include:example.com ~all").
		TXT("xn--bcher-kva.example", "v=spf1 ip4:203.0.113.1 -all").
		TXT("exp.example", "v=spf1 -all exp=why.exp.example").TXT("why.exp.example", "%{l} at %{o} may not send from %{i}")
}

func TestIdentities(t *testing.T) {
	tests := []struct {
		name       string
		id         Identity
		ip         string
		result     Result
		heloResult Result
		sender     string
		domain     string
	}{
		{"mail from and helo separately", Identity{Sender: "user@example.com", HELO: "mail.example.net"}, "198.51.100.25", Fail, Pass, "user@example.com", "example.com"},
		{"bounce uses postmaster@helo", Identity{Sender: "", HELO: "mail.example.net"}, "198.51.100.25", Pass, Pass, "postmaster@mail.example.net", "mail.example.net"},
		{"no local-part", Identity{Sender: "@example.net", HELO: "mail.example.net"}, "192.0.2.7", Pass, Fail, "postmaster@example.net", "example.net"},
		{"angle brackets", Identity{Sender: "<user@example.com>", HELO: "mail.example.net"}, "192.0.2.7", Pass, Fail, "user@example.com", "example.com"},
		{"trailing dot", Identity{Sender: "user@example.com.", HELO: "mail.example.net"}, "192.0.2.7", Pass, Fail, "user@example.com.", "example.com"},
		{"IPv4-mapped client is IPv4", Identity{Sender: "user@example.com"}, "::ffff:192.0.2.9", Pass, None, "user@example.com", "example.com"},
		{"explicit domain", Identity{Domain: "example.net", Sender: "user@elsewhere.example", HELO: "mail.example.net"}, "192.0.2.7", Pass, Fail, "user@elsewhere.example", "example.net"},
		{"IDN sender domain", Identity{Sender: "user@bücher.example"}, "203.0.113.1", Pass, None, "user@bücher.example", "xn--bcher-kva.example"},
		{"nothing at all", Identity{}, "192.0.2.7", None, None, "postmaster@", ""},
		{"domain literal helo", Identity{HELO: "[192.0.2.7]"}, "192.0.2.7", None, None, "postmaster@[192.0.2.7]", "[192.0.2.7]"},
		{"domain literal sender", Identity{Sender: "foo@[192.0.2.7]", HELO: "OEMCOMPUTER"}, "192.0.2.7", None, None, "foo@[192.0.2.7]", "[192.0.2.7]"},
		{"single-label helo", Identity{HELO: "OEMCOMPUTER"}, "192.0.2.7", None, None, "postmaster@OEMCOMPUTER", "OEMCOMPUTER"},
		{"odd characters", Identity{Sender: "we ird@exa mple.com", HELO: "JUMPIN' JUPITER"}, "192.0.2.7", None, None, "we ird@exa mple.com", "exa mple.com"},
		{"no domain after @", Identity{Sender: "user@", HELO: "mail.example.net"}, "192.0.2.7", None, Fail, "user@", ""},
		{"IP address as domain", Identity{Sender: "user@192.0.2.7"}, "192.0.2.7", None, None, "user@192.0.2.7", "192.0.2.7"},
		{"over-long label", Identity{Sender: "u@" + strings.Repeat("a", 64) + ".example.com"}, "192.0.2.7", None, None, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := Check(bg, identityZone(), ip(tc.ip), tc.id)
			if v.Result != tc.result || v.HELOResult != tc.heloResult {
				t.Errorf("result %s helo %s, want %s %s (err %v)", v.Result, v.HELOResult, tc.result, tc.heloResult, v.Err)
			}
			if tc.sender != "" && v.Sender != tc.sender {
				t.Errorf("sender %q, want %q", v.Sender, tc.sender)
			}
			if tc.sender != "" && v.Domain != tc.domain {
				t.Errorf("domain %q, want %q", v.Domain, tc.domain)
			}
			if v.IP != ip(tc.ip).Unmap() {
				t.Errorf("ip %v", v.IP)
			}
		})
	}
}

func TestExplanationMacros(t *testing.T) {
	v := Check(bg, identityZone(), ip("2001:db8::7"), Identity{Sender: "Joe@exp.example"})
	// %{i} of an IPv6 address: its 32 nibbles, dotted, most significant first.
	want := "Joe at exp.example may not send from 2.0.0.1.0.D.B.8." + strings.Repeat("0.", 23) + "7"
	if v.Result != Fail || v.Explanation != want {
		t.Errorf("%s %q, want fail %q", v.Result, v.Explanation, want)
	}
	if v.Lookups != 0 || v.VoidLookups != 0 {
		t.Errorf("exp counted: %d lookups %d voids", v.Lookups, v.VoidLookups)
	}
	// No exp: the default explanation, empty unless set.
	v = Check(bg, identityZone(), ip("203.0.113.9"), Identity{Sender: "x@example.com"})
	if v.Result != Fail || v.Explanation != "" {
		t.Errorf("%s %q", v.Result, v.Explanation)
	}
	v = Check(bg, identityZone(), ip("203.0.113.9"), Identity{Sender: "x@example.com"}, WithDefaultExplanation("not allowed"))
	if v.Explanation != "not allowed" {
		t.Errorf("default explanation %q", v.Explanation)
	}
}

func TestCheckIPs(t *testing.T) {
	r := identityZone()
	rep := CheckIPs(bg, r, []netip.Addr{ip("192.0.2.1"), ip("198.51.100.25"), ip("2001:db8::1")}, Identity{Sender: "a@example.net", HELO: "mail.example.net"})
	want := []struct{ res, helo Result }{{Pass, Fail}, {SoftFail, Pass}, {SoftFail, Fail}}
	if len(rep.Results) != 3 {
		t.Fatalf("results %d", len(rep.Results))
	}
	for i, w := range want {
		if v := rep.Results[i]; v.Result != w.res || v.HELOResult != w.helo {
			t.Errorf("%v: %s/%s, want %s/%s", v.IP, v.Result, v.HELOResult, w.res, w.helo)
		}
	}
	if n := r.TimesAsked("TXT", "example.net"); n != 1 {
		t.Errorf("the tree was fetched %d times for 3 IPs", n)
	}
}
