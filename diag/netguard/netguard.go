// Package netguard keeps connections made on a stranger's behalf away from
// the machine's own networks. When mxray serves its workbench over SSH, a
// user's domain decides where the MTA-STS policy fetch (RFC 8461 §3.3), a
// BIMI fetch and the SMTP probe (RFC 5321) connect: a record that names
// 127.0.0.1, 10.0.0.5 or 169.254.169.254 would turn the server into a probe
// of the network it sits in. The guard refuses those destinations unless the
// operator allows them (--allow-private-targets, for split-horizon use on
// premises).
//
// What is refused, each with its Class:
//
//   - the unspecified addresses 0.0.0.0 and :: and the rest of 0.0.0.0/8
//     ("this network", RFC 1122 §3.2.1.3);
//   - loopback, 127.0.0.0/8 and ::1 (RFC 1122, RFC 4291);
//   - private IPv4, 10/8, 172.16/12, 192.168/16 (RFC 1918);
//   - shared address space, 100.64.0.0/10 (carrier-grade NAT, RFC 6598);
//   - link-local, 169.254.0.0/16 (RFC 3927) and fe80::/10 (RFC 4291);
//   - unique local IPv6, fc00::/7 (RFC 4193), and the deprecated site-local
//     fec0::/10 (RFC 3879);
//   - multicast, 224.0.0.0/4 and ff00::/8;
//   - the IETF protocol assignments 192.0.0.0/24 (RFC 6890), benchmarking
//     198.18.0.0/15 (RFC 2544), the reserved 240.0.0.0/4 with the limited
//     broadcast address (RFC 1112, RFC 919), and discard-only 100::/64
//     (RFC 6666);
//   - IPv6 forms that carry an IPv4 address, judged by the address they
//     carry: IPv4-mapped ::ffff:0:0/96 and IPv4-compatible ::/96 (RFC 4291
//     §2.5.5), NAT64 64:ff9b::/96 (RFC 6052) and 6to4 2002::/16 (RFC 3056);
//     the local-use NAT64 prefix 64:ff9b:1::/48 (RFC 8215) is refused whole.
//
// The check is made on the address a socket is about to connect to, not on
// a name: Control is a net.Dialer hook that runs after resolution and before
// connect(2), so a name that resolves to a private address (or is rebound to
// one between two lookups) is refused too. GuardedDialer wraps any dial
// function, refusing an address literal before dialling and checking the
// peer of every connection it returns; CheckRedirect keeps an http.Client
// from following a redirect into those networks.
package netguard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"syscall"
	"time"
)

// Class names why an address is refused.
type Class string

// The classes of refused addresses.
const (
	// Unspecified is 0.0.0.0 or :: (RFC 1122 §3.2.1.3, RFC 4291 §2.5.2).
	Unspecified Class = "unspecified"
	// ThisNetwork is the rest of 0.0.0.0/8 (RFC 1122 §3.2.1.3).
	ThisNetwork Class = "this-network"
	// Loopback is 127.0.0.0/8 or ::1.
	Loopback Class = "loopback"
	// Private is RFC 1918 space: 10/8, 172.16/12, 192.168/16.
	Private Class = "private"
	// Shared is the carrier-grade NAT space 100.64.0.0/10 (RFC 6598).
	Shared Class = "shared-cgnat"
	// LinkLocal is 169.254.0.0/16 (RFC 3927) or fe80::/10.
	LinkLocal Class = "link-local"
	// UniqueLocal is fc00::/7 (RFC 4193).
	UniqueLocal Class = "unique-local"
	// SiteLocal is the deprecated fec0::/10 (RFC 3879).
	SiteLocal Class = "site-local"
	// Multicast is 224.0.0.0/4 or ff00::/8.
	Multicast Class = "multicast"
	// Reserved is 240.0.0.0/4 with 255.255.255.255 (RFC 1112, RFC 919).
	Reserved Class = "reserved"
	// SpecialPurpose is 192.0.0.0/24 (RFC 6890), 198.18.0.0/15 (RFC 2544),
	// 100::/64 (RFC 6666) and the local-use NAT64 64:ff9b:1::/48 (RFC 8215).
	SpecialPurpose Class = "special-purpose"
)

