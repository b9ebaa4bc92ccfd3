package propagate

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// BenchmarkCompare compares a name's four default types at four
// nameservers and the resolver, each answering after 20 ms: every server's
// questions go out at once, so a comparison should take a few round trips
// (the SOA walk, the NS, the addresses, then the servers together), not
// one per question. rounds/op reports it in multiples of the latency.
func BenchmarkCompare(b *testing.B) {
	const latency = 20 * time.Millisecond
	text := zoneText("1", freshSPF, "ns1", "ns2", "ns3", "ns4")
	resolver := zoneservertest.New(b, text)
	resolver.SetLatency(latency)
	ns := zoneservertest.New(b, text)
	ns.SetLatency(latency)
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		// A fresh client each time: nothing cached from the last.
		c := dnsclient.New(dnsclient.Config{Servers: []string{resolver.Addr()}, Timeout: time.Second,
			NameserverAddr: func(string, netip.Addr) string { return ns.Addr() }})
		res, err := Compare(context.Background(), c, "prop.test", nil)
		if err != nil || !res.Agree || len(res.Servers) != 5 {
			b.Fatalf("%v %+v", err, res)
		}
	}
	b.ReportMetric(float64(time.Since(start))/float64(b.N)/float64(latency), "rounds/op")
}
