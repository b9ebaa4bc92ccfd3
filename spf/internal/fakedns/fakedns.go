// Package fakedns is the in-memory DNS the tests of spf and spf/advice
// resolve against. Only tests import it.
//
// Its zone follows the conventions of the openspf test suites: names are
// case-insensitive; type SPF records stand in for TXT records when a name
// has no TXT entry (and are otherwise ignored); a bare TIMEOUT entry makes
// every question for a type not listed before it a temporary failure;
// CNAMEs are followed; a name not in the zone is NXDOMAIN, a name without
// records of the type asked is NODATA; a name under "error." that is not
// in the zone fails temporarily.
//
// It does not import spf, so that spf's own tests can use it: the TXT
// record type and the NXDOMAIN error are given to New.
package fakedns

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Entry is one record of the zone, or a TIMEOUT marker.
type Entry struct {
	Type    string     // TXT, SPF, A, AAAA, MX, PTR, CNAME; "" for a bare TIMEOUT
	TXT     []string   // the strings of a TXT or SPF record
	Addr    netip.Addr // the address of an A or AAAA record
	Name    string     // MX exchange, PTR or CNAME target
	Timeout bool       // a bare TIMEOUT, or a value of TIMEOUT
	None    bool       // "TXT: NONE": present only to stop SPF standing in for TXT
}

// ErrTimeout is the temporary failure the zone answers with.
var ErrTimeout = errors.New("fake DNS: timeout")

// Zone is an in-memory resolver whose TXT records are of type T (spf's
// TXTRecord). It is safe for concurrent lookups; build it before use.
type Zone[T ~[]string] struct {
	// Delay is added to every answer, to model round trips; set it only
	// while no lookup runs.
	Delay time.Duration
	// Queries counts the questions asked.
	Queries atomic.Int64

	nxdomain error
	zone     map[string][]Entry
	mu       sync.Mutex
	asked    map[string]int // "TYPE name" -> times asked
}

// New returns an empty zone; a name not in it is answered with an error
// wrapping nxdomain.
func New[T ~[]string](nxdomain error) *Zone[T] {
	return &Zone[T]{nxdomain: nxdomain, zone: map[string][]Entry{}, asked: map[string]int{}}
}

// Add adds an entry at name.
func (f *Zone[T]) Add(name string, e Entry) *Zone[T] {
	k := strings.ToLower(strings.TrimSuffix(name, "."))
	f.zone[k] = append(f.zone[k], e)
	return f
}

// TXT adds a TXT record of one or more strings.
func (f *Zone[T]) TXT(name string, strs ...string) *Zone[T] {
	return f.Add(name, Entry{Type: "TXT", TXT: strs})
}

// A adds A or AAAA records, by the addresses' family.
func (f *Zone[T]) A(name string, addrs ...string) *Zone[T] {
	for _, s := range addrs {
		ip := netip.MustParseAddr(s)
		typ := "A"
		if ip.Is6() {
			typ = "AAAA"
		}
		f.Add(name, Entry{Type: typ, Addr: ip})
	}
	return f
}

// MX adds MX records naming hosts.
func (f *Zone[T]) MX(name string, hosts ...string) *Zone[T] {
	for _, h := range hosts {
		f.Add(name, Entry{Type: "MX", Name: h})
	}
	return f
}

// PTR adds PTR records for ip.
func (f *Zone[T]) PTR(ip string, names ...string) *Zone[T] {
	for _, n := range names {
		f.Add(ReverseName(netip.MustParseAddr(ip)), Entry{Type: "PTR", Name: n})
	}
	return f
}

// Timeout makes every question for name fail temporarily.
func (f *Zone[T]) Timeout(name string) *Zone[T] {
	return f.Add(name, Entry{Timeout: true})
}

// ReverseName is the in-addr.arpa or ip6.arpa name of ip.
func ReverseName(ip netip.Addr) string {
	ip = ip.Unmap()
	if ip.Is4() {
		b := ip.As4()
		return fmt.Sprintf("%d.%d.%d.%d.in-addr.arpa", b[3], b[2], b[1], b[0])
	}
	const hex = "0123456789abcdef"
	b := ip.As16()
	var sb strings.Builder
	for i := 15; i >= 0; i-- {
		sb.WriteByte(hex[b[i]&0xf])
		sb.WriteByte('.')
		sb.WriteByte(hex[b[i]>>4])
		sb.WriteByte('.')
	}
	sb.WriteString("ip6.arpa")
	return sb.String()
}

