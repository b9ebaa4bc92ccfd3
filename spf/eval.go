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
func (ev *evaluator) checkHost(domain string) hostResult {
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
			return hostResult{res: tm.Qualifier.Result(), steps: prepend(step{d, tm.Text}, sub),
				expDomain: d, exp: ri.parsed.Exp()}
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
		r = ev.checkHost(target)
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

// addrType is the address question for the client's family (RFC 7208 §5).
func (ev *evaluator) addrType() qtype {
	if ev.ip.Is4() {
		return qA
	}
	return qAAAA
}

// match evaluates one mechanism (RFC 7208 §5). sub is the deciding chain
// below an include that matched.
func (ev *evaluator) match(domain string, tm *Term, env *macroEnv) (matched bool, sub []step, err error) {
	switch tm.Mechanism {
	case All:
		return true, nil, nil
	case IP4:
		return ev.ip.Is4() && tm.Network.Contains(ev.ip), nil, nil
	case IP6:
		return ev.ip.Is6() && tm.Network.Contains(ev.ip), nil, nil
	}
	if err := ev.count(domain, tm); err != nil {
		return false, nil, err
	}
	target, ok := domain, true
	if tm.Target != nil {
		target, ok = ev.expand(tm.Target, env)
	}
	switch tm.Mechanism {
	case Include:
		return ev.include(domain, tm, target, ok)
	case A:
		if !ok {
			return false, nil, ev.void(domain, tm)
		}
		return ev.matchAddrs(domain, tm, target)
	case MX:
		if !ok {
			return false, nil, ev.void(domain, tm)
		}
		return ev.matchMX(domain, tm, target)
	case PTR:
		names, void := ev.validatedNames()
		if void {
			if err := ev.void(domain, tm); err != nil {
				return false, nil, err
			}
		}
		if !ok {
			return false, nil, nil
		}
		for _, n := range names {
			if isSubdomain(n, target) {
				return true, nil, nil
			}
		}
		return false, nil, nil
	case Exists:
		if !ok {
			return false, nil, ev.void(domain, tm)
		}
		a := ev.lookup(qkey{qA, domainKey(target)}) // always A (RFC 7208 §5.7)
		if a.temporary() {
			return false, nil, ev.temp(domain, tm, qA, target, a)
		}
		if a.empty() {
			return false, nil, ev.void(domain, tm)
		}
		return true, nil, nil
	}
	return false, nil, nil
}

// include is RFC 7208 §5.2: pass matches; fail, softfail and neutral do
// not; temperror and permerror propagate; none is permerror.
func (ev *evaluator) include(domain string, tm *Term, target string, ok bool) (bool, []step, error) {
	r := hostResult{res: None, void: true}
	if ok {
		r = ev.checkHost(target)
	}
	switch r.res {
	case Pass:
		return true, r.steps, nil
	case Fail, SoftFail, Neutral:
		return false, nil, nil
	case TempError, PermError:
		return false, nil, r.err
	}
	if r.void {
		ev.voids++
	}
	return false, nil, &EvalError{Domain: domain, Term: tm.Text, Err: fmt.Errorf("%w: %s", ErrNoRecord, printable(target, tm))}
}

// matchAddrs is the a mechanism (RFC 7208 §5.3).
func (ev *evaluator) matchAddrs(domain string, tm *Term, target string) (bool, []step, error) {
	q := ev.addrType()
	a := ev.lookup(qkey{q, domainKey(target)})
	if a.temporary() {
		return false, nil, ev.temp(domain, tm, q, target, a)
	}
	if a.empty() {
		return false, nil, ev.void(domain, tm)
	}
	return ev.anyContains(a.addrs, tm), nil, nil
}

// matchMX is the mx mechanism (RFC 7208 §5.4, §4.6.4).
func (ev *evaluator) matchMX(domain string, tm *Term, target string) (bool, []step, error) {
	mx := ev.lookup(qkey{qMX, domainKey(target)})
	if mx.temporary() {
		return false, nil, ev.temp(domain, tm, qMX, target, mx)
	}
	if mx.empty() {
		return false, nil, ev.void(domain, tm)
	}
	if len(mx.names) > MXNameLimit {
		return false, nil, &EvalError{Domain: domain, Term: tm.Text,
			Err: fmt.Errorf("%w: %s has %d", ErrMXLimit, target, len(mx.names))}
	}
	q := ev.addrType()
	for _, name := range mx.names {
		hk := domainKey(name)
		if hk == "" {
			continue // null MX (RFC 7505)
		}
		a := ev.lookup(qkey{q, hk})
		if a.temporary() {
			return false, nil, ev.temp(domain, tm, q, name, a)
		}
		if ev.anyContains(a.addrs, tm) {
			return true, nil, nil
		}
	}
	return false, nil, nil
}

// anyContains reports whether the client is in any of addrs widened by the
// term's CIDR length for the client's family.
func (ev *evaluator) anyContains(addrs []netip.Addr, tm *Term) bool {
	bits := cidrOr(tm.CIDR4, 32)
	if !ev.ip.Is4() {
		bits = cidrOr(tm.CIDR6, 128)
	}
	for _, a := range addrs {
		if a.Is4() != ev.ip.Is4() {
			continue
		}
		if bits == a.BitLen() {
			if a == ev.ip {
				return true
			}
			continue
		}
		if p, err := a.Prefix(bits); err == nil && p.Contains(ev.ip) {
			return true
		}
	}
	return false
}

// validatedNames is the name validation of RFC 7208 §5.5: the first 10 PTR
// names whose addresses include the client. A failed PTR lookup gives no
// names; a failed address lookup skips that name. void reports a PTR answer
// with no records.
func (ev *evaluator) validatedNames() (names []string, void bool) {
	if ev.ptrDone {
		return ev.ptrNames, ev.ptrVoid
	}
	ev.ptrDone = true
	a := ev.lookup(qkey{qPTR, ev.ip.String()})
	if a.temporary() {
		return nil, false
	}
	ev.ptrVoid = a.empty()
	list := a.names
	if len(list) > PTRNameLimit {
		list = list[:PTRNameLimit]
	}
	q := ev.addrType()
	for _, name := range list {
		hk := domainKey(name)
		if hk == "" {
			continue
		}
		aa := ev.lookup(qkey{q, hk})
		if aa.err != nil {
			continue
		}
		for _, x := range aa.addrs {
			if x == ev.ip {
				ev.ptrNames = append(ev.ptrNames, name)
				break
			}
		}
	}
	return ev.ptrNames, ev.ptrVoid
}

// pValue is %{p} (RFC 7208 §7.3): a validated name of the client, the domain
// itself or one under it when there is one, else "unknown".
func (ev *evaluator) pValue(domain string) string {
	names, _ := ev.validatedNames()
	if len(names) == 0 {
		return "unknown"
	}
	best := names[0]
	for _, n := range names {
		if domainKey(n) == domainKey(domain) {
			best = n
			break
		}
	}
	if domainKey(best) != domainKey(domain) {
		for _, n := range names {
			if isSubdomain(n, domain) {
				best = n
				break
			}
		}
	}
	return trimDot(best)
}

func trimDot(s string) string {
	if len(s) > 0 && s[len(s)-1] == '.' {
		return s[:len(s)-1]
	}
	return s
}

// explain computes the explanation of a fail (RFC 7208 §6.2): the exp=
// target's single TXT record, macro-expanded. Any trouble (no or several
// records, DNS failure, a syntax error, non-ASCII text) gives the default.
// It never changes the result and is not counted against any limit.
func (ev *evaluator) explain(hr hostResult) string {
	def := ev.t.cfg.defaultExp
	if hr.exp == nil {
		return def
	}
	env := ev.env
	env.domain = hr.expDomain
	target, ok := ev.expand(hr.exp.Target, &env)
	if !ok {
		return def
	}
	a := ev.lookup(qkey{qTXT, domainKey(target)})
	if a.err != nil || len(a.txt) != 1 {
		return def
	}
	m, merr := parseMacroString(joinTXT(a.txt[0]), modeExplain)
	if merr != nil {
		return def
	}
	s := m.expandText(&env)
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return def
		}
	}
	return s
}
