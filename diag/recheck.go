package diag

import (
	"context"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/mxray/mxray/diag/dkim"
	"github.com/mxray/mxray/diag/dmarc"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/headers"
	"github.com/mxray/mxray/spf"
)

// HeadersReport is what "mxray headers" reports about a pasted message: the
// analysis of its header (hops, sending IP, what the receiver recorded) and,
// unless the re-check was turned off, what DNS says today and how that
// differs from what the receiver recorded at delivery.
type HeadersReport struct {
	Source    string            // the file name, or "stdin"
	Message   *headers.Message  // the parsed message, raw bytes kept
	Analysis  *headers.Analysis // what the header says
	Recheck   *Recheck          // nil with --no-recheck
	ThenVsNow []ThenNow         // one row per check; empty without a re-check
	Findings  []finding.Finding // the analysis's and the re-check's, sorted
	Queries   int               // DNS questions sent for the re-check
	Log       []dnsclient.LogEntry
}

// Recheck is what DNS says today about the message's SPF, DKIM and DMARC.
type Recheck struct {
	SPF   *SPFRecheck       `json:"spf"`
	DKIM  []dkim.Result     `json:"dkim"`
	DMARC *dmarc.Evaluation `json:"dmarc"`
}

// SPFRecheck is the SPF verdict today for the IP and identities the
// receiver checked.
type SPFRecheck struct {
	Result      spf.Result  `json:"result"`    // "" when SPF could not be re-checked
	IP          *netip.Addr `json:"ip"`        // the client IP evaluated
	IPSource    string      `json:"ip_source"` // "receiver" (what it recorded) or "received" (the Received chain)
	Domain      string      `json:"domain"`    // the domain check_host() evaluated
	Sender      string      `json:"sender"`    // the MAIL FROM used (postmaster@HELO for a bounce)
	HELO        string      `json:"helo"`
	HELOResult  spf.Result  `json:"helo_result"`
	Matched     *spf.Match  `json:"matched"`
	Explanation string      `json:"explanation,omitempty"`
	Lookups     int         `json:"lookups"`
	VoidLookups int         `json:"void_lookups"`
	Error       string      `json:"error,omitempty"`   // why permerror/temperror
	Skipped     string      `json:"skipped,omitempty"` // why SPF was not re-checked at all

	Verdict *spf.Verdict `json:"-"` // with its tree, for the TUI
}

// RecheckOptions configure a re-check.
type RecheckOptions struct {
	// Deadline bounds the re-check; DefaultDeadline when zero.
	Deadline time.Duration
	// Now is the time to judge DKIM x= against; time.Now when zero.
	Now time.Time
}

// AnalyzeHeaders builds a report from a parsed message without asking DNS
// (--no-recheck).
func AnalyzeHeaders(source string, m *headers.Message, a *headers.Analysis) *HeadersReport {
	r := &HeadersReport{Source: source, Message: m, Analysis: a}
	r.Findings = HeaderFindings(a.Findings)
	finding.Sort(r.Findings)
	return r
}

