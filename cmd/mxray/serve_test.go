package main

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/tui/serve"
	"github.com/mxray/mxray/tui/serve/servetest"
)

// served is mxray serve running in this process on loopback (serveUntil,
// as "mxray serve" runs it) with the real workbench and CLI behind it.
// alice's key is in its authorized_keys; mallory's is not.
type served struct {
	srv    *serve.Server
	addr   string
	dir    string
	keys   string // the authorized_keys file
	audit  string // the audit log
	stdout string // the file the server's stdout went to
	stderr string
	users  map[string]*servetest.Key
	hup    chan os.Signal
	cancel context.CancelFunc
	done   chan int
}

// startServed starts "mxray GLOBAL... serve --listen 127.0.0.1:0 ..." with
// extra serve flags.
func startServed(t testing.TB, global []string, extra ...string) *served {
	t.Helper()
	dir := t.TempDir()
	s := &served{
		dir: dir, keys: filepath.Join(dir, "authorized_keys"), audit: filepath.Join(dir, "audit.jsonl"),
		stdout: filepath.Join(dir, "stdout"), stderr: filepath.Join(dir, "stderr"),
		users: map[string]*servetest.Key{"alice": servetest.NewKey(t), "mallory": servetest.NewKey(t)},
		hup:   make(chan os.Signal, 1), done: make(chan int, 1),
	}
	if err := os.WriteFile(s.keys, []byte(servetest.AuthorizedLine(s.users["alice"].PublicKey(), "alice@example")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	args := append(append(append([]string{}, global...), "serve", "--listen=127.0.0.1:0",
		"--authorized-keys="+s.keys, "--host-key="+filepath.Join(dir, "host_key"), "--audit-log="+s.audit), extra...)
	o, err := parseArgs(args, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(s.stdout)
	if err != nil {
		t.Fatal(err)
	}
	errOut, err := os.Create(s.stderr)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	type listening struct {
		srv  *serve.Server
		addr net.Addr
	}
	ready := make(chan listening, 1)
	env := &environment{stdin: strings.NewReader(""), stdout: out, stderr: errOut}
	go func() {
		code, err := serveUntil(ctx, o, env, s.hup, func(srv *serve.Server, addr net.Addr) { ready <- listening{srv, addr} })
		if err != nil {
			t.Errorf("serve: %v", err)
		}
		out.Close()
		errOut.Close()
		s.done <- code
	}()
	select {
	case l := <-ready:
		s.srv, s.addr = l.srv, l.addr.String()
	case code := <-s.done:
		t.Fatalf("serve ended with %d before listening: %s", code, readFile(t, s.stderr))
	case <-time.After(servetest.Timeout):
		t.Fatal("serve did not start")
	}
	t.Cleanup(func() { s.stop(t) })
	return s
}

// stop cancels the server (as SIGTERM does) and waits for it; it returns
// the exit status.
func (s *served) stop(t testing.TB) int {
	t.Helper()
	s.cancel()
	select {
	case code := <-s.done:
		s.done <- code
		return code
	case <-time.After(servetest.Timeout):
		t.Fatal("serve did not stop")
	}
	return -1
}

func (s *served) dial(t testing.TB, user string) *gossh.Client {
	t.Helper()
	return servetest.MustDial(t, s.addr, user, s.srv.HostPublicKey(), s.users[user])
}

// events reads the audit log: one JSON object a line.
func (s *served) events(t testing.TB) []serve.Event {
	t.Helper()
	return readEvents(t, s.audit)
}

func readEvents(t testing.TB, path string) []serve.Event {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []serve.Event
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e serve.Event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("audit line %q: %v", sc.Text(), err)
		}
		out = append(out, e)
	}
	return out
}

// waitEvent waits until the audit log holds an event match accepts.
func (s *served) waitEvent(t testing.TB, what string, match func(serve.Event) bool) serve.Event {
	t.Helper()
	var found serve.Event
	waitUntil(t, "the audit event "+what, func() bool {
		for _, e := range s.events(t) {
			if match(e) {
				found = e
				return true
			}
		}
		return false
	})
	return found
}

// waitUntil polls cond until it holds, failing after servetest.Timeout.
func waitUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(servetest.Timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited in vain for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func readFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestServeWorkbench: over SSH with a PTY, the real workbench (--demo)
// opens on its input screen; a domain typed in is checked; a bracketed
// paste of headers opens the editor and ctrl+d the message's view; e
// shows the report and y copies it (OSC 52); q ends the session with
// status 0. The audit log has each step, by size only.
func TestServeWorkbench(t *testing.T) {
	s := startServed(t, []string{"--demo"})
	if out := readFile(t, s.stdout); !strings.Contains(out, "host key created at") || !strings.Contains(out, s.srv.HostKeyFingerprint()) ||
		!strings.Contains(out, "listening on "+s.addr) {
		t.Errorf("start-up said %q", out)
	}
	c := s.dial(t, "alice")
	p := servetest.OpenPTY(t, c, 80, 24, map[string]string{"COLORTERM": "truecolor"})
	p.Out.WaitScreen(t, `Domain, address, URL, or "IP DOMAIN":`, "healthy.example  everything right")

	p.Type(t, "healthy.example\r")
	p.Out.WaitScreen(t, "mxray  healthy.example", "✓ done", "DMARC    ✓ p=reject")

	sample := demo.SampleMessage()
	p.Paste(t, string(sample))
	p.Out.WaitScreen(t, "ctrl+d read headers")
	p.Type(t, "\x04") // ctrl+d
	p.Out.WaitScreen(t, "[Hops]", "✓ done")

	p.Type(t, "e")
	p.Out.WaitScreen(t, "Report of", "Markdown,", "esc close")
	p.Type(t, "y")
	p.Out.WaitScreen(t, "(OSC 52)")
	// The clipboard sequence follows the frame with the notice.
	p.Out.WaitRaw(t, "an OSC 52 sequence", func(raw string) bool { _, ok := decodeOSC52(raw); return ok })
	if md, ok := decodeOSC52(p.Out.Raw()); !ok || !strings.HasPrefix(md, "# ") || !strings.Contains(md, "healthy.example") {
		t.Errorf("y sent no OSC 52 sequence with the report: %.80q", md)
	}
	p.Type(t, "\x1b") // esc
	p.Out.WaitScreenFunc(t, "the report closed", func(screen string) bool { return !strings.Contains(screen, "Report of") })
	p.Type(t, "q")
	if code := servetest.WaitExit(t, p.Session); code != 0 {
		t.Errorf("exit status %d after q", code)
	}

	disc := s.waitEvent(t, "disconnect", func(e serve.Event) bool { return e.Action == serve.ActionDisconnect })
	var actions []string
	for _, e := range s.events(t) {
		if e.Session != disc.Session {
			continue
		}
		actions = append(actions, string(e.Action))
		switch e.Action {
		case serve.ActionConnect:
			if e.Kind != "workbench" || e.KeyComment != "alice@example" || e.Term != "xterm-256color" {
				t.Errorf("connect = %+v", e)
			}
		case serve.ActionTargetChecked:
			if e.Target != "healthy.example" {
				t.Errorf("target_checked = %+v", e)
			}
		case serve.ActionHeadersPasted:
			if e.Size != len(sample) || e.FromDomain != "healthy.example" {
				t.Errorf("headers_pasted = %+v, want size %d from healthy.example", e, len(sample))
			}
		case serve.ActionCopy:
			if e.What != "report" || e.Size == 0 {
				t.Errorf("copy = %+v", e)
			}
		}
	}
	want := "connect target_checked headers_pasted export copy disconnect"
	if got := strings.Join(actions, " "); got != want {
		t.Errorf("audit actions %q, want %q", got, want)
	}
	if log := readFile(t, s.audit); strings.Contains(log, "Subject") || strings.Contains(log, "statement") {
		t.Error("the audit log holds header content")
	}
}

// decodeOSC52 returns the text of the first OSC 52 clipboard sequence in
// raw.
func decodeOSC52(raw string) (string, bool) {
	_, rest, ok := strings.Cut(raw, "\x1b]52;c;")
	if !ok {
		return "", false
	}
	end := strings.IndexAny(rest, "\x07\x1b")
	if end < 0 {
		return "", false
	}
	b, err := base64.StdEncoding.DecodeString(rest[:end])
	return string(b), err == nil
}
