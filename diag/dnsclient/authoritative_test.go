package dnsclient

import (
	"context"
	"errors"
	"net/netip"
	"testing"

	"github.com/miekg/dns"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// parentZone delegates child.example. to ns.child.example. (with glue); the
// nameserver of example. itself is ns.example.
const parentZone = `$ORIGIN example.
@      300 IN SOA ns hostmaster 1 7200 3600 1209600 60
@          IN NS  ns
ns         IN A   127.0.0.1
www        IN TXT "parent data"
child      IN NS  ns.child
ns.child   IN A   127.0.0.1
`

const childZone = `$ORIGIN child.example.
@      300 IN SOA ns hostmaster 1 7200 3600 1209600 60
@          IN NS  ns
ns         IN A   127.0.0.1
www        IN TXT "fresh at the child"
_dmarc     IN TXT "v=DMARC1; p=reject"
`

func TestAuthoritative(t *testing.T) {
	parent := zoneservertest.New(t, parentZone)
	child := zoneservertest.New(t, childZone)
	addrs := map[string]string{"ns.example.": parent.Addr(), "ns.child.example.": child.Addr()}
	c := New(Config{
		Servers:       []string{parent.Addr()},
		Authoritative: true,
		Timeout:       calm,
		NameserverAddr: func(host string, ip netip.Addr) string {
			if ip != netip.MustParseAddr("127.0.0.1") {
				t.Errorf("nameserver %s at %s, want the glue/zone address", host, ip)
			}
			return addrs[canonical(host)]
		},
	})
	tests := []struct {
		qname  string
		server string
		txt    string
		status Status
	}{
		{"www.child.example.", child.Addr(), "fresh at the child", StatusRecords},
		{"_dmarc.child.example.", child.Addr(), "v=DMARC1; p=reject", StatusRecords},
		{"nope.child.example.", child.Addr(), "", StatusNXDomain},
		{"www.example.", parent.Addr(), "parent data", StatusRecords},
	}
	for _, tt := range tests {
		a := c.Lookup(context.Background(), tt.qname, dns.TypeTXT)
		if a.Status != tt.status || a.Server != tt.server {
			t.Errorf("%s: %s from %s, want %s from %s (err %v)", tt.qname, a.Status, a.Server, tt.status, tt.server, a.Err)
			continue
		}
		if tt.txt != "" && (len(a.TXT()) != 1 || a.TXT()[0] != tt.txt) {
			t.Errorf("%s: TXT %q", tt.qname, a.TXT())
		}
	}
	// The child was asked with RD=0; the zone-cut questions went to Servers.
	var childTXT int
	for _, q := range child.Log() {
		if q.RD {
			t.Errorf("child asked %s with RD=1", q.Name)
		}
		if q.Type == dns.TypeTXT {
			childTXT++
		}
	}
	if childTXT != 3 {
		t.Errorf("child answered %d TXT questions, want 3", childTXT)
	}
	// The cut of child.example. is cached: one NS-finding per zone, and the
	// names of one zone share it. Each distinct name costs one SOA question.
	var ns, soas int
	for _, q := range parent.Log() {
		switch q.Type {
		case dns.TypeNS:
			ns++
		case dns.TypeSOA:
			soas++
		}
	}
	if ns != 1 || soas != 4 {
		t.Errorf("parent saw %d NS and %d SOA questions, want 1 (for example.) and 4 (one per name)", ns, soas)
	}
}

func TestAuthoritativeUnreachable(t *testing.T) {
	parent := zoneservertest.New(t, parentZone)
	dead := newDeadServer(t)
	c := New(Config{
		Servers:        []string{parent.Addr()},
		Authoritative:  true,
		Timeout:        calm,
		AttemptTimeout: zoneservertest.Expiry([]string{dead.Addr()}),
		NameserverAddr: func(string, netip.Addr) string { return dead.Addr() },
	})
	a := c.Lookup(context.Background(), "www.child.example.", dns.TypeTXT)
	var le *LookupError
	if a.Status != StatusError || !errors.As(a.Err, &le) || !errors.Is(a.Err, ErrNameservers) || !errors.Is(a.Err, ErrTimeout) {
		t.Fatalf("status %s, err %v; want an error naming unreachable nameservers", a.Status, a.Err)
	}
	if le.Server != dead.Addr() {
		t.Errorf("LookupError.Server = %q", le.Server)
	}
	t.Logf("error reads: %v", a.Err)

	// The zone cut itself cannot be found: the SOA question fails.
	parent.SetFault("www.child.example.", dns.TypeSOA, zoneserver.FaultServFail)
	c2 := New(Config{Servers: []string{parent.Addr()}, Authoritative: true, Timeout: calm})
	a = c2.Lookup(context.Background(), "www.child.example.", dns.TypeTXT)
	if a.Status != StatusServFail || !errors.Is(a.Err, ErrZoneCut) || !errors.Is(a.Err, ErrServFail) {
		t.Errorf("status %s, err %v", a.Status, a.Err)
	}
}

func TestAuthoritativeNoNameserverAddress(t *testing.T) {
	parent := zoneservertest.New(t, `$ORIGIN example.
@      300 IN SOA ns hostmaster 1 7200 3600 1209600 60
@          IN NS  ns.nowhere.example.
www        IN TXT "x"
`)
	c := New(Config{Servers: []string{parent.Addr()}, Authoritative: true, Timeout: calm})
	a := c.Lookup(context.Background(), "www.example.", dns.TypeTXT)
	if a.Status != StatusError || !errors.Is(a.Err, ErrNameservers) {
		t.Errorf("status %s, err %v", a.Status, a.Err)
	}
}
