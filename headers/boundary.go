package headers

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/mxray/mxray/headers/trace"
	"golang.org/x/net/publicsuffix"
)

// orgAliases maps organisational domains that belong to one mail service
// to one name, so that a hop between them is inside that service.
var orgAliases = map[string]string{
	"office365.com": "outlook.com", // Microsoft 365: *.outlook.office365.com and *.prod.outlook.com
}

// microsoftOrg is the organisation of Microsoft 365's receiving servers.
const microsoftOrg = "outlook.com"

// orgOf returns the organisational domain of a host name (the public
// suffix plus one label, by golang.org/x/net/publicsuffix), or "" when the
// name is an address, has one label, or ends in a suffix that is not
// listed (".internal", ".local", ".lan"); ".example" and ".test" count as
// listed.
func orgOf(name string) string {
	name = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(name), "."))
	if name == "" || !strings.Contains(name, ".") || strings.ContainsAny(name, "[]:@ /") {
		return ""
	}
	if _, err := netip.ParseAddr(name); err == nil {
		return ""
	}
	suffix, icann := publicsuffix.PublicSuffix(name)
	// The RFC 2606 / RFC 6761 names for documentation and testing stand for
	// real top-level domains, as documentation addresses stand for public
	// ones (see publicIP).
	documentation := suffix == "example" || suffix == "test"
	if !icann && !documentation && !strings.Contains(suffix, ".") {
		return ""
	}
	org, err := publicsuffix.EffectiveTLDPlusOne(name)
	if err != nil {
		return ""
	}
	if a, ok := orgAliases[org]; ok {
		return a
	}
	return org
}

// publicIP reports whether ip is an address on the public Internet: not
// private (RFC 1918, RFC 4193), loopback, link-local, unspecified,
// multicast, shared (RFC 6598, 100.64.0.0/10) or "this network"
// (0.0.0.0/8). Documentation ranges (192.0.2.0/24, 2001:db8::/32, …) count
// as public: examples and tests use them to stand for public addresses.
func publicIP(ip netip.Addr) bool {
	if !ip.IsValid() {
		return false
	}
	ip = ip.Unmap()
	if ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsUnspecified() || ip.IsMulticast() || ip.IsInterfaceLocalMulticast() {
		return false
	}
	if ip.Is4() {
		b := ip.As4()
		if b[0] == 0 || b[0] == 100 && b[1]&0xC0 == 64 || b == [4]byte{255, 255, 255, 255} {
			return false
		}
	}
	return true
}

// trust holds Options.TrustedHosts, read.
type trust struct {
	prefixes []netip.Prefix
	names    []string
}

func readTrust(hosts []string) trust {
	var t trust
	for _, h := range hosts {
		h = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(h), "."))
		if h == "" {
			continue
		}
		if p, err := netip.ParsePrefix(h); err == nil {
			t.prefixes = append(t.prefixes, p.Masked())
			continue
		}
		if a, ok := trace.ParseIP(h); ok {
			t.prefixes = append(t.prefixes, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		t.names = append(t.names, h)
	}
	return t
}

func (t trust) hasIP(ip netip.Addr) bool {
	for _, p := range t.prefixes {
		if ip.IsValid() && p.Contains(ip) {
			return true
		}
	}
	return false
}

// hasName reports whether name is a trusted host name or below one.
func (t trust) hasName(name string) bool {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	if name == "" {
		return false
	}
	for _, n := range t.names {
		if name == n || strings.HasSuffix(name, "."+n) {
			return true
		}
	}
	return false
}

// orgs is the set of organisational domains of the receiver.
type orgs map[string]bool

func (o orgs) hasHost(name string) bool {
	org := orgOf(name)
	return org != "" && o[org]
}

// list returns the organisations, sorted.
func (o orgs) list() []string {
	out := make([]string, 0, len(o))
	for k := range o {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// internalReason says why a hop is inside the receiving organisation, or
// returns "" when it is not. A hop is internal when its client is a
// trusted host; when it has no from-part; when it is a local or LMTP
// hand-off, or an Exchange MAPI one; when the client IP is not public;
// when the client is localhost with no public IP; when the client has no
// address and a name in a private namespace; or when the client's name
// (the reverse-DNS name the receiver recorded, else the from name, never a
// name the receiver marked unverified) belongs to the receiving
// organisation.
func internalReason(r trace.Received, o orgs, t trust) string {
	switch {
	case t.hasIP(r.IP) || t.hasName(r.RDNS) || t.hasName(r.From):
		return "a trusted host of the receiver (given as a trusted host)"
	case r.From == "" && !r.IP.IsValid() && r.RDNS == "":
		return "no from-part: a hand-off inside the receiving system"
	case r.Proto.IsLocal():
		return "a local or LMTP hand-off (with " + r.With + ")"
	case r.IP.IsValid() && !publicIP(r.IP):
		return "the client " + r.IP.String() + " is not a public address"
	case !r.IP.IsValid() && (isLocalhost(r.From) || isLocalhost(r.RDNS)):
		return "from localhost"
	case !r.IP.IsValid() && strings.Contains(r.From, "@"):
		return "a local submission by a user (from " + r.From + ")"
	case r.Proto == "MAPI":
		return "an Exchange internal hand-off (with " + r.With + ")"
	}
	name := r.RDNS
	if name == "" && !r.RDNSUnknown {
		name = r.From
	}
	if !r.IP.IsValid() && privateName(name) {
		return "the client " + name + " is named in a private namespace: a host inside the organisation that wrote this hop"
	}
	if o.hasHost(name) {
		return "the client " + name + " belongs to the receiving organisation (" + orgOf(name) + ")"
	}
	return ""
}

// privateSuffixes are name suffixes outside the public DNS: names under
// them are internal to whoever wrote them (RFC 6762 .local, RFC 8375
// .home.arpa, and the suffixes organisations use on their own).
var privateSuffixes = []string{".local", ".lan", ".internal", ".corp", ".localdomain", ".home", ".home.arpa", ".intranet", ".private", ".intra"}

// privateName reports whether a host name lies outside the public DNS: a
// single label ("EXCH01"), or a name under a private suffix
// ("exch01.corp.local").
func privateName(name string) bool {
	n := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(name), "."))
	if n == "" || n == "unknown" || strings.ContainsAny(n, "[]:@ /()") {
		return false
	}
	if !strings.Contains(n, ".") {
		return true
	}
	for _, s := range privateSuffixes {
		if strings.HasSuffix(n, s) {
			return true
		}
	}
	return false
}

func isLocalhost(name string) bool {
	if at := strings.LastIndexByte(name, '@'); at >= 0 {
		name = name[at+1:]
	}
	n := strings.ToLower(strings.TrimSuffix(name, "."))
	return n == "localhost" || strings.HasPrefix(n, "localhost.") || n == "[127.0.0.1]" || n == "[ipv6:::1]"
}
