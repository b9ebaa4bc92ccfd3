package diag

import (
	"errors"
	"fmt"
	"net/mail"
	"net/netip"
	"net/url"
	"strings"
	"sync"

	"github.com/mxray/mxray/diag/dnsclient"
	"golang.org/x/net/idna"
)

// TargetKind says what the user asked about.
type TargetKind int

// The kinds of target.
const (
	TargetDomain   TargetKind = iota // a domain (from a name, an address or a URL)
	TargetIPDomain                   // an IP to test against a domain: "192.0.2.1 example.com"
)

// Target is a normalised thing to investigate.
type Target struct {
	Kind    TargetKind
	Input   string     // what the user typed
	Domain  string     // ASCII (A-label) form, lower case, no trailing dot
	Unicode string     // the U-label form; equal to Domain when not an IDN
	IP      netip.Addr // for TargetIPDomain; IPv4-mapped addresses are unmapped
}

// Display returns the domain the way a person reads it: "bücher.example
// (xn--bcher-kva.example)" for an IDN, else the domain.
func (t Target) Display() string {
	if t.Unicode != "" && t.Unicode != t.Domain {
		return t.Unicode + " (" + t.Domain + ")"
	}
	return t.Domain
}

// ErrTarget is wrapped by every error ParseTarget returns.
var ErrTarget = errors.New("not a domain, address or URL")

// maxInput bounds what ParseTarget reads: a domain is at most 253 octets,
// and an address or URL around it is not much longer.
const maxInput = 2048

// lookupProfile maps and checks names as a resolver would, but allows the
// underscores of service names (_dmarc, _spf). Built on first use.
var lookupProfile = sync.OnceValue(func() *idna.Profile {
	return idna.New(idna.MapForLookup(), idna.BidiRule(), idna.Transitional(false),
		idna.StrictDomainName(false), idna.VerifyDNSLength(true))
})

// ParseTarget turns what a user typed into a Target: a domain (an IDN is
// accepted and kept both ways), an email address or URL (reduced to its
// domain), or "IP DOMAIN" (in either order).
func ParseTarget(s string) (Target, error) {
	t := Target{Input: s}
	s = strings.TrimSpace(s)
	if s == "" {
		return t, fmt.Errorf("%w: nothing was given", ErrTarget)
	}
	if len(s) > maxInput {
		return t, fmt.Errorf("%w: %d characters is too long for a domain", ErrTarget, len(s))
	}
	if strings.Contains(s, "@") && !strings.Contains(s, "://") {
		if a, err := mail.ParseAddress(s); err == nil {
			s = a.Address
		}
	}
	if fields := strings.Fields(s); len(fields) == 2 {
		ipText, domText := fields[0], fields[1]
		if _, err := netip.ParseAddr(strings.Trim(domText, "[]")); err == nil {
			ipText, domText = domText, ipText
		}
		ip, err := netip.ParseAddr(strings.Trim(ipText, "[]"))
		if err != nil {
			return t, fmt.Errorf("%w: %q: two words should be an IP address and a domain", ErrTarget, s)
		}
		d, err := ParseTarget(domText)
		if err != nil {
			return t, err
		}
		d.Input, d.Kind, d.IP = t.Input, TargetIPDomain, ip.Unmap()
		return d, nil
	}
	if strings.ContainsAny(s, " \t\r\n") {
		return t, fmt.Errorf("%w: %q has spaces in it", ErrTarget, s)
	}
	name := s
	switch {
	case strings.Contains(s, "://"):
		u, err := url.Parse(s)
		if err != nil || u.Hostname() == "" {
			return t, fmt.Errorf("%w: %q is not a URL with a host", ErrTarget, s)
		}
		name = u.Hostname()
	case strings.Contains(s, "@"):
		name = strings.Trim(s[strings.LastIndex(s, "@")+1:], "<>")
	}
	if _, err := netip.ParseAddr(strings.Trim(name, "[]")); err == nil {
		return t, fmt.Errorf("%w: %q is an IP address; give a domain too, as \"IP DOMAIN\"", ErrTarget, name)
	}
	name = strings.TrimSuffix(name, ".")
	ascii, err := lookupProfile().ToASCII(name)
	if err != nil {
		return t, fmt.Errorf("%w: %q: %v", ErrTarget, name, err)
	}
	if err := checkHostname(ascii); err != nil {
		return t, fmt.Errorf("%w: %q: %v", ErrTarget, name, err)
	}
	t.Domain = ascii
	t.Unicode = ascii
	if u, err := idna.ToUnicode(ascii); err == nil {
		t.Unicode = u
	}
	return t, nil
}

// checkHostname accepts names of letters, digits, hyphens and underscores,
// at least two labels, each 1–63 octets (dnsclient.CheckHostName).
func checkHostname(name string) error {
	if !strings.Contains(strings.Trim(name, "."), ".") {
		return errors.New("a domain has at least two labels, like example.com")
	}
	return dnsclient.CheckHostName(name)
}
