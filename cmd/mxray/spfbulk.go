package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/spfcheck"
)

// runSPFBulk runs "mxray spf [DOMAIN] --ip-file FILE|-": every IP of the
// file evaluated against one prefetched tree, streamed as JSON Lines or a
// text table in the file's order.
func runSPFBulk(ctx context.Context, o *options, env *environment) (int, error) {
	switch {
	case len(o.ips) > 0:
		return exitCannot, fmt.Errorf("%w: give --ip or --ip-file, not both", errUsage)
	case o.format == "markdown":
		return exitCannot, fmt.Errorf("%w: --ip-file writes JSON Lines (--json) or a text table, not Markdown", errUsage)
	case len(o.args) > 1:
		return exitCannot, fmt.Errorf("%w: spf takes at most one DOMAIN", errUsage)
	case len(o.args) == 0 && !o.set.Changed("sender") && !o.set.Changed("helo"):
		return exitCannot, fmt.Errorf("%w: spf needs a DOMAIN, or --sender or --helo to take it from", errUsage)
	}
	q := spfcheck.Query{Sender: o.sender, HELO: o.helo}
	if len(o.args) == 1 {
		t, err := diag.ParseTarget(o.args[0])
		if err != nil {
			return exitCannot, err
		}
		q.Domain = t.Domain
	}
	if o.set.Changed("record") {
		q.Record = &o.record
	}
	var in io.Reader = env.stdin
	if o.ipFile != "-" {
		f, err := os.Open(o.ipFile)
		if err != nil {
			return exitCannot, err
		}
		defer f.Close()
		in = f
	}
	dnsSet, err := setupDNS(o)
	if err != nil {
		return exitCannot, err
	}
	defer dnsSet.close()
	sum, err := spfcheck.Bulk(ctx, dnsSet.config, q, in, env.stdout, spfcheck.BulkOptions{JSON: o.json, Errs: env.stderr, Deadline: o.deadline})
	switch {
	case sum.Unreachable:
		return exitCannot, fmt.Errorf("no DNS server answered (asked %s); check the network or give one with --resolver", strings.Join(dnsSet.config.Servers, ", "))
	case err != nil:
		return exitCannot, fmt.Errorf("--ip-file %s: %w", o.ipFile, err)
	case finding.HasError(sum.Findings) || sum.BadLines > 0:
		return exitFindings, nil
	}
	return exitOK, nil
}
