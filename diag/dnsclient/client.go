package dnsclient

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"
)

// Client asks DNS for one investigation: it caches every answer for its
// life, merges identical questions in flight and logs every call. Safe for
// concurrent use.
type Client struct {
	cfg      Config
	servers  []string
	overlays []overlay
	born     time.Time
	slots    slots
	queries  atomic.Int64
	txtBytes atomic.Int64
	// overQueries and overTXT record that a budget refused something.
	overQueries, overTXT atomic.Bool

	mu      sync.Mutex
	flights map[flightKey]*flight // in flight and done (the cache)
	log     []LogEntry

	zones   memo[zoneInfo] // authoritative mode: name → its zone
	nsAddrs memo[[]string] // authoritative mode: zone apex → nameserver addresses
}

type overlay struct {
	zone   string // canonical
	server string
}

// New makes a client for one investigation.
func New(cfg Config) *Client {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = DefaultMaxInFlight
	}
	if cfg.MaxLeafInFlight <= 0 {
		cfg.MaxLeafInFlight = DefaultMaxLeafInFlight
	}
	if cfg.MaxQueries <= 0 {
		cfg.MaxQueries = DefaultMaxQueries
	}
	if cfg.MaxCNAMEs <= 0 {
		cfg.MaxCNAMEs = DefaultMaxCNAMEs
	}
	if cfg.MaxTXTBytes <= 0 {
		cfg.MaxTXTBytes = DefaultMaxTXTBytes
	}
	if cfg.MaxLog == 0 {
		cfg.MaxLog = DefaultMaxLog
	}
	c := &Client{
		cfg:     cfg,
		born:    time.Now(),
		slots:   newSlots(cfg.MaxInFlight, cfg.MaxLeafInFlight),
		flights: map[flightKey]*flight{},
	}
	for _, s := range cfg.Servers {
		c.servers = append(c.servers, normalizeServer(s))
	}
	for _, o := range cfg.Overlays {
		for _, z := range o.Zones {
			c.overlays = append(c.overlays, overlay{zone: canonical(z), server: normalizeServer(o.Server)})
		}
	}
	// Deepest zone first, so the most specific overlay wins.
	sort.SliceStable(c.overlays, func(i, j int) bool {
		return dns.CountLabel(c.overlays[i].zone) > dns.CountLabel(c.overlays[j].zone)
	})
	return c
}

// Queries returns how many questions the client has sent on the wire
// (cached and merged calls send none; a TCP retry and a server retry each
// count).
func (c *Client) Queries() int { return int(c.queries.Load()) }

// Limits reports which of the client's budgets refused something: the
// questions per investigation (Config.MaxQueries) and the TXT bytes
// (Config.MaxTXTBytes). The investigation turns each into a finding.
func (c *Client) Limits() (queries, txt bool) {
	return c.overQueries.Load(), c.overTXT.Load()
}

// MaxQueries returns the question budget in force.
func (c *Client) MaxQueries() int { return c.cfg.MaxQueries }

