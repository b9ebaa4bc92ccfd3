package dnsclient

import (
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/mxray/mxray/diag/netguard"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// TestExchange: a direct question goes on the wire every time (neither
// cache is used), with RD as asked, is logged and counted, and reads its
// reply as Lookup would without following CNAMEs; a failing RCODE is a
// reply, no reply an error.
func TestExchange(t *testing.T) {
	srv := zoneservertest.New(t, childZone+"alias CNAME www\n")
	srv.SetFault("refused.child.example.", 0, zoneserver.FaultRefused)
	srv.SetFault("dead.child.example.", 0, zoneserver.FaultDrop)
	var logged []LogEntry
	c := New(Config{Servers: []string{"192.0.2.1"}, Timeout: 300 * time.Millisecond, Cache: NewCache(CacheConfig{}),
		OnQuery: func(e LogEntry) { logged = append(logged, e) }})
	tests := []struct {
		name    string
		qtype   uint16
		rd      bool
		status  Status
		records int
		err     error
	}{
		{"www.child.example.", dns.TypeTXT, false, StatusRecords, 1, nil},
		{"www.child.example.", dns.TypeTXT, true, StatusRecords, 1, nil},
		{"alias.child.example.", dns.TypeTXT, false, StatusNoData, 0, nil},
		{"nope.child.example.", dns.TypeTXT, false, StatusNXDomain, 0, nil},
		{"refused.child.example.", dns.TypeTXT, false, StatusRefused, 0, nil},
		{"dead.child.example.", dns.TypeTXT, false, StatusTimeout, 0, ErrTimeout},
	}
	for _, tt := range tests {
		before := srv.Queries()
		rep, err := c.Exchange(context.Background(), srv.Addr(), tt.name, tt.qtype, tt.rd)
		if !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
			t.Errorf("%s: err %v, want %v", tt.name, err, tt.err)
		}
		if rep.Answer.Status != tt.status || len(rep.Answer.Records) != tt.records {
			t.Errorf("%s: %s with %d records", tt.name, rep.Answer.Status, len(rep.Answer.Records))
		}
		if srv.Queries() == before {
			t.Errorf("%s: not asked on the wire", tt.name)
		}
		if tt.err == nil {
			if rep.Msg == nil {
				t.Errorf("%s: no reply", tt.name)
				continue
			}
			q := srv.Log()[len(srv.Log())-1]
			if q.RD != tt.rd || q.Name != tt.name {
				t.Errorf("%s: asked %s with RD %v", tt.name, q.Name, q.RD)
			}
		}
	}
	if len(logged) != len(tests) {
		t.Errorf("%d log entries, want %d", len(logged), len(tests))
	}
	if c.Queries() < len(tests) {
		t.Errorf("%d questions counted", c.Queries())
	}
	if _, err := c.Exchange(context.Background(), srv.Addr(), "bad..name", dns.TypeA, false); !errors.Is(err, ErrBadName) {
		t.Errorf("bad name: %v", err)
	}
}

// TestNameserverAddress: the guard judges an address before it is
// mapped; the operator's servers are listed as given.
func TestNameserverAddress(t *testing.T) {
	c := New(Config{Servers: []string{"192.0.2.1", "[2001:db8::1]:5353"}, CheckNameserver: netguard.Check,
		Overlays:    []Overlay{{Zones: []string{"draft.example"}, Server: "127.0.0.1:5300"}},
		ServerNames: map[string]string{"127.0.0.1:5300": "--zone draft.zone"}})
	if _, err := c.NameserverAddress("ns.example.", netip.MustParseAddr("10.0.0.1")); !errors.Is(err, netguard.ErrForbidden) {
		t.Errorf("private address: %v", err)
	}
	if got, err := c.NameserverAddress("ns.example.", netip.MustParseAddr("8.8.8.8")); err != nil || got != "8.8.8.8:53" {
		t.Errorf("public address: %q %v", got, err)
	}
	if got := c.Servers(); len(got) != 2 || got[0] != "192.0.2.1:53" || got[1] != "[2001:db8::1]:5353" {
		t.Errorf("servers %q", got)
	}
	if s, ok := c.Overlay("www.draft.example"); !ok || c.ServerName(s) != "--zone draft.zone" {
		t.Errorf("overlay %q %v", s, ok)
	}
	if _, ok := c.Overlay("example.com"); ok {
		t.Error("overlay for an outside name")
	}
}
