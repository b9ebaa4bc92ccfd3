package dnsclient

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/miekg/dns"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

func TestStatuses(t *testing.T) {
	srv := zoneservertest.New(t, zone("example.", `
www        300 IN A 192.0.2.1
www        100 IN A 192.0.2.2
x._dmarc       IN TXT "v=DMARC1; p=none"
alias          IN CNAME www
dangling       IN CNAME nothere
sf             IN A 192.0.2.3
rf             IN A 192.0.2.4
drop           IN A 192.0.2.5
`))
	srv.SetFault("sf.example.", 0, zoneserver.FaultServFail)
	srv.SetFault("rf.example.", 0, zoneserver.FaultRefused)
	srv.SetFault("drop.example.", 0, zoneserver.FaultDrop)
	c := testClient(srv)
	tests := []struct {
		name     string
		qname    string
		qtype    uint16
		status   Status
		ttl      uint32
		records  int
		cnames   []string
		sentinel error
	}{
		{name: "records, TTL is the smallest", qname: "www.example.", qtype: dns.TypeA, status: StatusRecords, ttl: 100, records: 2},
		{name: "nxdomain, negative TTL from SOA", qname: "nope.example.", qtype: dns.TypeA, status: StatusNXDomain, ttl: 60},
		{name: "nodata", qname: "www.example.", qtype: dns.TypeTXT, status: StatusNoData, ttl: 60},
		{name: "nodata at an empty non-terminal", qname: "_dmarc.example.", qtype: dns.TypeTXT, status: StatusNoData, ttl: 60},
		{name: "cname followed", qname: "Alias.Example", qtype: dns.TypeA, status: StatusRecords, ttl: 100, records: 2, cnames: []string{"www.example."}},
		{name: "nxdomain at the end of a chain", qname: "dangling.example.", qtype: dns.TypeA, status: StatusNXDomain, ttl: 60, cnames: []string{"nothere.example."}},
		{name: "servfail", qname: "sf.example.", qtype: dns.TypeA, status: StatusServFail, sentinel: ErrServFail},
		{name: "refused by fault", qname: "rf.example.", qtype: dns.TypeA, status: StatusRefused, sentinel: ErrRefused},
		{name: "refused outside the zones", qname: "example.org.", qtype: dns.TypeA, status: StatusRefused, sentinel: ErrRefused},
		{name: "timeout", qname: "drop.example.", qtype: dns.TypeA, status: StatusTimeout, sentinel: ErrTimeout},
		{name: "bad name", qname: "a..example.", qtype: dns.TypeA, status: StatusError, sentinel: ErrBadName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := c.Lookup(context.Background(), tt.qname, tt.qtype)
			if a.Status != tt.status {
				t.Fatalf("status = %s, want %s (err %v)", a.Status, tt.status, a.Err)
			}
			if a.Name != dns.Fqdn(tt.qname) || a.Type != tt.qtype {
				t.Errorf("question = %s %d", a.Name, a.Type)
			}
			if tt.sentinel == nil {
				if a.Err != nil {
					t.Errorf("err = %v", a.Err)
				}
				if a.TTL != tt.ttl {
					t.Errorf("TTL = %d, want %d", a.TTL, tt.ttl)
				}
				if a.Server != srv.Addr() {
					t.Errorf("server = %q", a.Server)
				}
			} else {
				var le *LookupError
				if !errors.As(a.Err, &le) || !errors.Is(a.Err, tt.sentinel) {
					t.Errorf("err = %v, want a *LookupError wrapping %v", a.Err, tt.sentinel)
				}
			}
			if len(a.Records) != tt.records {
				t.Errorf("%d records, want %d", len(a.Records), tt.records)
			}
			if !slices.Equal(a.CNAMEs, tt.cnames) {
				t.Errorf("CNAMEs = %v, want %v", a.CNAMEs, tt.cnames)
			}
		})
	}
}

func TestTXTByteExact(t *testing.T) {
	srv := zoneservertest.New(t, zone("example.", `
q    IN TXT "say \"hi\" back\\slash caf\195\169 \255 end"
m    IN TXT "v=spf1 ip4:192.0.2.0/24 " "include:_spf.example.net " "-all"
m    IN TXT "second record"
`))
	c := testClient(srv)
	a := c.Lookup(context.Background(), "q.example.", dns.TypeTXT)
	want := "say \"hi\" back\\slash caf\xc3\xa9 \xff end"
	if got := a.TXT(); len(got) != 1 || got[0] != want {
		t.Errorf("TXT() = %q, want %q", got, want)
	}
	m := c.Lookup(context.Background(), "m.example.", dns.TypeTXT)
	got := m.TXT()
	slices.Sort(got)
	if !slices.Equal(got, []string{"second record", "v=spf1 ip4:192.0.2.0/24 include:_spf.example.net -all"}) {
		t.Errorf("TXT() = %q", got)
	}
	for _, parts := range m.TXTParts() {
		if len(parts) == 3 && parts[1] != "include:_spf.example.net " {
			t.Errorf("parts = %q", parts)
		}
	}
}

func TestLookupAddrsAndPTR(t *testing.T) {
	srv := zoneservertest.New(t, zone("example.", `
mx   IN A    192.0.2.25
mx   IN AAAA 2001:db8::25
`)+zone("2.0.192.in-addr.arpa.", "25 IN PTR mx.example.\n")+
		zone("8.b.d.0.1.0.0.2.ip6.arpa.", "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 IN PTR mx.example.\n"))
	c := testClient(srv)
	v4, v6 := c.LookupAddrs(context.Background(), "mx.example")
	if got := v4.Addrs(); len(got) != 1 || got[0].String() != "192.0.2.25" {
		t.Errorf("v4 = %v (%s)", got, v4.Status)
	}
	if got := v6.Addrs(); len(got) != 1 || got[0].String() != "2001:db8::25" {
		t.Errorf("v6 = %v (%s)", got, v6.Status)
	}
	for _, ip := range []string{"192.0.2.25", "::ffff:192.0.2.25", "2001:db8::25"} {
		p := c.LookupPTR(context.Background(), mustAddr(t, ip))
		if got := p.Names(); len(got) != 1 || got[0] != "mx.example." {
			t.Errorf("PTR %s = %v (%s, %v)", ip, got, p.Status, p.Err)
		}
	}
}
