package dnsclient

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// sharedZone: TTL 3600 on data, negative TTL min(300, 60) = 60 s.
var sharedZone = zone("example.", `
inc    300 IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
long       IN TXT "long-lived"
a          IN TXT "a"
b          IN TXT "b"
c          IN TXT "c"
alias  200 IN CNAME inc
`)

// sharedClients returns n clients of srv sharing one cache.
func sharedClients(srv *zoneserver.Server, cache *Cache, n int) []*Client {
	out := make([]*Client, n)
	for i := range out {
		out[i] = testClient(srv, func(c *Config) { c.Cache = cache })
	}
	return out
}

func TestSharedCacheAcrossClients(t *testing.T) {
	srv := zoneservertest.New(t, sharedZone)
	clock := newFakeClock()
	cache := NewCache(CacheConfig{Clock: clock})
	cs := sharedClients(srv, cache, 2)
	ctx := context.Background()

	first := cs[0].Lookup(ctx, "inc.example.", dns.TypeTXT)
	if first.Status != StatusRecords || first.Shared {
		t.Fatalf("first lookup %s shared=%v", first.Status, first.Shared)
	}
	clock.Advance(100 * time.Second)
	second := cs[1].Lookup(ctx, "INC.example.", dns.TypeTXT)
	if second.Status != StatusRecords || !second.Shared || second.RTT != 0 {
		t.Fatalf("second client: %s shared=%v rtt=%v", second.Status, second.Shared, second.RTT)
	}
	if got := srv.Queries(); got != 1 {
		t.Errorf("server asked %d times, want 1", got)
	}
	if cs[1].Queries() != 0 {
		t.Errorf("second client counts %d questions on the wire, want 0", cs[1].Queries())
	}
	if second.TTL != 200 {
		t.Errorf("shared answer TTL %d, want 300-100 = 200 (counted down)", second.TTL)
	}
	if got := second.TXT(); len(got) != 1 || got[0] != "v=spf1 ip4:192.0.2.0/24 -all" {
		t.Errorf("shared answer %q", got)
	}
	log := cs[1].Log()
	if len(log) != 1 || !log[0].Shared || log[0].Cached || log[0].Merged {
		t.Errorf("log %+v: want one entry marked shared", log)
	}
	// The second client's own cache now holds it too: marked cached.
	if a := cs[1].Lookup(ctx, "inc.example.", dns.TypeTXT); !a.Cached {
		t.Error("repeat lookup in the same client not from its own cache")
	}
	// A CNAME chain is served from the cache link by link.
	if a := cs[1].Lookup(ctx, "alias.example.", dns.TypeTXT); a.Status != StatusRecords || srv.Queries() != 2 {
		t.Errorf("alias: %s after %d server queries, want records after 2 (alias asked, target shared)", a.Status, srv.Queries())
	}

	// Past the TTL the reply is gone and asked again.
	clock.Advance(201 * time.Second)
	fresh := sharedClients(srv, cache, 1)[0]
	before := srv.Queries()
	if a := fresh.Lookup(ctx, "inc.example.", dns.TypeTXT); a.Shared || srv.Queries() != before+1 {
		t.Errorf("after the TTL: shared=%v, server queries %d→%d; want asked again", a.Shared, before, srv.Queries())
	}
}

func TestSharedCacheNegativeAnswers(t *testing.T) {
	srv := zoneservertest.New(t, sharedZone)
	clock := newFakeClock()
	cache := NewCache(CacheConfig{Clock: clock})
	ctx := context.Background()
	tests := []struct {
		name   string
		qname  string
		qtype  uint16
		status Status
	}{
		{"nxdomain", "nope.example.", dns.TypeTXT, StatusNXDomain},
		{"nodata", "a.example.", dns.TypeMX, StatusNoData},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := srv.Queries()
			cs := sharedClients(srv, cache, 3)
			if a := cs[0].Lookup(ctx, tt.qname, tt.qtype); a.Status != tt.status {
				t.Fatalf("status %s, want %s", a.Status, tt.status)
			}
			clock.Advance(59 * time.Second)
			a := cs[1].Lookup(ctx, tt.qname, tt.qtype)
			if a.Status != tt.status || !a.Shared || a.TTL != 1 {
				t.Errorf("within the negative TTL: %s shared=%v TTL=%d, want %s shared with 1 s left", a.Status, a.Shared, a.TTL, tt.status)
			}
			if got := srv.Queries() - before; got != 1 {
				t.Errorf("server asked %d times within the negative TTL, want 1", got)
			}
			clock.Advance(2 * time.Second)
			if a := cs[2].Lookup(ctx, tt.qname, tt.qtype); a.Shared {
				t.Error("negative answer served past min(SOA TTL, MINIMUM) = 60 s")
			}
			if got := srv.Queries() - before; got != 2 {
				t.Errorf("server asked %d times, want 2", got)
			}
		})
	}
}

