package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/mxray/mxray/diag/batch"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
	"github.com/mxray/mxray/internal/benchzone"
)

// TestMain lets a test run this very binary as mxray (MXRAY_AS_MAIN=1), so
// that a real process can be interrupted with a real signal.
func TestMain(m *testing.M) {
	if os.Getenv("MXRAY_AS_MAIN") == "1" {
		main()
		return
	}
	code := m.Run()
	removeBinary()
	os.Exit(code)
}

// binDir holds the mxray binary the whole-process benchmarks build.
var binDir string

// removeBinary is called by TestMain when the tests are over.
func removeBinary() {
	if binDir != "" {
		os.RemoveAll(binDir)
	}
}

// normalisedLines parses JSON Lines and drops what depends on when and how
// a domain was asked rather than on what DNS holds: "queries" (questions on
// the wire, fewer when the shared cache already held the answers), "ttl"
// (counted down while cached), "rtt_ms" (round-trip times) and "server"
// (the --demo server's port differs from run to run).
func normalisedLines(t *testing.T, out []byte) []string {
	t.Helper()
	var got []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var v any
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("line %d is not complete JSON: %v: %.80q", len(got)+1, err, sc.Text())
		}
		drop(v)
		b, _ := json.Marshal(v)
		got = append(got, string(b))
	}
	return got
}

func drop(v any) {
	switch x := v.(type) {
	case map[string]any:
		delete(x, "queries")
		delete(x, "ttl")
		delete(x, "rtt_ms")
		delete(x, "server")
		delete(x, "generated_at") // each run says when it ran
		for _, e := range x {
			drop(e)
		}
	case []any:
		for _, e := range x {
			drop(e)
		}
	}
}

// cancelAfter is stdout that cancels the run after n writes.
type cancelAfter struct {
	f      *os.File
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) Write(p []byte) (int, error) {
	n, err := c.f.Write(p)
	if c.n--; c.n == 0 {
		c.cancel()
	}
	return n, err
}

func demoList(t *testing.T) string {
	return writeFile(t, "domains.txt", "healthy.example\nbroken.example\nnot a domain\nmailer.example\nreports.example\nthirdparty.example\nreceiver.example\nHEALTHY.example\n")
}

func TestBatchResumeAfterInterrupt(t *testing.T) {
	list := demoList(t)
	// One uninterrupted run.
	code, whole, errOut := runCLI(t, "", "--demo", "check", "-f", list, "--json")
	if code != exitFindings {
		t.Fatalf("exit %d: %s", code, errOut)
	}

	// An interrupted run: cancelled (as SIGINT does) once three lines are
	// written; then the torn end a killed process could leave.
	path := filepath.Join(t.TempDir(), "out.jsonl")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var errBuf bytes.Buffer
	env := &environment{stdin: strings.NewReader(""), stdout: &cancelAfter{f: f, n: 3, cancel: cancel}, stdoutFile: f, stderr: &errBuf}
	if code := run(ctx, []string{"--demo", "check", "-f", list, "--json", "--concurrency", "1"}, env); code != exitCannot || !strings.Contains(errBuf.String(), "--resume") {
		t.Fatalf("interrupted run: exit %d, %s", code, errBuf.String())
	}
	f.WriteString(`{"domain":"mailer.example","queries":`)
	f.Close()

	// Resumed, appending to the same file.
	f, err = os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	errBuf.Reset()
	env = &environment{stdin: strings.NewReader(""), stdout: f, stdoutFile: f, stderr: &errBuf}
	if code := run(context.Background(), []string{"--demo", "check", "-f", list, "--json", "--resume"}, env); code != exitFindings {
		t.Fatalf("resumed run: exit %d, %s", code, errBuf.String())
	}
	resumed, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := normalisedLines(t, resumed), normalisedLines(t, []byte(whole)); !slices.Equal(got, want) {
		t.Errorf("resumed output (%d lines) differs from one uninterrupted run (%d lines)", len(got), len(want))
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				t.Logf("line %d differs at %s", i, firstDiff(got[i], want[i]))
			}
		}
	}
}

func TestBatchResumeNeedsAFile(t *testing.T) {
	list := demoList(t)
	code, _, errOut := runCLI(t, "", "--demo", "check", "-f", list, "--json", "--resume")
	if code != exitCannot || !strings.Contains(errOut, ">>") {
		t.Errorf("exit %d, %q: want a usage error saying to append with >>", code, errOut)
	}
	for _, args := range [][]string{
		{"check", "healthy.example", "--concurrency", "4"},
		{"check", "healthy.example", "--qps", "10"},
		{"check", "-f", list, "--resume"},
		{"check", "-f", list, "--concurrency", "0"},
		{"check", "-f", list, "--qps", "-1"},
		{"spf", "healthy.example", "--unordered"},
	} {
		if code, _, errOut := runCLI(t, "", append([]string{"--demo"}, args...)...); code != exitCannot || !strings.Contains(errOut, "see mxray --help") {
			t.Errorf("%v: exit %d, %q; want a usage error", args, code, errOut)
		}
	}
}

