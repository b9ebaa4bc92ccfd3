package spf

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// Record is a parsed SPF record (RFC 7208 §4.6, §12):
//
//	record = version terms *SP
//	terms  = *( 1*SP ( directive / modifier ) )
type Record struct {
	Text   string         // the record as given
	Terms  []Term         // the valid terms, in order
	Errors []*SyntaxError // every syntax error found, in order
}

// Term is one directive (qualifier and mechanism) or modifier of a record.
type Term struct {
	Pos       int       // byte offset of the term in Record.Text
	Text      string    // the term as written
	Qualifier Qualifier // as written; 0 when none was written (pass)
	Mechanism Mechanism // set for a directive
	Modifier  Modifier  // set for a modifier: "redirect", "exp" or an unknown name, lower case
	// Target is the domain-spec of include, a, mx, ptr, exists, redirect and
	// exp; nil when a, mx or ptr has none (the current domain is meant).
	Target *MacroString
	// Value is an unknown modifier's macro-string.
	Value *MacroString
	// Network is the ip4 or ip6 network; CIDR length 32 or 128 when none
	// was written.
	Network netip.Prefix
	// CIDR4 and CIDR6 are the CIDR lengths written (dual-cidr-length of a and
	// mx; the single length of ip4 or ip6), -1 when absent.
	CIDR4, CIDR6 int
}

// IsDirective reports whether t is a mechanism with its qualifier.
func (t *Term) IsDirective() bool { return t.Mechanism != "" }

// QueriesDNS reports whether t counts against the 10 DNS-querying terms
// (RFC 7208 §4.6.4): include, a, mx, ptr, exists and redirect; not exp.
func (t *Term) QueriesDNS() bool {
	return t.Mechanism.queriesDNS() || t.Modifier == Redirect
}

// Parse parses an SPF record. It checks the whole record, as RFC 7208 §4.6
// requires, and reports every syntax error: the returned error is the first
// *SyntaxError (nil when there is none) and Record.Errors holds them all. The
// record is returned even on error, holding the terms that did parse, so that
// a broken record can still be drawn. Parse never touches the network.
func Parse(text string) (*Record, error) {
	r := &Record{Text: text}
	if !hasVersion(text) {
		tok := text
		if i := strings.IndexByte(tok, ' '); i >= 0 {
			tok = tok[:i]
		}
		r.Errors = append(r.Errors, &SyntaxError{Term: tok, Pos: 0, Err: ErrNotSPF,
			Reason: `an SPF record starts with "v=spf1" followed by a space or the end of the record`})
		return r, r.Errors[0]
	}
	seen := map[Modifier]bool{}
	for pos := len(Version); pos < len(text); {
		if text[pos] != ' ' {
			// Only reachable right after the version: "v=spf1x".
			break
		}
		for pos < len(text) && text[pos] == ' ' {
			pos++
		}
		if pos == len(text) {
			break
		}
		end := strings.IndexByte(text[pos:], ' ')
		if end < 0 {
			end = len(text)
		} else {
			end += pos
		}
		t, serr := parseTerm(text[pos:end], pos)
		pos = end
		if serr != nil {
			r.Errors = append(r.Errors, serr)
			continue
		}
		if t.Modifier == Redirect || t.Modifier == Exp {
			if seen[t.Modifier] {
				r.Errors = append(r.Errors, &SyntaxError{Term: t.Text, Pos: t.Pos, Err: ErrDuplicateModifier,
					Reason: fmt.Sprintf("%s= appears more than once; a record may have at most one (RFC 7208 §6)", t.Modifier)})
				continue
			}
			seen[t.Modifier] = true
		}
		r.Terms = append(r.Terms, t)
	}
	if len(r.Errors) > 0 {
		return r, r.Errors[0]
	}
	return r, nil
}

// hasVersion reports whether text starts with "v=spf1" (any case) followed
// by a space or the end (RFC 7208 §4.5).
func hasVersion(text string) bool {
	return len(text) >= len(Version) && strings.EqualFold(text[:len(Version)], Version) &&
		(len(text) == len(Version) || text[len(Version)] == ' ')
}

// ParseTerm parses one term as it would stand in a record: a modifier when
// a name is followed directly by "=" (RFC 7208 §4.6.1), a directive
// otherwise. The error is a *SyntaxError.
func ParseTerm(text string) (Term, error) {
	t, err := parseTerm(text, 0)
	if err != nil {
		return t, err
	}
	return t, nil
}