// RecheckHeaders asks DNS today what the receiver asked at delivery, all at
// once: SPF for the IP and envelope it checked (and the HELO identity),
// every DKIM signature's key and signature from the header alone (and the
// body hash when a body is there), and DMARC policy discovery and alignment
// for the From domain. It then sets each result beside what the receiver
// recorded and explains the differences.
func RecheckHeaders(ctx context.Context, client *dnsclient.Client, source string, m *headers.Message, a *headers.Analysis, opts RecheckOptions) *HeadersReport {
	deadline := opts.Deadline
	if deadline <= 0 {
		deadline = DefaultDeadline
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	ctx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()

	rep := AnalyzeHeaders(source, m, a)
	rc := &Recheck{}
	var wg sync.WaitGroup
	wg.Go(func() { rc.SPF = recheckSPF(ctx, client, a) })
	wg.Go(func() { rc.DKIM = dkim.Verify(ctx, client, m.Fields, m.Body, m.HasBody, now) })
	if a.FromDomain != "" {
		// Policy discovery for the From domain goes out now, so that
		// Evaluate below finds its answers in the client's cache.
		wg.Go(func() { dmarc.Discover(ctx, client, a.FromDomain) })
	}
	wg.Wait()

	if a.FromDomain != "" {
		spfIn := dmarc.SPFInput{Domain: rc.SPF.Domain, Result: string(rc.SPF.Result)}
		var dkimIn []dmarc.DKIMInput
		for _, d := range rc.DKIM {
			dkimIn = append(dkimIn, dmarc.DKIMInput{Domain: d.Domain, Result: string(d.Result)})
		}
		ev := dmarc.Evaluate(ctx, client, a.FromDomain, spfIn, dkimIn)
		rc.DMARC = &ev
	}
	rep.Recheck = rc
	rep.ThenVsNow = thenVsNow(a, rc)
	rep.Findings = append(rep.Findings, recheckFindings(a, rc, rep.ThenVsNow)...)
	rep.Findings = append(rep.Findings, LimitFindings(client)...)
	if over(ctx) {
		rep.Findings = append(rep.Findings, unfinishedFinding(ctx, []Part{"recheck"}, deadline))
	}
	finding.Sort(rep.Findings)
	rep.Queries = client.Queries()
	rep.Log = client.Log()
	return rep
}

// recheckSPF evaluates SPF for what the receiver checked: the client IP it
// recorded (else the sending IP from the Received chain), the envelope
// sender and the HELO name of that hop.
func recheckSPF(ctx context.Context, client *dnsclient.Client, a *headers.Analysis) *SPFRecheck {
	r := &SPFRecheck{Sender: a.EnvelopeFrom, HELO: a.HELO}
	var ip netip.Addr
	switch {
	case a.ReceiverClientIP != nil:
		ip, r.IPSource = *a.ReceiverClientIP, "receiver"
	case a.SendingIP != nil:
		ip, r.IPSource = *a.SendingIP, "received"
	default:
		r.Skipped = "the header holds no public sending IP, so SPF cannot be re-checked; give one with --sending-ip"
		return r
	}
	ip = ip.Unmap()
	r.IP = &ip
	for _, h := range a.Hops {
		if h.IP != nil && h.IP.Unmap() == ip && h.HELO != "" {
			r.HELO = h.HELO
		}
	}
	if r.Sender == "" && r.HELO == "" {
		r.Skipped = "the header names neither an envelope sender nor a HELO name, so SPF has no domain to check"
		return r
	}
	v := spf.Check(ctx, SPFResolver(client), ip, spf.Identity{Sender: r.Sender, HELO: r.HELO}, spfAdvice)
	r.Verdict = v
	r.Result, r.HELOResult, r.Matched = v.Result, v.HELOResult, v.Matched
	r.Domain, r.Sender = v.Domain, v.Sender
	r.Explanation, r.Lookups, r.VoidLookups = v.Explanation, v.Lookups, v.VoidLookups
	if v.Err != nil && (v.Result == spf.PermError || v.Result == spf.TempError) {
		r.Error = v.Err.Error()
	}
	return r
}

// HeaderFindings converts the headers package's findings to diag's shape.
func HeaderFindings(fs []headers.Finding) []finding.Finding {
	out := make([]finding.Finding, len(fs))
	for i, f := range fs {
		out[i] = finding.Finding{Severity: finding.Severity(f.Severity), Code: string(f.Code), Message: f.Message, Fix: f.Fix, Part: "headers", Subject: f.Subject}
	}
	return out
}

// sameDomain compares domains ignoring case and a trailing dot.
func sameDomain(a, b string) bool {
	return strings.EqualFold(strings.TrimSuffix(a, "."), strings.TrimSuffix(b, "."))
}