// TestBatchSIGINTLeavesWholeLines interrupts a real mxray process with
// SIGINT in the middle of a batch and requires every line it wrote to be
// complete JSON, then resumes it and compares with an uninterrupted run.
func TestBatchSIGINTLeavesWholeLines(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	const n = 40
	srv := zoneservertest.New(t, benchzone.Audit(n))
	srv.SetLatency(20 * time.Millisecond)
	var domains strings.Builder
	for i := range n {
		fmt.Fprintln(&domains, benchzone.AuditDomain(i))
	}
	list := writeFile(t, "audit.txt", domains.String())
	args := []string{"--resolver", srv.Addr(), "check", "-f", list, "--json", "--concurrency", "2"}

	path := filepath.Join(t.TempDir(), "out.jsonl")
	out, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	var errOut bytes.Buffer
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "MXRAY_AS_MAIN=1")
	cmd.Stdout, cmd.Stderr = out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		b, _ := os.ReadFile(path)
		if bytes.Count(b, []byte("\n")) >= 3 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond) // waiting for output, not timing it
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	out.Close()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitCannot {
		t.Fatalf("interrupted process: %v, stderr %s", err, errOut.String())
	}
	partial, _ := os.ReadFile(path)
	if len(partial) == 0 || partial[len(partial)-1] != '\n' {
		t.Fatalf("the output does not end with a whole line: %.80q", partial[max(0, len(partial)-80):])
	}
	got := normalisedLines(t, partial)
	if len(got) >= n {
		t.Fatalf("%d lines: the signal came too late to interrupt anything", len(got))
	}

	out, err = os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	var errBuf bytes.Buffer
	env := &environment{stdin: strings.NewReader(""), stdout: out, stdoutFile: out, stderr: &errBuf}
	if code := run(context.Background(), append(args, "--resume"), env); code == exitCannot {
		t.Fatalf("resumed: exit %d %s", code, errBuf.String())
	}
	resumed, _ := os.ReadFile(path)
	_, whole, _ := runCLI(t, "", args...)
	if got, want := normalisedLines(t, resumed), normalisedLines(t, []byte(whole)); !slices.Equal(got, want) {
		t.Errorf("interrupted and resumed output (%d lines) differs from one run (%d lines)", len(got), len(want))
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				t.Logf("line %d differs at %s", i, firstDiff(got[i], want[i]))
				break
			}
		}
	}
}

// firstDiff names the first JSON path where a and b differ.
func firstDiff(a, b string) string {
	var x, y any
	json.Unmarshal([]byte(a), &x)
	json.Unmarshal([]byte(b), &y)
	return diffPath("", x, y)
}

func diffPath(path string, x, y any) string {
	switch xv := x.(type) {
	case map[string]any:
		yv, ok := y.(map[string]any)
		if !ok {
			return path
		}
		for k, e := range xv {
			if d := diffPath(path+"."+k, e, yv[k]); d != "" {
				return d
			}
		}
		for k := range yv {
			if _, ok := xv[k]; !ok {
				return path + "." + k
			}
		}
	case []any:
		yv, ok := y.([]any)
		if !ok || len(yv) != len(xv) {
			return fmt.Sprintf("%s (%d vs %v)", path, len(xv), y)
		}
		for i := range xv {
			if d := diffPath(fmt.Sprintf("%s[%d]", path, i), xv[i], yv[i]); d != "" {
				return d
			}
		}
	default:
		if fmt.Sprint(x) != fmt.Sprint(y) {
			return fmt.Sprintf("%s: %v vs %v", path, x, y)
		}
	}
	return ""
}

// TestBatchDeadResolverFailsFast checks 50 domains against a resolver that
// never answers, one at a time: the run stops after the first domain
// instead of spending every domain's timeouts, counted in questions the
// dead resolver received.
func TestBatchDeadResolverFailsFast(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	var received atomic.Int64
	go func() {
		buf := make([]byte, 2048)
		for {
			if _, _, err := pc.ReadFrom(buf); err != nil {
				return
			}
			received.Add(1)
		}
	}()
	var domains strings.Builder
	for i := range 50 {
		fmt.Fprintf(&domains, "d%d.example\n", i)
	}
	list := writeFile(t, "dead.txt", domains.String())
	code, out, errOut := runCLI(t, "", "--resolver", pc.LocalAddr().String(), "--timeout", "100ms", "check", "-f", list, "--json", "--concurrency", "1")
	if code != exitCannot || !strings.Contains(errOut, "stopped answering") || !strings.Contains(errOut, "--resume") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	if out != "" {
		t.Errorf("lines written for domains the dead resolver never answered:\n%.200s", out)
	}
	// One domain asks a few dozen questions, each tried twice; the other
	// 49 would ask the same again without the health tracker.
	t.Logf("the dead resolver received %d questions", received.Load())
	if got := received.Load(); got > 100 {
		t.Errorf("the dead resolver received %d questions, want under 100 (it should be given up on after the first domain)", got)
	}
}

func TestProgressText(t *testing.T) {
	tests := []struct {
		pr    batch.Progress
		total int64
		want  string
	}{
		{batch.Progress{Written: 50, Elapsed: 10 * time.Second}, 200, "[==>       ] 50/200 25%  5/s  ETA 30s"},
		{batch.Progress{Written: 100, Skipped: 100, Elapsed: 10 * time.Second, Failed: 3}, 200, "[==========] 200/200 100%  10/s  3 with errors"},
		{batch.Progress{Written: 7, Elapsed: time.Second}, -1, "7 checked  7/s"},
	}
	for _, tt := range tests {
		if got := progressText(tt.pr, tt.total, 10); got != tt.want {
			t.Errorf("progressText(%+v, %d) = %q, want %q", tt.pr, tt.total, got, tt.want)
		}
	}
}
