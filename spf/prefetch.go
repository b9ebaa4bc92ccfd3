package spf

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"sync"
)

// Prefetch resolves domain's whole SPF tree: the record, every include and
// redirect target, every a and mx target and the MX hosts' addresses (both
// families), level by level, every question of a level at once, so that wall
// time approaches tree depth × round-trip time. It never fails: DNS trouble,
// loops and cut branches are recorded on the nodes. Terms whose target
// depends on the client or sender (ptr, exists:%{i}..., include:%{l}...) are
// left for evaluation. The tree is bounded by WithMaxDepth and WithMaxNodes.
func Prefetch(ctx context.Context, r Resolver, domain string, opts ...Option) *Tree {
	cfg := newConfig(opts)
	return build(ctx, newStore(r, nil, cfg.concurrency), domain, cfg)
}

// WhatIf returns the tree as it would be if text were the top domain's only
// TXT record. It reuses every answer t holds and asks DNS only for what the
// new text adds, so it can run on every keystroke of an editor.
func (t *Tree) WhatIf(ctx context.Context, text string) *Tree {
	cfg := t.cfg
	cfg.record = &text
	return build(ctx, t.store.layer(cfg.concurrency), t.Domain, cfg)
}

// prefetcher is the state of one Prefetch.
type prefetcher struct {
	ctx   context.Context
	t     *Tree
	nodes int // nodes fetched so far
	terms int // a, mx and exists targets resolved so far
	bg    sync.WaitGroup
}

func build(ctx context.Context, st *store, domain string, cfg config) *Tree {
	d := strings.TrimSuffix(domain, ".")
	t := &Tree{Domain: d, cfg: cfg, store: st, records: map[string]*recInfo{}}
	root := &Node{Domain: d, key: domainKey(d), Status: NodeOK}
	t.Root = root
	if cfg.record != nil {
		st.set(qkey{qTXT, root.key}, answer{txt: []TXTRecord{{*cfg.record}}})
	}
	if _, ok := checkDomain(d); !ok {
		root.Status = NodeNone
		root.Err = &EvalError{Domain: d, Err: ErrMalformedDomain}
	} else {
		p := &prefetcher{ctx: ctx, t: t, nodes: 1}
		p.run(root)
		p.bg.Wait()
	}
	root.Walk(func(n *Node) bool { t.fillTerms(n); return true })
	countNode(root)
	t.advise()
	return t
}

// run fetches the tree level by level: all TXT questions of a level at once,
// then (sequentially, so that what is cut is deterministic) the next level.
// Address questions run in the background and never hold a level back.
func (p *prefetcher) run(root *Node) {
	level := []*Node{root}
	for len(level) > 0 {
		var wg sync.WaitGroup
		for _, n := range level {
			wg.Go(func() { p.t.store.get(p.ctx, qkey{qTXT, n.key}, netip.Addr{}) })
		}
		wg.Wait()
		var next []*Node
		for _, n := range level {
			next = p.expand(n, next)
		}
		level = next
	}
}

// record returns the selected, parsed record of a fetched domain.
func (p *prefetcher) record(n *Node) *recInfo {
	if ri, ok := p.t.records[n.key]; ok {
		return ri
	}
	a := p.t.store.get(p.ctx, qkey{qTXT, n.key}, netip.Addr{})
	ri := selectRecord(n.Domain, a)
	if a.err == nil || p.ctx.Err() == nil {
		// A question cut short by cancellation is not an answer: evaluation
		// asks again.
		p.t.records[n.key] = ri
	}
	return ri
}

// expand fills n from its record, starts its address questions and returns
// next with n's children that are to be fetched appended.
func (p *prefetcher) expand(n *Node, next []*Node) []*Node {
	ri := p.record(n)
	n.Strings, n.Record, n.Records, n.Parsed, n.Err = ri.strings, ri.text, ri.all, ri.parsed, ri.err
	n.ignored, n.senderID = ri.ignored, ri.senderID
	switch ri.status {
	case recNone:
		n.Status = NodeNone
		if n.parent != nil {
			n.Err = &EvalError{Domain: n.parent.Domain, Term: n.Via, Err: fmt.Errorf("%w: %s", ErrNoRecord, n.Domain)}
		}
	case recMultiple:
		n.Status = NodeMultiple
	case recTemporary:
		n.Status = NodeTempError
	case recInvalid:
		n.Status = NodeInvalid
	default:
		n.Status = NodeOK
	}
	if ri.parsed == nil {
		return next
	}
	terms := ri.parsed.Terms
	n.Terms = make([]TermInfo, len(terms))
	hasAll := ri.parsed.HasAll()
	reachable := true
	for i := range terms {
		tm := &terms[i]
		ti := &n.Terms[i]
		ti.Term = tm
		ti.Lookup = tm.QueriesDNS()
		ti.Reachable = reachable
		switch {
		case tm.Mechanism == All:
			reachable = false
		case tm.Modifier == Redirect:
			ti.Reachable = !hasAll
		case tm.Modifier != "":
			ti.Reachable = true
		}
		switch {
		case tm.Mechanism == Include || tm.Modifier == Redirect:
			if c := p.child(n, ti); c != nil {
				next = append(next, c)
			}
		case tm.Mechanism == A || tm.Mechanism == MX || tm.Mechanism == Exists:
			p.resolve(n, ti)
		case tm.Mechanism == PTR:
			ti.Dynamic = true
			if name, known, ok := termTarget(n.Domain, tm); known && ok {
				ti.Target = name
			}
		case tm.Modifier == Exp:
			if name, known, ok := termTarget(n.Domain, tm); known && ok {
				p.bg.Go(func() { p.t.store.get(p.ctx, qkey{qTXT, domainKey(name)}, netip.Addr{}) })
			}
		}
	}
	return next
}

