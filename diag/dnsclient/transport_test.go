package dnsclient

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

func bigTXTZone() string {
	var b strings.Builder
	for i := range 20 {
		b.WriteString("big IN TXT \"" + strings.Repeat(string(rune('a'+i)), 100) + "\"\n")
	}
	return zone("example.", b.String()+"small IN TXT \"fits\"\n")
}

func TestTruncationRetriesOverTCP(t *testing.T) {
	srv := zoneservertest.New(t, bigTXTZone())
	srv.SetFault("small.example.", dns.TypeTXT, zoneserver.FaultTruncate)
	tests := []struct{ name, qname string }{
		{"answer larger than the EDNS0 buffer", "big.example."},
		{"server forces TC", "small.example."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testClient(srv)
			a := c.Lookup(context.Background(), tt.qname, dns.TypeTXT)
			if a.Status != StatusRecords || !a.TCP {
				t.Fatalf("status %s, TCP %v, err %v", a.Status, a.TCP, a.Err)
			}
			log := c.Log()
			if len(log) != 1 || !log[0].TCP {
				t.Errorf("log = %+v, want one entry with TCP", log)
			}
			if c.Queries() != 2 {
				t.Errorf("Queries() = %d, want 2 (UDP then TCP)", c.Queries())
			}
		})
	}
	if got := testClient(srv).Lookup(context.Background(), "big.example.", dns.TypeTXT); len(got.TXT()) != 20 {
		t.Errorf("%d TXT records over TCP, want 20", len(got.TXT()))
	}
	// The client's buffer is 1232: an answer that fits comes over UDP.
	c := testClient(srv)
	srv.SetFault("small.example.", dns.TypeTXT, zoneserver.FaultNone)
	if a := c.Lookup(context.Background(), "small.example.", dns.TypeTXT); a.TCP || a.Status != StatusRecords {
		t.Errorf("small answer: TCP %v, status %s", a.TCP, a.Status)
	}
}

func TestQueryShape(t *testing.T) {
	srv := zoneservertest.New(t, zone("example.", "www IN A 192.0.2.1\n"))
	c := testClient(srv)
	for _, n := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		c.Lookup(context.Background(), n+".example.", dns.TypeA)
	}
	ids := map[uint16]bool{}
	for _, q := range srv.Log() {
		if q.EDNS != EDNSBufferSize || !q.RD {
			t.Errorf("query %+v: want EDNS0 size %d and RD set", q, EDNSBufferSize)
		}
		ids[q.ID] = true
	}
	if len(ids) < 6 {
		t.Errorf("8 queries used only %d distinct IDs: IDs are not random", len(ids))
	}
}

func TestDecoyRepliesIgnored(t *testing.T) {
	srv := zoneservertest.New(t, bigTXTZone()+zone("other.", "www IN A 192.0.2.1\n"))
	tests := []struct {
		fault   zoneserver.Fault
		qname   string
		qtype   uint16
		queries int // UDP, then TCP for the big answer
	}{
		{zoneserver.FaultWrongID, "www.other.", dns.TypeA, 1},
		{zoneserver.FaultWrongQuestion, "www.other.", dns.TypeA, 1},
		{zoneserver.FaultWrongID, "big.example.", dns.TypeTXT, 2},
		{zoneserver.FaultWrongQuestion, "big.example.", dns.TypeTXT, 2},
	}
	for _, tt := range tests {
		t.Run(tt.fault.String()+"/"+tt.qname, func(t *testing.T) {
			srv.SetFault(tt.qname, tt.qtype, tt.fault)
			c := testClient(srv)
			a := c.Lookup(context.Background(), tt.qname, tt.qtype)
			// The decoy is NXDOMAIN: accepting it would give nxdomain.
			if a.Status != StatusRecords {
				t.Errorf("status %s, err %v: the decoy was not ignored", a.Status, a.Err)
			}
			if c.Queries() != tt.queries {
				t.Errorf("Queries() = %d, want %d: the client asked again instead of waiting", c.Queries(), tt.queries)
			}
			if tt.queries == 2 && (!a.TCP || len(a.Records) != 20) {
				t.Errorf("over TCP: TCP %v, %d records", a.TCP, len(a.Records))
			}
		})
	}
}

