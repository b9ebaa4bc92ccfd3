package demo

import (
	_ "embed"
	"net/netip"

	"github.com/mxray/mxray/diag/zoneserver"
)

//go:embed stale.zone
var staleZoneText string

// StaleZoneText returns changed.example as its second nameserver still
// serves it: yesterday's zone, an older SOA serial and the old SPF and
// DMARC records. The demo zone (ZoneText) holds today's.
func StaleZoneText() string { return staleZoneText }

// StaleDomain is the demo domain whose two nameservers disagree.
const StaleDomain = "changed.example"

// The documentation addresses of the demo's nameservers, as the demo zone
// publishes them: ns.example. (every other demo zone) and
// ns1.changed.example. are the demo's DNS server; ns2.changed.example. is
// the stale one.
var (
	nsAddr     = netip.MustParseAddr("192.0.2.53")
	changedNS1 = netip.MustParseAddr("192.0.2.54")
	changedNS2 = netip.MustParseAddr("192.0.2.55")
)

// Nameservers are the demo's nameservers beyond its DNS server: the stale
// second nameserver of changed.example, on loopback.
type Nameservers struct {
	stale *zoneserver.Server
}

// StartNameservers starts the demo's stale nameserver. Close it when done.
func StartNameservers() (*Nameservers, error) {
	srv, err := zoneserver.New(staleZoneText)
	if err != nil {
		return nil, err
	}
	if err := srv.Start(); err != nil {
		return nil, err
	}
	return &Nameservers{stale: srv}, nil
}

// Stale is the stale nameserver's server.
func (n *Nameservers) Stale() *zoneserver.Server { return n.stale }

// Close stops the stale nameserver.
func (n *Nameservers) Close() error { return n.stale.Close() }

// NameserverAddr returns the hook (dnsclient.Config.NameserverAddr) that
// sends a question for a demo nameserver found in the demo zone to the
// in-process server that plays it: primary (the demo's DNS server, at
// host:port) for ns.example. and ns1.changed.example., the stale server
// for ns2.changed.example.; any other address is asked on port 53, as
// without the hook.
func (n *Nameservers) NameserverAddr(primary string) func(host string, ip netip.Addr) string {
	stale := n.stale.Addr()
	return func(_ string, ip netip.Addr) string {
		switch ip {
		case nsAddr, changedNS1:
			return primary
		case changedNS2:
			return stale
		}
		return netip.AddrPortFrom(ip, 53).String()
	}
}
