// Package trustedhosts checks the --trusted-hosts list: the receiver's own
// servers, by host name (RFC 1123 §2.1), IP address or CIDR (RFC 4632),
// whose hops count as internal.
package trustedhosts

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/mxray/mxray/diag/dnsclient"
)

// ErrInvalid is wrapped by the error for an entry of --trusted-hosts
// that is neither a host name nor an IP address or CIDR.
var ErrInvalid = errors.New("neither a host name nor an IP address or CIDR")

// Parse splits the comma list of --trusted-hosts (the
// receiver's own servers: host names, IP addresses, CIDRs) and checks every
// entry: one that is none of these (a CIDR with a prefix too long for its
// address, an address with an octet over 255, a name with a space or a
// '*') is an error wrapping ErrInvalid that names it, rather than a
// name that silently never matches.
func Parse(list string) ([]string, error) {
	var out []string
	for _, h := range strings.Split(list, ",") {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		if err := checkTrustedHost(h); err != nil {
			return nil, fmt.Errorf("%w: %q: %v", ErrInvalid, h, err)
		}
		out = append(out, h)
	}
	return out, nil
}

func checkTrustedHost(h string) error {
	if strings.Contains(h, "/") {
		if _, err := netip.ParsePrefix(h); err != nil {
			return fmt.Errorf("not a valid CIDR (%v)", err)
		}
		return nil
	}
	// An address is bare or wholly in brackets: "[2001:db8::1" is neither.
	addr := h
	if strings.HasPrefix(addr, "[") && strings.HasSuffix(addr, "]") {
		addr = addr[1 : len(addr)-1]
	}
	if _, err := netip.ParseAddr(addr); err == nil {
		return nil
	}
	if strings.ContainsAny(h, "[]:") {
		return errors.New("not a valid IP address")
	}
	if err := dnsclient.CheckHostName(h); err != nil {
		return err
	}
	labels := strings.Split(strings.TrimSuffix(h, "."), ".")
	if last := labels[len(labels)-1]; strings.Trim(last, "0123456789") == "" {
		// No top-level domain is all digits (RFC 3696 §2): this was meant
		// as an IP address.
		return errors.New("not a valid IP address")
	}
	return nil
}
