package dnsclient

import (
	"net/netip"
	"testing"

	"github.com/miekg/dns"
)

func TestUnescapeTXT(t *testing.T) {
	tests := []struct{ in, want string }{
		{`plain`, "plain"},
		{`a\"b`, `a"b`},
		{`back\\slash`, `back\slash`},
		{`caf\195\169`, "caf\xc3\xa9"},
		{`\255\000`, "\xff\x00"},
		{`\256`, "256"},
		{`trailing\`, `trailing\`},
		{`\0`, "0"},
	}
	for _, tt := range tests {
		if got := UnescapeTXT(tt.in); got != tt.want {
			t.Errorf("UnescapeTXT(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestAnswerAccessors(t *testing.T) {
	rr := func(s string) dns.RR {
		r, err := dns.NewRR(s)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	a := Answer{Records: []dns.RR{
		rr(`x.example. 60 IN TXT "v=spf1 " "-all"`),
		rr(`x.example. 60 IN TXT "q\"uote" "\195\169"`),
		rr(`x.example. 60 IN A 192.0.2.1`),
		rr(`x.example. 60 IN AAAA 2001:db8::1`),
		rr(`x.example. 60 IN MX 20 b.example.`),
		rr(`x.example. 60 IN MX 10 z.example.`),
		rr(`x.example. 60 IN MX 20 a.example.`),
	}}
	if got := a.TXT(); len(got) != 2 || got[0] != "v=spf1 -all" || got[1] != "q\"uote\xc3\xa9" {
		t.Errorf("TXT() = %q", got)
	}
	if got := a.Addrs(); len(got) != 2 || got[0] != netip.MustParseAddr("192.0.2.1") || got[1] != netip.MustParseAddr("2001:db8::1") {
		t.Errorf("Addrs() = %v", got)
	}
	mx := a.MX()
	if len(mx) != 3 || mx[0].Host != "z.example." || mx[1].Host != "a.example." || mx[2].Host != "b.example." {
		t.Errorf("MX() = %+v", mx)
	}
	if StatusNoData.Temporary() || !StatusTimeout.Temporary() || !StatusNXDomain.Void() {
		t.Error("status predicates wrong")
	}
}
