package smtp

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/policy"
	"github.com/mxray/mxray/diag/render"
)

// Report is the mail servers of a domain (or a host, or an address)
// probed: each address's Result, held against the domain's MTA-STS
// policy when one was fetched, and the findings. It is the SMTP part of
// an investigation (check --smtp), of mxray smtp and of the workbench's
// SMTP & TLS pane.
type Report struct {
	Results []Result
	// Policy is the MTA-STS policy the results were held against; nil when
	// the domain has none or it was not fetched (under --demo and --zone).
	Policy *policy.STSPolicy
	// Note says why nothing was probed ("null MX: ..."); "" when something
	// was.
	Note     string
	Findings []finding.Finding
}

// ProbeReport probes targets with o (ProbeAll), then holds the results
// against the MTA-STS policy that policyOf waits for: the probes do not
// wait for the policy fetch, it is applied when both are in. now dates the
// findings.
func ProbeReport(ctx context.Context, targets []Target, o Options, policyOf func() *policy.STSPolicy, now time.Time) *Report {
	rs := ProbeAll(ctx, targets, o)
	pol := policyOf()
	for i := range rs {
		ApplyMTASTS(&rs[i], pol)
	}
	return &Report{Results: rs, Policy: pol, Findings: Findings(rs, pol, now)}
}

// Section writes the report's section: the table of addresses probed (Doc),
// or why none was, and which MTA-STS policy they were held against.
func (r *Report) Section(d *render.Doc) {
	Doc(d, r.Results)
	switch {
	case r.Note != "":
		d.Para(r.Note + ".")
	case r.Policy != nil:
		d.Para(fmt.Sprintf("Held against the MTA-STS policy (mode %s; mx %s).", r.Policy.Mode, strings.Join(r.Policy.MX, ", ")))
	}
}
