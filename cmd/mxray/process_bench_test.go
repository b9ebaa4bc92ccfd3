//go:build unix

package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
	"github.com/mxray/mxray/internal/benchzone"
)

// The whole-process benchmarks build mxray once, as "go build" does for a
// user, and time the process from exec to exit: start-up, flag parsing,
// DNS through the in-process server of the benchmark at a set latency, the
// report, the exit.

// rtt is the latency the benchmark's DNS server adds to every answer.
const rtt = 20 * time.Millisecond

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// mxrayBinary builds cmd/mxray into a temporary directory, once (for the
// whole-process benchmarks and mxray serve's tests).
func mxrayBinary(b testing.TB) string {
	b.Helper()
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "mxray-bench-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "mxray")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		b.Fatal(binErr)
	}
	return binPath
}

// runProcess runs the binary and fails the benchmark unless it exits with
// one of the allowed statuses.
func runProcess(b *testing.B, bin string, allowed []int, args ...string) *os.ProcessState {
	b.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Stdout = io.Discard
	var errOut strings.Builder
	cmd.Stderr = &errOut
	err := cmd.Run()
	code := cmd.ProcessState.ExitCode()
	for _, a := range allowed {
		if code == a {
			return cmd.ProcessState
		}
	}
	b.Fatalf("mxray %s: exit %d (%v): %s", strings.Join(args, " "), code, err, errOut.String())
	return nil
}

// perOp is the wall time of one iteration.
func perOp(b *testing.B) time.Duration {
	return b.Elapsed() / time.Duration(b.N)
}

// BenchmarkStartup times the process for subcommands that do no DNS (and
// one on the embedded demo zone) against the aim of 5 ms.
func BenchmarkStartup(b *testing.B) {
	bin := mxrayBinary(b)
	for _, bc := range []struct {
		name string
		args []string
	}{
		{"version", []string{"--version"}},
		{"check-help", []string{"check", "--help"}},
		{"demo-spf", []string{"--demo", "spf", "healthy.example", "--ip", "203.0.113.10"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				runProcess(b, bin, []int{exitOK}, bc.args...)
			}
			b.ReportMetric(float64(perOp(b))/float64(time.Millisecond), "ms/process")
			b.ReportMetric(float64(perOp(b))/float64(5*time.Millisecond), "x-aim")
		})
	}
}

// BenchmarkProcessSPF times "mxray --resolver ADDR spf bench.example --ip
// IP" as a whole process at 20 ms per answer, against the 4-level tree's
// critical path of 4 round trips (80 ms); the aim is 1.15x (92 ms).
func BenchmarkProcessSPF(b *testing.B) {
	bin := mxrayBinary(b)
	srv := zoneservertest.New(b, benchzone.Zone())
	srv.SetLatency(rtt)
	for b.Loop() {
		runProcess(b, bin, []int{exitOK}, "--resolver", srv.Addr(), "spf", benchzone.Domain, "--ip", "198.51.100.7")
	}
	critical := time.Duration(benchzone.SPFDepth) * rtt
	b.ReportMetric(float64(perOp(b))/float64(time.Millisecond), "ms/process")
	b.ReportMetric(float64(perOp(b))/float64(critical), "x-critical-path")
}

// BenchmarkProcessCheck times "mxray --resolver ADDR check bench.example
// --json" as a whole process at 20 ms per answer, against the domain's
// critical path of 4 round trips (80 ms); the aim is 1.2x (96 ms).
func BenchmarkProcessCheck(b *testing.B) {
	bin := mxrayBinary(b)
	srv := zoneservertest.New(b, benchzone.Zone())
	srv.SetLatency(rtt)
	before := srv.Queries()
	for b.Loop() {
		runProcess(b, bin, []int{exitOK, exitFindings}, "--resolver", srv.Addr(), "check", benchzone.Domain, "--json")
	}
	critical := time.Duration(benchzone.CheckRounds) * rtt
	b.ReportMetric(float64(perOp(b))/float64(time.Millisecond), "ms/process")
	b.ReportMetric(float64(perOp(b))/float64(critical), "x-critical-path")
	b.ReportMetric(float64(srv.Queries()-before)/float64(b.N), "questions")
}

// BenchmarkBatch10k checks 10,000 generated domains (Microsoft 365, Google
// Workspace, shared hosting and parked, see benchzone.Audit) with "check -f
// --json" as one process against the in-process server at 20 ms per
// answer. The aims: 60 s for the 10,000 and under 300 MB of memory.
func BenchmarkBatch10k(b *testing.B) {
	if testing.Short() {
		b.Skip("a minute or more; run without -short")
	}
	const n = 10_000
	bin := mxrayBinary(b)
	srv := zoneservertest.New(b, benchzone.Audit(n))
	srv.SetLatency(rtt)
	var list strings.Builder
	for i := range n {
		fmt.Fprintln(&list, benchzone.AuditDomain(i))
	}
	path := filepath.Join(b.TempDir(), "domains.txt")
	if err := os.WriteFile(path, []byte(list.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	var maxRSS int64
	var cpu time.Duration
	before := srv.Queries()
	for b.Loop() {
		st := runProcess(b, bin, []int{exitOK, exitFindings}, "--resolver", srv.Addr(), "check", "-f", path, "--json")
		if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
			maxRSS = max(maxRSS, int64(ru.Maxrss))
		}
		cpu += st.UserTime() + st.SystemTime()
	}
	secs := perOp(b).Seconds()
	b.ReportMetric(secs, "s/10k-domains")
	b.ReportMetric(n/secs, "domains/s")
	b.ReportMetric(secs/60, "x-aim")
	b.ReportMetric(float64(maxRSS)/1024, "MB-peak-RSS")
	b.ReportMetric(float64(srv.Queries()-before)/float64(b.N)/n, "questions/domain")
	// mxray's own CPU per domain, which the load of a shared machine does
	// not inflate as it does wall time.
	b.ReportMetric(float64(cpu)/float64(time.Millisecond)/float64(b.N)/n, "cpu-ms/domain")
}
