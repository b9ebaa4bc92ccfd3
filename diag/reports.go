package diag

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/mxray/mxray/diag/dmarc"
	"github.com/mxray/mxray/diag/dmarcreport"
	"github.com/mxray/mxray/diag/dmarcreport/readiness"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/spfcheck"
)

// InputKind is what a file (or stdin) given to mxray holds.
type InputKind int

// The kinds of input.
const (
	// InputHeaders is a message whose header is read and re-checked
	// (mxray headers).
	InputHeaders InputKind = iota
	// InputReports is DMARC aggregate reports: XML, gzip, zip, an mbox, or
	// a report message (mxray report).
	InputReports
)

// SniffLen is how many leading bytes KindOf wants to see.
const SniffLen = dmarcreport.SniffLen

// KindOf decides from the first bytes of a file or stdin whether it holds
// a message's header or DMARC aggregate reports: the one place "mxray
// FILE" and "mxray -" decide, by content, never by the file's name.
func KindOf(head []byte) InputKind {
	if dmarcreport.LooksLikeReport(head) {
		return InputReports
	}
	return InputHeaders
}

// ReportDomains are the policy domains of the reports' sources, the one
// with the most messages first (ties by name).
func ReportDomains(s *dmarcreport.Set) []string {
	volume := map[string]int64{}
	for _, src := range s.Sources() {
		if src.Domain != "" {
			volume[src.Domain] += src.Messages
		}
	}
	for _, rep := range s.Reports() {
		if d := rep.Published.Domain; d != "" {
			if _, ok := volume[d]; !ok {
				volume[d] = 0
			}
		}
	}
	ds := make([]string, 0, len(volume))
	for d := range volume {
		ds = append(ds, d)
	}
	slices.SortFunc(ds, func(a, b string) int {
		if c := cmp.Compare(volume[b], volume[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	return ds
}

// PrimaryDomain is the policy domain a run on reports investigates (its
// SPF and DMARC today): the one with the most messages. note says so when
// the reports cover several; domain is "" when they name none.
func PrimaryDomain(s *dmarcreport.Set) (domain, note string) {
	ds := ReportDomains(s)
	switch len(ds) {
	case 0:
		return "", ""
	case 1:
		return ds[0], ""
	}
	return ds[0], fmt.Sprintf("The reports cover %d domains; %s, which has the most messages, is investigated.", len(ds), ds[0])
}

// maxTodayChecks bounds the domains whose DMARC policy is asked at once.
const maxTodayChecks = 8

// ReportsToday asks DNS for today's DMARC policy of each domain, to
// compare with what the reports saw (readiness.Options.Today).
func ReportsToday(ctx context.Context, r dnsclient.Resolver, domains []string) map[string]readiness.Today {
	out := make(map[string]readiness.Today, len(domains))
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, maxTodayChecks)
	for _, d := range domains {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			t := readiness.TodayFrom(dmarc.Check(ctx, r, d))
			mu.Lock()
			out[d] = t
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}

// ReportsOptions say how reports are analysed.
type ReportsOptions struct {
	// Offline skips DNS altogether: no names, no SPF today, no comparison
	// with today's policy.
	Offline bool
	// Now is the time reports are judged stale against (time.Now when
	// zero).
	Now time.Time
}

// AnalyseReports answers the readiness question for what s read: it names
// every source through r (PTR, today's SPF, include suggestions), compares
// each domain's reports with today's DMARC policy, and builds the result.
// emit, when not nil, gets each source's names as soon as they are known.
func AnalyseReports(ctx context.Context, r dnsclient.Resolver, s *dmarcreport.Set, opts ReportsOptions, emit func(readiness.Enrichment)) *readiness.Result {
	o := readiness.Options{Now: opts.Now}
	if !opts.Offline && r != nil {
		o.Today = ReportsToday(ctx, r, ReportDomains(s))
		o.Enrichments = readiness.Enrich(ctx, s, readiness.Env{DNS: r, SPF: spfcheck.Resolver(r)}, emit)
	}
	return readiness.Build(s, o)
}