func TestSharedCacheNeverKeepsFailures(t *testing.T) {
	tests := []struct {
		name   string
		fault  zoneserver.Fault
		status Status
	}{
		{"servfail", zoneserver.FaultServFail, StatusServFail},
		{"refused", zoneserver.FaultRefused, StatusRefused},
		{"timeout", zoneserver.FaultDrop, StatusTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := zoneservertest.New(t, sharedZone)
			srv.SetFault("a.example.", 0, tt.fault)
			cache := NewCache(CacheConfig{Clock: newFakeClock()})
			mod := func(c *Config) { c.Cache = cache; c.Timeout = 100 * time.Millisecond }
			for i := range 2 {
				c := testClient(srv, mod)
				a := c.Lookup(context.Background(), "a.example.", dns.TypeTXT)
				if a.Status != tt.status || a.Shared {
					t.Fatalf("client %d: %s shared=%v, want %s and not shared", i, a.Status, a.Shared, tt.status)
				}
				if c.Queries() == 0 {
					t.Fatalf("client %d sent nothing: the failure was shared", i)
				}
			}
			if st := cache.Stats(); st.Entries != 0 || st.Stores != 0 {
				t.Errorf("cache kept a failure: %+v", st)
			}
		})
	}
}

func TestSharedCacheLRUBound(t *testing.T) {
	srv := zoneservertest.New(t, sharedZone)
	cache := NewCache(CacheConfig{MaxEntries: 2, Clock: newFakeClock()})
	ctx := context.Background()
	ask := func(name string) Answer {
		return sharedClients(srv, cache, 1)[0].Lookup(ctx, name+".example.", dns.TypeTXT)
	}
	ask("a")
	ask("b")
	ask("a") // a is now the most recently used
	ask("c") // evicts b
	if st := cache.Stats(); st.Entries != 2 {
		t.Errorf("%d entries, want the bound 2", st.Entries)
	}
	if !ask("a").Shared {
		t.Error("a, recently used, was evicted")
	}
	if ask("b").Shared {
		t.Error("b, least recently used, was kept past the bound")
	}
	if got := srv.Queries(); got != 4 {
		t.Errorf("server asked %d times, want 4 (a, b, c, b again)", got)
	}
}

func TestSharedCacheMaxTTL(t *testing.T) {
	srv := zoneservertest.New(t, sharedZone)
	clock := newFakeClock()
	cache := NewCache(CacheConfig{MaxTTL: time.Minute, Clock: clock})
	ctx := context.Background()
	sharedClients(srv, cache, 1)[0].Lookup(ctx, "long.example.", dns.TypeTXT)
	clock.Advance(61 * time.Second)
	if a := sharedClients(srv, cache, 1)[0].Lookup(ctx, "long.example.", dns.TypeTXT); a.Shared {
		t.Error("a 3600 s answer was kept past MaxTTL of 60 s")
	}
}

func TestSharedCacheMergesAcrossClients(t *testing.T) {
	srv := zoneservertest.New(t, sharedZone)
	srv.SetLatency(50 * time.Millisecond)
	cache := NewCache(CacheConfig{})
	lookupAll(t, sharedClients(srv, cache, 20), "inc.example.", StatusRecords)
	if got := srv.Queries(); got != 1 {
		t.Errorf("20 clients asking at once: server asked %d times, want 1", got)
	}
}

func TestSharedCacheBypassedWhenAuthoritative(t *testing.T) {
	srv := zoneservertest.New(t, sharedZone)
	cache := NewCache(CacheConfig{})
	c := New(Config{Servers: []string{srv.Addr()}, Timeout: calm, Cache: cache, Authoritative: true,
		NameserverAddr: func(string, netip.Addr) string { return srv.Addr() }})
	c.Lookup(context.Background(), "inc.example.", dns.TypeTXT)
	if st := cache.Stats(); st.Stores != 0 || st.Misses != 0 {
		t.Errorf("authoritative mode used the shared cache: %+v", st)
	}
}

