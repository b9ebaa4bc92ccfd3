package tui

import (
	"context"
	"maps"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/dmarcreport"
	"github.com/mxray/mxray/diag/dmarcreport/readiness"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/spfcheck"
	"github.com/mxray/mxray/tui/kit"
)

// readReportsCmd reads DMARC aggregate reports in a command: a large one
// takes seconds. ctx (the workbench's) stops it.
func readReportsCmd(ctx context.Context, inputs []dmarcreport.Input) tea.Cmd {
	return func() tea.Msg {
		return reportsReadMsg{set: dmarcreport.Read(ctx, inputs, dmarcreport.Limits{})}
	}
}

// reportsRun is the reports side of a run: the set read, and the
// readiness answer as the sources' names arrive.
type reportsRun struct {
	set    *dmarcreport.Set
	note   string // which domain was chosen among several
	result *readiness.Result
	done   bool // naming has finished
	// queries is the run's client's wire questions when naming finished.
	queries int
}

// reportsEvent is what the naming of the sources sends: today's DMARC
// policies first, then one source at a time.
type reportsEvent struct {
	today  map[string]readiness.Today
	enrich *readiness.Enrichment
}

// reportsState is the naming's state as waitReports builds answers from
// it; only waitReports touches it, one call after the other.
type reportsState struct {
	set    *dmarcreport.Set
	now    time.Time
	today  map[string]readiness.Today
	enrich readiness.Enrichments
	count  int // sources with an address, which DNS names
}

// analyseReports names the reports' sources in a command: today's DMARC
// policy of each domain, then each source's PTR and SPF verdict, through
// the run's client (its cache shared with the investigation). ctx (the
// investigation's) stops it: esc cancels it with the rest.
func (s *stream) analyseReports(ctx context.Context, client *dnsclient.Client, set *dmarcreport.Set, now time.Time) tea.Cmd {
	st := &reportsState{set: set, now: now, enrich: readiness.Enrichments{}}
	for _, src := range set.Sources() {
		if src.IP.IsValid() {
			st.count++
		}
	}
	s.reports, s.repState = make(chan reportsEvent, 64), st
	return func() tea.Msg {
		defer close(s.reports)
		send := func(ev reportsEvent) {
			select {
			case s.reports <- ev:
			case <-ctx.Done():
			}
		}
		send(reportsEvent{today: diag.ReportsToday(ctx, client, diag.ReportDomains(set))})
		readiness.Enrich(ctx, set, readiness.Env{DNS: client, SPF: spfcheck.Resolver(client)}, func(e readiness.Enrichment) {
			send(reportsEvent{enrich: &e})
		})
		return nil
	}
}

// waitReports waits for the naming's next events, takes every one that
// has arrived, and answers with the readiness result rebuilt from them;
// the root issues it again until the answer is Done.
func (s *stream) waitReports() tea.Cmd {
	st, ch := s.repState, s.reports
	if st == nil {
		return nil
	}
	return func() tea.Msg {
		ev, ok := <-ch
		for ok {
			if ev.today != nil {
				st.today = ev.today
			}
			if e := ev.enrich; e != nil {
				st.enrich[e.Domain+" "+e.IP.String()] = *e
			}
			select {
			case ev, ok = <-ch:
				continue
			default:
			}
			break
		}
		res := readiness.Build(st.set, readiness.Options{Today: st.today, Enrichments: maps.Clone(st.enrich), Now: st.now})
		return kit.ReportsMsg{Run: s.run, Result: res, Named: len(st.enrich), Sources: st.count, Done: !ok}
	}
}
