package dnsclient

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

func TestIdenticalQuestionsMerge(t *testing.T) {
	srv := zoneservertest.New(t, zone("example.", "_dmarc IN TXT \"v=DMARC1; p=reject\"\n"))
	release := srv.Hold("_dmarc.example.")
	c := testClient(srv)
	var wg sync.WaitGroup
	answers := make([]Answer, 50)
	for i := range answers {
		wg.Go(func() { answers[i] = c.Lookup(context.Background(), "_DMARC.example.", dns.TypeTXT) })
	}
	// Every caller but the one asking joins the question in flight.
	zoneservertest.Await(func() bool { return c.joined("_dmarc.example.", dns.TypeTXT) == 49 })
	release()
	wg.Wait()
	if got := srv.Queries(); got != 1 {
		t.Errorf("server received %d queries for 50 identical questions, want 1", got)
	}
	if c.Queries() != 1 {
		t.Errorf("Queries() = %d, want 1", c.Queries())
	}
	for _, a := range answers {
		if got := a.TXT(); len(got) != 1 || got[0] != "v=DMARC1; p=reject" {
			t.Fatalf("answer %v (%s)", got, a.Status)
		}
	}
	log := c.Log()
	if len(log) != 50 {
		t.Fatalf("%d log entries, want one per call", len(log))
	}
	var fresh, shared int
	for _, e := range log {
		switch {
		case e.Merged || e.Cached:
			shared++
		default:
			fresh++
		}
	}
	if fresh != 1 || shared != 49 {
		t.Errorf("log: %d asked, %d merged or cached; want 1 and 49", fresh, shared)
	}

	// Later calls come from the cache, marked so, with no RTT.
	a := c.Lookup(context.Background(), "_dmarc.example.", dns.TypeTXT)
	if !a.Cached || a.RTT != 0 || srv.Queries() != 1 {
		t.Errorf("cached %v, RTT %v, server queries %d", a.Cached, a.RTT, srv.Queries())
	}
	if last := c.Log()[50]; !last.Cached || last.Merged {
		t.Errorf("last log entry %+v, want cached", last)
	}
	// Callers cannot change the cache through the slices they get.
	a.Records[0] = nil
	if b := c.Lookup(context.Background(), "_dmarc.example.", dns.TypeTXT); b.Records[0] == nil {
		t.Error("a caller's change reached the cache")
	}
}

func TestLogEntries(t *testing.T) {
	srv := zoneservertest.New(t, zone("example.", "www 120 IN A 192.0.2.1\n"))
	var mu sync.Mutex
	var seen []LogEntry
	c := testClient(srv, func(cfg *Config) {
		cfg.OnQuery = func(e LogEntry) { mu.Lock(); seen = append(seen, e); mu.Unlock() }
	})
	c.Lookup(context.Background(), "www.example", dns.TypeA)
	c.Lookup(context.Background(), "nx.example", dns.TypeMX)
	log := c.Log()
	if len(log) != 2 {
		t.Fatalf("log %+v", log)
	}
	e := log[0]
	if e.Name != "www.example." || e.Type != "A" || e.Status != StatusRecords || e.TTL != 120 ||
		e.Server != srv.Addr() || e.RTT <= 0 || e.Cached || e.Merged || e.TCP || e.Err != "" {
		t.Errorf("entry %+v", e)
	}
	if log[1].Type != "MX" || log[1].Status != StatusNXDomain || log[1].Start < log[0].Start {
		t.Errorf("entry %+v", log[1])
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 2 || seen[0] != log[0] || seen[1] != log[1] {
		t.Errorf("OnQuery saw %+v", seen)
	}
}

// joined counts the callers that joined the question for name and qtype
// in flight (0 when it is not in flight).
func (c *Client) joined(name string, qtype uint16) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f, ok := c.flights[flightKey{canonical(name), qtype, false}]; ok {
		return f.joined
	}
	return 0
}

// inFlight reports whether a question for name and qtype has begun.
func (c *Client) inFlight(name string, qtype uint16) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.flights[flightKey{canonical(name), qtype, false}]
	return ok
}

