package spf

import (
	"fmt"
	"net/netip"
)

// fillTerms copies what prefetch learned about n's terms out of the store:
// addresses, MX hosts, void answers, DNS trouble. It runs after every
// question has been answered.
func (t *Tree) fillTerms(n *Node) {
	for i := range n.Terms {
		ti := &n.Terms[i]
		tm := ti.Term
		switch tm.Mechanism {
		case IP4, IP6:
			ti.Networks = []netip.Prefix{tm.Network}
		case A:
			if ti.Target == "" || ti.NotFetched {
				continue
			}
			key := domainKey(ti.Target)
			a4, ok4 := t.store.peek(qkey{qA, key})
			a6, ok6 := t.store.peek(qkey{qAAAA, key})
			if !ok4 || !ok6 {
				continue
			}
			ti.Void, ti.Void6 = a4.empty(), a6.empty()
			ti.Err = termDNSError(n, tm, qA, a4)
			if ti.Err == nil {
				ti.Err = termDNSError(n, tm, qAAAA, a6)
			}
			ti.Networks = appendPrefixes(ti.Networks, a4.addrs, cidrOr(tm.CIDR4, 32))
			ti.Networks = appendPrefixes(ti.Networks, a6.addrs, cidrOr(tm.CIDR6, 128))
		case Exists:
			if ti.Target == "" || ti.NotFetched {
				continue
			}
			if a, ok := t.store.peek(qkey{qA, domainKey(ti.Target)}); ok {
				ti.Void, ti.Void6 = a.empty(), a.empty()
				ti.Err = termDNSError(n, tm, qA, a)
			}
		case MX:
			if ti.Target == "" || ti.NotFetched {
				continue
			}
			t.fillMX(n, ti)
		}
		if c := ti.Child; c != nil && c.key != "" {
			if ri, ok := t.records[c.key]; ok && (c.Status != NodeLoop && c.Status != NodeCut) {
				ti.Void = ri.void
				ti.Void6 = ri.void
			}
		}
	}
}

func (t *Tree) fillMX(n *Node, ti *TermInfo) {
	tm := ti.Term
	mx, ok := t.store.peek(qkey{qMX, domainKey(ti.Target)})
	if !ok {
		return
	}
	ti.Void, ti.Void6 = mx.empty(), mx.empty()
	if ti.Err = termDNSError(n, tm, qMX, mx); ti.Err != nil {
		return
	}
	if len(mx.names) > MXNameLimit {
		ti.Err = &EvalError{Domain: n.Domain, Term: tm.Text,
			Err: fmt.Errorf("%w: %s has %d", ErrMXLimit, ti.Target, len(mx.names))}
		return
	}
	for _, name := range mx.names {
		hk := domainKey(name)
		if hk == "" {
			continue // null MX (RFC 7505): no host, no address
		}
		h := MXHost{Name: name}
		for _, q := range []qtype{qA, qAAAA} {
			a, ok := t.store.peek(qkey{q, hk})
			if !ok {
				continue
			}
			if a.temporary() {
				h.Err = fmt.Errorf("%w: %s %s: %w", ErrTemporary, q, name, a.err)
			}
			h.Addrs = append(h.Addrs, a.addrs...)
			bits := cidrOr(tm.CIDR4, 32)
			if q == qAAAA {
				bits = cidrOr(tm.CIDR6, 128)
			}
			ti.Networks = appendPrefixes(ti.Networks, a.addrs, bits)
		}
		ti.MXHosts = append(ti.MXHosts, h)
	}
}

// termDNSError describes a temporary failure of a term's question.
func termDNSError(n *Node, tm *Term, q qtype, a *answer) error {
	if !a.temporary() {
		return nil
	}
	return &EvalError{Domain: n.Domain, Term: tm.Text, Err: fmt.Errorf("%w: %s lookup: %w", ErrTemporary, q, a.err)}
}

func cidrOr(c, def int) int {
	if c < 0 {
		return def
	}
	return c
}

func appendPrefixes(ps []netip.Prefix, addrs []netip.Addr, bits int) []netip.Prefix {
	for _, a := range addrs {
		if p, err := a.Prefix(bits); err == nil {
			ps = append(ps, p)
		}
	}
	return ps
}

// countNode computes the worst-case counts bottom up: every reachable term
// of n and, through include and an effective redirect, of everything under
// it. A diamond is counted as often as it appears, as evaluation would.
func countNode(n *Node) {
	for _, c := range n.Children {
		countNode(c)
	}
	n.OwnLookups, n.OwnVoidLookups = 0, 0
	sub, subVoid := 0, 0
	for i := range n.Terms {
		ti := &n.Terms[i]
		if !ti.Reachable {
			continue
		}
		if ti.Lookup {
			n.OwnLookups++
		}
		if ti.Void {
			n.OwnVoidLookups++
		}
		if c := ti.Child; c != nil {
			sub += c.Lookups
			subVoid += c.VoidLookups
			switch c.Status {
			case NodeDynamic, NodeCut, NodeLoop:
				n.Incomplete = true
			}
			if c.Incomplete {
				n.Incomplete = true
			}
		}
	}
	n.Lookups = n.OwnLookups + sub
	n.VoidLookups = n.OwnVoidLookups + subVoid
}
