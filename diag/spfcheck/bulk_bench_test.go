//go:build unix

package spfcheck

import (
	"bytes"
	"context"
	"io"
	"net/netip"
	"syscall"
	"testing"
	"time"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
	"github.com/mxray/mxray/internal/benchzone"
	"github.com/mxray/mxray/spf"
)

// BenchmarkSPFBulk1MIPs evaluates 1,000,000 client IPs, one per line, as
// "mxray spf --ip-file" does, against the benchmark domain's 10-lookup tree
// (prefetched once from the in-process server), writing JSON Lines. Most
// IPs match nothing, so every term of the tree is evaluated. The aim is
// 100,000 verdicts a second per core.
func BenchmarkSPFBulk1MIPs(b *testing.B) {
	const n = 1_000_000
	srv := zoneservertest.New(b, benchzone.Zone())
	cfg := dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: 2 * time.Second}
	var in bytes.Buffer
	for i := range n {
		ip := netip.AddrFrom4([4]byte{byte(11 + i>>24), byte(i >> 16), byte(i >> 8), byte(i)})
		if i%10 == 0 {
			ip = netip.AddrFrom4([4]byte{198, 51, 100, byte(i)}) // matches the deepest record
		}
		in.WriteString(ip.String())
		in.WriteByte('\n')
	}
	b.SetBytes(int64(in.Len()))
	cpu0 := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		sum, err := Bulk(context.Background(), cfg, Query{Domain: benchzone.Domain}, bytes.NewReader(in.Bytes()), io.Discard, BulkOptions{JSON: true})
		if err != nil || sum.IPs != n || sum.Results[spf.Pass] != n/10 {
			b.Fatalf("%v: %d IPs, %d pass", err, sum.IPs, sum.Results[spf.Pass])
		}
	}
	verdicts := float64(n) * float64(b.N)
	// Per core: verdicts over the CPU time the process used, which a
	// machine shared with other work does not inflate as it does wall time.
	perCore := verdicts / (cpuTime() - cpu0).Seconds()
	b.ReportMetric(verdicts/b.Elapsed().Seconds(), "verdicts/s")
	b.ReportMetric(perCore, "verdicts/cpu-s")
	b.ReportMetric(perCore/100_000, "x-aim")
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