// TestPriorityCriticalNeverWaitsBehindLeaves: with both leaf slots held at
// the server (until the test ends), a critical question is answered, and
// a leaf question queued for a slot is promoted when a critical caller
// asks the same. Were either to wait behind the leaves, it would wait for
// the hold, and its caller's deadline, passed in, would be the cause.
func TestPriorityCriticalNeverWaitsBehindLeaves(t *testing.T) {
	srv := zoneservertest.New(t, zone("example.", "slow1 IN A 192.0.2.1\nslow2 IN A 192.0.2.2\nslow3 IN A 192.0.2.3\nfast IN A 192.0.2.9\n"))
	var wg sync.WaitGroup
	defer wg.Wait() // after the holds are released, below
	for _, n := range []string{"slow1.example.", "slow2.example."} {
		defer srv.Hold(n)()
	}
	c := New(Config{Servers: []string{srv.Addr()}, Timeout: time.Hour, MaxLeafInFlight: 2, MaxInFlight: 4})
	leaf := WithPriority(context.Background(), Leaf)
	for _, n := range []string{"slow1.example.", "slow2.example."} {
		wg.Go(func() { c.Lookup(leaf, n, dns.TypeA) })
	}
	zoneservertest.AwaitPending(t, srv, 2) // both leaf slots are taken
	wg.Go(func() { c.Lookup(leaf, "slow3.example.", dns.TypeA) })
	zoneservertest.Await(func() bool { return c.inFlight("slow3.example.", dns.TypeA) })

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if a := c.Lookup(ctx, "fast.example.", dns.TypeA); a.Status != StatusRecords {
		t.Errorf("critical question behind saturated leaves: %s (%v)", a.Status, a.Err)
	}
	if a := c.Lookup(ctx, "slow3.example.", dns.TypeA); a.Status != StatusRecords {
		t.Errorf("critical caller of a queued leaf question: %s (%v)", a.Status, a.Err)
	}
	if srv.Pending() != 2 {
		t.Errorf("Pending() = %d: the held leaves were answered", srv.Pending())
	}
}

// TestSlots: a leaf waits while the leaf slots are full, whatever the
// critical pool holds; it moves to the critical pool when a critical
// caller joins; a critical question takes a critical slot while the
// leaves are full.
func TestSlots(t *testing.T) {
	s := newSlots(1, 2)
	bg := context.Background()
	for range 2 {
		if _, err := s.acquire(bg, Leaf, nil); err != nil {
			t.Fatal(err)
		}
	}
	gone, cancel := context.WithCancel(bg)
	cancel()
	if _, err := s.acquire(gone, Leaf, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("a third leaf got a slot: %v", err)
	}
	upgrade := make(chan struct{})
	close(upgrade)
	release, err := s.acquire(bg, Leaf, upgrade)
	if err != nil || len(s.critical) != 1 {
		t.Fatalf("a promoted leaf: %v, %d critical slots taken", err, len(s.critical))
	}
	if _, err := s.acquire(gone, Critical, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("a second critical question got the one critical slot: %v", err)
	}
	release()
	if _, err := s.acquire(bg, Critical, nil); err != nil {
		t.Errorf("a critical question with the leaves full: %v", err)
	}
}

func TestQueryBudget(t *testing.T) {
	srv := zoneservertest.New(t, zone("example.", "a IN A 192.0.2.1\nb IN A 192.0.2.2\nc IN A 192.0.2.3\nd IN A 192.0.2.4\n"))
	c := testClient(srv, func(cfg *Config) { cfg.MaxQueries = 3 })
	var got []Status
	for _, n := range []string{"a", "b", "c", "d"} {
		got = append(got, c.Lookup(context.Background(), n+".example.", dns.TypeA).Status)
	}
	want := []Status{StatusRecords, StatusRecords, StatusRecords, StatusError}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("lookup %d: %s, want %s", i, got[i], want[i])
		}
	}
	a := c.Lookup(context.Background(), "d.example.", dns.TypeA)
	if !errors.Is(a.Err, ErrQueryBudget) {
		t.Errorf("err %v, want ErrQueryBudget", a.Err)
	}
	if c.Queries() != 3 || srv.Queries() != 3 {
		t.Errorf("client %d, server %d queries; want 3", c.Queries(), srv.Queries())
	}
	// Cached answers still come.
	if a := c.Lookup(context.Background(), "a.example.", dns.TypeA); a.Status != StatusRecords || !a.Cached {
		t.Errorf("cached answer past the budget: %s", a.Status)
	}
}

