package dnsclient

import (
	"fmt"
	"net"
	"net/netip"

	"github.com/miekg/dns"
)

// ServersFromResolvConf returns the "nameserver" addresses of a
// resolv.conf(5) file as host:port, in file order. Entries that are not IP
// addresses are skipped (resolv.conf allows only addresses); a file with
// none is an error wrapping ErrNoServers.
func ServersFromResolvConf(path string) ([]string, error) {
	conf, err := dns.ClientConfigFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading resolver configuration: %w", err)
	}
	var out []string
	for _, s := range conf.Servers {
		ip, err := netip.ParseAddr(s)
		if err != nil {
			continue
		}
		out = append(out, net.JoinHostPort(ip.String(), conf.Port))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no \"nameserver\" line with an IP address: %w", path, ErrNoServers)
	}
	return out, nil
}
