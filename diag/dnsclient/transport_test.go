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

// TestDeadServerTimesOut: a server that never answers gets the question
// and one retry, and the lookup ends with the client's timeout error.
func TestDeadServerTimesOut(t *testing.T) {
	dead := newDeadServer(t)
	c := New(Config{Servers: []string{dead.Addr()}, Timeout: calm, AttemptTimeout: zoneservertest.Expiry([]string{dead.Addr()})})
	a := c.Lookup(context.Background(), "example.", dns.TypeSOA)
	if a.Status != StatusTimeout || !errors.Is(a.Err, ErrTimeout) {
		t.Fatalf("status %s, err %v", a.Status, a.Err)
	}
	zoneservertest.Await(func() bool { return dead.received.Load() >= 2 })
	if got := dead.received.Load(); got != 2 {
		t.Errorf("dead server received %d questions, want 2 (the attempt and its one retry)", got)
	}
	if a.Server != dead.Addr() {
		t.Errorf("server = %q", a.Server)
	}
}

// TestTimeoutBoundsAQuestion: on the real clock, Timeout ends a question
// to a dead server, not the caller's far later deadline: the cause is the
// client's timeout error, not the context's.
func TestTimeoutBoundsAQuestion(t *testing.T) {
	dead := newDeadServer(t)
	c := New(Config{Servers: []string{dead.Addr()}, Timeout: 200 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	a := c.Lookup(ctx, "example.", dns.TypeSOA)
	if a.Status != StatusTimeout || !errors.Is(a.Err, ErrTimeout) || errors.Is(a.Err, context.DeadlineExceeded) {
		t.Fatalf("status %s, err %v: want the client's own timeout", a.Status, a.Err)
	}
	if ctx.Err() != nil {
		t.Errorf("the caller's deadline passed first: %v", ctx.Err())
	}
}

// TestRetryGoesToNextServer: a first server that is silent, says SERVFAIL
// or REFUSED is asked once; the second answers.
func TestRetryGoesToNextServer(t *testing.T) {
	good := zoneservertest.New(t, zone("example.", "www IN A 192.0.2.1\n"))
	for _, fault := range []zoneserver.Fault{zoneserver.FaultDrop, zoneserver.FaultServFail, zoneserver.FaultRefused} {
		t.Run(fault.String(), func(t *testing.T) {
			bad := zoneservertest.New(t, zone("example.", "www IN A 192.0.2.1\n"))
			bad.SetFault("www.example.", 0, fault)
			c := New(Config{Servers: []string{bad.Addr(), good.Addr()}, Timeout: calm, AttemptTimeout: zoneservertest.Expiry(nil, bad)})
			before := good.Queries()
			a := c.Lookup(context.Background(), "www.example.", dns.TypeA)
			if a.Status != StatusRecords || a.Server != good.Addr() {
				t.Fatalf("status %s from %s, err %v", a.Status, a.Server, a.Err)
			}
			zoneservertest.Await(func() bool { return bad.Queries() >= 1 })
			if bad.Queries() != 1 || good.Queries()-before != 1 || c.Queries() != 2 {
				t.Errorf("asked %d of the first server, %d of the second, %d in all; want 1, 1, 2", bad.Queries(), good.Queries()-before, c.Queries())
			}
		})
	}
}

func TestFailureFromEveryServer(t *testing.T) {
	a1 := zoneservertest.New(t, zone("example.", "www IN A 192.0.2.1\n"))
	a2 := zoneservertest.New(t, zone("example.", "www IN A 192.0.2.1\n"))
	a1.SetFault("www.example.", 0, zoneserver.FaultServFail)
	a2.SetFault("www.example.", 0, zoneserver.FaultServFail)
	c := New(Config{Servers: []string{a1.Addr(), a2.Addr()}, Timeout: calm})
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
	mixed := New(Config{Servers: []string{a1.Addr(), dead.Addr()}, Timeout: calm, AttemptTimeout: zoneservertest.Expiry([]string{dead.Addr()})})
	if a := mixed.Lookup(context.Background(), "www.example.", dns.TypeA); a.Status != StatusServFail {
		t.Errorf("status %s", a.Status)
	}
}

// TestContextEndsLookupAtOnce: a question held at the server ends when its
// caller's context does, with the context's error as the cause (were it
// not ended at once, it would wait for the hold: until go test's
// -timeout); an answer cut short is not cached.
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

	// A deadline already past: the context's deadline is the cause.
	dctx, dcancel := context.WithDeadline(context.Background(), time.Unix(1, 0))
	defer dcancel()
	if a := c.Lookup(dctx, "slow.example.", dns.TypeA); a.Status != StatusTimeout || !errors.Is(a.Err, context.DeadlineExceeded) {
		t.Errorf("status %s, err %v", a.Status, a.Err)
	}
	// A cancelled answer is not cached: a later lookup asks again.
	srv.SetFault("slow.example.", dns.TypeA, zoneserver.FaultNone)
	if a := c.Lookup(context.Background(), "slow.example.", dns.TypeA); a.Status != StatusRecords || a.Cached {
		t.Errorf("after cancel: status %s cached %v", a.Status, a.Cached)
	}
}
