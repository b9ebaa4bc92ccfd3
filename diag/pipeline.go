package diag

import (
	"context"
	"sync"
	"time"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/spf"
)

// MessageOptions configure CheckMessage.
type MessageOptions struct {
	// Investigate also investigates the message's From domain (its
	// Target), at the same time and through the same client as the
	// re-check: the workbench does; mxray headers does not.
	Investigate bool
	// Options are the investigation's: selectors, offline, the MTA-STS
	// dial. Deadline bounds the re-check too (DefaultDeadline when zero).
	// The selectors of the message's own signatures are added.
	Options
	// NoRecheck asks DNS nothing: the report is the header's analysis
	// alone (--no-recheck); client may then be nil.
	NoRecheck bool
	// Now is the time DKIM x= is judged against in the re-check;
	// time.Now when zero.
	Now time.Time
}

// MessageReport is a message checked: the header's analysis and re-check
// and, when it was investigated, its From domain's report.
type MessageReport struct {
	Message *Message
	Headers *HeadersReport
	// Domain is the From domain's investigation; nil when it was not
	// investigated (MessageOptions.Investigate unset, or no From domain).
	Domain *Report
}

// CheckMessage is the message pipeline. It takes a message read once by
// ReadMessage, re-checks it against today's DNS (SPF for the IP and
// envelope the receiver checked, every DKIM signature, DMARC for the From
// domain) and sets the result beside what the receiver recorded; with
// opts.Investigate it investigates the From domain at the same time
// through the same client, so that the two share answers. When the
// envelope sender's domain is the From domain, the re-check evaluates SPF
// against the investigation's tree instead of building it again, and
// leaves that tree's findings to the domain's report.
//
// When events is not nil, each thing is sent on it the moment it is
// known: every part of the investigation (Event.Part), the re-check
// (Event.Recheck), the investigation's final report (Event.Done). The
// caller must keep receiving until CheckMessage returns.
func CheckMessage(ctx context.Context, client *dnsclient.Client, m *Message, opts MessageOptions, events chan<- Event) *MessageReport {
	out := &MessageReport{Message: m}
	if opts.NoRecheck {
		out.Headers = analyzeHeaders(m)
		return out
	}
	target, err := m.Target()
	investigate := opts.Investigate && err == nil
	// The investigation's SPF tree, for a re-check of the same domain;
	// closed without one when the investigation ends before its SPF part.
	tree := make(chan *spf.Tree, 1)
	var wg sync.WaitGroup
	if investigate {
		inv := opts.Options
		inv.HeaderSelectors = m.selectorsFor(target.Domain)
		parts := make(chan Event)
		wg.Go(func() {
			out.Domain = Investigate(ctx, client, target.Domain, inv, parts)
			close(parts)
		})
		wg.Go(func() {
			sent := false
			for ev := range parts {
				if ev.Part == finding.PartSPF && !sent {
					tree <- ev.Report.SPF.Tree
					sent = true
				}
				send(ctx, events, ev)
			}
			if !sent {
				close(tree)
			}
			deliver(events, Event{Done: true, Report: out.Domain})
		})
	}
	shared := func(domain string) *spf.Tree {
		if !investigate || !sameDomain(domain, target.Domain) {
			return nil
		}
		return <-tree
	}
	out.Headers = recheckHeaders(ctx, client, m, recheckOptions{Deadline: opts.Deadline, Now: opts.Now, Blocklists: opts.Blocklists}, shared)
	deliver(events, Event{Recheck: out.Headers})
	wg.Wait()
	return out
}

// deliver sends an event that must arrive whatever happened to the
// context: a final report, a re-check.
func deliver(events chan<- Event, ev Event) {
	if events != nil {
		events <- ev
	}
}