// ErrForbidden marks every refusal; tell it apart with errors.Is.
var ErrForbidden = errors.New("destination refused")

// ForbiddenError is a refused destination: Addr (the address checked, as
// written), Class (why), Host (the name it was reached by, when known).
type ForbiddenError struct {
	Addr  netip.Addr
	Class Class
	Host  string
}

func (e *ForbiddenError) Error() string {
	what := e.Addr.String()
	if e.Host != "" && e.Host != what {
		what = e.Host + " (" + what + ")"
	}
	if !e.Addr.IsValid() {
		what = e.Host
	}
	return fmt.Sprintf("%v: %s is a %s address; this server reaches only public destinations (the operator may pass --allow-private-targets)", ErrForbidden, what, e.Class)
}

// Unwrap makes errors.Is(err, ErrForbidden) hold.
func (e *ForbiddenError) Unwrap() error { return ErrForbidden }

type rule struct {
	prefix netip.Prefix
	class  Class
}

// v4Rules and v6Rules are checked in order; the first match decides.
var (
	v4Rules = []rule{
		{netip.MustParsePrefix("0.0.0.0/32"), Unspecified},
		{netip.MustParsePrefix("0.0.0.0/8"), ThisNetwork},
		{netip.MustParsePrefix("10.0.0.0/8"), Private},
		{netip.MustParsePrefix("100.64.0.0/10"), Shared},
		{netip.MustParsePrefix("127.0.0.0/8"), Loopback},
		{netip.MustParsePrefix("169.254.0.0/16"), LinkLocal},
		{netip.MustParsePrefix("172.16.0.0/12"), Private},
		{netip.MustParsePrefix("192.0.0.0/24"), SpecialPurpose},
		{netip.MustParsePrefix("192.168.0.0/16"), Private},
		{netip.MustParsePrefix("198.18.0.0/15"), SpecialPurpose},
		{netip.MustParsePrefix("224.0.0.0/4"), Multicast},
		{netip.MustParsePrefix("240.0.0.0/4"), Reserved},
	}
	v6Rules = []rule{
		{netip.MustParsePrefix("::/128"), Unspecified},
		{netip.MustParsePrefix("::1/128"), Loopback},
		{netip.MustParsePrefix("64:ff9b:1::/48"), SpecialPurpose},
		{netip.MustParsePrefix("100::/64"), SpecialPurpose},
		{netip.MustParsePrefix("fc00::/7"), UniqueLocal},
		{netip.MustParsePrefix("fe80::/10"), LinkLocal},
		{netip.MustParsePrefix("fec0::/10"), SiteLocal},
		{netip.MustParsePrefix("ff00::/8"), Multicast},
	}
	// Prefixes whose addresses carry an IPv4 address, and where it sits.
	ipv4Compatible = netip.MustParsePrefix("::/96")
	nat64          = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour      = netip.MustParsePrefix("2002::/16")
)

// Classify returns why ip is refused, or "" for a public address. An
// invalid address is Unspecified: nothing can be reached through it.
func Classify(ip netip.Addr) Class {
	ip = ip.WithZone("")
	switch {
	case !ip.IsValid():
		return Unspecified
	case ip.Is4In6():
		return Classify(ip.Unmap())
	case ip.Is4():
		for _, r := range v4Rules {
			if r.prefix.Contains(ip) {
				return r.class
			}
		}
		return ""
	}
	for _, r := range v6Rules {
		if r.prefix.Contains(ip) {
			return r.class
		}
	}
	b := ip.As16()
	switch {
	case ipv4Compatible.Contains(ip), nat64.Contains(ip):
		return Classify(netip.AddrFrom4([4]byte(b[12:16])))
	case sixToFour.Contains(ip):
		return Classify(netip.AddrFrom4([4]byte(b[2:6])))
	}
	return ""
}

