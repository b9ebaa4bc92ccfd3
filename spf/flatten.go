package spf

import (
	"fmt"
	"math/big"
	"net/netip"
	"sort"
)

// Flat is every network a tree authorises, for flattening a record or
// answering "which addresses may send as this domain".
type Flat struct {
	// Networks are the networks of ip4, ip6, a and mx terms (a and mx as
	// resolved, CIDR lengths applied), with the record and term that give
	// them and the result a client there gets through that term. Inside an
	// include only pass terms count (others make the include not match), and
	// they give the include's own qualifier. +all contributes 0.0.0.0/0 and
	// ::/0.
	Networks []FlatNetwork
	// IPv4Addresses and IPv6Addresses count the distinct addresses of the
	// networks that give pass. Order is not modelled: an earlier
	// "-ip4:192.0.2.1" does not remove that address from a later pass
	// network.
	IPv4Addresses uint64
	IPv6Addresses *big.Int
	// Unflattenable names the terms whose networks cannot be known ahead of
	// a message: exists, ptr, macros, and branches that failed or were cut.
	Unflattenable []FlatGap
}

// FlatNetwork is one authorised (or denied) network.
type FlatNetwork struct {
	Prefix netip.Prefix // masked
	Domain string       // the record whose term gives it
	Term   string       // the term, as written
	Result Result       // what a client in the network gets through this term
}

// FlatGap is a term whose networks cannot be listed.
type FlatGap struct {
	Domain string // the record whose term it is
	Term   string // the term, as written
	Reason string // why its networks cannot be listed
}

// Flatten lists every network the tree authorises, following reachable
// terms, includes and an effective redirect.
func (t *Tree) Flatten() *Flat {
	f := &Flat{IPv6Addresses: new(big.Int)}
	if t.Root.Status == NodeOK {
		f.walk(t.Root, "")
	}
	f.count()
	return f
}

// walk adds n's networks. inc is the result a pass inside n produces for the
// top record ("" at the top, where each term's own qualifier decides).
func (f *Flat) walk(n *Node, inc Result) {
	for i := range n.Terms {
		ti := &n.Terms[i]
		tm := ti.Term
		if !ti.Reachable {
			continue
		}
		eff := tm.Qualifier.Result()
		if tm.Modifier == Redirect {
			eff = inc
		} else if tm.Modifier != "" {
			continue
		} else if inc != "" {
			if eff != Pass {
				continue // a non-pass match makes the include not match
			}
			eff = inc
		}
		gap := func(reason string) {
			f.Unflattenable = append(f.Unflattenable, FlatGap{Domain: n.Domain, Term: tm.Text, Reason: reason})
		}
		switch {
		case tm.Mechanism == All:
			if eff == Pass {
				for _, p := range []string{"0.0.0.0/0", "::/0"} {
					f.add(n, tm, netip.MustParsePrefix(p), eff)
				}
			}
		case tm.Mechanism == Exists:
			gap("exists matches on a DNS answer, not an address")
		case tm.Mechanism == PTR:
			gap("ptr matches on the client's reverse DNS, not an address")
		case ti.Dynamic:
			gap("the target depends on the message (macros)")
		case ti.NotFetched:
			gap("not resolved ahead of time (node limit)")
		case ti.Err != nil:
			gap(fmt.Sprintf("DNS trouble: %s", Cause(ti.Err)))
		case tm.Mechanism == Include || tm.Modifier == Redirect:
			c := ti.Child
			if c == nil || c.Status != NodeOK {
				gap(gapReason(c))
				continue
			}
			f.walk(c, eff)
		default:
			for _, p := range ti.Networks {
				f.add(n, tm, p.Masked(), eff)
			}
		}
	}
}

// gapReason says why an include or redirect target cannot be flattened.
func gapReason(c *Node) string {
	if c == nil {
		return "the target is unknown"
	}
	switch c.Status {
	case NodeNone:
		return "the target has no SPF record"
	case NodeMultiple:
		return "the target publishes several SPF records"
	case NodeInvalid:
		return "the target's record has a syntax error"
	case NodeTempError:
		return "the target's TXT lookup failed"
	case NodeLoop:
		return "the target loops back to a record on its own path"
	case NodeCut:
		return "not fetched (tree limit)"
	}
	return "the target depends on the message (macros)"
}

func (f *Flat) add(n *Node, tm *Term, p netip.Prefix, r Result) {
	f.Networks = append(f.Networks, FlatNetwork{Prefix: p, Domain: n.Domain, Term: tm.Text, Result: r})
}

// count totals the distinct addresses of the pass networks per family.
func (f *Flat) count() {
	var v4, v6 []netip.Prefix
	for _, n := range f.Networks {
		if n.Result != Pass {
			continue
		}
		if n.Prefix.Addr().Is4() {
			v4 = append(v4, n.Prefix)
		} else {
			v6 = append(v6, n.Prefix)
		}
	}
	for _, p := range mergePrefixes(v4) {
		f.IPv4Addresses += 1 << (32 - p.Bits())
	}
	one := big.NewInt(1)
	for _, p := range mergePrefixes(v6) {
		f.IPv6Addresses.Add(f.IPv6Addresses, new(big.Int).Lsh(one, uint(128-p.Bits())))
	}
}

// mergePrefixes drops prefixes covered by others. Prefixes either nest or
// are disjoint, so what is left covers each address once.
func mergePrefixes(ps []netip.Prefix) []netip.Prefix {
	sort.Slice(ps, func(i, j int) bool {
		if c := ps[i].Addr().Compare(ps[j].Addr()); c != 0 {
			return c < 0
		}
		return ps[i].Bits() < ps[j].Bits()
	})
	var out []netip.Prefix
	for _, p := range ps {
		if len(out) > 0 && out[len(out)-1].Overlaps(p) {
			continue // sorted: the earlier one starts no later and, overlapping, contains p
		}
		out = append(out, p)
	}
	return out
}
