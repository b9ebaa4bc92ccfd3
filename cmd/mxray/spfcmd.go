package main

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/spfcheck"
)

// runSPF runs "mxray spf [DOMAIN] --ip IP ...": check_host() for each IP,
// with the MAIL FROM and HELO verdicts, the deciding path and the counts.
// Without --ip it shows the tree and its worst-case counts.
func runSPF(ctx context.Context, o *options, env *environment) (int, error) {
	if o.ipFile != "" {
		return runSPFBulk(ctx, o, env)
	}
	if len(o.args) > 1 {
		return exitCannot, fmt.Errorf("%w: spf takes at most one DOMAIN", errUsage)
	}
	var ips []netip.Addr
	for _, s := range o.ips {
		ip, err := netip.ParseAddr(strings.Trim(strings.TrimSpace(s), "[]"))
		if err != nil {
			return exitCannot, fmt.Errorf("%w: --ip %q is not an IPv4 or IPv6 address", errUsage, s)
		}
		ips = append(ips, ip.Unmap())
	}
	q := spfcheck.Query{Sender: o.sender, HELO: o.helo, IPs: ips}
	if len(o.args) == 1 {
		t, err := diag.ParseTarget(o.args[0])
		if err != nil {
			return exitCannot, err
		}
		q.Domain = t.Domain
	} else if !o.set.Changed("sender") && !o.set.Changed("helo") {
		return exitCannot, fmt.Errorf("%w: spf needs a DOMAIN, or --sender or --helo to take it from", errUsage)
	}
	if o.set.Changed("record") {
		q.Record = &o.record
	}

	dnsSet, err := setupDNS(o)
	if err != nil {
		return exitCannot, err
	}
	defer dnsSet.close()
	ctx, cancel := context.WithTimeout(ctx, o.deadline)
	defer cancel()
	client := dnsSet.newClient()
	if len(ips) == 0 && q.Domain == "" {
		return exitCannot, fmt.Errorf("%w: without --ip, spf needs a DOMAIN", errUsage)
	}
	ans := spfcheck.Check(ctx, client, q)
	if dnsclient.NoServerAnswered(client.Log()) {
		return exitCannot, fmt.Errorf("no DNS server answered (asked %s); check the network or give one with --resolver", strings.Join(dnsSet.config.Servers, ", "))
	}
	if err := writeReport(env.stdout, o, ans, ans.Doc()); err != nil {
		return exitCannot, err
	}
	return exitFor(ans.Findings), nil
}
