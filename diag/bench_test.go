package diag

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/mxray/mxray/diag/blocklist"
	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/spfcheck"
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
		tree := spf.Prefetch(context.Background(), spfcheck.Resolver(c), benchzone.Domain)
		v := tree.CheckHost(context.Background(), ip, "", "mail.bench.example")
		if v.Result != spf.Pass || tree.WorstCaseLookups() != 10 {
			b.Fatalf("result %s, %d lookups", v.Result, tree.WorstCaseLookups())
		}
	}
	per := time.Since(start) / time.Duration(b.N)
	b.ReportMetric(float64(per)/float64(4*injectedRTT), "x-critical-path")
}

// benchLists serves 8 IPv4 lists and 3 domain lists (each with its
// health-test entries) beside the demo zone and returns the zone text and
// the set.
func benchLists(b *testing.B) (string, *blocklist.Set) {
	var zones, lists strings.Builder
	lists.WriteString("mxray-blocklists 1\n")
	for i := range 8 {
		z := fmt.Sprintf("ip%d.bl.bench", i)
		fmt.Fprintf(&zones, "$ORIGIN %s.\n@ SOA ns.bl.bench. h.bl.bench. 1 3600 600 86400 60\n2.0.0.127 A 127.0.0.2\n", z)
		fmt.Fprintf(&lists, "list %s\n name IP %d\n kind ip\n code 127.0.0.2 listed error spam\nend\n", z, i)
	}
	for i := range 3 {
		z := fmt.Sprintf("dom%d.bl.bench", i)
		fmt.Fprintf(&zones, "$ORIGIN %s.\n@ SOA ns.bl.bench. h.bl.bench. 1 3600 600 86400 60\ntest A 127.0.0.2\n", z)
		fmt.Fprintf(&lists, "list %s\n name Domain %d\n kind domain\n query full\n code 127.0.0.2 listed error spam\nend\n", z, i)
	}
	set, err := blocklist.Parse("bench.txt", []byte(lists.String()))
	if err != nil {
		b.Fatal(err)
	}
	return demo.ZoneText() + "\n" + zones.String(), &set
}

// BenchmarkCheckBlocklists times a full check of healthy.example with 20 ms
// on every answer without blocklists and with 8 IP lists and 3 domain
// lists: its 3 IPv4 MX addresses on 8 lists and the domain on 3, with the
// 11 health tests (76 questions). The blocklists start when the MX
// addresses are known (2 round trips) and take one more, inside the
// 5-round-trip critical path, so both report about the same
// x-critical-path. "on,leaf=16" is the client's old leaf pool, which
// queued the questions in waves.
func BenchmarkCheckBlocklists(b *testing.B) {
	const chain = 5
	zone, set := benchLists(b)
	srv := zoneservertest.New(b, zone)
	srv.SetLatency(injectedRTT)
	for _, bc := range []struct {
		name  string
		lists *blocklist.Set
		leaf  int
	}{{"off", nil, 0}, {"on", set, 0}, {"on,leaf=16", set, 16}} {
		b.Run(bc.name, func(b *testing.B) {
			var queries, listQuestions int
			start := time.Now()
			for b.Loop() {
				c := dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: 2 * time.Second, MaxLeafInFlight: bc.leaf})
				rep := Investigate(context.Background(), c, "healthy.example", Options{Offline: true, Blocklists: bc.lists}, nil)
				if len(rep.Unfinished) > 0 || (bc.lists != nil && rep.Blocklists.Count(blocklist.StatusNotListed) != 3*8+3) {
					b.Fatalf("incomplete: %v %+v", rep.Unfinished, rep.Blocklists)
				}
				queries, listQuestions = rep.Queries, 0
				for _, e := range rep.Log {
					if strings.HasSuffix(e.Name, ".bl.bench.") && !e.Cached && !e.Merged {
						listQuestions++
					}
				}
			}
			per := time.Since(start) / time.Duration(b.N)
			b.ReportMetric(float64(per)/float64(injectedRTT), "round-trips")
			b.ReportMetric(float64(per)/float64(chain*injectedRTT), "x-critical-path")
			b.ReportMetric(float64(queries), "queries")
			b.ReportMetric(float64(listQuestions), "list-questions")
		})
	}
}

// BenchmarkMessageBlocklists times the workbench's check of the demo's
// sample message (its re-check and its From domain's full check, through
// one client) with 20 ms on every answer, without blocklists and with the
// 8 IP and 3 domain lists: the sending IP and the 3 IPv4 MX addresses on
// 8 lists, the From/envelope domain and the DKIM d= domains on 3.
func BenchmarkMessageBlocklists(b *testing.B) {
	zone, set := benchLists(b)
	srv := zoneservertest.New(b, zone)
	srv.SetLatency(injectedRTT)
	m, err := ReadMessage(demo.SampleName, demo.SampleMessage(), HeaderOptions{})
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name  string
		lists *blocklist.Set
	}{{"off", nil}, {"on", set}} {
		b.Run(bc.name, func(b *testing.B) {
			var queries int
			start := time.Now()
			for b.Loop() {
				c := dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: 2 * time.Second})
				rep := CheckMessage(context.Background(), c, m, MessageOptions{Investigate: true, Options: Options{Offline: true, Blocklists: bc.lists}}, nil)
				if rep.Domain == nil || len(rep.Domain.Unfinished) > 0 || (bc.lists != nil && rep.Headers.Blocklists.Count(blocklist.StatusNotListed) == 0) {
					b.Fatal("incomplete")
				}
				queries = c.Queries()
			}
			per := time.Since(start) / time.Duration(b.N)
			b.ReportMetric(float64(per)/float64(injectedRTT), "round-trips")
			b.ReportMetric(float64(queries), "queries")
		})
	}
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
