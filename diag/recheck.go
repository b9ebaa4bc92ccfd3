package diag

import (
	"context"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/mxray/mxray/diag/arc"
	"github.com/mxray/mxray/diag/blocklist"
	"github.com/mxray/mxray/diag/dkim"
	"github.com/mxray/mxray/diag/dmarc"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/ptrcheck"
	"github.com/mxray/mxray/diag/spfcheck"
	"github.com/mxray/mxray/headers"
	"github.com/mxray/mxray/headers/filters"
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
	Findings  []finding.Finding // the analysis's, the re-check's and the filter verdicts', sorted
	// SendingPTR is the reverse DNS of the sending IP today and its
	// forward confirmation; nil without a re-check or a sending IP.
	SendingPTR *ptrcheck.Result
	Queries    int // DNS questions sent for the re-check
	Log        []dnsclient.LogEntry
	// Blocklists is what the DNS blocklists say of the sending IP and the
	// From, envelope and DKIM d= domains; nil when they were not asked
	// (no re-check, or no blocklists).
	Blocklists *BlocklistReport
	// Filters are the receiving filters' verdicts and the why sentence,
	// built on the re-check's results when it ran (Message.FilterReport).
	Filters filters.Report
}

// Recheck is what DNS says today about the message's SPF, DKIM and DMARC,
// and its ARC chain verified (nil when it carries no ARC field).
type Recheck struct {
	SPF   *SPFRecheck       `json:"spf"`
	DKIM  []dkim.Result     `json:"dkim"`
	DMARC *dmarc.Evaluation `json:"dmarc"`
	ARC   *arc.Chain        `json:"arc,omitempty"`
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
	// shared says the tree is an investigation's of the same domain: its
	// findings are that report's, not the re-check's.
	shared bool
}

// recheckOptions configure a re-check.
type recheckOptions struct {
	// Deadline bounds the re-check; DefaultDeadline when zero.
	Deadline time.Duration
	// Now is the time to judge DKIM x= against; time.Now when zero.
	Now time.Time
	// Blocklists are asked about the message's sending IP and domains,
	// at the same time as the rest; nil asks none.
	Blocklists *blocklist.Set
}

// analyzeHeaders builds a report from a message without asking DNS
// (--no-recheck).
func analyzeHeaders(msg *Message) *HeadersReport {
	r := &HeadersReport{Source: msg.Source, Message: msg.Header, Analysis: msg.Analysis}
	r.Findings = headerFindings(msg.Analysis.Findings)
	r.setFilters(msg.FilterReport(nil))
	return r
}

// recheckHeaders asks DNS today what the receiver asked at delivery, all at
// once: SPF for the IP and envelope it checked (and the HELO identity),
// every DKIM signature's key and signature from the header alone (and the
// body hash when a body is there), and DMARC policy discovery and alignment
// for the From domain. It then sets each result beside what the receiver
// recorded and explains the differences. shared gives the SPF tree already
// prefetched for a domain, or nil (then the re-check builds its own); it
// may wait for it.
func recheckHeaders(ctx context.Context, client *dnsclient.Client, msg *Message, opts recheckOptions, shared func(domain string) *spf.Tree) *HeadersReport {
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

	m, a := msg.Header, msg.Analysis
	rep := analyzeHeaders(msg)
	rc := &Recheck{}
	var wg sync.WaitGroup
	wg.Go(func() { rc.SPF = recheckSPF(ctx, client, a, shared) })
	wg.Go(func() {
		rc.DKIM = dkim.Verify(ctx, client, m.Fields, m.Body, m.HasBody, now)
		dkim.MarkRepaired(rc.DKIM, m.Fields)
	})
	if a.ARCChain.Instances > 0 || len(a.ARCChain.Problems) > 0 {
		wg.Go(func() {
			c := arc.Verify(ctx, client, m.Fields, m.Body, m.HasBody)
			rc.ARC = &c
		})
	}
	if a.FromDomain != "" {
		// Policy discovery for the From domain goes out now, so that
		// Evaluate below finds its answers in the client's cache.
		wg.Go(func() { dmarc.Discover(ctx, client, a.FromDomain) })
	}
	if a.SendingIP != nil {
		wg.Go(func() {
			c := ptrcheck.Check(ctx, client, *a.SendingIP)
			rep.SendingPTR = &c
		})
	}
	var listed []blocklist.Result
	if opts.Blocklists != nil {
		wg.Go(func() { listed = blocklist.Check(ctx, client, messageSubjects(a), *opts.Blocklists) })
	}
	wg.Wait()
	if opts.Blocklists != nil {
		// A policy listing of a sending IP that passed SPF is a note.
		bc := blocklist.Context{SendingIPPassedSPF: sendingIPPassedSPF(a, rc.SPF)}
		rep.Blocklists = blocklistReport(opts.Blocklists, listed, bc)
		rep.Findings = append(rep.Findings, rep.Blocklists.Findings...)
	}

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
	rep.Log = client.Log()
	rep.ThenVsNow = thenVsNow(a, rc, rep.Log)
	rep.Findings = append(rep.Findings, recheckFindings(a, rc, rep.ThenVsNow)...)
	rep.Findings = append(rep.Findings, sendingPTRFindings(a, rep.SendingPTR)...)
	rep.Findings = append(rep.Findings, LimitFindings(client)...)
	if over(ctx) {
		rep.Findings = append(rep.Findings, unfinishedFinding(ctx, []finding.Part{"recheck"}, deadline))
	}
	rep.setFilters(msg.filterReport(rc))
	rep.Queries = client.Queries()
	rep.Log = client.Log()
	return rep
}

// recheckSPF evaluates SPF for what the receiver checked: the client IP it
// recorded (else the sending IP from the Received chain), the envelope
// sender and the HELO name of that hop; against the tree shared gives for
// the domain checked, when it gives one.
func recheckSPF(ctx context.Context, client *dnsclient.Client, a *headers.Analysis, shared func(string) *spf.Tree) *SPFRecheck {
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
	id := spf.Identity{Sender: r.Sender, HELO: r.HELO}
	tree := shared(id.CheckedDomain())
	v := spf.Check(ctx, spfcheck.Resolver(client), ip, id, spf.WithTree(tree), spfcheck.Advice())
	r.Verdict, r.shared = v, tree != nil && v.Tree() == tree
	r.Result, r.HELOResult, r.Matched = v.Result, v.HELOResult, v.Matched
	r.Domain, r.Sender = v.Domain, v.Sender
	r.Explanation, r.Lookups, r.VoidLookups = v.Explanation, v.Lookups, v.VoidLookups
	if v.Err != nil && (v.Result == spf.PermError || v.Result == spf.TempError) {
		r.Error = spf.Reason(v.Err)
	}
	return r
}

// sameDomain compares domains ignoring case and a trailing dot.
func sameDomain(a, b string) bool {
	return strings.EqualFold(strings.TrimSuffix(a, "."), strings.TrimSuffix(b, "."))
}