func TestTXTBudget(t *testing.T) {
	srv := zoneservertest.New(t, zone("example.", "a IN TXT \"0123456789012345678901234567890123456789\"\nb IN TXT \"0123456789012345678901234567890123456789\"\n"))
	c := testClient(srv, func(cfg *Config) { cfg.MaxTXTBytes = 60 })
	if a := c.Lookup(context.Background(), "a.example.", dns.TypeTXT); a.Status != StatusRecords {
		t.Fatalf("first TXT: %s", a.Status)
	}
	a := c.Lookup(context.Background(), "b.example.", dns.TypeTXT)
	if a.Status != StatusError || !errors.Is(a.Err, ErrTooMuchTXT) || len(a.Records) != 0 {
		t.Errorf("second TXT past 60 bytes: %s, %v, %d records", a.Status, a.Err, len(a.Records))
	}
}

func TestCancelOneCallerOfAMergedQuestion(t *testing.T) {
	srv := zoneservertest.New(t, zone("example.", "slow IN A 192.0.2.1\n"))
	release := srv.Hold("slow.example.")
	c := New(Config{Servers: []string{srv.Addr()}, Timeout: time.Hour})

	// The first caller (whose goroutine asks) gives up; the second, merged
	// into its question, still gets an answer.
	first, cancelFirst := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var a1, a2 Answer
	wg.Go(func() { a1 = c.Lookup(first, "slow.example.", dns.TypeA) })
	zoneservertest.AwaitPending(t, srv, 1)
	wg.Go(func() { a2 = c.Lookup(context.Background(), "slow.example.", dns.TypeA) })
	zoneservertest.Await(func() bool { return c.joined("slow.example.", dns.TypeA) == 1 })
	cancelFirst()
	zoneservertest.AwaitPending(t, srv, 2) // the second asks again
	release()
	wg.Wait()
	if !errors.Is(a1.Err, context.Canceled) {
		t.Errorf("cancelled caller: %s, %v", a1.Status, a1.Err)
	}
	if a2.Status != StatusRecords {
		t.Errorf("merged caller after the first gave up: %s, %v", a2.Status, a2.Err)
	}

	// A merged caller that gives up returns at once (were it to wait for
	// the question, it would wait for the hold); the question goes on.
	release2 := srv.Hold("slow2.example.")
	var b1 Answer
	wg.Go(func() { b1 = c.Lookup(context.Background(), "slow2.example.", dns.TypeA) })
	// b1 owns the question before the second caller comes (the server's
	// pending count may still hold the first part's answers on a loaded
	// machine, so it cannot say this).
	zoneservertest.Await(func() bool { return c.inFlight("slow2.example.", dns.TypeA) })
	second, cancelSecond := context.WithCancel(context.Background())
	done := make(chan Answer, 1)
	go func() { done <- c.Lookup(second, "slow2.example.", dns.TypeA) }()
	zoneservertest.Await(func() bool { return c.joined("slow2.example.", dns.TypeA) == 1 })
	cancelSecond()
	if b2 := <-done; !errors.Is(b2.Err, context.Canceled) {
		t.Errorf("merged caller gave up with %v", b2.Err)
	}
	release2()
	wg.Wait()
	if b1.Status != StatusNXDomain {
		t.Errorf("first caller: %s, %v", b1.Status, b1.Err)
	}
	if e := c.Log(); !e[len(e)-2].Merged {
		t.Errorf("the cancelled merged call is not marked merged: %+v", e[len(e)-2])
	}
}
