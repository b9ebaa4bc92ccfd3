package readiness

import (
	"cmp"
	"slices"
	"time"

	"github.com/mxray/mxray/diag/dmarc"
	"github.com/mxray/mxray/diag/dmarcreport"
	"github.com/mxray/mxray/diag/finding"
)

// Today is a domain's DMARC policy as DNS publishes it now, to compare the
// reports' policy_published with.
type Today struct {
	Found     bool // a DMARC record applies
	P, SP, NP dmarcreport.Policy
	ADKIM     string // "r" or "s"
	ASPF      string
	Pct       int // -1 when absent
	Testing   bool
}

// TodayFrom takes today's policy from a DMARC check.
func TodayFrom(res *dmarc.CheckResult) Today {
	if res == nil || res.Parsed == nil || res.Record == "" {
		return Today{Pct: -1}
	}
	r := res.Parsed
	pol := r.Policies()
	return Today{Found: true, P: dmarcreport.Policy(pol.Domain), SP: dmarcreport.Policy(pol.Subdomain), NP: dmarcreport.Policy(pol.Nonexistent),
		ADKIM: string(r.ADKIM), ASPF: string(r.ASPF), Pct: r.Pct, Testing: r.Testing}
}

// Options are the inputs of Result besides the reports.
type Options struct {
	// Today is today's DMARC policy per policy domain (absent: not
	// compared).
	Today map[string]Today
	// Enrichments are from Set.Enrich; nil when DNS was not asked.
	Enrichments Enrichments
	// Now is the time reports are judged stale against (default time.Now).
	Now time.Time
	// StaleAfter is how old a domain's newest report may be before it is
	// called stale (default 30 days).
	StaleAfter time.Duration
}

// Result is the "report" JSON contract (DESIGN.md): the reports, the
// sources, the totals and the findings, with the readiness answer added.
type Result struct {
	Reports   []ReportJSON      `json:"reports"`
	Sources   []SourceJSON      `json:"sources"`
	Totals    Totals            `json:"totals"`
	Readiness []Readiness       `json:"readiness"`
	Errors    []ErrorJSON       `json:"errors"`
	Findings  []finding.Finding `json:"findings"`
}

// ReportJSON is one report's metadata.
type ReportJSON struct {
	OrgName  string             `json:"org_name"`
	ReportID string             `json:"report_id"`
	Begin    *string            `json:"begin"` // RFC 3339, UTC; null when missing
	End      *string            `json:"end"`
	Domain   string             `json:"domain"`
	Schema   dmarcreport.Schema `json:"schema"`
	// Policy is the published p; PolicyPublished has every field.
	Policy          dmarcreport.Policy `json:"policy"`
	PolicyPublished PublishedJSON      `json:"policy_published"`
	File            string             `json:"file"`
	Member          []string           `json:"member"`
	Rows            int64              `json:"rows"`
	Messages        int64              `json:"messages"`
	Duplicate       bool               `json:"duplicate"`
	Errors          []string           `json:"receiver_errors"`
}

// PublishedJSON is policy_published; absent fields are empty, pct -1.
type PublishedJSON struct {
	P               dmarcreport.Policy `json:"p"`
	SP              dmarcreport.Policy `json:"sp"`
	NP              dmarcreport.Policy `json:"np"`
	ADKIM           string             `json:"adkim"`
	ASPF            string             `json:"aspf"`
	Pct             int                `json:"pct"`
	FO              string             `json:"fo"`
	Testing         string             `json:"testing"`
	DiscoveryMethod string             `json:"discovery_method"`
}

