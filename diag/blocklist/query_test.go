package blocklist

import (
	"net/netip"
	"testing"
)

func TestReverseIP(t *testing.T) {
	cases := []struct{ in, want string }{
		{"192.0.2.1", "1.2.0.192"},
		{"198.51.100.255", "255.100.51.198"},
		{"::ffff:192.0.2.1", "1.2.0.192"},
		// RFC 5782 §2.4's example.
		{"2001:db8:1:2:3:4:567:89ab", "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2"},
		{"2001:0DB8:0001:0002:0003:0004:0567:89AB", "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2"},
		{"2001:db8::1", "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2"},
		{"fe80::1%eth0", "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.e.f"},
	}
	for _, tc := range cases {
		if got := ReverseIP(netip.MustParseAddr(tc.in)); got != tc.want {
			t.Errorf("ReverseIP(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// TestSubjects: merging, and what is never asked.
func TestSubjects(t *testing.T) {
	in := []Subject{
		{IP: netip.MustParseAddr("192.0.2.10"), Role: RoleMX, Host: "mx1.example.com"},
		{IP: netip.MustParseAddr("::ffff:192.0.2.10"), Role: RoleMX, Host: "mx2.example.com"},
		{IP: netip.MustParseAddr("192.0.2.10"), Role: RoleSendingIP},
		{IP: netip.MustParseAddr("127.0.0.2"), Role: RoleMX},
		{IP: netip.MustParseAddr("10.1.2.3"), Role: RoleMX},
		{IP: netip.MustParseAddr("fe80::1"), Role: RoleMX},
		{Domain: "Example.COM.", Role: RoleFrom},
		{Domain: "example.com", Role: RoleEnvelope},
		{Domain: "bücher.example", Role: RoleFrom},
		{Domain: "192.0.2.1", Role: RoleFrom},
		{Domain: "nodot", Role: RoleFrom},
		{},
	}
	got := mergeSubjects(in)
	if len(got) != 2 {
		t.Fatalf("got %d subjects: %+v", len(got), got)
	}
	ip, dom := got[0], got[1]
	if ip.text != "192.0.2.10" || ip.role != RoleMX|RoleSendingIP || len(ip.hosts) != 2 {
		t.Errorf("%+v", ip)
	}
	if dom.text != "example.com" || dom.role != RoleFrom|RoleEnvelope || dom.role.String() != "From, envelope" {
		t.Errorf("%+v %s", dom, dom.role)
	}
	many := make([]Subject, MaxSubjects+5)
	for i := range many {
		many[i] = Subject{IP: netip.AddrFrom4([4]byte{192, 0, 2, byte(i + 1)})}
	}
	if n := len(mergeSubjects(many)); n != MaxSubjects {
		t.Errorf("%d subjects kept, want %d", n, MaxSubjects)
	}
}
