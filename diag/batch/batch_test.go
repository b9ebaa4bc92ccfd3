package batch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mxray/mxray/internal/syncbuf"
)

// list returns n inputs d0 … d(n-1), one per line, with a comment and a
// blank line among them.
func list(n int) string {
	var b strings.Builder
	b.WriteString("# a list\n\n")
	for i := range n {
		fmt.Fprintf(&b, "  d%d  # input %d\n", i, i)
	}
	return b.String()
}

// echo is a Check that writes {"domain":"<input>"}.
func echo(_ context.Context, input string) Result {
	return Result{Line: fmt.Appendf(nil, "{\"domain\":%q}\n", input), Reached: true}
}

func lines(out string) []string {
	return strings.Split(strings.TrimSuffix(out, "\n"), "\n")
}

func want(n int) []string {
	var out []string
	for i := range n {
		out = append(out, fmt.Sprintf("{\"domain\":\"d%d\"}", i))
	}
	return out
}

// gates makes a Check whose call for input i returns only when gate i is
// opened.
type gates struct {
	mu sync.Mutex
	ch map[string]chan struct{}
}

func (g *gates) gate(input string) chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ch == nil {
		g.ch = map[string]chan struct{}{}
	}
	c, ok := g.ch[input]
	if !ok {
		c = make(chan struct{})
		g.ch[input] = c
	}
	return c
}

func (g *gates) check(ctx context.Context, input string) Result {
	select {
	case <-g.gate(input):
	case <-ctx.Done():
		return Result{Abort: ctx.Err()}
	}
	return echo(ctx, input)
}

func TestRunKeepsInputOrder(t *testing.T) {
	const n = 40
	g := &gates{}
	go func() {
		for i := n - 1; i >= 0; i-- { // finish in reverse order
			close(g.gate(fmt.Sprintf("d%d", i)))
		}
	}()
	var out bytes.Buffer
	sum, err := Run(context.Background(), strings.NewReader(list(n)), &out, Options{Check: g.check, Concurrency: n})
	if err != nil {
		t.Fatal(err)
	}
	if got := lines(out.String()); !slices.Equal(got, want(n)) {
		t.Errorf("lines out of input order:\n%v", got)
	}
	if sum.Read != n || sum.Written != n || !sum.Reached {
		t.Errorf("summary %+v", sum)
	}
}

