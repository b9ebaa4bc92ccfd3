package main

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/render"
	"github.com/mxray/mxray/spf"
	"github.com/mxray/mxray/spf/advice"
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
	id := spf.Identity{Sender: o.sender, HELO: o.helo}
	if len(o.args) == 1 {
		t, err := diag.ParseTarget(o.args[0])
		if err != nil {
			return exitCannot, err
		}
		id.Domain = t.Domain
	} else if !o.set.Changed("sender") && !o.set.Changed("helo") {
		return exitCannot, fmt.Errorf("%w: spf needs a DOMAIN, or --sender or --helo to take it from", errUsage)
	}
	opts := []spf.Option{spf.WithAdvisor(advice.Advisor{})}
	if o.set.Changed("record") {
		opts = append(opts, spf.WithRecord(o.record))
	}

	dnsSet, err := setupDNS(o)
	if err != nil {
		return exitCannot, err
	}
	defer dnsSet.close()
	ctx, cancel := context.WithTimeout(ctx, o.deadline)
	defer cancel()
	client := dnsSet.newClient()
	resolver := diag.SPFResolver(client)

	var (
		out      any
		doc      *render.Doc
		findings []finding.Finding
	)
	switch len(ips) {
	case 0:
		domain := id.Domain
		if domain == "" {
			return exitCannot, fmt.Errorf("%w: without --ip, spf needs a DOMAIN", errUsage)
		}
		tree := spf.Prefetch(ctx, resolver, domain, opts...)
		findings = diag.SPFFindings(tree.Findings())
		out, doc = tree, diag.SPFTreeReport(tree, nil, findings)
	case 1:
		v := spf.Check(ctx, resolver, ips[0], id, opts...)
		findings = diag.SPFFindings(v.Findings())
		out, doc = v, diag.SPFTreeReport(v.Tree(), []*spf.Verdict{v}, findings)
	default:
		rep := spf.CheckIPs(ctx, resolver, ips, id, opts...)
		findings = diag.SPFFindings(rep.Findings())
		out, doc = rep, diag.SPFTreeReport(rep.Tree, rep.Results, findings)
	}
	if diag.NoResolverReached(client.Log()) {
		return exitCannot, fmt.Errorf("no DNS server answered (asked %s); check the network or give one with --resolver", strings.Join(dnsSet.config.Servers, ", "))
	}
	if err := writeReport(env.stdout, o, out, doc); err != nil {
		return exitCannot, err
	}
	return exitFor(findings), nil
}
