package dmarc

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/miekg/dns"

	"github.com/mxray/mxray/diag/dnsclient"
)

// fakeDNS is an in-memory authoritative view: TXT records by name, A
// records by name, and forced failures. A name exists when it, or a name
// below it, has a record (empty non-terminals exist, RFC 8020).
type fakeDNS struct {
	t    testing.TB
	txt  map[string][]string         // name (no trailing dot) -> TXT records
	a    map[string]bool             // names with an A record
	fail map[string]dnsclient.Status // name -> forced status, any type
	// gather, when above 0, holds every lookup until that many are in
	// flight at once (or the caller's context ends): a walk that asks one
	// name after another never gets there.
	gather int
	all    chan struct{} // closed when gather lookups are in flight
	mu     sync.Mutex
	asked  []string // "name TYPE", in arrival order
	inFly  int
	maxFly int
}

func newFake(t testing.TB) *fakeDNS {
	return &fakeDNS{t: t, txt: map[string][]string{}, a: map[string]bool{}, fail: map[string]dnsclient.Status{}}
}

// TXT adds TXT records at name.
func (f *fakeDNS) TXT(name string, recs ...string) *fakeDNS {
	f.txt[name] = append(f.txt[name], recs...)
	return f
}

// A marks names as having an address.
func (f *fakeDNS) A(names ...string) *fakeDNS {
	for _, n := range names {
		f.a[n] = true
	}
	return f
}

// Fail makes every query for name end in status.
func (f *fakeDNS) Fail(name string, st dnsclient.Status) *fakeDNS {
	f.fail[name] = st
	return f
}

func (f *fakeDNS) exists(name string) bool {
	check := func(k string) bool { return k == name || strings.HasSuffix(k, "."+name) }
	for k := range f.txt {
		if check(k) {
			return true
		}
	}
	for k := range f.a {
		if check(k) {
			return true
		}
	}
	return false
}

func (f *fakeDNS) Lookup(ctx context.Context, fqdn string, qtype uint16) dnsclient.Answer {
	name := strings.TrimSuffix(strings.ToLower(fqdn), ".")
	f.mu.Lock()
	f.asked = append(f.asked, name+" "+dns.TypeToString[qtype])
	f.inFly++
	if f.inFly > f.maxFly {
		f.maxFly = f.inFly
	}
	if f.gather > 0 && f.inFly == f.gather {
		close(f.all)
	}
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.inFly--
		f.mu.Unlock()
	}()
	if f.gather > 0 {
		select {
		case <-f.all:
		case <-ctx.Done():
			return dnsclient.Answer{Name: fqdn, Type: qtype, Status: dnsclient.StatusTimeout, Err: ctx.Err()}
		}
	}
	ans := dnsclient.Answer{Name: fqdn, Type: qtype, TTL: 300, Server: "fake:53"}
	if st, ok := f.fail[name]; ok {
		ans.Status = st
		return ans
	}
	switch qtype {
	case dns.TypeTXT:
		recs, ok := f.txt[name]
		if !ok {
			// Wildcard: *.<closest encloser> answers for a name with no node
			// of its own (RFC 4592).
			for rest := name; !ok && !f.exists(name); {
				i := strings.IndexByte(rest, '.')
				if i < 0 {
					break
				}
				rest = rest[i+1:]
				recs, ok = f.txt["*."+rest]
			}
		}
		if ok {
			for _, r := range recs {
				rr, err := dns.NewRR(fmt.Sprintf("%s 300 IN TXT %s", dns.Fqdn(name), quoteTXT(r)))
				if err != nil {
					f.t.Fatalf("building TXT %q: %v", r, err)
				}
				ans.Records = append(ans.Records, rr)
			}
			ans.Status = dnsclient.StatusRecords
			return ans
		}
	case dns.TypeA:
		if f.a[name] {
			rr, _ := dns.NewRR(dns.Fqdn(name) + " 300 IN A 192.0.2.1")
			ans.Records = []dns.RR{rr}
			ans.Status = dnsclient.StatusRecords
			return ans
		}
	}
	if f.exists(name) {
		ans.Status = dnsclient.StatusNoData
	} else {
		ans.Status = dnsclient.StatusNXDomain
	}
	return ans
}

// quoteTXT writes one TXT record in zone-file form, split into strings of
// at most 255 bytes, with " and \ escaped.
func quoteTXT(s string) string {
	var parts []string
	for len(s) > 0 {
		n := min(len(s), 255)
		p := strings.ReplaceAll(strings.ReplaceAll(s[:n], `\`, `\\`), `"`, `\"`)
		parts = append(parts, `"`+p+`"`)
		s = s[n:]
	}
	if len(parts) == 0 {
		return `""`
	}
	return strings.Join(parts, " ")
}

// queried returns the names asked with type qt, in arrival order.
func (f *fakeDNS) queried(qt uint16) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	suffix := " " + dns.TypeToString[qt]
	for _, q := range f.asked {
		if strings.HasSuffix(q, suffix) {
			out = append(out, strings.TrimSuffix(q, suffix))
		}
	}
	return out
}

func (f *fakeDNS) wasAsked(name string) bool {
	for _, q := range f.queried(dns.TypeTXT) {
		if q == name {
			return true
		}
	}
	return false
}
