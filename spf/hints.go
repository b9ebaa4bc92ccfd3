package spf

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// Words for technicians: what a syntax error means and what was probably
// meant, used by the parser's *SyntaxError reasons.

func domainEndReason(s string) string {
	tail := strings.TrimSuffix(s, ".")
	last := tail[strings.LastIndexByte(tail, '.')+1:]
	switch {
	case !strings.Contains(tail, "."):
		return fmt.Sprintf("%q is not a fully qualified domain name (it needs at least one dot and a top-level label)", s)
	case last != "" && allDigits(last):
		return fmt.Sprintf("%q ends in a numeric label: a domain's last label cannot be all digits (RFC 7208 §7.1)", s)
	default:
		return fmt.Sprintf("%q does not end in a valid top-level label (letters, digits and inner hyphens only, RFC 7208 §7.1)", s)
	}
}

// mechDomainHint adds advice when an address was given where a host name
// belongs: "a:192.0.2.1" was meant as "ip4:192.0.2.1".
func mechDomainHint(m Mechanism, spec string) string {
	host := spec
	if i := strings.IndexByte(host, '/'); i >= 0 {
		host = host[:i]
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		fam := "ip4"
		if ip.Is6() {
			fam = "ip6"
		}
		return fmt.Sprintf("%s: takes a host name, not an address; write %s:%s. ", m, fam, spec)
	}
	if m == Include && strings.Contains(spec, "/") {
		return "include takes no CIDR length. "
	}
	return ""
}

func networkReason(m Mechanism, s string) string {
	if m == IP4 {
		switch {
		case strings.Count(s, ".") < 3 && s != "" && !strings.Contains(s, ":"):
			return fmt.Sprintf("%q is not a full IPv4 address; write all four parts and a CIDR length, e.g. ip4:%s", s, exampleNet(s))
		case strings.Count(s, ".") == 3 && strings.Contains(s, ":"):
			return fmt.Sprintf("%q is not an IPv4 address (a port or a colon does not belong in SPF)", s)
		}
		return fmt.Sprintf("%q is not an IPv4 address (four numbers 0-255 without leading zeros)", s)
	}
	return fmt.Sprintf("%q is not an IPv6 address", s)
}

// exampleNet suggests the network an abbreviated address probably meant:
// "192.0.2" -> "192.0.2.0/24".
func exampleNet(s string) string {
	parts := strings.Split(s, ".")
	for len(parts) < 4 {
		parts = append(parts, "0")
	}
	return strings.Join(parts, ".") + "/" + strconv.Itoa(8*len(strings.Split(s, ".")))
}

func qualChar(q Qualifier) string {
	if q == 0 {
		return ""
	}
	return string(rune(q))
}

// unknownMechanismReason explains an unknown mechanism in a technician's
// words, naming the usual causes.
func unknownMechanismReason(tok, name string) string {
	lower := strings.ToLower(tok)
	switch {
	case strings.HasPrefix(lower, "redirect:") || strings.HasPrefix(lower, "exp:"):
		mod := lower[:strings.IndexByte(lower, ':')]
		return fmt.Sprintf("%s is a modifier and takes \"=\", not \":\": write %s=%s", mod, mod, tok[len(mod)+1:])
	case strings.HasPrefix(lower, "v=spf") || strings.HasPrefix(lower, "spf2.0"):
		return "a second version tag inside the record: two records were pasted into one"
	case name == "":
		return "a qualifier with no mechanism after it"
	}
	for _, m := range []Mechanism{All, Include, Exists, IP4, IP6, PTR, MX} {
		if strings.HasPrefix(name, string(m)) && len(name) > len(m) {
			return fmt.Sprintf("unknown mechanism %q: it starts with %q, so two terms may have run together (a missing space, or TXT strings joined without one)", name, m)
		}
	}
	if strings.HasSuffix(name, "all") && len(name) > 3 {
		return fmt.Sprintf("unknown mechanism %q: \"all\" may have run into the term before it (a missing space)", name)
	}
	return fmt.Sprintf("unknown mechanism %q: the mechanisms are all, include, a, mx, ptr, ip4, ip6 and exists (RFC 7208 §5)", name)
}

func badByte(c byte) string {
	switch {
	case c == '\t' || c == '\r' || c == '\n':
		return fmt.Sprintf("control character %q: terms are separated by spaces only (RFC 7208 §4.6.1)", c)
	case c >= 0x80:
		return fmt.Sprintf("byte 0x%02X is not US-ASCII: SPF records are 7-bit ASCII (RFC 7208 §3.1); a pasted non-breaking space or smart quote is the usual cause", c)
	default:
		return fmt.Sprintf("byte 0x%02X is not a visible character", c)
	}
}
