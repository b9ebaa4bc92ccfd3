package smtp

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
)

// maxControlHosts bounds the MX addresses tried on the control ports.
const maxControlHosts = 3

// DecideBlocked turns "port 25 timed out everywhere" into blocked_here when
// there is evidence that the hosts (or a control target) answer on another
// port, and leaves it unreachable, saying what was tried, when there is
// none. It never claims blocked_here without such evidence. ProbeAll calls
// it; a caller that probes address by address with Probe (to show each as
// it finishes) calls it once all are in, with the same options.
func DecideBlocked(ctx context.Context, rs []Result, o Options) {
	o = o.withDefaults()
	if len(rs) == 0 || ctx.Err() != nil {
		return
	}
	var ips []netip.Addr
	seen := map[netip.Addr]bool{}
	for _, r := range rs {
		if !r.connectTimedOut {
			return // some server answered or refused: port 25 is open here
		}
		if !seen[r.IP] && len(ips) < maxControlHosts {
			seen[r.IP] = true
			ips = append(ips, r.IP)
		}
	}
	var addrs []string
	for _, ip := range ips {
		for _, p := range o.ControlPorts {
			addrs = append(addrs, net.JoinHostPort(ip.String(), strconv.Itoa(p)))
		}
	}
	addrs = append(addrs, o.ControlTargets...)
	answered, tried := control(ctx, addrs, o)
	for i := range rs {
		if answered != "" {
			rs[i].Status = StatusBlockedHere
			rs[i].Evidence = fmt.Sprintf("port %d timed out on every MX address, while %s", o.Port, answered)
			continue
		}
		if len(tried) == 0 {
			rs[i].Evidence = fmt.Sprintf("port %d timed out on every MX address; no other port was tried", o.Port)
		} else {
			rs[i].Evidence = fmt.Sprintf("port %d timed out on every MX address, and so did %s: the hosts do not answer from here at all", o.Port, strings.Join(tried, ", "))
		}
	}
}

// control dials addrs at once and returns the first one that answered (a
// connection, or a refusal, which also shows the host is reachable), in
// words, or what was tried when none did.
func control(ctx context.Context, addrs []string, o Options) (answered string, tried []string) {
	if len(addrs) == 0 {
		return "", nil
	}
	words := make([]string, len(addrs))
	var wg sync.WaitGroup
	for i, a := range addrs {
		wg.Go(func() {
			conn, err := dial(ctx, o, a)
			switch {
			case err == nil:
				conn.Close()
				words[i] = a + " accepted a connection"
			case refusedConn(err):
				words[i] = a + " refused the connection (so the host answers)"
			}
		})
	}
	wg.Wait()
	for _, w := range words {
		if w != "" {
			return w, addrs
		}
	}
	return "", addrs
}
