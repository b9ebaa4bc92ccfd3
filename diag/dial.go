package diag

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/miekg/dns"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/netguard"
)

// DialFunc opens a connection, as net.Dialer.DialContext does: the dial of
// an investigation's fetches and probes (Options.Dial).
type DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error)

// Dialer returns a dial function that resolves host names through client
// (so an HTTPS fetch sees the same DNS as the rest of the investigation,
// --resolver and --authoritative included) and connects with timeout.
func Dialer(client *dnsclient.Client, timeout time.Duration) DialFunc {
	return ResolvingDialer(client, (&net.Dialer{Timeout: timeout}).DialContext)
}

// PublicDialer is Dialer for connections made on a stranger's behalf
// (mxray serve): it connects only to public addresses (diag/netguard). An
// address literal or localhost is refused before anything is dialled, and
// every address a name resolves to is checked again just before connect(2),
// so no packet reaches a loopback, private, link-local or unique-local
// host, whatever the DNS of the domain says.
func PublicDialer(client *dnsclient.Client, timeout time.Duration) DialFunc {
	return netguard.GuardedDialer(ResolvingDialer(client, netguard.NewDialer(timeout, false).DialContext), false)
}

// ResolvingDialer returns a dial function that resolves host names
// through client and connects to each address in turn with dial, which
// sees addresses only (a net.Dialer's, netguard's, or the demo's, which
// maps the demo zone's addresses to loopback servers).
func ResolvingDialer(client *dnsclient.Client, dial DialFunc) DialFunc {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		if ip := net.ParseIP(host); ip != nil {
			return dial(ctx, network, addr)
		}
		v4, v6 := client.LookupAddrs(ctx, dns.Fqdn(host))
		addrs := append(v4.Addrs(), v6.Addrs()...)
		if len(addrs) == 0 {
			return nil, fmt.Errorf("%s has no address (%s / %s)", host, v4.Status, v6.Status)
		}
		var errs []error
		for _, ip := range addrs {
			c, err := dial(ctx, network, net.JoinHostPort(ip.String(), port))
			if err == nil {
				return c, nil
			}
			errs = append(errs, err)
		}
		return nil, errors.Join(errs...)
	}
}
