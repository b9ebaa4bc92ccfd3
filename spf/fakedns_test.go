package spf

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

// fakeDNS is an in-memory Resolver. Its zone follows the conventions of the
// openspf test suites: names are case-insensitive; type SPF records stand in
// for TXT records when a name has no TXT entry (and are otherwise ignored);
// a bare TIMEOUT entry makes every question for a type not listed before it
// a temporary failure; CNAMEs are followed; a name not in the zone is
// NXDOMAIN, a name without records of the type asked is NODATA.
type fakeDNS struct {
	zone    map[string][]zoneEntry
	delay   time.Duration // added to every answer, to model round trips
	queries atomic.Int64
	mu      sync.Mutex
	asked   map[string]int // "TYPE name" -> times asked
}

// zoneEntry is one record or a TIMEOUT marker.
type zoneEntry struct {
	typ     string // TXT, SPF, A, AAAA, MX, PTR, CNAME
	txt     TXTRecord
	addr    netip.Addr
	name    string // MX exchange, PTR or CNAME target
	timeout bool   // a bare TIMEOUT, or a value of TIMEOUT
	none    bool   // "TXT: NONE": present only to stop SPF standing in for TXT
}

var errTimeout = errors.New("fake DNS: timeout")

func newFakeDNS() *fakeDNS {
	return &fakeDNS{zone: map[string][]zoneEntry{}, asked: map[string]int{}}
}

func (f *fakeDNS) add(name string, e zoneEntry) *fakeDNS {
	k := strings.ToLower(strings.TrimSuffix(name, "."))
	f.zone[k] = append(f.zone[k], e)
	return f
}

// txt adds a TXT record of one or more strings.
func (f *fakeDNS) txt(name string, strs ...string) *fakeDNS {
	return f.add(name, zoneEntry{typ: "TXT", txt: TXTRecord(strs)})
}

func (f *fakeDNS) a(name string, addrs ...string) *fakeDNS {
	for _, s := range addrs {
		ip := netip.MustParseAddr(s)
		typ := "A"
		if ip.Is6() {
			typ = "AAAA"
		}
		f.add(name, zoneEntry{typ: typ, addr: ip})
	}
	return f
}

func (f *fakeDNS) mx(name string, hosts ...string) *fakeDNS {
	for _, h := range hosts {
		f.add(name, zoneEntry{typ: "MX", name: h})
	}
	return f
}

func (f *fakeDNS) ptr(ip string, names ...string) *fakeDNS {
	for _, n := range names {
		f.add(reverseName(netip.MustParseAddr(ip)), zoneEntry{typ: "PTR", name: n})
	}
	return f
}

func (f *fakeDNS) timeout(name string) *fakeDNS {
	return f.add(name, zoneEntry{timeout: true})
}

// reverseName is the in-addr.arpa or ip6.arpa name of ip.
func reverseName(ip netip.Addr) string {
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
func (f *fakeDNS) lookup(ctx context.Context, name, typ string) ([]zoneEntry, error) {
	f.queries.Add(1)
	f.mu.Lock()
	f.asked[typ+" "+strings.ToLower(name)]++
	f.mu.Unlock()
	if f.delay > 0 {
		select {
		case <-time.After(f.delay):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return f.resolve(name, typ, 0)
}

func (f *fakeDNS) resolve(name, typ string, depth int) ([]zoneEntry, error) {
	if depth > 8 {
		return nil, fmt.Errorf("%w: CNAME chain too long at %s", errTimeout, name)
	}
	k := strings.ToLower(strings.TrimSuffix(name, "."))
	entries, ok := f.zone[k]
	if !ok {
		if strings.HasPrefix(k, "error.") {
			return nil, errTimeout
		}
		return nil, fmt.Errorf("%s: %w", name, ErrNXDomain)
	}
	hasTXT := false
	for _, e := range entries {
		if e.typ == "TXT" {
			hasTXT = true
		}
	}
	// SPF records stand in for TXT only when there is no TXT entry, and
	// then after everything else (so after a TIMEOUT marker).
	list := entries
	if !hasTXT {
		list = nil
		var gen []zoneEntry
		for _, e := range entries {
			list = append(list, e)
			if e.typ == "SPF" {
				g := e
				g.typ = "TXT"
				gen = append(gen, g)
			}
		}
		list = append(list, gen...)
	}
	var out []zoneEntry
	seen := false
	for _, e := range list {
		if e.typ == "" && e.timeout {
			if !seen {
				return nil, errTimeout
			}
			return out, nil
		}
		if e.typ != typ || e.none {
			continue
		}
		seen = true
		if e.timeout {
			return nil, errTimeout
		}
		out = append(out, e)
	}
	if len(out) == 0 && typ != "CNAME" {
		for _, e := range entries {
			if e.typ == "CNAME" {
				return f.resolve(e.name, typ, depth+1)
			}
		}
	}
	return out, nil
}

func (f *fakeDNS) LookupTXT(ctx context.Context, name string) ([]TXTRecord, error) {
	es, err := f.lookup(ctx, name, "TXT")
	var out []TXTRecord
	for _, e := range es {
		out = append(out, e.txt)
	}
	return out, err
}

func (f *fakeDNS) addrs(ctx context.Context, name, typ string) ([]netip.Addr, error) {
	es, err := f.lookup(ctx, name, typ)
	var out []netip.Addr
	for _, e := range es {
		out = append(out, e.addr)
	}
	return out, err
}

func (f *fakeDNS) LookupA(ctx context.Context, name string) ([]netip.Addr, error) {
	return f.addrs(ctx, name, "A")
}

func (f *fakeDNS) LookupAAAA(ctx context.Context, name string) ([]netip.Addr, error) {
	return f.addrs(ctx, name, "AAAA")
}

func (f *fakeDNS) names(ctx context.Context, name, typ string) ([]string, error) {
	es, err := f.lookup(ctx, name, typ)
	var out []string
	for _, e := range es {
		out = append(out, e.name)
	}
	return out, err
}

func (f *fakeDNS) LookupMX(ctx context.Context, name string) ([]string, error) {
	return f.names(ctx, name, "MX")
}

func (f *fakeDNS) LookupPTR(ctx context.Context, ip netip.Addr) ([]string, error) {
	return f.names(ctx, reverseName(ip), "PTR")
}

// timesAsked reports how often a question was put to the fake.
func (f *fakeDNS) timesAsked(typ, name string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.asked[typ+" "+strings.ToLower(name)]
}