func TestDeadServerTimesOutWithinTimeout(t *testing.T) {
	dead := newDeadServer(t)
	const timeout = 400 * time.Millisecond
	c := New(Config{Servers: []string{dead.Addr()}, Timeout: timeout})
	start := time.Now()
	a := c.Lookup(context.Background(), "example.", dns.TypeSOA)
	elapsed := time.Since(start)
	if a.Status != StatusTimeout || !errors.Is(a.Err, ErrTimeout) {
		t.Fatalf("status %s, err %v", a.Status, a.Err)
	}
	if elapsed > timeout+100*time.Millisecond {
		t.Errorf("took %v, Timeout is %v", elapsed, timeout)
	}
	if elapsed < timeout-50*time.Millisecond {
		t.Errorf("gave up after %v, before Timeout %v", elapsed, timeout)
	}
	time.Sleep(20 * time.Millisecond)
	if got := dead.received.Load(); got != 2 {
		t.Errorf("dead server received %d questions, want 2 (the attempt and its one retry)", got)
	}
	if a.Server != dead.Addr() {
		t.Errorf("server = %q", a.Server)
	}
}

func TestRetryGoesToNextServer(t *testing.T) {
	good := zoneservertest.New(t, zone("example.", "www IN A 192.0.2.1\n"))
	tests := []struct {
		name    string
		fault   zoneserver.Fault
		maxTime time.Duration
	}{
		{"first server silent", zoneserver.FaultDrop, 400 * time.Millisecond},
		{"first server SERVFAIL", zoneserver.FaultServFail, 100 * time.Millisecond},
		{"first server REFUSED", zoneserver.FaultRefused, 100 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := zoneservertest.New(t, zone("example.", "www IN A 192.0.2.1\n"))
			bad.SetFault("www.example.", 0, tt.fault)
			c := New(Config{Servers: []string{bad.Addr(), good.Addr()}, Timeout: 600 * time.Millisecond})
			start := time.Now()
			a := c.Lookup(context.Background(), "www.example.", dns.TypeA)
			if a.Status != StatusRecords || a.Server != good.Addr() {
				t.Fatalf("status %s from %s, err %v", a.Status, a.Server, a.Err)
			}
			if d := time.Since(start); d > tt.maxTime {
				t.Errorf("took %v", d)
			}
		})
	}
}

func TestFailureFromEveryServer(t *testing.T) {
	a1 := zoneservertest.New(t, zone("example.", "www IN A 192.0.2.1\n"))
	a2 := zoneservertest.New(t, zone("example.", "www IN A 192.0.2.1\n"))
	a1.SetFault("www.example.", 0, zoneserver.FaultServFail)
	a2.SetFault("www.example.", 0, zoneserver.FaultServFail)
	c := New(Config{Servers: []string{a1.Addr(), a2.Addr()}, Timeout: 500 * time.Millisecond})
	if a := c.Lookup(context.Background(), "www.example.", dns.TypeA); a.Status != StatusServFail {
		t.Errorf("status %s", a.Status)
	}
	if c.Queries() != 2 {
		t.Errorf("Queries() = %d, want 2", c.Queries())
	}
	// One server that says SERVFAIL is not asked the same again.
	one := testClient(a1)
	if a := one.Lookup(context.Background(), "www.example.", dns.TypeA); a.Status != StatusServFail {
		t.Errorf("status %s", a.Status)
	}
	if one.Queries() != 1 {
		t.Errorf("Queries() = %d, want 1", one.Queries())
	}
	// A reply beats silence: SERVFAIL then a dead server is SERVFAIL.
	dead := newDeadServer(t)
	mixed := New(Config{Servers: []string{a1.Addr(), dead.Addr()}, Timeout: 300 * time.Millisecond})
	if a := mixed.Lookup(context.Background(), "www.example.", dns.TypeA); a.Status != StatusServFail {
		t.Errorf("status %s", a.Status)
	}
}

func TestContextEndsLookupAtOnce(t *testing.T) {
	// The server never answers and the client's own timeout is an hour:
	// only the context can end these lookups, so a client that ignored it
	// would hang until the test binary's timeout, and the errors say which
	// context ended each.
	srv := zoneservertest.New(t, zone("example.", "slow IN A 192.0.2.1\n"))
	srv.SetFault("slow.example.", dns.TypeA, zoneserver.FaultDrop)
	c := New(Config{Servers: []string{srv.Addr()}, Timeout: time.Hour})

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	a := c.Lookup(ctx, "slow.example.", dns.TypeA)
	if a.Status != StatusError || !errors.Is(a.Err, context.Canceled) {
		t.Errorf("status %s, err %v", a.Status, a.Err)
	}

	dctx, dcancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer dcancel()
	a = c.Lookup(dctx, "slow.example.", dns.TypeA)
	if a.Status != StatusTimeout || !errors.Is(a.Err, context.DeadlineExceeded) {
		t.Errorf("status %s, err %v", a.Status, a.Err)
	}
	// A cancelled answer is not cached: a later lookup asks again.
	srv.SetFault("slow.example.", dns.TypeA, zoneserver.FaultNone)
	if a := c.Lookup(context.Background(), "slow.example.", dns.TypeA); a.Status != StatusRecords || a.Cached {
		t.Errorf("after cancel: status %s cached %v", a.Status, a.Cached)
	}
}
