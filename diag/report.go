package diag

import (
	"fmt"
	"strings"
	"time"

	"github.com/mxray/mxray/diag/dkim"
	"github.com/mxray/mxray/diag/dmarc"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/policy"
	"github.com/mxray/mxray/diag/smtp"
	"github.com/mxray/mxray/diag/spfcheck"
	"golang.org/x/net/idna"
)

// Report is everything an investigation of one domain found. Its JSON form
// is the "check" contract of DESIGN.md (see MarshalJSON).
type Report struct {
	Domain  string // ASCII form
	Unicode string // U-label form, equal to Domain when not an IDN

	// Each part is nil until it is known.
	MX     *MXReport
	SPF    *spfcheck.Report
	DKIM   *dkim.Report
	DMARC  *dmarc.CheckResult
	MTASTS *policy.MTASTSResult
	TLSRPT *policy.TLSRPTResult
	BIMI   *policy.BIMIResult
	// Blocklists is what the DNS blocklists say of the MX addresses and
	// the domain.
	Blocklists *BlocklistReport
	// SMTP is each MX address probed; only when asked (Options.SMTP).
	SMTP *smtp.Report

	Findings    []finding.Finding // every part's findings, sorted by severity
	Queries     int               // DNS questions sent on the wire
	Unfinished  []finding.Part    // parts the deadline or a cancel cut off
	Unreachable bool              // not one DNS server answered
	Elapsed     time.Duration
	Log         []dnsclient.LogEntry // every question, for the DNS log pane

	extra []finding.Finding // findings that belong to no one part
}

// clone returns a shallow copy: parts are immutable once set, so sharing
// them between snapshots is safe.
func (r *Report) clone() *Report {
	c := *r
	c.Findings = nil
	c.extra = append([]finding.Finding(nil), r.extra...)
	return &c
}

// collectFindings gathers every part's findings, sorted.
func (r *Report) collectFindings() []finding.Finding {
	var fs []finding.Finding
	for _, p := range parts {
		if p.has(r) {
			fs = append(fs, p.findings(r)...)
		}
	}
	fs = append(fs, r.extra...)
	finding.Sort(fs)
	return fs
}

// crossChecks adds findings that need more than one part.
func (r *Report) crossChecks() {
	if r.MX != nil && r.MX.NullMX && r.SPF != nil && r.SPF.Tree.Root != nil {
		if rec := strings.ToLower(strings.Join(strings.Fields(r.SPF.Tree.Root.Record), " ")); rec != "v=spf1 -all" {
			r.extra = append(r.extra, finding.Finding{Severity: finding.Warning, Code: "spf.null_mx_sender", Part: finding.PartSPF, Subject: finding.Domain(r.Domain),
				Message: fmt.Sprintf("%s accepts no mail (null MX), so it most likely sends none either, yet its SPF record does not say so.", r.Domain),
				Fix:     "Publish the SPF record \"v=spf1 -all\" so receivers reject mail forged in its name."})
		}
	}
	if r.BIMI != nil && r.BIMI.Record != "" && r.DMARC != nil {
		pct := -1
		testing := false
		if p := r.DMARC.Parsed; p != nil {
			pct, testing = p.Pct, p.Testing
		}
		r.extra = append(r.extra, policy.BIMIDMARCFindings(r.Domain, r.DMARC.Policy, testing, pct)...)
	}
}

func unicodeOf(domain string) string {
	if u, err := idna.ToUnicode(domain); err == nil {
		return u
	}
	return domain
}
