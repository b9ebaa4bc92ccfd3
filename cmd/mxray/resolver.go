package main

import (
	"crypto/x509"
	"fmt"
	"os"
	"slices"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/blocklist"
	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/zoneserver"
)

// dnsSetup is how this run asks DNS: the client configuration shared by
// every investigation (each gets its own client, and so its own cache), and
// the in-process server behind --demo or --zone.
type dnsSetup struct {
	config dnsclient.Config
	server *zoneserver.Server // nil unless --demo or --zone
	// nameservers are the demo's other nameservers (the stale one of
	// changed.example); nil unless --demo.
	nameservers *demo.Nameservers
	offline     bool // --zone: no MTA-STS fetches
	// policies is the demo's MTA-STS policy server (dial reaches it and
	// policyRoots trust it); nil unless --demo.
	policies    *demo.Policies
	policyRoots *x509.CertPool
	// dial makes the dial of an investigation's connections (the MTA-STS
	// fetch, the SMTP probe) from its client: the one place that chooses
	// it, for the CLI and the workbench alike. diag.Dialer here;
	// diag.PublicDialer in mxray serve's sessions.
	dial func(client *dnsclient.Client) diag.DialFunc
	// public is set in mxray serve without --allow-private-targets: the
	// connections made on a user's behalf reach only public addresses
	// (dial, and the SMTP probe's, probeDial).
	public bool
	// blocklists are the lists every investigation of the run asks; nil
	// for none (see withBlocklists).
	blocklists *blocklist.Set
	// mode and zoneFile say where the answers come from (the reports'
	// provenance; a serve session's come from the server's set-up).
	mode     diag.Mode
	zoneFile string
}

// newClient returns a fresh client for one investigation.
func (s *dnsSetup) newClient() *dnsclient.Client { return dnsclient.New(s.config) }

// forSession returns the server's DNS set-up for one session of mxray
// serve: the same servers, cache and dial, with the session's own DNS
// question limiter, and no in-process server to close (the server's
// outlives the session).
func (s *dnsSetup) forSession(limiter dnsclient.Limiter) *dnsSetup {
	c := *s
	c.config.Limiter = limiter
	c.config.Secrets = slices.Clip(s.config.Secrets) // a session's appends never reach the server's
	c.server, c.nameservers, c.policies = nil, nil, nil
	return &c
}

// probeDial is the SMTP probe's dial: nil (the system's) or, when
// connections must reach public addresses only (mxray serve), one that
// refuses any other (diag.PublicDialer, diag/netguard). It has no timeout
// of its own: the probe's steps bound it.
func (s *dnsSetup) probeDial() diag.DialFunc {
	if !s.public {
		return nil
	}
	return diag.PublicDialer(s.newClient(), 0)
}

// close stops the in-process server, if any.
func (s *dnsSetup) close() {
	if s.server != nil {
		s.server.Close()
	}
	if s.nameservers != nil {
		s.nameservers.Close()
	}
	if s.policies != nil {
		s.policies.Close()
	}
}

// setupDNS builds the DNS setup from the flags: --demo serves the embedded
// zone (and the demo's blocklists) with nothing behind it; --zone overlays a zone file on the resolvers;
// otherwise --resolver or /etc/resolv.conf.
//
// A command run inside mxray serve (o.shared) gets the server's set-up.
// setupDNS also fills in the run's provenance: where the answers come from.
func setupDNS(o *options) (*dnsSetup, error) {
	if o.shared != nil {
		o.prov.Mode, o.prov.Resolvers, o.prov.ZoneFile = o.shared.mode, o.shared.config.Servers, o.shared.zoneFile
		s := o.shared.forSession(o.shared.config.Limiter)
		if o.tracer != nil {
			s.config.OnQuery = o.tracer.onQuery(s.config.OnQuery)
		}
		return s, nil
	}
	timeout := o.timeout
	s := &dnsSetup{
		config: dnsclient.Config{Timeout: o.timeout, Authoritative: o.authoritative, AttemptTimeout: o.attemptTimeout},
		dial:   func(c *dnsclient.Client) diag.DialFunc { return diag.Dialer(c, timeout) },
	}
	if o.tracer != nil {
		s.config.OnQuery = o.tracer.onQuery(nil)
	}
	defer func() { o.prov.Mode, o.prov.ZoneFile = s.mode, s.zoneFile }()
	if o.demo {
		srv, err := startZone(demo.ServedZoneText(), "the demo zone")
		if err != nil {
			return nil, err
		}
		// As a validating resolver would for signed zones: the demo's DANE
		// records count, and the DNS log shows them secure.
		demo.MarkSecure(srv)
		s.server = srv
		s.config.Servers = []string{srv.Addr()}
		s.config.ServerNames = map[string]string{srv.Addr(): "the demo zone"}
		s.mode, o.prov.Resolvers = diag.ModeDemo, nil
		// The nameservers the demo zone names are played by in-process
		// servers too (mxray dns compares them): one of changed.example's
		// is stale.
		ns, err := demo.StartNameservers()
		if err != nil {
			srv.Close()
			return nil, fmt.Errorf("the demo zone: cannot start its second nameserver: %w", err)
		}
		s.nameservers = ns
		s.config.NameserverAddr = ns.NameserverAddr(srv.Addr())
		// The MTA-STS policy is fetched from the demo's own HTTPS server
		// (started on the first fetch): the demo's fetches reach nothing
		// else.
		pol := demo.NewPolicies()
		s.policies, s.policyRoots = pol, pol.Roots()
		s.dial = func(c *dnsclient.Client) diag.DialFunc { return diag.ResolvingDialer(c, pol.Dial) }
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
	s.mode, o.prov.Resolvers = diag.ModeResolver, servers
	if o.authoritative {
		s.mode = diag.ModeAuthoritative
	}
	if o.zone != "" {
		s.mode, s.zoneFile = diag.ModeZone, o.zone
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
		s.config.ServerNames = map[string]string{srv.Addr(): "--zone " + o.zone}
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
