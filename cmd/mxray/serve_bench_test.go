//go:build linux

package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/mxray/mxray/tui/serve/servetest"
)

// benchSessions is how many sessions the benchmarks keep open at once.
const benchSessions = 50

// openSessions opens n workbench sessions on s, one per user, each shown
// its input screen, four handshakes at a time (the server takes at most
// eight unauthenticated connections from one address).
func openSessions(b *testing.B, s *binaryServer, n int) []*servetest.PTY {
	b.Helper()
	out := make([]*servetest.PTY, n)
	var wg sync.WaitGroup
	// The server lets one address have only a few handshakes at once.
	handshakes := make(chan struct{}, 4)
	for i := range n {
		user := "alice"
		if i > 0 {
			user = fmt.Sprintf("user%d", i)
		}
		wg.Go(func() {
			handshakes <- struct{}{}
			defer func() { <-handshakes }()
			c, err := servetest.Dial(s.addr, user, s.host, gossh.PublicKeys(s.users[user]))
			if err != nil {
				b.Errorf("dial as %s: %v", user, err)
				return
			}
			b.Cleanup(func() { c.Close() })
			out[i] = servetest.OpenPTY(b, c, 80, 24, nil)
		})
	}
	wg.Wait()
	if b.Failed() {
		b.FailNow()
	}
	for _, p := range out {
		p.Out.WaitScreen(b, `Domain, address, URL, or "IP DOMAIN":`)
	}
	return out
}

// BenchmarkServeKeyToFrame: 50 workbench sessions open at once on the
// real binary (mxray --demo serve) over loopback, each on a domain it has
// checked; each key press (tab, shift+tab: the focus moves between two
// panes) is timed from its write to the first moment the client's screen
// shows the frame that answers it. "all-typing": the 50 press keys at the
// same moments, a burst no team makes; "all-paced": the 50 type at once as
// people do, each waiting a random 0 to 500 ms (250 on average) between
// presses; "one-typing": one presses keys while the 49 others stay open. Reported: the 50th, 95th and 99th percentiles
// over every press, in milliseconds (aim: p95 under 50 ms).
func BenchmarkServeKeyToFrame(b *testing.B) {
	s := startBinary(b, benchSessions, "--demo", "serve", "--max-sessions="+strconv.Itoa(benchSessions))
	sessions := openSessions(b, s, benchSessions)
	domains := []string{"healthy.example", "broken.example", "mailer.example"}
	for i, p := range sessions {
		p.Type(b, domains[i%len(domains)]+"\r")
	}
	for _, p := range sessions {
		p.Out.WaitScreen(b, "✓ done", "[Overview]")
	}
	b.Run("all-typing", func(b *testing.B) { timePresses(b, sessions, max(1, b.N/len(sessions)), 0) })
	b.Run("all-paced", func(b *testing.B) { timePresses(b, sessions, max(1, b.N/len(sessions)), 250*time.Millisecond) })
	b.Run("one-typing", func(b *testing.B) { timePresses(b, sessions[:1], b.N, 0) })
}

// timePresses has every session press presses keys at once, pausing a
// random time of pause on average between two, and reports the
// percentiles of the time each took to show.
func timePresses(b *testing.B, sessions []*servetest.PTY, presses int, pause time.Duration) {
	samples := make([][]time.Duration, len(sessions))
	b.ResetTimer()
	var wg sync.WaitGroup
	for i, p := range sessions {
		wg.Go(func() { samples[i] = pressKeys(b, p, presses, pause) })
	}
	wg.Wait()
	b.StopTimer()
	all := slices.Concat(samples...)
	if len(all) == 0 {
		b.Fatal("no key press was timed")
	}
	slices.Sort(all)
	ms := func(q float64) float64 {
		return float64(all[min(len(all)-1, int(q*float64(len(all))))]) / float64(time.Millisecond)
	}
	b.ReportMetric(ms(0.50), "p50-ms")
	b.ReportMetric(ms(0.95), "p95-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
}

// pressKeys presses tab on the Overview and shift+tab on MX & PTR, n
// times (a random pause of 0 to 2×pause before each), and returns how long
// each took to show.
func pressKeys(b *testing.B, p *servetest.PTY, n int, pause time.Duration) []time.Duration {
	keys := []struct{ seq, focus string }{{"\t", "[MX & PTR]"}, {"\x1b[Z", "[Overview]"}}
	out := make([]time.Duration, 0, n)
	for range n {
		if pause > 0 {
			time.Sleep(rand.N(2 * pause))
		}
		k := keys[0]
		if !p.Out.Shows("[Overview]") {
			k = keys[1]
		}
		start := time.Now()
		if _, err := p.Stdin.Write([]byte(k.seq)); err != nil {
			b.Error(err)
			return out
		}
		deadline := time.After(servetest.Timeout)
		for !p.Out.Shows(k.focus) {
			select {
			case <-p.Out.Changed():
			case <-deadline:
				b.Errorf("no %s after a key press; screen:\n%s", k.focus, p.Out.Screen())
				return out
			}
		}
		out = append(out, time.Since(start))
	}
	return out
}

// BenchmarkServeIdleSessionMemory: the resident memory the real binary
// (mxray --demo serve) takes for each idle workbench session: its VmRSS
// with 50 sessions open on the input screen, less its VmRSS after one
// session came and went, over 50. Reported in MB (aim: under 8). Each
// iteration starts a server of its own: run it with -benchtime=1x.
func BenchmarkServeIdleSessionMemory(b *testing.B) {
	for range b.N {
		b.StopTimer()
		s := startBinary(b, benchSessions, "--demo", "serve", "--max-sessions="+strconv.Itoa(benchSessions))
		warm := openSessions(b, s, 1)
		warm[0].Type(b, "\x03") // ctrl+c: q is text on the input screen
		servetest.WaitExit(b, warm[0].Session)
		base := rss(b, s.cmd.Process.Pid)
		b.StartTimer()
		openSessions(b, s, benchSessions)
		b.StopTimer()
		// Let the sessions settle (their first frames drawn), then read.
		time.Sleep(500 * time.Millisecond)
		after := rss(b, s.cmd.Process.Pid)
		b.ReportMetric(float64(after-base)/benchSessions/(1<<20), "MB/session")
		b.ReportMetric(float64(after)/(1<<20), "MB-rss-50")
		if err := s.terminate(b); err != nil {
			b.Errorf("mxray serve exited with %v", err)
		}
	}
}

// rss returns the process's resident set size in bytes (/proc).
func rss(b *testing.B, pid int) int64 {
	b.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return kb << 10
		}
	}
	b.Fatal("no VmRSS in /proc status")
	return 0
}
