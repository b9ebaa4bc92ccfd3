package spf

import (
	"context"
	"errors"
	"net/netip"
	"sync"
)

// qtype is a DNS question type the engine asks.
type qtype uint8

const (
	qTXT qtype = iota
	qA
	qAAAA
	qMX
	qPTR
)

// String names the type as DNS does.
func (q qtype) String() string {
	return [...]string{"TXT", "A", "AAAA", "MX", "PTR"}[q]
}

// qkey names one DNS question: the type and the case-folded name (the
// address's text for PTR).
type qkey struct {
	t    qtype
	name string
}

// answer is what the resolver said.
type answer struct {
	txt   []TXTRecord
	addrs []netip.Addr
	names []string
	err   error // nil, ErrNXDomain (wrapped) or a temporary failure
}

// empty reports NODATA or NXDOMAIN: a void lookup (RFC 7208 §4.6.4).
func (a *answer) empty() bool {
	return (a.err == nil || errors.Is(a.err, ErrNXDomain)) && len(a.txt)+len(a.addrs)+len(a.names) == 0
}

// temporary reports a failure other than NXDOMAIN.
func (a *answer) temporary() bool { return a.err != nil && !errors.Is(a.err, ErrNXDomain) }

type entry struct {
	done chan struct{}
	ans  answer
}

// store holds the answers one Prefetch gathered. While Prefetch runs it
// merges identical questions in flight; once Prefetch returns it is never
// written again, so evaluations read it without locks. A what-if tree layers
// a new store over the earlier one and asks only what the earlier one lacks.
type store struct {
	r      Resolver
	parent *store // read-only base
	sem    chan struct{}
	mu     sync.Mutex
	m      map[qkey]*entry
}

func newStore(r Resolver, parent *store, concurrency int) *store {
	return &store{r: r, parent: parent, sem: make(chan struct{}, concurrency), m: map[qkey]*entry{}}
}

// layer returns a new store over s's answers.
func (s *store) layer(concurrency int) *store {
	base := s
	if s.parent != nil {
		base = s.parent
	}
	n := newStore(s.r, base, concurrency)
	if s != base {
		for k, e := range s.m {
			n.m[k] = e
		}
	}
	return n
}

// set records a fixed answer (the what-if record).
func (s *store) set(k qkey, a answer) {
	e := &entry{done: make(chan struct{}), ans: a}
	close(e.done)
	s.m[k] = e
}

// peek returns a stored answer without asking anyone. Only for a store that
// Prefetch has finished with.
func (s *store) peek(k qkey) (*answer, bool) {
	for st := s; st != nil; st = st.parent {
		if e, ok := st.m[k]; ok {
			return &e.ans, true
		}
	}
	return nil, false
}

// get returns the answer to k, asking the resolver at most once however many
// callers want it at the same time.
func (s *store) get(ctx context.Context, k qkey, ip netip.Addr) *answer {
	s.mu.Lock()
	if e, ok := s.m[k]; ok {
		s.mu.Unlock()
		select {
		case <-e.done:
			return &e.ans
		case <-ctx.Done():
			return &answer{err: ctx.Err()}
		}
	}
	if s.parent != nil {
		if a, ok := s.parent.peek(k); ok {
			s.mu.Unlock()
			return a
		}
	}
	e := &entry{done: make(chan struct{})}
	s.m[k] = e
	s.mu.Unlock()

	select {
	case s.sem <- struct{}{}:
		e.ans = ask(ctx, s.r, k, ip)
		<-s.sem
	case <-ctx.Done():
		e.ans = answer{err: ctx.Err()}
	}
	if ctx.Err() != nil && e.ans.err != nil {
		// A cancelled question is not an answer: let a later caller ask again.
		s.mu.Lock()
		delete(s.m, k)
		s.mu.Unlock()
	}
	close(e.done)
	return &e.ans
}

// ask puts one question to the resolver.
func ask(ctx context.Context, r Resolver, k qkey, ip netip.Addr) answer {
	var a answer
	switch k.t {
	case qTXT:
		a.txt, a.err = r.LookupTXT(ctx, k.name)
	case qA:
		a.addrs, a.err = r.LookupA(ctx, k.name)
		a.addrs = keepFamily(a.addrs, true)
	case qAAAA:
		a.addrs, a.err = r.LookupAAAA(ctx, k.name)
		a.addrs = keepFamily(a.addrs, false)
	case qMX:
		a.names, a.err = r.LookupMX(ctx, k.name)
	case qPTR:
		a.names, a.err = r.LookupPTR(ctx, ip)
	}
	return a
}

// keepFamily drops addresses of the wrong family from an A or AAAA answer
// (unmapping IPv4-mapped ones in an A answer), so that matching never
// compares across families.
func keepFamily(addrs []netip.Addr, v4 bool) []netip.Addr {
	for _, a := range addrs {
		if a.Is4() != v4 || a.Zone() != "" {
			out := make([]netip.Addr, 0, len(addrs))
			for _, b := range addrs {
				if v4 && b.Is4In6() {
					b = b.Unmap()
				}
				if b.Is4() == v4 && b.Zone() == "" {
					out = append(out, b)
				}
			}
			return out
		}
	}
	return addrs
}
