package spf

import (
	"fmt"
	"net/netip"
)

// The mechanisms of RFC 7208 §5 as evaluation matches them.

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
		r = ev.checkHost(target, true)
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
