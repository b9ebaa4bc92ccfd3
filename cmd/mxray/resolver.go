package main

import (
	"fmt"
	"os"

	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/zoneserver"
)

// dnsSetup is how this run asks DNS: the client configuration shared by
// every investigation (each gets its own client, and so its own cache), and
// the in-process server behind --demo or --zone.
type dnsSetup struct {
	config  dnsclient.Config
	server  *zoneserver.Server // nil unless --demo or --zone
	offline bool               // --demo or --zone: no MTA-STS fetches
}

// newClient returns a fresh client for one investigation.
func (s *dnsSetup) newClient() *dnsclient.Client { return dnsclient.New(s.config) }

// close stops the in-process server, if any.
func (s *dnsSetup) close() {
	if s.server != nil {
		s.server.Close()
	}
}

// setupDNS builds the DNS setup from the flags: --demo serves the embedded
// zone with nothing behind it; --zone overlays a zone file on the resolvers;
// otherwise --resolver or /etc/resolv.conf.
func setupDNS(o *options) (*dnsSetup, error) {
	s := &dnsSetup{config: dnsclient.Config{Timeout: o.timeout, Authoritative: o.authoritative}}
	if o.demo {
		srv, err := startZone(demo.ZoneText(), "the demo zone")
		if err != nil {
			return nil, err
		}
		s.server, s.offline = srv, true
		s.config.Servers = []string{srv.Addr()}
		return s, nil
	}
	servers := o.resolvers
	if len(servers) == 0 {
		var err error
		servers, err = dnsclient.ServersFromResolvConf("/etc/resolv.conf")
		if err != nil {
			return nil, fmt.Errorf("no DNS resolver: %w; give one with --resolver HOST", err)
		}
	}
	s.config.Servers = servers
	if o.zone != "" {
		text, err := os.ReadFile(o.zone)
		if err != nil {
			return nil, fmt.Errorf("--zone: %w", err)
		}
		srv, err := startZone(string(text), o.zone)
		if err != nil {
			return nil, err
		}
		s.server, s.offline = srv, true
		s.config.Overlays = []dnsclient.Overlay{{Zones: srv.Zones(), Server: srv.Addr()}}
	}
	return s, nil
}

func startZone(text, name string) (*zoneserver.Server, error) {
	srv, err := zoneserver.New(text)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("%s: cannot start the in-process DNS server: %w", name, err)
	}
	return srv, nil
}
