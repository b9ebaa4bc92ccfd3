package main

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/spfcheck"
	"github.com/mxray/mxray/diag/termsafe"
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
	warnSenderWithoutAt(env, o.sender, q.Domain)

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

// warnSenderWithoutAt says on stderr what was checked for a sender without
// "@": check_host() takes it as postmaster@ that name (RFC 7208 §4.3), and
// a DOMAIN given on the command line is the one whose record decides. The
// answer itself is the RFC's, as the contract wants: never an exit 2.
func warnSenderWithoutAt(env *environment, sender, domain string) {
	s := strings.TrimSpace(sender)
	if len(s) >= 2 && s[0] == '<' && s[len(s)-1] == '>' {
		s = s[1 : len(s)-1]
	}
	if s == "" || strings.Contains(s, "@") {
		return
	}
	msg := fmt.Sprintf("--sender %q has no \"@\": checked as postmaster@%s (RFC 7208 §4.3)", s, s)
	if domain != "" && !strings.EqualFold(strings.TrimSuffix(domain, "."), strings.TrimSuffix(s, ".")) {
		msg += fmt.Sprintf("; the verdict is %s's record's, as DOMAIN was given", domain)
	}
	fmt.Fprintf(env.stderr, "mxray: warning: %s\n", termsafe.String(msg))
}
