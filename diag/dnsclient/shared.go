package dnsclient

import (
	"container/list"
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"
)

// Defaults of a Cache.
const (
	DefaultCacheEntries = 20_000
	DefaultCacheMaxTTL  = 10 * time.Minute
)

// CacheConfig sets up a Cache. Zero values take the defaults.
type CacheConfig struct {
	// MaxEntries bounds the replies kept; the least recently used goes
	// first. DefaultCacheEntries when zero.
	MaxEntries int
	// MaxTTL caps how long any reply is kept, whatever its TTL says.
	// DefaultCacheMaxTTL when zero.
	MaxTTL time.Duration
	// Clock tells the time entries expire by; SystemClock when nil.
	Clock Clock
}

// Cache holds replies shared by many clients: every investigation of a
// batch run (so a provider's include is fetched once for the whole run), or
// every session of a server. It keeps what a server said, keyed by the
// servers asked, the RD bit, the name and the type:
//
//   - a NOERROR reply with records for as long as its smallest TTL;
//   - a negative reply (NXDOMAIN or NODATA) for the SOA's negative TTL, the
//     smaller of its TTL and MINIMUM (RFC 2308 §5), and not at all without
//     an SOA (RFC 2308 §5: such answers SHOULD NOT be cached);
//   - never SERVFAIL, REFUSED, other failing RCODEs, timeouts or truncated
//     replies (RFC 2308 §7 allows caching SERVFAIL briefly; a batch is
//     better served by asking again);
//   - never longer than MaxTTL, and TTLs are counted down while kept.
//
// Questions for the same key asked by several clients at once go to the
// wire once, and every one of them gets what that question got, a failure
// included (they asked at the same time; only what is kept afterwards is
// limited to answers); when the client that asked gives up, the others ask
// again. A client in Authoritative mode never uses the cache. Safe for
// concurrent use; its size is bounded by MaxEntries.
type Cache struct {
	cfg CacheConfig

	mu      sync.Mutex
	entries map[string]*list.Element // of *cacheEntry
	lru     *list.List               // front: most recently used
	flights map[string]*sharedFlight

	hits, misses, stores int64
}

type cacheEntry struct {
	key     string
	msg     *dns.Msg
	server  string
	stored  time.Time
	expires time.Time
}

// sharedFlight is one question on the wire that other clients wait for.
type sharedFlight struct {
	done      chan struct{}
	msg       *dns.Msg // the reply, whatever its RCODE; nil when none came
	server    string
	err       error // why no reply came
	abandoned bool  // the asking client gave up: the waiters ask themselves
}

// NewCache returns an empty cache.
func NewCache(cfg CacheConfig) *Cache {
	if cfg.MaxEntries <= 0 {
		cfg.MaxEntries = DefaultCacheEntries
	}
	if cfg.MaxTTL <= 0 {
		cfg.MaxTTL = DefaultCacheMaxTTL
	}
	if cfg.Clock == nil {
		cfg.Clock = SystemClock{}
	}
	return &Cache{cfg: cfg, entries: map[string]*list.Element{}, lru: list.New(), flights: map[string]*sharedFlight{}}
}

// CacheStats counts what a cache did.
type CacheStats struct {
	Entries int   // replies held now
	Hits    int64 // questions answered from the cache or by another client's question in flight
	Misses  int64 // questions that went to the wire
	Stores  int64 // replies stored
}

// Stats returns the counts so far.
func (c *Cache) Stats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return CacheStats{Entries: c.lru.Len(), Hits: c.hits, Misses: c.misses, Stores: c.stores}
}

// cacheKey names a question as a server is asked it.
func cacheKey(servers []string, rd bool, name string, qtype uint16) string {
	var b strings.Builder
	for _, s := range servers {
		b.WriteString(s)
		b.WriteByte(',')
	}
	if rd {
		b.WriteString("|rd|")
	} else {
		b.WriteString("|norec|")
	}
	b.WriteString(canonical(name))
	b.WriteByte('|')
	b.WriteString(strconv.Itoa(int(qtype)))
	return b.String()
}

// get returns a copy of the reply kept for key, its TTLs counted down, and
// the server that gave it.
func (c *Cache) get(key string) (*dns.Msg, string, bool) {
	now := c.cfg.Clock.Now()
	c.mu.Lock()
	el, ok := c.entries[key]
	if !ok {
		c.mu.Unlock()
		return nil, "", false
	}
	e := el.Value.(*cacheEntry)
	if !now.Before(e.expires) {
		c.lru.Remove(el)
		delete(c.entries, key)
		c.mu.Unlock()
		return nil, "", false
	}
	c.lru.MoveToFront(el)
	c.hits++
	c.mu.Unlock()
	return agedCopy(e.msg, now.Sub(e.stored)), e.server, true
}

