package diag

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/mxray/mxray/diag/blocklist"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/smtp"
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
	// Offline is set under --zone: nothing is fetched over HTTPS (MTA-STS
	// policies), only DNS is asked. (--demo fetches from its own loopback
	// server, through Dial and PolicyRoots.)
	Offline bool
	// Dial opens connections for the MTA-STS policy fetch; it should resolve
	// names through the investigation's DNS client. Nil means no fetch.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// PolicyRoots are the roots the MTA-STS policy fetch trusts; nil means
	// the system's (the demo's policy server has a CA of its own).
	PolicyRoots *x509.CertPool
	// Blocklists are the DNS blocklists (RFC 5782) asked about the
	// addresses of the MX hosts and the domain, and for a message about
	// its sending IP and its From, envelope and DKIM d= domains; nil asks
	// none (the blocklists part is then Off).
	Blocklists *blocklist.Set
	// SMTP, when set, probes every MX address (check --smtp): port, EHLO
	// name, the dial hook (the demo's, or one that refuses private
	// targets), roots, timeouts. The investigation sets its Resolver and
	// holds the results against the MTA-STS policy. The probe is bounded
	// by its own step timeouts, not by Deadline. Nil: no probe.
	SMTP *smtp.Options
}

// Event says that something of an investigation, or of a message's check,
// is known: one part of the domain (Part, and Report a snapshot holding
// every part finished so far; parts are never changed once delivered, so a
// snapshot may be read while the investigation goes on); the
// investigation's final report (Done, and Report); or a message's
// re-check (Recheck).
type Event struct {
	Part    finding.Part
	Report  *Report
	Done    bool           // Report is the final report: the investigation is over
	Recheck *HeadersReport // the message's re-check (CheckMessage)
}

// partResult is what one part's goroutine hands back.
type partResult struct {
	part  finding.Part
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
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()
	start := time.Now()

	inv := newInvestigation(parent, domain, opts)
	results := make(chan partResult, len(parts))
	pending := make([]finding.Part, 0, len(parts))
	for _, p := range parts {
		if !p.runs(opts) {
			continue
		}
		pending = append(pending, p.part)
		go func() {
			apply := p.run(ctx, client, inv)
			results <- partResult{part: p.part, apply: apply}
		}()
	}

	rep := &Report{Domain: domain, Unicode: unicodeOf(domain)}
	// cut ends the DNS parts at the deadline or a cancel: what is still
	// pending is unfinished, except the parts bounded by their own
	// timeouts, which are still waited for.
	deadlineDone := ctx.Done()
	cut := func() {
		rep = rep.clone()
		var still []finding.Part
		for _, p := range pending {
			if s, _ := specOf(p); s.ownBound {
				still = append(still, p)
			} else {
				rep.Unfinished = append(rep.Unfinished, p)
			}
		}
		pending, deadlineDone = still, nil
	}
	for len(pending) > 0 {
		select {
		case res := <-results:
			if !slices.Contains(pending, res.part) {
				continue // cut off already
			}
			if s, _ := specOf(res.part); over(ctx) && !s.ownBound {
				// The part ran into the deadline or a cancel: its
				// failures are ours, not the domain's.
				cut()
				continue
			}
			next := rep.clone()
			res.apply(next)
			next.Queries = client.Queries()
			next.Findings = next.collectFindings()
			rep = next
			pending = slices.DeleteFunc(pending, func(p finding.Part) bool { return p == res.part })
			send(ctx, events, Event{Part: res.part, Report: rep})
		case <-deadlineDone:
			cut()
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
	if dnsclient.NoServerAnswered(rep.Log) {
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

func unfinishedFinding(ctx context.Context, parts []finding.Part, deadline time.Duration) finding.Finding {
	names := make([]string, len(parts))
	for i, p := range parts {
		names[i] = string(p)
	}
	why := fmt.Sprintf("the %s deadline passed", deadline)
	if errors.Is(ctx.Err(), context.Canceled) {
		why = "it was cancelled"
	}
	return finding.Finding{Severity: finding.Warning, Code: "dns.unfinished", Part: finding.PartDNS,
		Message: fmt.Sprintf("The investigation stopped before %s finished: %s. What was found so far is shown.", strings.Join(names, ", "), why),
		Fix:     "Run it again, perhaps with a longer --deadline or --timeout; if one DNS server is slow, try another with --resolver."}
}

// LimitFindings reports the client's budgets that refused questions or
// answers: the result is incomplete, and says so rather than going on.
func LimitFindings(client *dnsclient.Client) []finding.Finding {
	var fs []finding.Finding
	queries, txt := client.Limits()
	if queries {
		fs = append(fs, finding.Finding{Severity: finding.Warning, Code: "dns.query_limit", Part: finding.PartDNS,
			Message: fmt.Sprintf("The investigation reached its limit of %d DNS questions and stopped asking; parts of the result are incomplete. Records that fan out this far are themselves a problem for receivers.", client.MaxQueries()),
			Fix:     "Look at the SPF tree and DKIM records for runaway includes or CNAME chains, and simplify them."})
	}
	if txt {
		fs = append(fs, finding.Finding{Severity: finding.Warning, Code: "dns.txt_limit", Part: finding.PartDNS,
			Message: "The TXT records met in this investigation exceed mxray's total size limit; the rest were not read, so parts of the result are incomplete.",
			Fix:     "Find the oversized TXT record (the DNS log shows it) and trim it; receivers have limits too."})
	}
	return fs
}
