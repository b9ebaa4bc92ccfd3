package dnsclient

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/miekg/dns"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

func TestCNAMEChains(t *testing.T) {
	// a. is served by one server, b. by another; the client reaches a.
	// through an overlay and b. through Servers.
	aSrv := zoneservertest.New(t, zone("a.", `
alias     IN CNAME www
www       IN CNAME host.b.
loop      IN CNAME back.b.
gone      IN CNAME missing.b.
`+chain("c", 20, "a.")))
	bSrv := zoneservertest.New(t, zone("b.", `
host      IN TXT "at b"
back      IN CNAME loop.a.
`))
	c := New(Config{
		Servers:  []string{bSrv.Addr()},
		Overlays: []Overlay{{Zones: []string{"a."}, Server: aSrv.Addr()}},
		Timeout:  calm,
	})
	tests := []struct {
		name     string
		qname    string
		status   Status
		cnames   []string
		sentinel error
		server   string
	}{
		{name: "chain leaves one served zone for another", qname: "alias.a.", status: StatusRecords,
			cnames: []string{"www.a.", "host.b."}, server: bSrv.Addr()},
		{name: "nxdomain at the far end", qname: "gone.a.", status: StatusNXDomain,
			cnames: []string{"missing.b."}, server: bSrv.Addr()},
		{name: "loop across servers", qname: "loop.a.", status: StatusError, sentinel: ErrCNAMELoop,
			cnames: []string{"back.b.", "loop.a."}},
		{name: "chain longer than MaxCNAMEs", qname: "c0.a.", status: StatusError, sentinel: ErrCNAMEChain},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := c.Lookup(context.Background(), tt.qname, dns.TypeTXT)
			if a.Status != tt.status {
				t.Fatalf("status %s, want %s (err %v, CNAMEs %v)", a.Status, tt.status, a.Err, a.CNAMEs)
			}
			if tt.sentinel != nil && !errors.Is(a.Err, tt.sentinel) {
				t.Errorf("err %v, want %v", a.Err, tt.sentinel)
			}
			if tt.cnames != nil && !slices.Equal(a.CNAMEs, tt.cnames) {
				t.Errorf("CNAMEs %v, want %v", a.CNAMEs, tt.cnames)
			}
			if tt.server != "" && a.Server != tt.server {
				t.Errorf("final server %s, want %s", a.Server, tt.server)
			}
		})
	}
	if a := c.Lookup(context.Background(), "alias.a.", dns.TypeTXT); a.TXT()[0] != "at b" {
		t.Errorf("TXT %q", a.TXT())
	}
	if a := c.Lookup(context.Background(), "c0.a.", dns.TypeTXT); len(a.CNAMEs) != DefaultMaxCNAMEs {
		t.Errorf("chain stopped after %d CNAMEs, bound %d", len(a.CNAMEs), DefaultMaxCNAMEs)
	}
}

// chain is n CNAMEs prefix0 → prefix1 → ... under origin.
func chain(prefix string, n int, origin string) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(prefix + strconv.Itoa(i) + " IN CNAME " + prefix + strconv.Itoa(i+1) + "\n")
	}
	b.WriteString(prefix + strconv.Itoa(n) + " IN TXT \"end\"\n")
	return b.String()
}

func TestOverlayRouting(t *testing.T) {
	real := zoneservertest.New(t, zone("example.", "www IN A 192.0.2.1\n")+zone("example.net.", "_spf IN TXT \"v=spf1 -all\"\n"))
	draft := zoneservertest.New(t, zone("draft.example.", "_dmarc IN TXT \"v=DMARC1; p=quarantine\"\n"))
	c := New(Config{
		Servers:  []string{real.Addr()},
		Overlays: []Overlay{{Zones: []string{"Draft.Example"}, Server: draft.Addr()}},
		Timeout:  calm,
	})
	tests := []struct {
		qname  string
		qtype  uint16
		server string
		status Status
	}{
		{"draft.example.", dns.TypeSOA, draft.Addr(), StatusRecords},
		{"_dmarc.DRAFT.example.", dns.TypeTXT, draft.Addr(), StatusRecords},
		{"nothing.draft.example.", dns.TypeA, draft.Addr(), StatusNXDomain},
		{"notdraft.example.", dns.TypeA, real.Addr(), StatusNXDomain},
		{"www.example.", dns.TypeA, real.Addr(), StatusRecords},
		{"_spf.example.net.", dns.TypeTXT, real.Addr(), StatusRecords},
	}
	for _, tt := range tests {
		a := c.Lookup(context.Background(), tt.qname, tt.qtype)
		if a.Server != tt.server || a.Status != tt.status {
			t.Errorf("%s: %s from %s, want %s from %s", tt.qname, a.Status, a.Server, tt.status, tt.server)
		}
	}

	// --demo: the demo server and nothing else; outside its zones is REFUSED.
	demo := New(Config{Servers: []string{draft.Addr()}, Timeout: calm})
	if a := demo.Lookup(context.Background(), "www.example.", dns.TypeA); a.Status != StatusRefused || a.Server != draft.Addr() {
		t.Errorf("demo outside its zones: %s from %s", a.Status, a.Server)
	}
	if a := demo.Lookup(context.Background(), "_dmarc.draft.example.", dns.TypeTXT); a.Status != StatusRecords {
		t.Errorf("demo inside its zones: %s", a.Status)
	}
}

func TestNoServers(t *testing.T) {
	c := New(Config{})
	a := c.Lookup(context.Background(), "example.", dns.TypeA)
	if a.Status != StatusError || !errors.Is(a.Err, ErrNoServers) || c.Queries() != 0 {
		t.Errorf("%s, %v, %d queries", a.Status, a.Err, c.Queries())
	}
}

func TestNormalizeServer(t *testing.T) {
	tests := []struct{ in, want string }{
		{"192.0.2.53", "192.0.2.53:53"},
		{"192.0.2.53:5353", "192.0.2.53:5353"},
		{"2001:db8::53", "[2001:db8::53]:53"},
		{"[2001:db8::53]", "[2001:db8::53]:53"},
		{"[2001:db8::53]:853", "[2001:db8::53]:853"},
		{" dns.example ", "dns.example:53"},
		{"dns.example:5353", "dns.example:5353"},
	}
	for _, tt := range tests {
		if got := normalizeServer(tt.in); got != tt.want {
			t.Errorf("normalizeServer(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
