package serve

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
	"sort"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	gossh "golang.org/x/crypto/ssh"
)

// benchSessions is how many sessions the benchmarks hold open at once.
const benchSessions = 50

// ackModel answers each key with a frame naming how many keys it has had;
// the frame is drawn whole (tea.ClearScreen), so its text reaches the
// client in one piece.
type ackModel struct{ n int }

func (m *ackModel) Init() tea.Cmd { return nil }

func (m *ackModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(tea.KeyPressMsg); ok {
		m.n++
		return m, tea.ClearScreen
	}
	return m, nil
}

func (m *ackModel) View() tea.View { return tea.NewView(fmt.Sprintf("ack%d.", m.n)) }

// ackSession is one benchmark client: it types a key and waits for the
// frame that answers it.
type ackSession struct {
	sess  *gossh.Session
	stdin io.Writer
	n     int
	frame chan int // the numbers of the frames seen, in order
}

func openAckSession(b *testing.B, e *testEnv) *ackSession {
	b.Helper()
	c, err := e.dial("alice")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	sess, err := c.NewSession()
	if err != nil {
		b.Fatal(err)
	}
	if err := sess.RequestPty("xterm-256color", 24, 80, gossh.TerminalModes{}); err != nil {
		b.Fatal(err)
	}
	a := &ackSession{sess: sess, frame: make(chan int, 1024)}
	if a.stdin, err = sess.StdinPipe(); err != nil {
		b.Fatal(err)
	}
	out, err := sess.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	go a.read(out)
	if err := sess.Shell(); err != nil {
		b.Fatal(err)
	}
	a.waitFrame(b, 0)
	return a
}

// read scans the output for "ack<n>." frames in order.
func (a *ackSession) read(r io.Reader) {
	var buf []byte
	next := 0
	chunk := make([]byte, 16<<10)
	for {
		n, err := r.Read(chunk)
		buf = append(buf, chunk[:n]...)
		for {
			tok := []byte(fmt.Sprintf("ack%d.", next))
			i := bytes.Index(buf, tok)
			if i < 0 {
				break
			}
			buf = buf[i+len(tok):]
			a.frame <- next
			next++
		}
		if len(buf) > 64 {
			buf = append(buf[:0], buf[len(buf)-64:]...)
		}
		if err != nil {
			close(a.frame)
			return
		}
	}
}

func (a *ackSession) waitFrame(b *testing.B, want int) {
	for {
		select {
		case got, ok := <-a.frame:
			if !ok {
				b.Fatalf("session ended before frame %d", want)
			}
			if got == want {
				return
			}
		case <-time.After(testTimeout):
			b.Fatalf("no frame %d", want)
		}
	}
}

func benchEnv(b *testing.B, model func() tea.Model) *testEnv {
	return newEnv(b, func(c *Config) {
		c.MaxSessions, c.MaxSessionsPerKey = benchSessions, benchSessions
		c.NewModel = func(context.Context, SessionInfo) tea.Model { return model() }
	})
}

// BenchmarkKeyToFrame holds 50 sessions open and, in each round, presses a
// key in every one at once, timing each from the key press to the frame
// that answers it. It reports the 50th, 95th and 99th percentile.
func BenchmarkKeyToFrame(b *testing.B) {
	e := benchEnv(b, func() tea.Model { return &ackModel{} })
	sessions := make([]*ackSession, benchSessions)
	for i := range sessions {
		sessions[i] = openAckSession(b, e)
	}
	var mu sync.Mutex
	var lat []time.Duration
	// One round first, not counted: the programs' first frames after a
	// key and the connections' buffers warm up.
	for i := -1; i < b.N; i++ {
		if i == 0 {
			lat = make([]time.Duration, 0, b.N*benchSessions)
			b.ResetTimer()
		}
		var wg sync.WaitGroup
		for _, s := range sessions {
			wg.Add(1)
			go func(s *ackSession) {
				defer wg.Done()
				s.n++
				start := time.Now()
				if _, err := s.stdin.Write([]byte("k")); err != nil {
					b.Error(err)
					return
				}
				s.waitFrame(b, s.n)
				d := time.Since(start)
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}(s)
		}
		wg.Wait()
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 {
		return float64(lat[int(p*float64(len(lat)-1))]) / float64(time.Millisecond)
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// BenchmarkIdleSessionMemory opens 50 workbench sessions that then sit
// idle and reports the heap they hold, per session, and the goroutines.
// Client and server run in this one process, so the figures hold both
// sides of each connection: an upper bound of the server's share. Each
// iteration opens its own 50 sessions: run it with -benchtime 1x.
func BenchmarkIdleSessionMemory(b *testing.B) {
	for i := 0; i < b.N; i++ {
		func() {
			e := benchEnv(b, func() tea.Model { return &ackModel{} })
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			g0 := runtime.NumGoroutine()
			for j := 0; j < benchSessions; j++ {
				openAckSession(b, e)
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			g1 := runtime.NumGoroutine()
			b.ReportMetric(float64(after.HeapInuse-before.HeapInuse)/benchSessions/(1<<20), "MiB/session")
			b.ReportMetric(float64(g1-g0)/benchSessions, "goroutines/session")
		}()
	}
}