// join returns a reply for key from the cache, or what another client's
// question in flight got (waiting for it: a reply, or the error that ended
// it), or makes the caller the one to ask: then lead is true and the caller
// must call finish.
func (c *Cache) join(ctx context.Context, key string) (msg *dns.Msg, server string, lead bool, err error) {
	for {
		if m, srv, ok := c.get(key); ok {
			return m, srv, false, nil
		}
		c.mu.Lock()
		f, ok := c.flights[key]
		if !ok {
			c.flights[key] = &sharedFlight{done: make(chan struct{})}
			c.misses++
			c.mu.Unlock()
			return nil, "", true, nil
		}
		c.mu.Unlock()
		select {
		case <-f.done:
		case <-ctx.Done():
			return nil, "", false, ctx.Err()
		}
		if f.abandoned {
			continue // its caller gave up: ask again, perhaps leading
		}
		c.mu.Lock()
		c.hits++
		c.mu.Unlock()
		if f.msg == nil {
			return nil, f.server, false, f.err
		}
		return f.msg.Copy(), f.server, false, nil
	}
}

// finish ends the caller's flight for key with the reply it got (nil when
// none, then err says why), storing the reply when it may be kept.
// abandoned says the caller gave up (its context ended): waiters ask again.
func (c *Cache) finish(key string, msg *dns.Msg, server string, err error, abandoned bool) {
	now := c.cfg.Clock.Now()
	ttl, ok := cacheTTL(msg)
	c.mu.Lock()
	f := c.flights[key]
	delete(c.flights, key)
	if ok {
		ttl = min(ttl, c.cfg.MaxTTL)
		kept := msg.Copy()
		if soa := negativeSOAAny(kept.Ns); soa != nil {
			// RFC 2308 §3: a negative answer's SOA lives for the smaller of
			// its TTL and MINIMUM; counting that TTL down then ages it.
			soa.Hdr.Ttl = min(soa.Hdr.Ttl, soa.Minttl)
		}
		e := &cacheEntry{key: key, msg: kept, server: server, stored: now, expires: now.Add(ttl)}
		if el, exists := c.entries[key]; exists {
			el.Value = e
			c.lru.MoveToFront(el)
		} else {
			c.entries[key] = c.lru.PushFront(e)
		}
		c.stores++
		for c.lru.Len() > c.cfg.MaxEntries {
			old := c.lru.Back()
			c.lru.Remove(old)
			delete(c.entries, old.Value.(*cacheEntry).key)
		}
	}
	c.mu.Unlock()
	if f != nil {
		f.msg, f.server, f.err, f.abandoned = msg, server, err, abandoned
		close(f.done)
	}
}

// cacheTTL is how long a reply may be kept, and whether it may be at all.
func cacheTTL(msg *dns.Msg) (time.Duration, bool) {
	if msg == nil || msg.Truncated || (msg.Rcode != dns.RcodeSuccess && msg.Rcode != dns.RcodeNameError) {
		return 0, false
	}
	var ttl uint32
	var have bool
	for _, rr := range msg.Answer {
		if t := rr.Header().Ttl; !have || t < ttl {
			ttl, have = t, true
		}
	}
	if !have || msg.Rcode == dns.RcodeNameError {
		// Negative (or an answer section of aliases only, with NXDOMAIN at
		// its end): the SOA says for how long (RFC 2308 §5).
		var soa *dns.SOA
		for _, rr := range msg.Ns {
			if s, ok := rr.(*dns.SOA); ok {
				soa = s
				break
			}
		}
		if soa == nil {
			return 0, false
		}
		neg := min(soa.Hdr.Ttl, soa.Minttl)
		if !have || neg < ttl {
			ttl = neg
		}
	}
	if ttl == 0 {
		return 0, false
	}
	return time.Duration(ttl) * time.Second, true
}

// agedCopy returns a copy of msg with every TTL lowered by the time it was
// kept (whole seconds), as a caching resolver answers.
func agedCopy(msg *dns.Msg, age time.Duration) *dns.Msg {
	m := msg.Copy()
	sec := uint32(age / time.Second)
	if sec == 0 {
		return m
	}
	for _, section := range [][]dns.RR{m.Answer, m.Ns, m.Extra} {
		for _, rr := range section {
			h := rr.Header()
			if h.Rrtype == dns.TypeOPT {
				continue
			}
			if h.Ttl > sec {
				h.Ttl -= sec
			} else {
				h.Ttl = 0
			}
		}
	}
	return m
}

func negativeSOAAny(ns []dns.RR) *dns.SOA {
	for _, rr := range ns {
		if s, ok := rr.(*dns.SOA); ok {
			return s
		}
	}
	return nil
}
