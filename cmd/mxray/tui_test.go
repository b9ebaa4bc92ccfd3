package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/headers"
	"github.com/mxray/mxray/internal/syncbuf"
)

// errNoTTY stands for a machine without a controlling terminal.
var errNoTTY = errors.New("no such device or address")

// fakeTTY is a terminal whose keys a test writes.
type fakeTTY struct {
	*io.PipeReader
	w      *io.PipeWriter
	closed bool
	mu     sync.Mutex
}

func newFakeTTY() *fakeTTY {
	r, w := io.Pipe()
	return &fakeTTY{PipeReader: r, w: w}
}

func (f *fakeTTY) Close() error {
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
	return f.PipeReader.Close()
}

func (f *fakeTTY) isClosed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.closed
}

// TestTUIConfig: a header FILE or "-" is read before the workbench starts,
// with the cap and errors of mxray headers; one that holds DMARC aggregate
// reports (by content) goes to the workbench to read; "-" takes its keys
// from the terminal, and says so when there is none; a domain stays a
// target.
func TestTUIConfig(t *testing.T) {
	sample := demo.SampleMessage()
	file := writeFile(t, "sample.eml", string(sample))
	tooBig := writeFile(t, "big.eml", "Subject: x\r\n"+strings.Repeat("X-Pad: aaaaaaaa\r\n", headers.MaxInputSize/16))
	msg := writeFile(t, "mail.msg", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"+strings.Repeat("\x00", 512))
	letter := writeFile(t, "letter.txt", "Dear Bob,\nthis is no header.\n")
	report := string(demo.Reports()[0].Data)
	reportFile := writeFile(t, "report.xml", report)
	tty := newFakeTTY()
	tests := []struct {
		name    string
		args    []string
		stdin   string
		openTTY func() (io.ReadCloser, error)
		// want
		target, source string
		headers        []byte
		ttyInput       bool
		reports        int // DMARC aggregate report inputs, told by content
		err            error
	}{
		{name: "report file", args: []string{"--demo", reportFile}, reports: 1},
		{name: "report on stdin", args: []string{"--demo", "-"}, stdin: report, reports: 1, ttyInput: true},
		{name: "file", args: []string{"--demo", file}, source: file, headers: sample},
		{name: "stdin", args: []string{"--demo", "-"}, stdin: string(sample), source: "stdin", headers: sample, ttyInput: true},
		{name: "stdin without a terminal", args: []string{"--demo", "-"}, stdin: string(sample),
			openTTY: func() (io.ReadCloser, error) { return nil, errNoTTY }, err: errNoTTY},
		{name: "too large", args: []string{"--demo", tooBig}, err: headers.ErrTooLarge},
		{name: "outlook .msg", args: []string{"--demo", msg}, err: headers.ErrOutlookMsg},
		{name: "no header fields", args: []string{"--demo", letter}, err: headers.ErrNoHeaders},
		{name: "domain", args: []string{"--demo", "broken.example"}, target: "broken.example"},
		{name: "demo alone", args: []string{"--demo"}, target: demo.DefaultDomain},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseArgs(tt.args, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			open := tt.openTTY
			if open == nil {
				open = func() (io.ReadCloser, error) { return tty, nil }
			}
			var out bytes.Buffer
			env := &environment{stdin: strings.NewReader(tt.stdin), stdout: &out, stderr: io.Discard, stdoutIsTTY: true}
			cfg, cleanup, err := tuiConfig(o, env, tuiDeps{openTTY: open})
			defer cleanup()
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("error %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var source string
			var raw []byte
			if m := cfg.Message; m != nil {
				source, raw = m.Source, m.Raw
				if m.Analysis == nil {
					t.Fatal("the message was not read")
				}
			}
			if len(cfg.Reports) != tt.reports {
				t.Fatalf("%d report inputs, want %d", len(cfg.Reports), tt.reports)
			}
			if cfg.Target != tt.target || source != tt.source || !bytes.Equal(raw, tt.headers) {
				t.Fatalf("target %q source %q, %d bytes of headers", cfg.Target, source, len(raw))
			}
			if (cfg.Input == tty) != tt.ttyInput {
				t.Fatalf("keys from %v, want the terminal: %v", cfg.Input, tt.ttyInput)
			}
			if cfg.NewClient == nil || !cfg.Demo || cfg.Output != env.stdout {
				t.Fatal("the configuration lacks the demo's DNS or the output")
			}
		})
	}
}

// TestTUIHeadersFromStdin: "mxray -" reads the message from stdin and runs
// the workbench on it with keys from the terminal: q typed there quits,
// with exit status 0, and the terminal is closed.
func TestTUIHeadersFromStdin(t *testing.T) {
	o, err := parseArgs([]string{"--demo", "-"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	out := &syncbuf.Buffer{}
	env := &environment{stdin: bytes.NewReader(demo.SampleMessage()), stdout: out, stderr: io.Discard, stdoutIsTTY: true}
	tty := newFakeTTY()
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	type result struct {
		code int
		err  error
	}
	done := make(chan result, 1)
	go func() {
		code, err := startTUI(ctx, o, env, tuiDeps{openTTY: func() (io.ReadCloser, error) { return tty, nil }, width: 100, height: 30})
		done <- result{code, err}
	}()
	// The window title names the source; the hops show once the message
	// is read.
	deadline := time.Now().Add(patience)
	for !strings.Contains(out.String(), "mxray stdin") || !strings.Contains(out.String(), "relay.mailer.example") {
		if time.Now().After(deadline) {
			t.Fatalf("the workbench never showed the message from stdin:\n%q", out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	// The write blocks until the workbench reads the terminal.
	go func() { _, _ = tty.w.Write([]byte("q")) }()
	select {
	case r := <-done:
		if r.err != nil || r.code != exitOK {
			t.Fatalf("exit %d: %v", r.code, r.err)
		}
	case <-time.After(patience):
		t.Fatal("q on the terminal did not end the workbench")
	}
	if !tty.isClosed() {
		t.Error("the terminal was left open")
	}
}
