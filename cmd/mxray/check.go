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
	lists, err := blocklistSet(o, env, false)
	if err != nil {
		return exitCannot, err
	}
	dnsSet, err := setupDNS(o)
	if err != nil {
		return exitCannot, err
	}
	defer dnsSet.close()
	dnsSet.withBlocklists(lists)
	rep := investigate(ctx, o, dnsSet, t.Domain)
	if rep.Unreachable {
		return exitCannot, fmt.Errorf("no DNS server answered (asked %s); check the network or give one with --resolver", strings.Join(dnsSet.config.Servers, ", "))
	}
	if err := writeReport(env.stdout, o, rep, rep.Doc()); err != nil {
		return exitCannot, err
	}
	return exitFor(rep.Findings), nil
}

// investigate runs one domain investigation with a fresh client.
func investigate(ctx context.Context, o *options, s *dnsSetup, domain string) *diag.Report {
	client := s.newClient()
	return diag.Investigate(ctx, client, domain, diag.Options{
		Selectors:  o.selectors,
		Deadline:   o.deadline,
		Offline:    s.offline,
		Dial:       s.dial(client),
		Blocklists: s.blocklists,
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
