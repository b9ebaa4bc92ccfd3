package zoneserver_test

import (
	"testing"

	"github.com/miekg/dns"

	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

func TestSetAD(t *testing.T) {
	s := zoneservertest.New(t, "$ORIGIN example.\n@ 300 IN SOA ns hm 1 2 3 4 60\n@ IN NS ns\nns IN A 192.0.2.53\nwww IN A 192.0.2.1\n")
	ask := func(name string, do, ad bool) *dns.Msg {
		t.Helper()
		m := new(dns.Msg).SetQuestion(name, dns.TypeA)
		m.AuthenticatedData = ad
		if do {
			m.SetEdns0(1232, true)
		}
		r, err := dns.Exchange(m, s.Addr())
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	tests := []struct {
		name   string
		mark   bool
		qname  string
		do, ad bool
		want   bool
	}{
		{"unmarked zone", false, "www.example.", true, false, false},
		{"marked, DO set", true, "www.example.", true, false, true},
		{"marked, AD set in the query", true, "www.example.", false, true, true},
		{"marked, NXDOMAIN", true, "nope.example.", true, false, true},
		{"marked, query asked for no DNSSEC", true, "www.example.", false, false, false},
		{"outside the zones: REFUSED, never AD", true, "example.org.", true, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.SetAD("example.", tt.mark)
			if r := ask(tt.qname, tt.do, tt.ad); r.AuthenticatedData != tt.want {
				t.Errorf("AD = %v, want %v (rcode %s)", r.AuthenticatedData, tt.want, dns.RcodeToString[r.Rcode])
			}
		})
	}
}
