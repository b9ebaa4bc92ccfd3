package dnsclient

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"

	"github.com/miekg/dns"
)

// route picks the servers for name: an overlay that covers it; else, in
// authoritative mode, the nameservers of its zone; else Servers. Internal
// questions (authoritative mode's own) always go to Servers.
func (c *Client) route(ctx context.Context, name string, internal bool) (route, Status, error) {
	if !internal {
		for _, o := range c.overlays {
			if dns.IsSubDomain(o.zone, name) {
				return route{servers: []string{o.server}, rd: true}, "", nil
			}
		}
	}
	if internal || !c.cfg.Authoritative {
		return route{servers: c.servers, rd: true, resolvers: true}, "", nil
	}
	zi, st, err := c.zones.do(ctx, canonical(name), func(ctx context.Context) (zoneInfo, Status, error) {
		return c.findZone(ctx, name)
	})
	if err != nil {
		return route{}, st, err
	}
	servers, st, err := c.nsAddrs.do(ctx, zi.apex, func(ctx context.Context) ([]string, Status, error) {
		return c.zoneServers(ctx, zi)
	})
	if err != nil {
		return route{}, st, err
	}
	return route{servers: servers, rd: false, zone: zi.apex}, "", nil
}

// zoneInfo is the zone a name is in; when it was learned from a referral,
// the referral's nameservers and glue come with it.
type zoneInfo struct {
	apex string
	ns   []string
	glue map[string][]netip.Addr // canonical host → addresses
}

// findZone finds the zone cut above name by asking Servers for its SOA:
// the SOA itself when name is an apex, the SOA of a negative answer, or the
// NS of a referral; a name that is an alias, or a reply that shows no zone,
// moves the search one label up.
func (c *Client) findZone(ctx context.Context, name string) (zoneInfo, Status, error) {
	cur := name
	for {
		res := c.lookup(ctx, cur, dns.TypeSOA, true)
		a := res.ans
		if a.Status.Temporary() {
			return zoneInfo{}, a.Status, fmt.Errorf("%w of %s: %w", ErrZoneCut, name, a.Err)
		}
		if len(a.CNAMEs) == 0 && res.reply != nil {
			if a.Status == StatusRecords {
				return zoneInfo{apex: canonical(a.Records[0].Header().Name)}, "", nil
			}
			if soa := negativeSOA(res.reply.Ns, cur); soa != nil {
				return zoneInfo{apex: canonical(soa.Hdr.Name)}, "", nil
			}
			if zi, ok := referral(res.reply, cur); ok {
				return zi, "", nil
			}
		}
		p, ok := parent(cur)
		if !ok {
			return zoneInfo{apex: "."}, "", nil
		}
		cur = p
	}
}

// referral reads the zone, nameservers and glue of a referral for name.
func referral(msg *dns.Msg, name string) (zoneInfo, bool) {
	var zi zoneInfo
	for _, rr := range msg.Ns {
		ns, ok := rr.(*dns.NS)
		if !ok || !dns.IsSubDomain(ns.Hdr.Name, name) {
			continue
		}
		if zi.apex == "" {
			zi.apex = canonical(ns.Hdr.Name)
		}
		if canonical(ns.Hdr.Name) == zi.apex {
			zi.ns = append(zi.ns, ns.Ns)
		}
	}
	if zi.apex == "" {
		return zi, false
	}
	zi.glue = map[string][]netip.Addr{}
	for _, rr := range msg.Extra {
		var ip netip.Addr
		switch r := rr.(type) {
		case *dns.A:
			ip, _ = netip.AddrFromSlice(r.A.To4())
		case *dns.AAAA:
			ip, _ = netip.AddrFromSlice(r.AAAA.To16())
		}
		if ip.IsValid() {
			k := canonical(rr.Header().Name)
			zi.glue[k] = append(zi.glue[k], ip)
		}
	}
	return zi, true
}

// zoneServers returns the addresses to ask for the zone: its nameservers
// (from the referral, else an NS question to Servers), each resolved
// through Servers unless glue gave its addresses; IPv4 first.
func (c *Client) zoneServers(ctx context.Context, zi zoneInfo) ([]string, Status, error) {
	hosts := zi.ns
	if len(hosts) == 0 {
		a := c.lookup(ctx, zi.apex, dns.TypeNS, true).ans
		if a.Status.Temporary() {
			return nil, a.Status, fmt.Errorf("%w: NS of %s: %w", ErrNameservers, zi.apex, a.Err)
		}
		hosts = a.Names()
		if len(hosts) == 0 {
			return nil, StatusError, fmt.Errorf("%w: zone %s has no NS records (%s)", ErrNameservers, zi.apex, a.Status)
		}
	}
	addrs := make([][]netip.Addr, len(hosts))
	var wg sync.WaitGroup
	for i, h := range hosts {
		if glue := zi.glue[canonical(h)]; len(glue) > 0 {
			addrs[i] = glue
			continue
		}
		wg.Go(func() {
			v4 := c.lookup(ctx, h, dns.TypeA, true).ans
			v6 := c.lookup(ctx, h, dns.TypeAAAA, true).ans
			addrs[i] = append(v4.Addrs(), v6.Addrs()...)
		})
	}
	wg.Wait()
	if ctx.Err() != nil {
		return nil, contextAnswer("", 0, ctx.Err()).Status, ctx.Err()
	}
	var v4, v6 []string
	var refused error
	for i, h := range hosts {
		for _, ip := range addrs[i] {
			if c.cfg.CheckNameserver != nil {
				if err := c.cfg.CheckNameserver(ip); err != nil {
					refused = err
					continue
				}
			}
			s := c.nameserverAddr(h, ip)
			if ip.Unmap().Is4() {
				v4 = append(v4, s)
			} else {
				v6 = append(v6, s)
			}
		}
	}
	servers := append(v4, v6...)
	if len(servers) == 0 && refused != nil {
		return nil, StatusError, fmt.Errorf("%w: every address of the nameservers of %s was refused: %w", ErrNameservers, zi.apex, refused)
	}
	if len(servers) == 0 {
		return nil, StatusError, fmt.Errorf("%w: no address for any nameserver of %s (%s)", ErrNameservers, zi.apex, strings.Join(hosts, ", "))
	}
	return servers, "", nil
}

func (c *Client) nameserverAddr(host string, ip netip.Addr) string {
	if c.cfg.NameserverAddr != nil {
		return normalizeServer(c.cfg.NameserverAddr(host, ip))
	}
	return net.JoinHostPort(ip.Unmap().String(), "53")
}