// lookup answers one question.
func (f *Zone[T]) lookup(ctx context.Context, name, typ string) ([]Entry, error) {
	f.Queries.Add(1)
	f.mu.Lock()
	f.asked[typ+" "+strings.ToLower(name)]++
	f.mu.Unlock()
	if f.Delay > 0 {
		select {
		case <-time.After(f.Delay):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return f.resolve(name, typ, 0)
}

func (f *Zone[T]) resolve(name, typ string, depth int) ([]Entry, error) {
	if depth > 8 {
		return nil, fmt.Errorf("%w: CNAME chain too long at %s", ErrTimeout, name)
	}
	k := strings.ToLower(strings.TrimSuffix(name, "."))
	entries, ok := f.zone[k]
	if !ok {
		if strings.HasPrefix(k, "error.") {
			return nil, ErrTimeout
		}
		return nil, fmt.Errorf("%s: %w", name, f.nxdomain)
	}
	hasTXT := false
	for _, e := range entries {
		if e.Type == "TXT" {
			hasTXT = true
		}
	}
	// SPF records stand in for TXT only when there is no TXT entry, and
	// then after everything else (so after a TIMEOUT marker).
	list := entries
	if !hasTXT {
		list = nil
		var gen []Entry
		for _, e := range entries {
			list = append(list, e)
			if e.Type == "SPF" {
				g := e
				g.Type = "TXT"
				gen = append(gen, g)
			}
		}
		list = append(list, gen...)
	}
	var out []Entry
	seen := false
	for _, e := range list {
		if e.Type == "" && e.Timeout {
			if !seen {
				return nil, ErrTimeout
			}
			return out, nil
		}
		if e.Type != typ || e.None {
			continue
		}
		seen = true
		if e.Timeout {
			return nil, ErrTimeout
		}
		out = append(out, e)
	}
	if len(out) == 0 && typ != "CNAME" {
		for _, e := range entries {
			if e.Type == "CNAME" {
				return f.resolve(e.Name, typ, depth+1)
			}
		}
	}
	return out, nil
}

// LookupTXT answers a TXT question.
func (f *Zone[T]) LookupTXT(ctx context.Context, name string) ([]T, error) {
	es, err := f.lookup(ctx, name, "TXT")
	var out []T
	for _, e := range es {
		out = append(out, T(e.TXT))
	}
	return out, err
}

func (f *Zone[T]) addrs(ctx context.Context, name, typ string) ([]netip.Addr, error) {
	es, err := f.lookup(ctx, name, typ)
	var out []netip.Addr
	for _, e := range es {
		out = append(out, e.Addr)
	}
	return out, err
}

// LookupA answers an A question.
func (f *Zone[T]) LookupA(ctx context.Context, name string) ([]netip.Addr, error) {
	return f.addrs(ctx, name, "A")
}

// LookupAAAA answers an AAAA question.
func (f *Zone[T]) LookupAAAA(ctx context.Context, name string) ([]netip.Addr, error) {
	return f.addrs(ctx, name, "AAAA")
}

func (f *Zone[T]) names(ctx context.Context, name, typ string) ([]string, error) {
	es, err := f.lookup(ctx, name, typ)
	var out []string
	for _, e := range es {
		out = append(out, e.Name)
	}
	return out, err
}

// LookupMX answers an MX question with the exchanges' names.
func (f *Zone[T]) LookupMX(ctx context.Context, name string) ([]string, error) {
	return f.names(ctx, name, "MX")
}

// LookupPTR answers a PTR question for ip.
func (f *Zone[T]) LookupPTR(ctx context.Context, ip netip.Addr) ([]string, error) {
	return f.names(ctx, ReverseName(ip), "PTR")
}

// TimesAsked reports how often a question was put to the zone.
func (f *Zone[T]) TimesAsked(typ, name string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.asked[typ+" "+strings.ToLower(name)]
}