func TestRunUnorderedStreamsAsFinished(t *testing.T) {
	g := &gates{}
	var out syncbuf.Buffer
	done := make(chan error, 1)
	go func() {
		_, err := Run(context.Background(), strings.NewReader(list(3)), &out, Options{Check: g.check, Concurrency: 3, Unordered: true})
		done <- err
	}()
	order := []string{"d2", "d0", "d1"}
	for i, in := range order {
		close(g.gate(in))
		for len(lines(out.String())) < i+1 || out.String() == "" {
			time.Sleep(time.Millisecond) // waiting for the line, not timing it
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := lines(out.String()); !slices.Equal(got, []string{`{"domain":"d2"}`, `{"domain":"d0"}`, `{"domain":"d1"}`}) {
		t.Errorf("unordered output %v, want the finishing order", got)
	}
}

// countingReader hands out one line per Read and counts them.
type countingReader struct {
	lines []string
	given atomic.Int64
}

func (r *countingReader) Read(p []byte) (int, error) {
	i := r.given.Load()
	if int(i) >= len(r.lines) {
		return 0, io.EOF
	}
	r.given.Add(1)
	return copy(p, r.lines[i]), nil
}

// TestRunReadsAheadBoundedly holds the first input back and shows that the
// run reads no further than its reorder window: memory does not grow with
// the list.
func TestRunReadsAheadBoundedly(t *testing.T) {
	const conc, n = 2, 1000
	r := &countingReader{}
	for i := range n {
		r.lines = append(r.lines, fmt.Sprintf("d%d\n", i))
	}
	g := &gates{}
	var started atomic.Int64
	check := func(ctx context.Context, input string) Result {
		started.Add(1)
		if input == "d0" {
			return g.check(ctx, input)
		}
		return echo(ctx, input)
	}
	var out syncbuf.Buffer
	done := make(chan error, 1)
	go func() {
		_, err := Run(context.Background(), r, &out, Options{Check: check, Concurrency: conc})
		done <- err
	}()
	window := int64(4 * conc)
	for r.given.Load() < window+1 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // give a runaway reader the chance to show itself
	if got := r.given.Load(); got != window+1 {
		t.Errorf("%d lines read with the first one unfinished, want the window %d plus the one waiting for it", got, window)
	}
	if got := started.Load(); got > window {
		t.Errorf("%d checks started, want at most %d", got, window)
	}
	if out.String() != "" {
		t.Errorf("a line was written before the first: %q", out.String())
	}
	close(g.gate("d0"))
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := lines(out.String()); !slices.Equal(got, want(n)) {
		t.Errorf("%d lines, want %d in order", len(got), n)
	}
}

func TestRunAbortStopsAtALineBoundary(t *testing.T) {
	stop := errors.New("resolver down")
	check := func(ctx context.Context, input string) Result {
		if input == "d5" {
			return Result{Abort: stop}
		}
		return echo(ctx, input)
	}
	var out bytes.Buffer
	sum, err := Run(context.Background(), strings.NewReader(list(20)), &out, Options{Check: check, Concurrency: 1})
	if !errors.Is(err, stop) {
		t.Fatalf("err %v, want the abort", err)
	}
	if got := lines(out.String()); !slices.Equal(got, want(5)) || sum.Written != 5 {
		t.Errorf("wrote %v (%d), want d0–d4 and nothing after the aborted line", got, sum.Written)
	}
}

// TestResumeGivesTheUninterruptedOutput interrupts a run, tears its last
// line as a killed process would, resumes it, and compares the file with
// one uninterrupted run.
func TestResumeGivesTheUninterruptedOutput(t *testing.T) {
	const n = 30
	for _, unordered := range []bool{false, true} {
		t.Run(fmt.Sprint("unordered=", unordered), func(t *testing.T) {
			var whole bytes.Buffer
			if _, err := Run(context.Background(), strings.NewReader(list(n)), &whole, Options{Check: echo, Concurrency: 4, Unordered: unordered}); err != nil {
				t.Fatal(err)
			}

			ctx, cancel := context.WithCancel(context.Background())
			var file bytes.Buffer
			_, err := Run(ctx, strings.NewReader(list(n)), &file, Options{Check: func(ctx context.Context, in string) Result {
				if ctx.Err() != nil {
					return Result{Abort: ctx.Err()}
				}
				return echo(ctx, in)
			}, Concurrency: 4, Unordered: unordered, Progress: func(p Progress) {
				if p.Written == 7 {
					cancel()
				}
			}})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("interrupted run: %v", err)
			}
			file.WriteString(`{"domain":"d2`) // the torn end of a killed run

			prev, err := ReadComplete(bytes.NewReader(file.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			file.Truncate(int(prev.Keep))
			if !strings.HasSuffix(file.String(), "}\n") {
				t.Fatalf("keep %d leaves a torn line: %q", prev.Keep, file.String())
			}
			sum, err := Run(context.Background(), strings.NewReader(list(n)), &file, Options{Check: echo, Concurrency: 4, Unordered: unordered, Done: prev.Done})
			if err != nil {
				t.Fatal(err)
			}
			if sum.Skipped+sum.Written != n {
				t.Errorf("resumed: %d skipped + %d written, want %d", sum.Skipped, sum.Written, n)
			}
			got, full := lines(file.String()), lines(whole.String())
			if unordered {
				slices.Sort(got)
				slices.Sort(full)
			}
			if !slices.Equal(got, full) {
				t.Errorf("resumed output differs from one uninterrupted run:\n%v\n%v", got, full)
			}
		})
	}
}

func TestReadComplete(t *testing.T) {
	const failing = `{"domain":"b","findings":[{"severity":"info"},{"severity":"error"}]}` + "\n"
	tests := []struct {
		name   string
		text   string
		keys   map[string]int
		keep   int
		failed int64
		err    bool
	}{
		{"empty", "", map[string]int{}, 0, 0, false},
		{"complete", "{\"domain\":\"a\"}\n{\"input\":\"x y\",\"error\":\"no\"}\n{\"domain\":\"a\"}\n" + failing,
			map[string]int{"a": 2, "b": 1, "input:x y": 1}, 59 + len(failing), 2, false},
		{"torn last line", "{\"domain\":\"a\"}\n{\"domain\":\"b\",\"mx\":[", map[string]int{"a": 1}, 15, 0, false},
		{"invalid whole last line", "{\"domain\":\"a\"}\n{\"domain\":\n", nil, 0, 0, true},
		{"torn last line that is not ours", "{\"domain\":\"a\"}\nsome notes", nil, 0, 0, true},
		{"not ours in the middle", "{\"domain\":\"a\"}\nhello\n{\"domain\":\"b\"}\n", nil, 0, 0, true},
		{"object without a key in the middle", "{\"x\":1}\n{\"domain\":\"b\"}\n", nil, 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prev, err := ReadComplete(strings.NewReader(tt.text))
			if (err != nil) != tt.err {
				t.Fatalf("err %v", err)
			}
			if tt.err {
				if !errors.Is(err, ErrNotOutput) {
					t.Errorf("err %v, want ErrNotOutput", err)
				}
				return
			}
			if prev.Keep != int64(tt.keep) || fmt.Sprint(prev.Done) != fmt.Sprint(tt.keys) || prev.Failed != tt.failed {
				t.Errorf("got %+v, want %v keep %d failed %d", prev, tt.keys, tt.keep, tt.failed)
			}
		})
	}
}

func TestInputs(t *testing.T) {
	var got []string
	err := Inputs(strings.NewReader("a\n  # c\n\n b # d\r\nc"), func(s string) error { got = append(got, s); return nil })
	if err != nil || !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("got %q, %v", got, err)
	}
	err = Inputs(strings.NewReader("a\n"+strings.Repeat("x", MaxLineBytes+1)+"\n"), func(string) error { return nil })
	if !errors.Is(err, ErrLineTooLong) {
		t.Errorf("long line: %v", err)
	}
	if n, err := Count(strings.NewReader(list(12))); n != 12 || err != nil {
		t.Errorf("Count = %d, %v", n, err)
	}
}

func TestRunWriteFailureStops(t *testing.T) {
	_, err := Run(context.Background(), strings.NewReader(list(50)), failingWriter{}, Options{Check: echo, Concurrency: 4})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("err %v, want the write error", err)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// FuzzReadComplete reads arbitrary bytes as an earlier run's output: no
// panic, Keep never past the end, and the complete lines before Keep are
// read back the same.
func FuzzReadComplete(f *testing.F) {
	f.Add("{\"domain\":\"a\"}\n{\"input\":\"x\",\"error\":\"e\"}\n{\"domain\":\"b\"")
	f.Add("{\"domain\":\"a\",\"findings\":[{\"severity\":\"error\"}]}\n")
	f.Add("\n\n{")
	f.Fuzz(func(t *testing.T, text string) {
		prev, err := ReadComplete(strings.NewReader(text))
		if err != nil {
			return
		}
		if prev.Keep > int64(len(text)) {
			t.Fatalf("Keep %d past the end %d", prev.Keep, len(text))
		}
		again, err := ReadComplete(strings.NewReader(text[:prev.Keep]))
		if err != nil || again.Lines != prev.Lines || again.Keep != prev.Keep {
			t.Fatalf("the kept part reads back as %+v, %v; want %+v", again, err, prev)
		}
	})
}

// FuzzInputs splits arbitrary bytes into inputs: no panic, and no input is
// blank, has surrounding space or holds a newline or a "#".
func FuzzInputs(f *testing.F) {
	f.Add("a\n# c\n b # d\r\n")
	f.Add(strings.Repeat("x", 5000))
	f.Fuzz(func(t *testing.T, text string) {
		_ = Inputs(strings.NewReader(text), func(in string) error {
			if in == "" || strings.TrimSpace(in) != in || strings.ContainsAny(in, "\n#") {
				t.Fatalf("input %q", in)
			}
			return nil
		})
	})
}