// termTarget is the name a term queries when it is known before evaluation:
// its domain-spec when that uses no macro but %{d}, the node's domain when it
// has none. ok is false when the expansion is not a usable name.
func termTarget(domain string, tm *Term) (name string, known, ok bool) {
	if tm.Target == nil {
		return domain, true, true
	}
	if !tm.Target.onlyDomainMacros() {
		return "", false, false
	}
	env := macroEnv{domain: domain}
	name, ok = tm.Target.expandDomain(&env)
	return name, true, ok
}

// child creates the node an include or redirect leads to and says whether
// it is to be fetched.
func (p *prefetcher) child(n *Node, ti *TermInfo) *Node {
	tm := ti.Term
	c := &Node{Via: tm.Text, Depth: n.Depth + 1, parent: n}
	n.Children = append(n.Children, c)
	ti.Child = c
	name, known, ok := termTarget(n.Domain, tm)
	if !known {
		ti.Dynamic = true
		c.Domain, c.Status = tm.Target.String(), NodeDynamic
		return nil
	}
	if ok {
		_, ok = checkDomain(name)
	}
	if !ok {
		c.Domain, c.Status = tm.Target.String(), NodeNone
		c.Err = &EvalError{Domain: n.Domain, Term: tm.Text, Err: fmt.Errorf("%w: %w", ErrNoRecord, ErrMalformedDomain)}
		ti.Void = true
		return nil
	}
	ti.Target = name
	c.Domain, c.key = name, domainKey(name)
	for x := n; x != nil; x = x.parent {
		if x.key == c.key {
			c.Status = NodeLoop
			c.Err = &EvalError{Domain: n.Domain, Term: tm.Text,
				Err: fmt.Errorf("%w: %s is already on the path %s", ErrLoop, name, strings.Join(n.Path(), " > "))}
			return nil
		}
	}
	switch {
	case c.Depth > p.t.cfg.maxDepth:
		c.Status = NodeCut
		c.Err = fmt.Errorf("%w: depth limit %d reached", ErrTreeLimit, p.t.cfg.maxDepth)
		return nil
	case p.nodes >= p.t.cfg.maxNodes:
		c.Status = NodeCut
		c.Err = fmt.Errorf("%w: node limit %d reached", ErrTreeLimit, p.t.cfg.maxNodes)
		return nil
	}
	p.nodes++
	c.Status = NodeOK
	return c
}

// resolve starts the background questions of an a, mx or exists term.
func (p *prefetcher) resolve(n *Node, ti *TermInfo) {
	name, known, ok := termTarget(n.Domain, ti.Term)
	switch {
	case !known:
		ti.Dynamic = true
		return
	case !ok:
		// No query can be composed: treated as a name that does not exist.
		ti.Void, ti.Void6 = true, true
		return
	}
	ti.Target = name
	if p.terms >= p.t.cfg.maxNodes {
		ti.NotFetched = true
		return
	}
	p.terms++
	key := domainKey(name)
	st, ctx := p.t.store, p.ctx
	switch ti.Term.Mechanism {
	case A:
		p.bg.Go(func() { st.get(ctx, qkey{qA, key}, netip.Addr{}) })
		p.bg.Go(func() { st.get(ctx, qkey{qAAAA, key}, netip.Addr{}) })
	case Exists:
		p.bg.Go(func() { st.get(ctx, qkey{qA, key}, netip.Addr{}) })
	case MX:
		p.bg.Go(func() {
			mx := st.get(ctx, qkey{qMX, key}, netip.Addr{})
			if mx.err != nil || len(mx.names) > MXNameLimit {
				return
			}
			var wg sync.WaitGroup
			for _, h := range mx.names {
				if hk := domainKey(h); hk != "" {
					wg.Go(func() { st.get(ctx, qkey{qA, hk}, netip.Addr{}) })
					wg.Go(func() { st.get(ctx, qkey{qAAAA, hk}, netip.Addr{}) })
				}
			}
			wg.Wait()
		})
	}
}
