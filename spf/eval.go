package spf

import (
	"context"
	"fmt"
	"net/netip"
)

// evaluator runs one check_host() (RFC 7208 §4) against a prefetched tree.
// It is used by one goroutine only.
type evaluator struct {
	ctx     context.Context
	t       *Tree
	ip      netip.Addr // IPv4-mapped addresses unmapped (RFC 7208 §5)
	env     macroEnv
	lookups int // DNS-querying terms so far (RFC 7208 §4.6.4)
	voids   int // void lookups so far
	memo    map[qkey]*answer
	recs    map[string]*recInfo

	ptrDone  bool
	ptrVoid  bool
	ptrNames []string // validated names of ip, from the first 10 PTR names
}

// step is one record on the deciding path and the term followed there.
type step struct {
	domain, term string
}

// hostResult is what one check_host() level returns.
type hostResult struct {
	res   Result
	err   error  // the cause of permerror or temperror
	void  bool   // none because the TXT lookup returned nothing
	steps []step // the deciding chain from this record down, on a match
	// expDomain and exp are the record whose mechanism decided and its exp=
	// modifier: from this record or one a redirect led to, never an include
	// (RFC 7208 §6.2).
	expDomain string
	exp       *Term
}

// lookup answers a question from the tree's store, then from this
// evaluation's own answers, then by asking the resolver.
func (ev *evaluator) lookup(k qkey) *answer {
	if a, ok := ev.t.store.peek(k); ok {
		return a
	}
	if a, ok := ev.memo[k]; ok {
		return a
	}
	a := ask(ev.ctx, ev.t.store.r, k, ev.ip)
	if ev.memo == nil {
		ev.memo = map[qkey]*answer{}
	}
	ev.memo[k] = &a
	return &a
}

// record returns domain's selected and parsed record.
func (ev *evaluator) record(domain string) *recInfo {
	key := domainKey(domain)
	if ri, ok := ev.t.records[key]; ok {
		return ri
	}
	if ri, ok := ev.recs[key]; ok {
		return ri
	}
	ri := selectRecord(domain, ev.lookup(qkey{qTXT, key}))
	if ev.recs == nil {
		ev.recs = map[string]*recInfo{}
	}
	ev.recs[key] = ri
	return ri
}

// checkHost is check_host(<ip>, domain, <sender>) of RFC 7208 §4.
// inInclude says an include called it: then only a pass can reach the
// verdict, so the deciding chain is built only for a pass.
func (ev *evaluator) checkHost(domain string, inInclude bool) hostResult {
	d, ok := checkDomain(domain)
	if !ok {
		return hostResult{res: None, void: true, err: &EvalError{Domain: domain, Err: ErrMalformedDomain}}
	}
	ri := ev.record(d)
	switch ri.status {
	case recNone:
		return hostResult{res: None, void: ri.void}
	case recTemporary:
		return hostResult{res: TempError, err: ri.err}
	case recMultiple, recInvalid:
		return hostResult{res: PermError, err: ri.err}
	}
	env := ev.env
	env.domain = d
	terms := ri.parsed.Terms
	for i := range terms {
		tm := &terms[i]
		if tm.Mechanism == "" {
			continue
		}
		matched, sub, err := ev.match(d, tm, &env)
		if err != nil {
			return hostResult{res: resultOf(err), err: err}
		}
		if matched {
			r := hostResult{res: tm.Qualifier.Result(), expDomain: d, exp: ri.parsed.Exp()}
			if !inInclude || r.res == Pass {
				r.steps = prepend(step{d, tm.Text}, sub)
			}
			return r
		}
	}
	rd := ri.parsed.Redirect()
	if rd == nil || ri.parsed.HasAll() {
		return hostResult{res: Neutral}
	}
	// RFC 7208 §6.1: the result of the target's check_host() is this one's,
	// except that none becomes permerror.
	if err := ev.count(d, rd); err != nil {
		return hostResult{res: PermError, err: err}
	}
	r := hostResult{res: None, void: true}
	target, ok := ev.expand(rd.Target, &env)
	if ok {
		r = ev.checkHost(target, inInclude)
	}
	if r.res == None {
		if r.void {
			ev.voids++
		}
		return hostResult{res: PermError, err: &EvalError{Domain: d, Term: rd.Text, Err: fmt.Errorf("%w: %s", ErrNoRecord, printable(target, rd))}}
	}
	if r.steps != nil {
		r.steps = prepend(step{d, rd.Text}, r.steps)
	}
	return r
}

func printable(target string, tm *Term) string {
	if target == "" {
		return tm.Target.String() + " is not a valid domain"
	}
	return target
}

func prepend(s step, rest []step) []step {
	out := make([]step, 0, 1+len(rest))
	return append(append(out, s), rest...)
}

// count counts a DNS-querying term against the limit of 10.
func (ev *evaluator) count(domain string, tm *Term) error {
	ev.lookups++
	if ev.lookups > LookupLimit {
		return &EvalError{Domain: domain, Term: tm.Text, Err: ErrLookupLimit}
	}
	return nil
}

// void counts a void lookup against the limit.
func (ev *evaluator) void(domain string, tm *Term) error {
	ev.voids++
	if ev.voids > ev.t.cfg.voidLimit {
		return &EvalError{Domain: domain, Term: tm.Text, Err: ErrVoidLimit}
	}
	return nil
}

func (ev *evaluator) expand(m *MacroString, env *macroEnv) (string, bool) {
	return m.expandDomain(env)
}

func (ev *evaluator) temp(domain string, tm *Term, q qtype, name string, a *answer) error {
	return &EvalError{Domain: domain, Term: tm.Text, Err: fmt.Errorf("%w: %s %s: %w", ErrTemporary, q, name, a.err)}
}