// parseTerm parses one term: a modifier when a name is followed directly by
// "=" (RFC 7208 §4.6.1), a directive otherwise.
func parseTerm(tok string, pos int) (Term, *SyntaxError) {
	t := Term{Pos: pos, Text: tok, CIDR4: -1, CIDR6: -1}
	fail := func(err error, format string, args ...any) (Term, *SyntaxError) {
		return Term{}, &SyntaxError{Term: tok, Pos: pos, Err: err, Reason: fmt.Sprintf(format, args...)}
	}
	for i := 0; i < len(tok); i++ {
		if c := tok[i]; c < 0x21 || c > 0x7e {
			return fail(ErrCharacter, "%s", badByte(c))
		}
	}
	if n := modifierName(tok); n > 0 {
		name := strings.ToLower(tok[:n])
		val := tok[n+1:]
		t.Modifier = Modifier(name)
		switch t.Modifier {
		case Redirect, Exp:
			if val == "" {
				return fail(ErrArgument, "%s= needs a domain name after the \"=\"", name)
			}
			m, merr := parseDomainSpec(val)
			if merr != nil {
				return fail(merr.err, "%s=%s: %s", name, val, merr.reason)
			}
			t.Target = m
		default:
			m, merr := parseMacroString(val, modeModifier)
			if merr != nil {
				return fail(merr.err, "unknown modifier %s=: %s", tok[:n], merr.reason)
			}
			t.Value = m
		}
		return t, nil
	}
	rest := tok
	switch Qualifier(rest[0]) {
	case QualifierPass, QualifierFail, QualifierSoftFail, QualifierNeutral:
		t.Qualifier = Qualifier(rest[0])
		rest = rest[1:]
	}
	end := strings.IndexAny(rest, ":/")
	if end < 0 {
		end = len(rest)
	}
	name, arg := strings.ToLower(rest[:end]), rest[end:]
	t.Mechanism = Mechanism(name)
	switch t.Mechanism {
	case All:
		if arg != "" {
			return fail(ErrArgument, "all takes nothing after it; write just \"%sall\"", qualChar(t.Qualifier))
		}
	case Include, Exists:
		if arg == "" || arg[0] != ':' {
			return fail(ErrArgument, "%s needs a domain: write %s:example.com", name, name)
		}
		if arg == ":" {
			return fail(ErrArgument, "%s: has an empty domain", name)
		}
		m, merr := parseDomainSpec(arg[1:])
		if merr != nil {
			return fail(merr.err, "%s%s", mechDomainHint(t.Mechanism, arg[1:]), merr.reason)
		}
		t.Target = m
	case A, MX:
		spec, c4, c6, serr := splitDualCIDR(arg)
		if serr != "" {
			return fail(ErrCIDR, "%s", serr)
		}
		t.CIDR4, t.CIDR6 = c4, c6
		if spec != "" {
			if spec[0] != ':' {
				return fail(ErrArgument, "%q after %s is not a domain or a CIDR length", spec, name)
			}
			if spec == ":" {
				return fail(ErrArgument, "%s: has an empty domain; write %s alone for the domain itself", name, name)
			}
			m, merr := parseDomainSpec(spec[1:])
			if merr != nil {
				return fail(merr.err, "%s%s", mechDomainHint(t.Mechanism, spec[1:]), merr.reason)
			}
			t.Target = m
		}
	case PTR:
		if arg != "" {
			if arg[0] != ':' {
				return fail(ErrArgument, "ptr takes no CIDR length")
			}
			if arg == ":" {
				return fail(ErrArgument, "ptr: has an empty domain; write ptr alone for the domain itself")
			}
			m, merr := parseDomainSpec(arg[1:])
			if merr != nil {
				return fail(merr.err, "%s", merr.reason)
			}
			t.Target = m
		}
	case IP4, IP6:
		if arg == "" || arg[0] != ':' || len(arg) == 1 {
			return fail(ErrArgument, "%s needs a network: write %s", name, map[Mechanism]string{IP4: "ip4:192.0.2.0/24", IP6: "ip6:2001:db8::/32"}[t.Mechanism])
		}
		p, bits, reason, err := parseNetwork(t.Mechanism, arg[1:])
		if err != nil {
			return fail(err, "%s", reason)
		}
		t.Network = p
		if t.Mechanism == IP4 {
			t.CIDR4 = bits
		} else {
			t.CIDR6 = bits
		}
	default:
		return fail(ErrUnknownMechanism, "%s", unknownMechanismReason(tok, name))
	}
	return t, nil
}

