package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/ipcheck"
	"github.com/mxray/mxray/diag/render"
	"github.com/mxray/mxray/diag/smtp"
	"github.com/mxray/mxray/diag/termsafe"
)

// runCheck runs "mxray check DOMAIN" and "mxray check -f FILE".
func runCheck(ctx context.Context, o *options, env *environment) (int, error) {
	if o.file != "" {
		if len(o.args) > 0 {
			return exitCannot, fmt.Errorf("%w: give either DOMAIN or -f FILE, not both", errUsage)
		}
		if len(o.ips) > 0 {
			return exitCannot, fmt.Errorf("%w: --ip goes with check DOMAIN, not -f FILE", errUsage)
		}
		return runBatch(ctx, o, env)
	}
	if len(o.args) != 1 {
		return exitCannot, fmt.Errorf("%w: check takes one DOMAIN (or -f FILE)", errUsage)
	}
	t, err := diag.ParseTarget(o.args[0])
	if err != nil {
		return exitCannot, err
	}
	ips, err := checkIPs(o, t)
	if err != nil {
		return exitCannot, err
	}
	dnsSet, probe, done, err := checkSetup(o, env, false)
	if err != nil {
		return exitCannot, err
	}
	defer done()
	rep := investigate(ctx, o, dnsSet, probe, t.Domain)
	if rep.Unreachable {
		return exitCannot, fmt.Errorf("no DNS server answered (asked %s); check the network or give one with --resolver", strings.Join(dnsSet.config.Servers, ", "))
	}
	out := checkOutput{rep: rep}
	if len(ips) > 0 {
		// As the workbench does for "IP DOMAIN": the IP's SPF verdict
		// with its deciding path, its PTR and forward confirmation.
		ctx, cancel := context.WithTimeout(ctx, o.deadline)
		defer cancel()
		client := dnsSet.newClient()
		for _, ip := range ips {
			// The investigation's SPF tree is not fetched again.
			out.ips = append(out.ips, ipcheck.Check(ctx, client, t.Domain, ip, rep.SPF))
		}
	}
	doc := rep.Doc()
	for _, c := range out.ips {
		c.AddTo(doc)
	}
	if err := writeReport(env.stdout, o, out, doc); err != nil {
		return exitCannot, err
	}
	return exitFor(rep.Findings), nil
}

// checkIPs are the client IPs to evaluate: the one of 'IP DOMAIN' and
// every --ip.
func checkIPs(o *options, t diag.Target) ([]netip.Addr, error) {
	var ips []netip.Addr
	if t.Kind == diag.TargetIPDomain {
		ips = append(ips, t.IP)
	}
	for _, s := range o.ips {
		ip, err := netip.ParseAddr(strings.Trim(strings.TrimSpace(s), "[]"))
		if err != nil || ip.Zone() != "" {
			// A zone (fe80::1%eth0) names this machine's link: SPF has
			// no client IP to check with it (RFC 7208 §4.1).
			return nil, fmt.Errorf("%w: --ip %q is not an IPv4 or IPv6 address", errUsage, s)
		}
		if ip = ip.Unmap(); !slices.Contains(ips, ip) {
			ips = append(ips, ip)
		}
	}
	return ips, nil
}

// checkOutput is mxray check's JSON: the report, and with client IPs
// ('IP DOMAIN', --ip) ip_checks: [{ip, domain, spf, ptr}] after it.
type checkOutput struct {
	rep *diag.Report
	ips []*ipcheck.Result
}

// MarshalJSON writes the report's object with ip_checks added when there
// are IPs.
func (c checkOutput) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(c.rep)
	if err != nil || len(c.ips) == 0 {
		return b, err
	}
	ips, err := json.Marshal(c.ips)
	if err != nil {
		return nil, err
	}
	b = bytes.TrimRight(b, " \n")
	if len(b) < 2 || b[len(b)-1] != '}' {
		return nil, fmt.Errorf("check: the report is not a JSON object")
	}
	out := append(b[:len(b)-1:len(b)-1], []byte(`,"ip_checks":`)...)
	return append(append(out, ips...), '}'), nil
}

// checkSetup prepares what check needs, for one domain or a batch: the
// blocklists (asked in a batch only with --blocklists), the DNS setup, and
// the SMTP probe (only with --smtp); done stops what they started.
func checkSetup(o *options, env *environment, batch bool) (dnsSet *dnsSetup, probe *smtp.Options, done func(), err error) {
	dnsSet, err = setupDNSWithLists(o, env, batch)
	if err != nil {
		return nil, nil, nil, err
	}
	probe, stop, err := checkProbe(o, dnsSet)
	if err != nil {
		dnsSet.close()
		return nil, nil, nil, err
	}
	return dnsSet, probe, func() { stop(); dnsSet.close() }, nil
}

// checkProbe sets up the SMTP probe of check --smtp (nil without it:
// check never probes unless asked, in batch neither); stop ends what it
// started (the demo's mail servers).
func checkProbe(o *options, dnsSet *dnsSetup) (probe *smtp.Options, stop func(), err error) {
	if !o.smtp {
		return nil, func() {}, nil
	}
	p, err := newProbeSetup(o, dnsSet)
	if err != nil {
		return nil, func() {}, err
	}
	popts, err := p.options()
	if err != nil {
		p.close()
		return nil, func() {}, err
	}
	return &popts, p.close, nil
}

// investigate runs one domain investigation with a fresh client; with
// probe options (check --smtp), every MX address is probed too.
func investigate(ctx context.Context, o *options, s *dnsSetup, probe *smtp.Options, domain string) *diag.Report {
	client := s.newClient()
	return diag.Investigate(ctx, client, domain, diag.Options{
		Selectors:   o.selectors,
		Deadline:    o.deadline,
		Offline:     s.offline,
		Dial:        s.dial(client),
		PolicyRoots: s.policyRoots,
		Blocklists:  s.blocklists,
		SMTP:        probe,
	}, nil)
}

// writeReport writes v as JSON, or doc as Markdown or text; each carries
// the run's provenance (the JSON fields first, the written reports' last
// line).
func writeReport(w io.Writer, o *options, v any, doc *render.Doc) error {
	switch o.outputFormat() {
	case "json":
		out, err := reportJSON(o, v, "  ")
		if err != nil {
			return err
		}
		_, err = w.Write(out)
		return err
	}
	o.prov.AddTo(doc)
	switch o.outputFormat() {
	case "markdown":
		return render.Markdown(w, doc, render.Options{ASCII: o.ascii, Redact: o.redact})
	default:
		return render.Text(w, doc, render.Options{ASCII: o.ascii, Redact: o.redact})
	}
}

// reportJSON encodes v with the run's provenance, indented by indent ("" for
// one line), ending in a newline, made safe for a terminal (and redacted
// when asked).
func reportJSON(o *options, v any, indent string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	stamped, err := o.prov.Stamp(buf.Bytes())
	if err != nil {
		return nil, err
	}
	buf.Reset()
	if indent == "" {
		buf.Write(stamped)
	} else if err := json.Indent(&buf, stamped, "", indent); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	out := termsafe.JSON(buf.Bytes())
	if o.redact {
		out = []byte(render.Redact(string(out)))
	}
	return out, nil
}

// exitFor returns 1 when a finding is error-severity, else 0.
func exitFor(fs []finding.Finding) int {
	if finding.HasError(fs) {
		return exitFindings
	}
	return exitOK
}