func TestCacheTTLRules(t *testing.T) {
	soa := func(ttl, minimum uint32) dns.RR {
		return &dns.SOA{Hdr: dns.RR_Header{Name: "example.", Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: ttl},
			Ns: "ns.example.", Mbox: "h.example.", Minttl: minimum}
	}
	txt := func(ttl uint32) dns.RR {
		return &dns.TXT{Hdr: dns.RR_Header{Name: "a.example.", Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: ttl}, Txt: []string{"x"}}
	}
	tests := []struct {
		name  string
		rcode int
		tc    bool
		ans   []dns.RR
		ns    []dns.RR
		want  time.Duration
		keep  bool
	}{
		{"records: smallest TTL", dns.RcodeSuccess, false, []dns.RR{txt(30), txt(20)}, nil, 20 * time.Second, true},
		{"nxdomain: min(SOA TTL, MINIMUM)", dns.RcodeNameError, false, nil, []dns.RR{soa(300, 60)}, time.Minute, true},
		{"nodata: min(SOA TTL, MINIMUM)", dns.RcodeSuccess, false, nil, []dns.RR{soa(40, 600)}, 40 * time.Second, true},
		{"negative without SOA", dns.RcodeNameError, false, nil, nil, 0, false},
		{"referral-like: no answer, no SOA", dns.RcodeSuccess, false, nil, []dns.RR{&dns.NS{Hdr: dns.RR_Header{Name: "example.", Rrtype: dns.TypeNS, Class: dns.ClassINET, Ttl: 300}, Ns: "ns.example."}}, 0, false},
		{"zero TTL", dns.RcodeSuccess, false, []dns.RR{txt(0)}, nil, 0, false},
		{"servfail", dns.RcodeServerFailure, false, nil, []dns.RR{soa(300, 60)}, 0, false},
		{"truncated", dns.RcodeSuccess, true, []dns.RR{txt(30)}, nil, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &dns.Msg{Answer: tt.ans, Ns: tt.ns}
			m.Rcode, m.Truncated = tt.rcode, tt.tc
			got, keep := cacheTTL(m)
			if got != tt.want || keep != tt.keep {
				t.Errorf("cacheTTL = %v, %v; want %v, %v", got, keep, tt.want, tt.keep)
			}
		})
	}
}

// TestLimiterCapsQuestionsAtTheServer counts, at the server, the questions
// of many clients sharing one limiter of 10 questions a second: after each
// tenth of a (fake) second exactly one more question has arrived.
func TestLimiterCapsQuestionsAtTheServer(t *testing.T) {
	const n = 30
	var records strings.Builder
	for i := range n {
		fmt.Fprintf(&records, "q%d IN TXT \"%d\"\n", i, i)
	}
	srv := zoneservertest.New(t, zone("example.", records.String()))
	clock := newFakeClock()
	lim, err := NewRateLimiter(10, 1, clock)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	for i := range n {
		c := testClient(srv, func(c *Config) { c.Limiter = lim; c.Timeout = time.Minute })
		wg.Go(func() {
			if a := c.Lookup(ctx, fmt.Sprintf("q%d.example.", i), dns.TypeTXT); a.Status != StatusRecords {
				t.Errorf("q%d: %s", i, a.Status)
			}
		})
	}
	for step := 0; step < n; step++ {
		// After step tenths of a second the cap allows 1 + step questions;
		// wait until the rest are parked in the limiter, then count.
		want := int64(step + 1)
		if !clock.waitSleepers(ctx, n-int(want)) {
			t.Fatalf("step %d: waiters never parked", step)
		}
		for srv.Queries() < want && ctx.Err() == nil {
			time.Sleep(time.Millisecond)
		}
		if got := srv.Queries(); got != want {
			t.Fatalf("after %d ms of fake time the server saw %d questions, want %d (cap 10/s)", step*100, got, want)
		}
		clock.Advance(100 * time.Millisecond)
	}
	wg.Wait()
	if got := srv.Queries(); got != n {
		t.Errorf("server saw %d questions in all, want %d", got, n)
	}
}

func TestRateLimiterBurstAndCancel(t *testing.T) {
	clock := newFakeClock()
	lim, err := NewRateLimiter(100, 5, clock)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := range 5 {
		if err := lim.Wait(ctx); err != nil {
			t.Fatalf("burst question %d waited: %v", i, err)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- lim.Wait(cctx) }()
	clock.waitSleepers(ctx, 1)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled wait returned %v", err)
	}
	if _, err := NewRateLimiter(0, 1, nil); err == nil {
		t.Error("a rate of 0 was accepted")
	}
}

