package zoneserver_test

import (
	"testing"
	"time"

	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// BenchmarkLatencyConcurrent times fifty questions asked together of a
// server with 20 ms of latency, and reports the wall time over one latency
// (x-latency): about 1 when the delays overlap, about 50 were they served
// in turn. (TestLatencyIsConcurrent proves the overlap without a clock.)
func BenchmarkLatencyConcurrent(b *testing.B) {
	s := zoneservertest.New(b, zoneserver.BigZone())
	const latency = 20 * time.Millisecond
	s.SetLatency(latency)
	var total time.Duration
	for b.Loop() {
		start := time.Now()
		errs := exchange(s, "www.example.", 50)
		for range 50 {
			if err := <-errs; err != nil {
				b.Fatal(err)
			}
		}
		total += time.Since(start)
	}
	b.ReportMetric(float64(total)/float64(b.N)/float64(latency), "x-latency")
}
