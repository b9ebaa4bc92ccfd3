package diag

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
	"github.com/mxray/mxray/internal/benchzone"
	"github.com/mxray/mxray/spf"
)

// injectedRTT is the latency the in-process server adds to every answer in
// the benchmarks below.
const injectedRTT = 20 * time.Millisecond

// BenchmarkCheckHealthy times a full check of healthy.example with 20 ms on
// every answer and reports wall time over the critical-path bound: the
// longest chain of dependent questions is the SPF tree's (healthy.example
// TXT → spf.mailer.example TXT → _nb.mailer.example TXT → mailer.example MX →
// mx.mailer.example A), five round trips; MX → A → PTR → A is four.
func BenchmarkCheckHealthy(b *testing.B) {
	const chain = 5
	srv := zoneservertest.New(b, demo.ZoneText())
	srv.SetLatency(injectedRTT)
	var queries int
	start := time.Now()
	for b.Loop() {
		c := dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: 2 * time.Second})
		rep := Investigate(context.Background(), c, "healthy.example", Options{Offline: true}, nil)
		if len(rep.Unfinished) > 0 || rep.SPF == nil {
			b.Fatalf("incomplete: %v", rep.Unfinished)
		}
		queries = rep.Queries
	}
	per := time.Since(start) / time.Duration(b.N)
	b.ReportMetric(float64(per)/float64(chain*injectedRTT), "x-critical-path")
	b.ReportMetric(float64(queries), "queries")
}

// BenchmarkSPFPrefetchEvaluate prefetches a 10-lookup, 4-level tree through
// the real client from the in-process server with 20 ms on every answer,
// evaluates an IP that needs the deepest record, and reports wall time over
// four round trips.
func BenchmarkSPFPrefetchEvaluate(b *testing.B) {
	srv := zoneservertest.New(b, benchzone.Zone())
	srv.SetLatency(injectedRTT)
	ip := netip.MustParseAddr("198.51.100.7")
	start := time.Now()
	for b.Loop() {
		c := dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: 2 * time.Second})
		tree := spf.Prefetch(context.Background(), SPFResolver(c), benchzone.Domain)
		v := tree.CheckHost(context.Background(), ip, "", "mail.bench.example")
		if v.Result != spf.Pass || tree.WorstCaseLookups() != 10 {
			b.Fatalf("result %s, %d lookups", v.Result, tree.WorstCaseLookups())
		}
	}
	per := time.Since(start) / time.Duration(b.N)
	b.ReportMetric(float64(per)/float64(4*injectedRTT), "x-critical-path")
}

// BenchmarkCheckBenchDomain times a full check of the benchmark domain
// (benchzone.Zone) with 20 ms on every answer, in process, against its
// critical path of benchzone.CheckRounds round trips; the whole-process
// figure is BenchmarkProcessCheck in cmd/mxray.
func BenchmarkCheckBenchDomain(b *testing.B) {
	srv := zoneservertest.New(b, benchzone.Zone())
	srv.SetLatency(injectedRTT)
	var queries int
	for b.Loop() {
		c := dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: 2 * time.Second})
		rep := Investigate(context.Background(), c, benchzone.Domain, Options{Offline: true}, nil)
		if len(rep.Unfinished) > 0 || rep.SPF == nil {
			b.Fatalf("incomplete: %v", rep.Unfinished)
		}
		queries = rep.Queries
	}
	per := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(per)/float64(benchzone.CheckRounds*injectedRTT), "x-critical-path")
	b.ReportMetric(float64(queries), "queries")
}
