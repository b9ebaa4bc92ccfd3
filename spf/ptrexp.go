package spf

// Reverse DNS (RFC 7208 §5.5 name validation, %{p}) and explanations (§6.2).

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
