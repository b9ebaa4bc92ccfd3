package diag

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/mxray/mxray/diag/dkim"
	"github.com/mxray/mxray/diag/dmarc"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/policy"
)

// DefaultDeadline bounds a whole investigation unless Options say otherwise.
const DefaultDeadline = 15 * time.Second

// Options configure an investigation.
type Options struct {
	// Selectors are DKIM selectors given with --selector.
	Selectors []string
	// HeaderSelectors are DKIM selectors read from a message's
	// DKIM-Signature fields for this domain; they are asked first.
	HeaderSelectors []string
	// Deadline bounds the whole investigation; DefaultDeadline when zero.
	Deadline time.Duration
	// Offline is set under --demo and --zone: nothing is fetched over HTTPS
	// (MTA-STS policies), only DNS is asked.
	Offline bool
	// Dial opens connections for the MTA-STS policy fetch; it should resolve
	// names through the investigation's DNS client. Nil means no fetch.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Part names one part of a domain report; the TUI has a pane per part.
type Part string

// The parts of a domain report, in the order they are drawn.
const (
	PartMX     Part = "mx"
	PartSPF    Part = "spf"
	PartDKIM   Part = "dkim"
	PartDMARC  Part = "dmarc"
	PartMTASTS Part = "mta_sts"
	PartTLSRPT Part = "tls_rpt"
	PartBIMI   Part = "bimi"
)

// Event says that one part of an investigation is known. Report is a
// snapshot holding every part finished so far; parts are never changed once
// delivered, so a snapshot may be read while the investigation goes on.
type Event struct {
	Part   Part
	Report *Report
}

// partResult is what one part's goroutine hands back.
type partResult struct {
	part  Part
	apply func(r *Report)
}

// Investigate asks DNS everything about domain at once and returns the
// report. Each part is sent on events (when not nil) the moment it is known;
// the caller must keep receiving until Investigate returns. It stops at the
// deadline or when ctx is cancelled, keeping what it found and saying what
// it could not finish. client should be fresh: its cache lives as long as
// the investigation.
func Investigate(ctx context.Context, client *dnsclient.Client, domain string, opts Options, events chan<- Event) *Report {
	deadline := opts.Deadline
	if deadline <= 0 {
		deadline = DefaultDeadline
	}
	ctx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()
	start := time.Now()

	parts := investigationParts(domain, opts)
	results := make(chan partResult, len(parts))
	for _, p := range parts {
		go func() {
			apply := p.run(ctx, client)
			results <- partResult{part: p.part, apply: apply}
		}()
	}

	rep := &Report{Domain: domain, Unicode: unicodeOf(domain)}
	pending := make([]Part, 0, len(parts))
	for _, p := range parts {
		pending = append(pending, p.part)
	}
	for len(pending) > 0 {
		select {
		case res := <-results:
			if over(ctx) {
				// The part ran into the deadline or a cancel: its
				// failures are ours, not the domain's.
				rep = rep.clone()
				rep.Unfinished = pending
				pending = nil
				continue
			}
			next := rep.clone()
			res.apply(next)
			next.Queries = client.Queries()
			next.Findings = next.collectFindings()
			rep = next
			pending = slices.DeleteFunc(pending, func(p Part) bool { return p == res.part })
			send(ctx, events, Event{Part: res.part, Report: rep})
		case <-ctx.Done():
			rep = rep.clone()
			rep.Unfinished = pending
			pending = nil
		}
	}
	// The last snapshot sent is someone else's now: finish a copy.
	rep = rep.clone()
	rep.Elapsed = time.Since(start)
	rep.Queries = client.Queries()
	rep.Log = client.Log()
	rep.crossChecks()
	if len(rep.Unfinished) > 0 {
		rep.extra = append(rep.extra, unfinishedFinding(ctx, rep.Unfinished, deadline))
	}
	rep.extra = append(rep.extra, LimitFindings(client)...)
	if NoResolverReached(rep.Log) {
		rep.Unreachable = true
	}
	rep.Findings = rep.collectFindings()
	return rep
}

// over reports whether ctx is cancelled or past its deadline. The DNS
// client times its sockets out from the deadline itself, so a part can come
// back a moment before the context's own timer marks it done.
func over(ctx context.Context) bool {
	if ctx.Err() != nil {
		return true
	}
	dl, ok := ctx.Deadline()
	return ok && !time.Now().Before(dl)
}

// send delivers an event unless the investigation is over.
func send(ctx context.Context, events chan<- Event, ev Event) {
	if events == nil {
		return
	}
	select {
	case events <- ev:
	case <-ctx.Done():
	}
}

// investigationPart is one independent line of questions.
type investigationPart struct {
	part Part
	run  func(ctx context.Context, c *dnsclient.Client) func(*Report)
}

// policyFetchTimeout bounds the MTA-STS policy fetch over HTTPS.
const policyFetchTimeout = 5 * time.Second

// investigationParts lists the parts; each starts at once. The critical
// ones (MX, SPF, DMARC, and DKIM selectors named by headers or flags) ask
// at Critical priority; DKIM probes, MTA-STS, TLS-RPT and BIMI are leaves
// and never lengthen the critical path.
func investigationParts(domain string, opts Options) []investigationPart {
	// MTA-STS checks the MX hosts against its policy, and BIMI looks at the
	// organizational domain, so they wait for those parts; both are leaves.
	mxDone := make(chan []string, 1)
	orgDone := make(chan string, 1)
	leaf := func(ctx context.Context) context.Context { return dnsclient.WithPriority(ctx, dnsclient.Leaf) }
	return []investigationPart{
		{PartMX, func(ctx context.Context, c *dnsclient.Client) func(*Report) {
			mx := CheckMX(ctx, c, domain)
			hosts := make([]string, 0, len(mx.Hosts))
			for _, h := range mx.Hosts {
				hosts = append(hosts, h.Host)
			}
			mxDone <- hosts
			return func(r *Report) { r.MX = &mx }
		}},
		{PartSPF, func(ctx context.Context, c *dnsclient.Client) func(*Report) {
			s := CheckSPF(ctx, c, domain)
			return func(r *Report) { r.SPF = s }
		}},
		{PartDMARC, func(ctx context.Context, c *dnsclient.Client) func(*Report) {
			d := dmarc.Check(ctx, c, domain)
			orgDone <- d.OrgDomain
			return func(r *Report) { r.DMARC = d }
		}},
		{PartDKIM, func(ctx context.Context, c *dnsclient.Client) func(*Report) {
			d := dkim.Discover(ctx, c, domain, opts.HeaderSelectors, opts.Selectors)
			return func(r *Report) { r.DKIM = d }
		}},
		{PartMTASTS, func(ctx context.Context, c *dnsclient.Client) func(*Report) {
			// The record does not wait for the MX hosts; the policy check
			// against them does.
			defer warm(leaf(ctx), c, "_mta-sts."+domain)()
			var hosts []string
			select {
			case hosts = <-mxDone:
			case <-ctx.Done():
			}
			var dial policy.DialFunc
			if !opts.Offline && opts.Dial != nil {
				dial = opts.Dial
			}
			m := policy.CheckMTASTS(leaf(ctx), c, domain, hosts, dial, policyFetchTimeout)
			return func(r *Report) { r.MTASTS = m }
		}},
		{PartTLSRPT, func(ctx context.Context, c *dnsclient.Client) func(*Report) {
			t := policy.CheckTLSRPT(leaf(ctx), c, domain)
			return func(r *Report) { r.TLSRPT = t }
		}},
		{PartBIMI, func(ctx context.Context, c *dnsclient.Client) func(*Report) {
			// The domain's own record does not wait for DMARC (only the
			// fallback to the organizational domain needs its answer).
			defer warm(leaf(ctx), c, "default._bimi."+domain)()
			org := domain
			select {
			case o := <-orgDone:
				if o != "" {
					org = o
				}
			case <-ctx.Done():
			}
			b := policy.CheckBIMI(leaf(ctx), c, domain, org)
			return func(r *Report) { r.BIMI = b }
		}},
	}
}

// warm asks for name's TXT records at once, so that a part which must wait
// for another before it runs finds its first answer in the client's cache
// instead of asking only then. The function it returns waits for the
// question to end.
func warm(ctx context.Context, c *dnsclient.Client, name string) func() {
	asked := make(chan struct{})
	go func() {
		defer close(asked)
		c.Lookup(ctx, dns.Fqdn(name), dns.TypeTXT)
	}()
	return func() { <-asked }
}

func unfinishedFinding(ctx context.Context, parts []Part, deadline time.Duration) finding.Finding {
	names := make([]string, len(parts))
	for i, p := range parts {
		names[i] = string(p)
	}
	why := fmt.Sprintf("the %s deadline passed", deadline)
	if errors.Is(ctx.Err(), context.Canceled) {
		why = "it was cancelled"
	}
	return finding.Finding{Severity: finding.Warning, Code: "dns.unfinished", Part: "dns",
		Message: fmt.Sprintf("The investigation stopped before %s finished: %s. What was found so far is shown.", strings.Join(names, ", "), why),
		Fix:     "Run it again, perhaps with a longer --deadline or --timeout; if one DNS server is slow, try another with --resolver."}
}

// LimitFindings reports the client's budgets that refused questions or
// answers: the result is incomplete, and says so rather than going on.
func LimitFindings(client *dnsclient.Client) []finding.Finding {
	var fs []finding.Finding
	queries, txt := client.Limits()
	if queries {
		fs = append(fs, finding.Finding{Severity: finding.Warning, Code: "dns.query_limit", Part: "dns",
			Message: fmt.Sprintf("The investigation reached its limit of %d DNS questions and stopped asking; parts of the result are incomplete. Records that fan out this far are themselves a problem for receivers.", client.MaxQueries()),
			Fix:     "Look at the SPF tree and DKIM records for runaway includes or CNAME chains, and simplify them."})
	}
	if txt {
		fs = append(fs, finding.Finding{Severity: finding.Warning, Code: "dns.txt_limit", Part: "dns",
			Message: "The TXT records met in this investigation exceed mxray's total size limit; the rest were not read, so parts of the result are incomplete.",
			Fix:     "Find the oversized TXT record (the DNS log shows it) and trim it; receivers have limits too."})
	}
	return fs
}

// NoResolverReached reports whether questions were asked and not one got a
// reply from any server: every one timed out or failed on the network.
func NoResolverReached(log []dnsclient.LogEntry) bool {
	asked := 0
	for _, e := range log {
		if e.Cached || e.Merged {
			continue
		}
		asked++
		if e.Status != dnsclient.StatusTimeout && e.Status != dnsclient.StatusError {
			return false
		}
	}
	return asked > 0
}
