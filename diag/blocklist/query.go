package blocklist

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/miekg/dns"
	"golang.org/x/net/publicsuffix"
)

// ReverseIP returns the labels an IP address is asked as, without the
// zone: IPv4 as its four octets reversed ("4.3.2.1", RFC 5782 §2.1), IPv6
// as its 32 nibbles reversed ("b.a.9.8. … .8.b.d.0.1.0.0.2", §2.4). An
// IPv4-mapped IPv6 address is IPv4. How the address was written
// (compressed or not) makes no difference.
func ReverseIP(ip netip.Addr) string {
	ip = ip.Unmap().WithZone("")
	if ip.Is4() {
		b := ip.As4()
		var sb strings.Builder
		for i := 3; i >= 0; i-- {
			sb.WriteString(strconv.Itoa(int(b[i])))
			if i > 0 {
				sb.WriteByte('.')
			}
		}
		return sb.String()
	}
	const hex = "0123456789abcdef"
	b := ip.As16()
	out := make([]byte, 0, 63)
	for i := 15; i >= 0; i-- {
		out = append(out, hex[b[i]&0xf], '.', hex[b[i]>>4])
		if i > 0 {
			out = append(out, '.')
		}
	}
	return string(out)
}

// asked returns the name a domain list is asked about a domain: the name as
// given, or its registered domain (the public suffix plus one label, by
// the Public Suffix List; a name that is itself a public suffix as it is).
func asked(l *List, domain string) string {
	if l.Form == FormRegistered {
		if reg, err := publicsuffix.EffectiveTLDPlusOne(domain); err == nil {
			return reg
		}
	}
	return domain
}

// queryName is the full question name for a subject on a list, fully
// qualified.
func queryName(l *List, s *subject) string {
	if s.kind == KindIP {
		return ReverseIP(s.ip) + "." + l.Zone + "."
	}
	return asked(l, s.domain) + "." + l.Zone + "."
}

// testName is the question name of a health-test entry; false when the
// entry is not an IPv4 address (IP lists) or a name (domain lists).
func testName(l *List, entry string) (string, bool) {
	if l.Kind == KindIP {
		a, err := netip.ParseAddr(entry)
		if err != nil || !a.Is4() {
			return "", false
		}
		return ReverseIP(a) + "." + l.Zone + ".", true
	}
	if checkTest(KindDomain, entry) != nil {
		return "", false
	}
	return entry + "." + l.Zone + ".", true
}

// normalDomain lowers an ASCII domain and drops a final dot; it reports
// false for anything that cannot be asked (Unicode names must come as
// A-labels, which is how the investigation holds them).
func normalDomain(d string) (string, bool) {
	d = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(d), "."))
	if d == "" || len(d) > 253 || !strings.Contains(d, ".") {
		return "", false
	}
	for i := 0; i < len(d); i++ {
		c := d[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return "", false
		}
	}
	if _, ok := dns.IsDomainName(d); !ok {
		return "", false
	}
	if _, err := netip.ParseAddr(d); err == nil {
		return "", false
	}
	return d, true
}

// publicAddress reports whether an address can be on a public blocklist:
// a global unicast address that is not private (RFC 1918, RFC 4193).
// Loopback addresses in particular are never asked: 127.0.0.2 is every
// list's test entry, and asking it would report "listed" everywhere.
func publicAddress(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsValid() && ip.IsGlobalUnicast() && !ip.IsPrivate()
}