func TestHealthFailsFastOnDeadResolver(t *testing.T) {
	dead := newDeadServer(t)
	clock := newFakeClock()
	health := NewHealth(3, time.Second, clock)
	mod := func(c *Config) { c.Health = health; c.Timeout = 60 * time.Millisecond }
	ctx := context.Background()
	// Three questions without a reply (each one attempt or two): enough
	// failures, but no Window has passed since the tracker was made.
	for i := range 3 {
		if a := testClientAt(dead.Addr(), mod).Lookup(ctx, fmt.Sprintf("q%d.example.", i), dns.TypeTXT); a.Status != StatusTimeout {
			t.Fatalf("question %d: %s", i, a.Status)
		}
	}
	if health.Down() {
		t.Fatal("down before Window passed without a reply")
	}
	clock.Advance(time.Second)
	testClientAt(dead.Addr(), mod).Lookup(ctx, "q3.example.", dns.TypeTXT)
	if !health.Down() {
		t.Fatal("not down after failures spanning Window")
	}
	received, refused := dead.received.Load(), health.Refused()
	for i := range 10 {
		a := testClientAt(dead.Addr(), mod).Lookup(ctx, fmt.Sprintf("x%d.example.", i), dns.TypeTXT)
		if !errors.Is(a.Err, ErrResolverDown) || !a.Status.Temporary() {
			t.Fatalf("while down: %s %v", a.Status, a.Err)
		}
	}
	if got := dead.received.Load(); got != received {
		t.Errorf("%d questions sent while down, want none (no probe due yet)", got-received)
	}
	if got := health.Refused() - refused; got != 10 {
		t.Errorf("Refused() grew by %d, want 10", got)
	}
	// After Window one probe goes out; its retry is refused.
	clock.Advance(time.Second)
	testClientAt(dead.Addr(), mod).Lookup(ctx, "probe.example.", dns.TypeTXT)
	for dead.received.Load() == received && ctx.Err() == nil {
		time.Sleep(time.Millisecond) // the datagram may still be on its way
	}
	if got := dead.received.Load() - received; got != 1 {
		t.Errorf("%d datagrams for the probe, want 1", got)
	}
	if !health.Down() {
		t.Error("an unanswered probe brought the resolvers back")
	}
}

func TestHealthRecoversOnReply(t *testing.T) {
	srv := zoneservertest.New(t, sharedZone)
	clock := newFakeClock()
	health := NewHealth(1, time.Second, clock)
	mod := func(c *Config) { c.Health = health; c.Timeout = 60 * time.Millisecond }
	srv.SetFault("a.example.", 0, zoneserver.FaultDrop)
	clock.Advance(time.Second)
	testClient(srv, mod).Lookup(context.Background(), "a.example.", dns.TypeTXT)
	if !health.Down() {
		t.Fatal("not down after an unanswered question")
	}
	if a := testClient(srv, mod).Lookup(context.Background(), "b.example.", dns.TypeTXT); !errors.Is(a.Err, ErrResolverDown) {
		t.Fatalf("while down, before the probe is due: %s %v", a.Status, a.Err)
	}
	clock.Advance(time.Second)
	// The probe is answered (SERVFAIL would do too): back up.
	if a := testClient(srv, mod).Lookup(context.Background(), "b.example.", dns.TypeTXT); a.Status != StatusRecords {
		t.Fatalf("probe: %s", a.Status)
	}
	if health.Down() {
		t.Error("still down after a reply")
	}
	if a := testClient(srv, mod).Lookup(context.Background(), "c.example.", dns.TypeTXT); a.Status != StatusRecords {
		t.Errorf("after recovery: %s", a.Status)
	}
}

// lookupAll asks name from every client at once and requires status.
func lookupAll(t *testing.T, cs []*Client, name string, want Status) {
	t.Helper()
	var wg sync.WaitGroup
	for _, c := range cs {
		wg.Go(func() {
			if a := c.Lookup(context.Background(), name, dns.TypeTXT); a.Status != want {
				t.Errorf("%s: status %s, want %s", name, a.Status, want)
			}
		})
	}
	wg.Wait()
}

// testClientAt is a client of the server at addr.
func testClientAt(addr string, mod ...func(*Config)) *Client {
	cfg := Config{Servers: []string{addr}, Timeout: 500 * time.Millisecond}
	for _, m := range mod {
		m(&cfg)
	}
	return New(cfg)
}

// TestSharedFailureReachesEveryWaiter asks a name that fails from many
// clients at once: the failure is not kept, but the clients that asked at
// the same time share the one question instead of asking one after
// another.
func TestSharedFailureReachesEveryWaiter(t *testing.T) {
	srv := zoneservertest.New(t, sharedZone)
	srv.SetFault("a.example.", 0, zoneserver.FaultServFail)
	srv.SetLatency(150 * time.Millisecond) // within the first attempt's half of 500 ms
	cache := NewCache(CacheConfig{})
	lookupAll(t, sharedClients(srv, cache, 20), "a.example.", StatusServFail)
	if got := srv.Queries(); got > 2 {
		t.Errorf("20 clients asking a failing name at once: server asked %d times, want the one question shared", got)
	}
	if st := cache.Stats(); st.Entries != 0 {
		t.Errorf("the failure was kept: %+v", st)
	}
	before := srv.Queries()
	sharedClients(srv, cache, 1)[0].Lookup(context.Background(), "a.example.", dns.TypeTXT)
	if srv.Queries() != before+1 {
		t.Error("a later question was answered with the earlier failure")
	}
}
