package diag

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
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

// spfBenchZone is a 10-lookup SPF tree four records deep; the deepest
// record's terms need no DNS, so the critical path is four round trips
// (a/mx targets resolve in the same round as the next level's records).
const spfBenchZone = `
$ORIGIN bench.example.
@     SOA ns.bench.example. h.bench.example. 1 3600 600 86400 300
@     TXT "v=spf1 a:h0.bench.example include:l1a.bench.example include:l1b.bench.example -all"
l1a   TXT "v=spf1 include:l2a.bench.example a:h1.bench.example -all"
l1b   TXT "v=spf1 include:l2b.bench.example mx:bench.example -all"
l2a   TXT "v=spf1 include:l3a.bench.example a:h2.bench.example -all"
l2b   TXT "v=spf1 ip4:192.0.2.0/28 a:h3.bench.example -all"
l3a   TXT "v=spf1 ip4:198.51.100.0/24 ip6:2001:db8::/32 -all"
h0    A   192.0.2.99
@     MX  10 mx.bench.example.
mx    A   192.0.2.100
h1    A   192.0.2.101
h2    A   192.0.2.102
h3    A   192.0.2.103
h4    A   192.0.2.104
`

// BenchmarkSPFPrefetchEvaluate prefetches a 10-lookup, 4-level tree through
// the real client from the in-process server with 20 ms on every answer,
// evaluates an IP that needs the deepest record, and reports wall time over
// four round trips.
func BenchmarkSPFPrefetchEvaluate(b *testing.B) {
	srv := zoneservertest.New(b, spfBenchZone)
	srv.SetLatency(injectedRTT)
	ip := netip.MustParseAddr("198.51.100.7")
	start := time.Now()
	for b.Loop() {
		c := dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: 2 * time.Second})
		tree := spf.Prefetch(context.Background(), SPFResolver(c), "bench.example")
		v := tree.CheckHost(context.Background(), ip, "", "mail.bench.example")
		if v.Result != spf.Pass || tree.WorstCaseLookups() != 10 {
			b.Fatalf("result %s, %d lookups", v.Result, tree.WorstCaseLookups())
		}
	}
	per := time.Since(start) / time.Duration(b.N)
	b.ReportMetric(float64(per)/float64(4*injectedRTT), "x-critical-path")
}
