package main

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/smtpcheck"
)

// runSMTP runs "mxray smtp DOMAIN|HOST|IP": every MX address of a domain
// (with its PTR), the addresses of a host without MX records, or one
// address, probed: banner, EHLO, STARTTLS, certificate, DANE, held against
// the domain's MTA-STS policy. It never sends MAIL or RCPT.
func runSMTP(ctx context.Context, o *options, env *environment) (int, error) {
	if len(o.args) != 1 {
		return exitCannot, fmt.Errorf("%w: smtp takes one DOMAIN, HOST or IP address", errUsage)
	}
	var name string
	ip, err := netip.ParseAddr(strings.Trim(strings.TrimSpace(o.args[0]), "[]"))
	if err != nil {
		t, err := diag.ParseTarget(o.args[0])
		if err != nil {
			return exitCannot, err
		}
		if t.Kind != diag.TargetDomain {
			return exitCannot, fmt.Errorf("%w: smtp takes one DOMAIN, HOST or IP address, not %q", errUsage, o.args[0])
		}
		name = t.Domain
	}
	dnsSet, err := setupDNS(o)
	if err != nil {
		return exitCannot, err
	}
	defer dnsSet.close()
	probe, err := newProbeSetup(o, dnsSet)
	if err != nil {
		return exitCannot, err
	}
	defer probe.close()
	popts, err := probe.options()
	if err != nil {
		return exitCannot, err
	}
	client := dnsSet.newClient()
	c := smtpcheck.Run(ctx, client, name, ip, diag.Options{
		Deadline:    o.deadline,
		Offline:     dnsSet.offline,
		Dial:        dnsSet.dial(client),
		PolicyRoots: dnsSet.policyRoots,
		SMTP:        &popts,
	})
	if c.Unreachable && name != "" {
		return exitCannot, fmt.Errorf("no DNS server answered (asked %s); check the network or give one with --resolver", strings.Join(dnsSet.config.Servers, ", "))
	}
	if err := writeReport(env.stdout, o, c, c.Doc()); err != nil {
		return exitCannot, err
	}
	return exitFor(c.Findings), nil
}
