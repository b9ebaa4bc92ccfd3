package diag

import (
	"encoding/json"
	"net/netip"

	"github.com/mxray/mxray/diag/blocklist"
	"github.com/mxray/mxray/diag/dkim"
	"github.com/mxray/mxray/diag/dmarc"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/policy"
	"github.com/mxray/mxray/diag/smtp"
	"github.com/mxray/mxray/diag/spfcheck"
)

// checkJSON is the "check" contract of DESIGN.md. Field names are stable:
// add, never rename.
type checkJSON struct {
	Domain        string            `json:"domain"`
	DomainUnicode string            `json:"domain_unicode,omitempty"`
	Queries       int               `json:"queries"`
	Findings      []finding.Finding `json:"findings"`
	MX            []MXHost          `json:"mx"`
	NullMX        bool              `json:"null_mx"`
	ImplicitMX    []netip.Addr      `json:"implicit_mx,omitempty"`
	SPF           *spfcheck.Report  `json:"spf"`
	DKIM          []dkim.KeyReport  `json:"dkim"`
	DKIMProbed    int               `json:"dkim_probed"`
	// DKIMNoSubtree: _domainkey.<domain> does not exist (RFC 8020), so no
	// selector can; DKIMProviders: the senders recognised from MX and SPF,
	// whose selectors were asked first.
	DKIMNoSubtree bool                 `json:"dkim_domainkey_nxdomain"`
	DKIMProviders []string             `json:"dkim_providers,omitempty"`
	DMARC         *dmarc.CheckResult   `json:"dmarc"`
	MTASTS        *policy.MTASTSResult `json:"mta_sts"`
	TLSRPT        *policy.TLSRPTResult `json:"tls_rpt"`
	BIMI          *policy.BIMIResult   `json:"bimi"`
	// Blocklists is left out when they were not asked.
	Blocklists *[]blocklist.Result `json:"blocklists,omitempty"`
	// SMTP is written only when the probe ran (check --smtp): the smtp
	// contract's list, one entry per MX address.
	SMTP       *[]smtp.Result `json:"smtp,omitempty"`
	Unfinished []finding.Part `json:"unfinished,omitempty"`
}

// MarshalJSON writes the report in the "check" contract: mx as a list with
// null_mx beside it, dkim as the list of keys found.
func (r *Report) MarshalJSON() ([]byte, error) {
	j := checkJSON{
		Domain:     r.Domain,
		Queries:    r.Queries,
		Findings:   r.Findings,
		MX:         []MXHost{},
		DKIM:       []dkim.KeyReport{},
		SPF:        r.SPF,
		DMARC:      r.DMARC,
		MTASTS:     r.MTASTS,
		TLSRPT:     r.TLSRPT,
		BIMI:       r.BIMI,
		Blocklists: r.Blocklists.results(),
		Unfinished: r.Unfinished,
	}
	if r.Unicode != r.Domain {
		j.DomainUnicode = r.Unicode
	}
	if j.Findings == nil {
		j.Findings = []finding.Finding{}
	}
	if r.MX != nil {
		j.MX, j.NullMX, j.ImplicitMX = r.MX.Hosts, r.MX.NullMX, r.MX.Implicit
	}
	if r.SMTP != nil {
		rs := r.SMTP.Results
		if rs == nil {
			rs = []smtp.Result{}
		}
		j.SMTP = &rs
	}
	if r.DKIM != nil {
		j.DKIMProbed, j.DKIMNoSubtree, j.DKIMProviders = r.DKIM.Probed, r.DKIM.NoSubtree, r.DKIM.Providers
		for _, k := range r.DKIM.Keys {
			if k.Record != "" || k.FoundBy != dkim.FoundByProbe {
				j.DKIM = append(j.DKIM, k)
			}
		}
	}
	return json.Marshal(j)
}