// SourceJSON is one source: a sending IP for one policy domain.
type SourceJSON struct {
	IP           string                            `json:"ip"`
	Domain       string                            `json:"domain"`
	PTR          *string                           `json:"ptr"`
	FCrDNS       bool                              `json:"fcrdns"`
	Service      *string                           `json:"service"`
	Messages     int64                             `json:"messages"`
	DMARCPass    int64                             `json:"dmarc_pass"`
	DMARCFail    int64                             `json:"dmarc_fail"`
	DKIMAligned  int64                             `json:"dkim_aligned"`
	SPFAligned   int64                             `json:"spf_aligned"`
	Dispositions map[dmarcreport.Disposition]int64 `json:"dispositions"`
	DKIMResults  map[dmarcreport.AuthResult]int64  `json:"dkim_results"`
	SPFResults   map[dmarcreport.AuthResult]int64  `json:"spf_results"`
	HeaderFrom   []string                          `json:"header_from"`
	EnvelopeFrom []string                          `json:"envelope_from"`
	DKIMDomains  []string                          `json:"dkim_domains"`
	AuthorisedBy *string                           `json:"authorised_by"`
	SPFToday     string                            `json:"spf_today,omitempty"`
	// SuggestInclude is an include that would authorise a failing source
	// (found in the SPF record of the domain it seems to belong to).
	SuggestInclude string `json:"suggest_include,omitempty"`
	Action         Action `json:"action"`
	Fix            string `json:"fix,omitempty"`
}

// Totals sum every source.
type Totals struct {
	Messages  int64 `json:"messages"`
	DMARCPass int64 `json:"dmarc_pass"`
	DMARCFail int64 `json:"dmarc_fail"`
	Files     int   `json:"files"`
	Reports   int   `json:"reports"`
	Rows      int64 `json:"rows"`
	Errors    int   `json:"errors"`
}

// Readiness is the answer for one policy domain: how much passes, and what
// blocks an enforcing policy.
type Readiness struct {
	Domain    string  `json:"domain"`
	Messages  int64   `json:"messages"`
	DMARCPass int64   `json:"dmarc_pass"`
	DMARCFail int64   `json:"dmarc_fail"`
	PassShare float64 `json:"pass_share"` // 0 to 1
	// FixMessages is the failing volume of sources that need a fix;
	// LeaveMessages the failing volume that should keep failing
	// (forwarding, spoofing).
	FixMessages   int64           `json:"fix_messages"`
	LeaveMessages int64           `json:"leave_failing_messages"`
	Ready         bool            `json:"ready"`
	Failing       []FailingSource `json:"failing"` // by failing volume, largest first
}

// FailingSource is one source with failing mail and what to do.
type FailingSource struct {
	IP       string `json:"ip"`
	Service  string `json:"service"`
	Messages int64  `json:"messages"`
	Failing  int64  `json:"failing"`
	Action   Action `json:"action"`
	Fix      string `json:"fix"`
}

// ErrorJSON is one input problem.
type ErrorJSON struct {
	File    string   `json:"file"`
	Member  []string `json:"member"`
	Line    int      `json:"line"`
	Column  int      `json:"column"`
	Offset  int64    `json:"offset"`
	Message string   `json:"message"`
}

