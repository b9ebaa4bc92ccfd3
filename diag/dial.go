package diag

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/miekg/dns"
	"github.com/mxray/mxray/diag/dnsclient"
)

// Dialer returns a dial function that resolves host names through client
// (so an HTTPS fetch sees the same DNS as the rest of the investigation,
// --resolver and --authoritative included) and connects with timeout.
func Dialer(client *dnsclient.Client, timeout time.Duration) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		d := net.Dialer{Timeout: timeout}
		if ip := net.ParseIP(host); ip != nil {
			return d.DialContext(ctx, network, addr)
		}
		v4, v6 := client.LookupAddrs(ctx, dns.Fqdn(host))
		addrs := append(v4.Addrs(), v6.Addrs()...)
		if len(addrs) == 0 {
			return nil, fmt.Errorf("%s has no address (%s / %s)", host, v4.Status, v6.Status)
		}
		var errs []error
		for _, ip := range addrs {
			c, err := d.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
			if err == nil {
				return c, nil
			}
			errs = append(errs, err)
		}
		return nil, errors.Join(errs...)
	}
}