// takeQuery spends one question of the budget, or reports that none is left.
func (c *Client) takeQuery() bool {
	for {
		n := c.queries.Load()
		if n >= int64(c.cfg.MaxQueries) {
			c.overQueries.Store(true)
			return false
		}
		if c.queries.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// Lookup asks one question and returns its answer, following CNAMEs. It
// never returns an error value: failures are in Answer.Status and
// Answer.Err. The context's priority (WithPriority) picks the slot pool;
// cancelling it ends the lookup at once with the context's error.
func (c *Client) Lookup(ctx context.Context, name string, qtype uint16) Answer {
	a := c.lookup(ctx, name, qtype, false).ans
	a.ServerName = c.cfg.ServerNames[a.Server]
	return a
}

// LookupAddrs asks for A and AAAA at once.
func (c *Client) LookupAddrs(ctx context.Context, name string) (v4, v6 Answer) {
	return LookupAddrs(ctx, c, name)
}

// LookupPTR asks for the PTR records of ip under in-addr.arpa or ip6.arpa
// (RFC 1035 §3.5, RFC 3596 §2.5). An IPv4-mapped IPv6 address is asked as
// IPv4.
func (c *Client) LookupPTR(ctx context.Context, ip netip.Addr) Answer {
	return LookupPTR(ctx, c, ip)
}

// LookupAddrs asks any Resolver for name's A and AAAA records at once.
func LookupAddrs(ctx context.Context, r Resolver, name string) (v4, v6 Answer) {
	var wg sync.WaitGroup
	wg.Go(func() { v6 = r.Lookup(ctx, name, dns.TypeAAAA) })
	v4 = r.Lookup(ctx, name, dns.TypeA)
	wg.Wait()
	return v4, v6
}

// LookupPTR asks any Resolver for ip's PTR records (in-addr.arpa or
// ip6.arpa; an IPv4-mapped address is asked as IPv4).
func LookupPTR(ctx context.Context, r Resolver, ip netip.Addr) Answer {
	if !ip.IsValid() {
		return Answer{Type: dns.TypePTR, Status: StatusError, DNSSEC: DNSSECUnknown,
			Err: &LookupError{Type: "PTR", Err: fmt.Errorf("%w: invalid IP address", ErrBadName)}}
	}
	rev, err := dns.ReverseAddr(ip.Unmap().WithZone("").String())
	if err != nil {
		return Answer{Type: dns.TypePTR, Status: StatusError, DNSSEC: DNSSECUnknown,
			Err: &LookupError{Name: ip.String(), Type: "PTR", Err: fmt.Errorf("%w: %v", ErrBadName, err)}}
	}
	return r.Lookup(ctx, rev, dns.TypePTR)
}

// flightKey names a question. internal questions (authoritative mode's own
// zone-cut questions) always go to Servers, so they are kept apart.
type flightKey struct {
	name     string // canonical
	qtype    uint16
	internal bool
}

// flight is one question being answered, then its cached result.
type flight struct {
	done      chan struct{} // closed when res is set
	res       result
	upgrade   chan struct{} // closed when a critical caller joins
	upgraded  bool
	cancelled bool // ended by its caller's context: not an answer
	joined    int  // callers that joined it while in flight (tests wait on it)
}

// result is an answer with the reply it came from (nil when no reply).
type result struct {
	ans   Answer
	reply *dns.Msg
}

type flightCtxKey struct{}

// upgradeFrom returns the upgrade channel of the flight running under ctx.
func upgradeFrom(ctx context.Context) <-chan struct{} {
	if f, ok := ctx.Value(flightCtxKey{}).(*flight); ok {
		return f.upgrade
	}
	return nil
}

// lookup answers from the cache, joins an identical question in flight, or
// asks; and logs the call.
func (c *Client) lookup(ctx context.Context, name string, qtype uint16, internal bool) result {
	start := time.Now()
	asked := dns.Fqdn(name)
	wire, err := wireName(asked)
	if err != nil {
		a := Answer{Name: asked, Type: qtype, Status: StatusError, DNSSEC: DNSSECUnknown,
			Err: &LookupError{Name: asked, Type: typeString(qtype), Err: fmt.Errorf("%w: %v", ErrBadName, err)}}
		c.record(a, fresh, start)
		return result{ans: a}
	}
	key := flightKey{canonical(wire), qtype, internal}
	for {
		c.mu.Lock()
		f, ok := c.flights[key]
		if !ok {
			f = &flight{done: make(chan struct{}), upgrade: make(chan struct{})}
			c.flights[key] = f
			c.mu.Unlock()
			res := c.resolve(context.WithValue(ctx, flightCtxKey{}, f), wire, qtype, internal)
			c.mu.Lock()
			if contextErr(ctx) != nil && isContextErr(res.ans.Err) {
				f.cancelled = true
				delete(c.flights, key)
			}
			f.res = res
			close(f.done)
			c.mu.Unlock()
			c.record(res.ans, fresh, start)
			return res
		}
		h := merged
		select {
		case <-f.done:
			h = cached
		default:
			f.joined++
			if PriorityFrom(ctx) == Critical && !f.upgraded {
				f.upgraded = true
				close(f.upgrade)
			}
		}
		c.mu.Unlock()
		select {
		case <-f.done:
		case <-ctx.Done():
			a := contextAnswer(wire, qtype, ctx.Err())
			c.record(a, h, start)
			return result{ans: a}
		}
		if f.cancelled {
			continue // its caller gave up; ask again for this one
		}
		res := f.res
		res.ans = shareAnswer(res.ans, wire, h == cached)
		c.record(res.ans, h, start)
		return res
	}
}

// shareAnswer copies a cached answer for another caller, so that no caller
// can change what others see through the slices.
func shareAnswer(a Answer, name string, fromCache bool) Answer {
	a.Name = name
	a.Records = slices.Clone(a.Records)
	a.CNAMEs = slices.Clone(a.CNAMEs)
	if fromCache {
		a.Cached = true
		a.RTT = 0
	}
	return a
}

func contextAnswer(name string, qtype uint16, err error) Answer {
	st := StatusError
	if errors.Is(err, context.DeadlineExceeded) {
		st = StatusTimeout
	}
	return Answer{Name: name, Type: qtype, Status: st, DNSSEC: DNSSECUnknown, Err: &LookupError{Name: name, Type: typeString(qtype), Err: err}}
}

// contextErr is ctx's error, or DeadlineExceeded as soon as its deadline
// has passed (the context's own timer may fire a moment later than a socket
// deadline set from it).
func contextErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
		return context.DeadlineExceeded
	}
	return nil
}

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// wireName validates name and returns it in the presentation form a server
// echoes in its reply (non-printable bytes as \DDD), so replies can be
// matched to it.
func wireName(name string) (string, error) {
	buf := make([]byte, 256)
	off, err := dns.PackDomainName(name, buf, 0, nil, false)
	if err != nil {
		return "", err
	}
	out, _, err := dns.UnpackDomainName(buf[:off], 0)
	return out, err
}
