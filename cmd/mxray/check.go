package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/finding"
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
		return runBatch(ctx, o, env)
	}
	if len(o.args) != 1 {
		return exitCannot, fmt.Errorf("%w: check takes one DOMAIN (or -f FILE)", errUsage)
	}
	t, err := diag.ParseTarget(o.args[0])
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
	if err := writeReport(env.stdout, o, rep, rep.Doc()); err != nil {
		return exitCannot, err
	}
	return exitFor(rep.Findings), nil
}

// checkSetup prepares what check needs, for one domain or a batch: the
// blocklists (asked in a batch only with --blocklists), the DNS setup, and
// the SMTP probe (only with --smtp); done stops what they started.
func checkSetup(o *options, env *environment, batch bool) (dnsSet *dnsSetup, probe *smtp.Options, done func(), err error) {
	lists, err := blocklistSet(o, env, batch)
	if err != nil {
		return nil, nil, nil, err
	}
	dnsSet, err = setupDNS(o)
	if err != nil {
		return nil, nil, nil, err
	}
	dnsSet.withBlocklists(lists)
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
		Selectors:  o.selectors,
		Deadline:   o.deadline,
		Offline:    s.offline,
		Dial:       s.dial(client),
		Blocklists: s.blocklists,
		SMTP:       probe,
	}, nil)
}

// writeReport writes v as JSON, or doc as Markdown or text.
func writeReport(w io.Writer, o *options, v any, doc *render.Doc) error {
	switch o.outputFormat() {
	case "json":
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			return err
		}
		out := termsafe.JSON(buf.Bytes())
		if o.redact {
			out = []byte(render.Redact(string(out)))
		}
		_, err := w.Write(out)
		return err
	case "markdown":
		return render.Markdown(w, doc, render.Options{ASCII: o.ascii, Redact: o.redact})
	default:
		return render.Text(w, doc, render.Options{ASCII: o.ascii, Redact: o.redact})
	}
}

// exitFor returns 1 when a finding is error-severity, else 0.
func exitFor(fs []finding.Finding) int {
	if finding.HasError(fs) {
		return exitFindings
	}
	return exitOK
}