// Check returns a *ForbiddenError when ip is not a public address.
func Check(ip netip.Addr) error {
	if c := Classify(ip); c != "" {
		return &ForbiddenError{Addr: ip, Class: c}
	}
	return nil
}

// checkHostName refuses the names that mean this machine whatever DNS says:
// "localhost" and names under it (RFC 6761 §6.3).
func checkHostName(host string) error {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return &ForbiddenError{Host: host, Class: Loopback}
	}
	return nil
}

// checkHostPort checks the host of addr ("host:port") when it is an address
// literal or a localhost name; other names pass (their addresses are checked
// when the connection is made).
func checkHostPort(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	return checkHost(host)
}

func checkHost(host string) error {
	h := strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if ip, err := netip.ParseAddr(h); err == nil {
		if err := Check(ip); err != nil {
			err.(*ForbiddenError).Host = host
			return err
		}
		return nil
	}
	return checkHostName(h)
}

// DialFunc opens a connection, as net.Dialer.DialContext does. It is an
// alias, so diag/policy's DialFunc and http.Transport.DialContext take it.
type DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error)

// Control is a net.Dialer Control hook that refuses to connect to a
// non-public address unless allowPrivate. It sees the address the socket is
// about to connect to, after any name resolution, so it also catches a name
// that resolves (or is rebound) to a private address. Only TCP and UDP are
// allowed.
func Control(allowPrivate bool) func(network, address string, c syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		switch network {
		case "tcp", "tcp4", "tcp6", "udp", "udp4", "udp6":
		default:
			return fmt.Errorf("%w: network %q", ErrForbidden, network)
		}
		if allowPrivate {
			return nil
		}
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("%w: cannot tell the address of %q: %v", ErrForbidden, address, err)
		}
		return Check(ap.Addr())
	}
}

// NewDialer returns a net.Dialer with the given timeout whose every
// connection passes Control(allowPrivate) before it is made.
func NewDialer(timeout time.Duration, allowPrivate bool) *net.Dialer {
	return &net.Dialer{Timeout: timeout, Control: Control(allowPrivate)}
}

// GuardedDialer wraps base so that, unless allowPrivate, no connection to a
// non-public destination is returned: an address literal (or localhost) in
// addr is refused before base is called, and the peer address of every
// connection base makes is checked before it is handed on (a connection to
// a refused peer is closed, and one whose peer cannot be told is refused).
// For a name, build base on NewDialer so the resolved address is also
// checked before connect(2), and no packet reaches the refused host.
func GuardedDialer(base DialFunc, allowPrivate bool) DialFunc {
	if allowPrivate {
		return base
	}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		switch network {
		case "tcp", "tcp4", "tcp6", "udp", "udp4", "udp6":
		default:
			return nil, fmt.Errorf("%w: network %q", ErrForbidden, network)
		}
		if err := checkHostPort(addr); err != nil {
			return nil, err
		}
		conn, err := base(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		peer, err := peerAddr(conn)
		if err == nil {
			err = Check(peer)
		}
		if err != nil {
			conn.Close()
			host, _, _ := net.SplitHostPort(addr)
			if fe, ok := err.(*ForbiddenError); ok {
				fe.Host = host
				return nil, fe
			}
			return nil, fmt.Errorf("%s: %w", host, err)
		}
		return conn, nil
	}
}

// peerAddr returns the IP address conn is connected to.
func peerAddr(conn net.Conn) (netip.Addr, error) {
	ra := conn.RemoteAddr()
	if ra == nil {
		return netip.Addr{}, fmt.Errorf("%w: the connection has no remote address", ErrForbidden)
	}
	switch a := ra.(type) {
	case *net.TCPAddr:
		return a.AddrPort().Addr(), nil
	case *net.UDPAddr:
		return a.AddrPort().Addr(), nil
	}
	ap, err := netip.ParseAddrPort(ra.String())
	if err != nil {
		return netip.Addr{}, fmt.Errorf("%w: cannot tell the remote address %q", ErrForbidden, ra.String())
	}
	return ap.Addr(), nil
}