// Build gives the readiness answer and findings for what s read.
func Build(s *dmarcreport.Set, o Options) *Result {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.StaleAfter <= 0 {
		o.StaleAfter = 30 * 24 * time.Hour
	}
	res := &Result{Reports: []ReportJSON{}, Sources: []SourceJSON{}, Readiness: []Readiness{}, Errors: []ErrorJSON{}, Findings: []finding.Finding{}}
	files := map[string]bool{}
	for _, rep := range s.Reports() {
		files[rep.File] = true
		res.Reports = append(res.Reports, reportJSON(rep))
		res.Totals.Rows += rep.Rows
	}
	for _, e := range s.Errors() {
		files[e.File] = true
		res.Errors = append(res.Errors, ErrorJSON{File: e.File, Member: nonNil(e.Member), Line: e.Line, Column: e.Column, Offset: e.Offset, Message: errText(e.Err)})
	}
	res.Totals.Files, res.Totals.Reports, res.Totals.Errors = len(files), len(res.Reports), len(res.Errors)

	byDomain := map[string]*Readiness{}
	var domains []string
	for _, src := range s.Sources() {
		var e *Enrichment
		if en, ok := o.Enrichments[src.Key()]; ok && o.Enrichments != nil {
			e = &en
		}
		adv := advise(src, e)
		sj := sourceJSON(src, e, adv)
		res.Sources = append(res.Sources, sj)
		res.Totals.Messages += src.Messages
		res.Totals.DMARCPass += src.DMARCPass
		r := byDomain[src.Domain]
		if r == nil {
			r = &Readiness{Domain: src.Domain, Failing: []FailingSource{}}
			byDomain[src.Domain] = r
			domains = append(domains, src.Domain)
		}
		r.Messages += src.Messages
		r.DMARCPass += src.DMARCPass
		if fail := src.Messages - src.DMARCPass; fail > 0 {
			r.Failing = append(r.Failing, FailingSource{IP: src.Text, Service: deref(sj.Service), Messages: src.Messages, Failing: fail, Action: adv.Action, Fix: adv.Fix})
			if adv.Action.NeedsFix() {
				r.FixMessages += fail
			} else {
				r.LeaveMessages += fail
			}
		}
	}
	res.Totals.DMARCFail = res.Totals.Messages - res.Totals.DMARCPass
	slices.SortStableFunc(res.Sources, func(a, b SourceJSON) int {
		if c := cmp.Compare(b.DMARCFail, a.DMARCFail); c != 0 {
			return c
		}
		return cmp.Compare(b.Messages, a.Messages)
	})
	slices.Sort(domains)
	for _, d := range domains {
		r := byDomain[d]
		r.DMARCFail = r.Messages - r.DMARCPass
		if r.Messages > 0 {
			r.PassShare = float64(r.DMARCPass) / float64(r.Messages)
		}
		r.Ready = r.FixMessages == 0
		slices.SortStableFunc(r.Failing, func(a, b FailingSource) int { return cmp.Compare(b.Failing, a.Failing) })
		res.Readiness = append(res.Readiness, *r)
	}
	res.Findings = findings(s, res, o)
	finding.Sort(res.Findings)
	return res
}

func reportJSON(rep *dmarcreport.Report) ReportJSON {
	p := rep.Published
	return ReportJSON{OrgName: rep.OrgName, ReportID: rep.ReportID, Begin: unixText(rep.Begin), End: unixText(rep.End),
		Domain: p.Domain, Schema: rep.Schema, Policy: p.P,
		PolicyPublished: PublishedJSON{P: p.P, SP: p.SP, NP: p.NP, ADKIM: p.ADKIM, ASPF: p.ASPF, Pct: p.Pct, FO: p.FO, Testing: p.Testing, DiscoveryMethod: p.DiscoveryMethod},
		File:            rep.File, Member: nonNil(rep.Member), Rows: rep.Rows, Messages: rep.Messages, Duplicate: rep.Duplicate, Errors: nonNil(rep.Errors)}
}

func sourceJSON(src *dmarcreport.Source, e *Enrichment, adv Advice) SourceJSON {
	sj := SourceJSON{IP: src.Text, Domain: src.Domain, Messages: src.Messages, DMARCPass: src.DMARCPass, DMARCFail: src.Messages - src.DMARCPass,
		DKIMAligned: src.DKIMAligned, SPFAligned: src.SPFAligned,
		Dispositions: src.Dispositions, DKIMResults: src.DKIMResults, SPFResults: src.SPFResults,
		HeaderFrom: src.HeaderFrom.Strings(), EnvelopeFrom: src.EnvelopeFrom.Strings(), DKIMDomains: src.DKIMDomains.Strings(),
		Action: adv.Action, Fix: adv.Fix}
	if e != nil {
		switch {
		case e.FCrDNS:
			sj.PTR, sj.FCrDNS = &e.ConfirmedBy, true
		case len(e.PTR) > 0:
			sj.PTR = &e.PTR[0]
		}
		if e.Service != "" {
			sj.Service = &e.Service
		}
		if e.AuthorisedBy != "" {
			sj.AuthorisedBy = &e.AuthorisedBy
		}
		sj.SPFToday = string(e.SPF)
		sj.SuggestInclude = e.SuggestInclude
	}
	return sj
}

func unixText(t int64) *string {
	if t == 0 {
		return nil
	}
	s := time.Unix(t, 0).UTC().Format(time.RFC3339)
	return &s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
