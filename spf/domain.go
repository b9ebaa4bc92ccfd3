package spf

import "strings"

// Domain name rules: the domain-end of a domain-spec (RFC 7208 §7.1), the
// <domain> checks of initial processing (§4.3) and the 253-byte truncation of
// expanded target names (§7.3).

const (
	maxNameLen  = 253 // presentation form without the trailing dot
	maxLabelLen = 63
)

func isAlpha(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isToplabel reports whether s is a toplabel:
//
//	toplabel = ( *alphanum ALPHA *alphanum ) /
//	           ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
//
// that is letters, digits and hyphens, neither starting nor ending with a
// hyphen, and not all digits.
func isToplabel(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	letterOrDash := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isAlpha(c), c == '-':
			letterOrDash = true
		case isDigit(c):
		default:
			return false
		}
	}
	return letterOrDash
}

// targetName turns an expanded domain-spec into the name to query: the
// trailing dot dropped, labels removed from the left until it fits 253 bytes
// (RFC 7208 §7.3). ok is false when no DNS query can be composed from it
// (an empty or over-long label): RFC 7208 leaves that case undefined and
// mxray treats the name as non-existent.
func targetName(s string) (name string, ok bool) {
	s = strings.TrimSuffix(s, ".")
	for len(s) > maxNameLen {
		i := strings.IndexByte(s, '.')
		if i < 0 {
			return "", false
		}
		s = s[i+1:]
	}
	if s == "" {
		return "", false
	}
	for rest := s; ; {
		i := strings.IndexByte(rest, '.')
		label := rest
		if i >= 0 {
			label = rest[:i]
		}
		if label == "" || len(label) > maxLabelLen {
			return "", false
		}
		if i < 0 {
			return s, true
		}
		rest = rest[i+1:]
	}
}

// checkDomain applies RFC 7208 §4.3 to a check_host() <domain>: a malformed
// name (empty or over-long label, over 253 bytes, a single label, a domain
// literal, characters no host name has, an all-numeric last label) gives
// "none". It returns the name without its trailing dot.
func checkDomain(d string) (string, bool) {
	d = strings.TrimSuffix(d, ".")
	if d == "" || len(d) > maxNameLen {
		return "", false
	}
	labels := 0
	start := 0
	for i := 0; i <= len(d); i++ {
		if i < len(d) {
			c := d[i]
			if c <= ' ' || c >= 0x7f || c == '@' || c == '[' || c == ']' || c == '\\' || c == '"' {
				return "", false
			}
			if c != '.' {
				continue
			}
		}
		if n := i - start; n == 0 || n > maxLabelLen {
			return "", false
		}
		labels++
		start = i + 1
	}
	if labels < 2 {
		return "", false
	}
	last := d[strings.LastIndexByte(d, '.')+1:]
	allDigits := true
	for i := 0; i < len(last); i++ {
		if !isDigit(last[i]) {
			allDigits = false
		}
	}
	if allDigits {
		return "", false
	}
	return d, true
}

// domainKey is the case-folded form used to compare and cache names.
func domainKey(name string) string {
	name = strings.TrimSuffix(name, ".")
	for i := 0; i < len(name); i++ {
		if c := name[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(name)
		}
	}
	return name
}

// isSubdomain reports whether name equals parent or lies under it, ignoring
// case and trailing dots.
func isSubdomain(name, parent string) bool {
	name, parent = domainKey(name), domainKey(parent)
	return name == parent || strings.HasSuffix(name, "."+parent)
}