// modifierName returns the length of the name when tok is a modifier:
// name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ) directly followed by "=".
func modifierName(tok string) int {
	if tok == "" || !isAlpha(tok[0]) {
		return 0
	}
	for i := 1; i < len(tok); i++ {
		switch c := tok[i]; {
		case isAlpha(c), isDigit(c), c == '-', c == '_', c == '.':
		case c == '=':
			return i
		default:
			return 0
		}
	}
	return 0
}

// parseDomainSpec parses domain-spec = macro-string domain-end.
func parseDomainSpec(s string) (*MacroString, *macroError) {
	m, merr := parseMacroString(s, modeDomain)
	if merr != nil {
		return nil, merr
	}
	if !m.endsAsDomain() {
		return nil, &macroError{err: ErrDomainSpec, reason: domainEndReason(s)}
	}
	return m, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

// splitDualCIDR splits a or mx's argument into [":" domain-spec] and
// dual-cidr-length = [ ip4-cidr-length ] [ "/" ip6-cidr-length ].
func splitDualCIDR(arg string) (spec string, c4, c6 int, reason string) {
	c4, c6 = -1, -1
	i := strings.LastIndexByte(arg, '/')
	if i < 0 || !allDigits(arg[i+1:]) {
		return arg, c4, c6, ""
	}
	if i > 0 && arg[i-1] == '/' {
		n, ok := cidrLen(arg[i+1:], 128)
		if !ok {
			return "", 0, 0, fmt.Sprintf("IPv6 CIDR length //%s must be 0 to 128 without leading zeros", arg[i+1:])
		}
		c6 = n
		arg = arg[:i-1]
		j := strings.LastIndexByte(arg, '/')
		if j < 0 || !allDigits(arg[j+1:]) {
			return arg, c4, c6, ""
		}
		i = j
	}
	n, ok := cidrLen(arg[i+1:], 32)
	if !ok {
		if n, ok6 := cidrLen(arg[i+1:], 128); ok6 && n > 32 {
			return "", 0, 0, fmt.Sprintf("IPv4 CIDR length /%s is over 32; an IPv6 length is written with two slashes: //%s", arg[i+1:], arg[i+1:])
		}
		return "", 0, 0, fmt.Sprintf("IPv4 CIDR length /%s must be 0 to 32 without leading zeros", arg[i+1:])
	}
	return arg[:i], n, c6, ""
}

// cidrLen parses a CIDR length: "0" or digits without a leading zero, at
// most max.
func cidrLen(s string, max int) (int, bool) {
	if s == "" || len(s) > 3 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n > max {
		return 0, false
	}
	return n, true
}

// parseNetwork parses ip4-network [ip4-cidr-length] or ip6-network
// [ip6-cidr-length] (RFC 7208 §5.6).
func parseNetwork(m Mechanism, s string) (p netip.Prefix, bits int, reason string, err error) {
	addrText, cidr := s, ""
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		addrText, cidr = s[:i], s[i+1:]
	}
	ip, perr := netip.ParseAddr(addrText)
	max := 32
	if m == IP6 {
		max = 128
	}
	switch {
	case perr != nil || ip.Zone() != "":
		return p, 0, networkReason(m, addrText), ErrNetwork
	case m == IP4 && !ip.Is4():
		return p, 0, fmt.Sprintf("%s is an IPv6 address; write ip6:%s", addrText, s), ErrNetwork
	case m == IP6 && !ip.Is6():
		return p, 0, fmt.Sprintf("%s is an IPv4 address; write ip4:%s", addrText, s), ErrNetwork
	}
	bits = -1
	plen := max
	if cidr != "" || strings.HasSuffix(s, "/") {
		n, ok := cidrLen(cidr, max)
		if !ok {
			return p, 0, fmt.Sprintf("CIDR length /%s must be 0 to %d without leading zeros (and only one length for %s)", cidr, max, m), ErrCIDR
		}
		bits, plen = n, n
	}
	return netip.PrefixFrom(ip, plen), bits, "", nil
}

// HasAll reports whether the record has an "all" mechanism, which makes any
// redirect ineffective (RFC 7208 §6.1).
func (r *Record) HasAll() bool {
	for i := range r.Terms {
		if r.Terms[i].Mechanism == All {
			return true
		}
	}
	return false
}

// Redirect returns the record's redirect modifier, or nil.
func (r *Record) Redirect() *Term { return r.modifier(Redirect) }

// Exp returns the record's exp modifier, or nil.
func (r *Record) Exp() *Term { return r.modifier(Exp) }

func (r *Record) modifier(m Modifier) *Term {
	for i := range r.Terms {
		if r.Terms[i].Modifier == m {
			return &r.Terms[i]
		}
	}
	return nil
}
