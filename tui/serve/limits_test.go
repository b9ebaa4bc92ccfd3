package serve

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	gossh "golang.org/x/crypto/ssh"

	"github.com/mxray/mxray/tui/serve/servetest"
)

// blockingSession starts "check block.example" (which runs until the
// server ends it) and waits until it runs.
func blockingSession(t *testing.T, c *gossh.Client) (*gossh.Session, *servetest.Stream) {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sess.Close() })
	stdout, _ := sess.StdoutPipe()
	stderr, _ := sess.StderrPipe()
	out, errOut := newStream(stdout), newStream(stderr)
	if err := sess.Start("check block.example"); err != nil {
		t.Fatal(err)
	}
	out.WaitFor(t, "blocking")
	return sess, errOut
}

// refusedSession opens a command session that the server refuses and
// returns its stderr and exit status.
func refusedSession(t *testing.T, c *gossh.Client) (string, int) {
	t.Helper()
	_, errOut, code := runCommand(t, c, "check example.com", "")
	return errOut, code
}

func TestMaxSessions(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		c.MaxSessions, c.MaxSessionsPerKey = 3, 2
		c.busyCloseGrace = 50 * time.Millisecond
	})
	e.writeKeys(t, keyLine(e.users["alice"], "alice"), keyLine(e.users["bob"], "bob"), keyLine(e.users["carol"], "carol"))
	if err := e.srv.ReloadKeys(); err != nil {
		t.Fatal(err)
	}
	alice1 := e.mustDial(t, "alice")
	blockingSession(t, alice1)
	alice2 := e.mustDial(t, "alice")
	blockingSession(t, alice2)

	// A third session of the same key, on a new connection: refused.
	alice3 := e.mustDial(t, "alice")
	msg, code := refusedSession(t, alice3)
	if code != 1 || !strings.Contains(msg, "server busy for your key: it already has 2 sessions open") {
		t.Errorf("third session of a key: %d %q", code, msg)
	}
	bob := e.mustDial(t, "bob")
	blockingSession(t, bob)

	// The server is full: the next connection is told so and closed.
	carol := e.mustDial(t, "carol")
	msg, code = refusedSession(t, carol)
	if code != 1 || !strings.Contains(msg, "server busy: all 3 sessions are in use; try again later") {
		t.Errorf("session over the limit: %d %q", code, msg)
	}
	closed := make(chan error, 1)
	go func() { closed <- carol.Wait() }()
	select {
	case <-closed:
	case <-time.After(testTimeout):
		t.Fatal("the busy connection was not closed")
	}
	busy := e.rec.wait(t, "session_refused busy", func(ev Event) bool {
		return ev.Action == ActionSessionRefused && strings.Contains(ev.Reason, "all 3 sessions")
	})
	if busy.KeyComment != "carol" {
		t.Errorf("busy event = %+v", busy)
	}

	// One session ends: its slot is free again.
	alice1.Close()
	e.rec.wait(t, "alice's disconnect", func(ev Event) bool {
		return ev.Action == ActionDisconnect && ev.KeyComment == "alice"
	})
	carol2 := e.mustDial(t, "carol")
	out, _, code := runCommand(t, carol2, "check example.com", "")
	if code != 0 || !strings.Contains(out, "ran: check example.com") {
		t.Errorf("after a slot was freed: %d %q", code, out)
	}
}

func TestIdleTimeout(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.IdleTimeout = 200 * time.Millisecond })
	c := e.mustDial(t, "alice")
	p := openPTY(t, c, nil)
	// No input at all: the closing message, whether or not the first
	// frame was drawn by then on a loaded machine.
	p.Err.WaitFor(t, "mxray: session closed: no input for 200ms.")
	if code := waitExit(t, p.Session); code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	ev := e.rec.wait(t, "disconnect", func(ev Event) bool { return ev.Action == ActionDisconnect })
	if ev.Reason != "no input for 200ms" {
		t.Errorf("disconnect = %+v", ev)
	}
}

func TestMaxSessionLength(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxSessionLength = 200 * time.Millisecond })
	c := e.mustDial(t, "alice")
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	stderr, _ := sess.StderrPipe()
	errOut := newStream(stderr)
	if err := sess.Start("check block.example"); err != nil {
		t.Fatal(err)
	}
	errOut.WaitFor(t, "mxray: session closed: this session reached the maximum length of 200ms.")
	if code := waitExit(t, sess); code != 2 {
		t.Errorf("exit status %d, want 2", code)
	}
	ev := e.rec.wait(t, "disconnect", func(ev Event) bool { return ev.Action == ActionDisconnect })
	if !strings.Contains(ev.Reason, "maximum length") {
		t.Errorf("disconnect = %+v", ev)
	}
}

func TestShutdownClosesSessions(t *testing.T) {
	e := newEnv(t, nil)
	c := e.mustDial(t, "alice")
	p := openPTY(t, c, nil)
	p.Out.WaitFor(t, "ready")
	cmd, cmdErr := blockingSession(t, e.mustDial(t, "bob"))

	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	if err := e.srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown = %v, want nil: every session ended before the deadline", err)
	}
	for _, s := range []*servetest.Stream{p.Err, cmdErr} {
		s.WaitFor(t, "mxray: session closed: the server is shutting down.")
	}
	if !strings.Contains(cmdErr.Text(), "cancelled\n") {
		t.Errorf("the command's context was not cancelled: %q", cmdErr.Text())
	}
	waitExit(t, p.Session)
	waitExit(t, cmd)
	if _, err := e.dial("alice"); err == nil {
		t.Error("a connection was accepted after Shutdown")
	}
	n := 0
	for _, ev := range e.rec.all() {
		if ev.Action == ActionDisconnect && ev.Reason == reasonShutdown {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d disconnect events for the shutdown, want 2", n)
	}
}

// stuckModel never returns from Update once it gets an x.
type stuckModel struct {
	echoModel
	release <-chan struct{}
}

func (m *stuckModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && k.String() == "x" {
		<-m.release
	}
	_, cmd := m.echoModel.Update(msg)
	return m, cmd
}

// TestShutdownStuckWorkbench: a workbench that does not stop when told
// does not hold up Shutdown beyond its grace: Shutdown returns nil well
// before its context's deadline.
func TestShutdownStuckWorkbench(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	e := newEnv(t, func(c *Config) {
		c.CloseGrace = 50 * time.Millisecond
		c.NewModel = func(_ context.Context, info SessionInfo) tea.Model {
			return &stuckModel{echoModel: echoModel{info: info}, release: release}
		}
	})
	p := openPTY(t, e.mustDial(t, "alice"), nil)
	p.Out.WaitFor(t, "ready")
	if _, err := p.Stdin.Write([]byte("ax")); err != nil {
		t.Fatal(err)
	}
	p.Out.WaitFor(t, "key:a")
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	if err := e.srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown = %v", err)
	}
	p.Err.WaitFor(t, "the server is shutting down")
	if !strings.Contains(e.logs.text(), "did not stop when told to") {
		t.Errorf("the operator was not told: %q", e.logs.text())
	}
}

// TestShutdownDeadline: when sessions outlast Shutdown's context, it says
// so with the context's error, and still closes every connection.
func TestShutdownDeadline(t *testing.T) {
	e := newEnv(t, nil)
	c := e.mustDial(t, "alice")
	blockingSession(t, c)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := e.srv.Shutdown(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Shutdown with an ended context = %v, want context.Canceled", err)
	}
	closed := make(chan error, 1)
	go func() { closed <- c.Wait() }()
	select {
	case <-closed:
	case <-time.After(testTimeout):
		t.Fatal("the connection was not closed")
	}
}

func TestAuditLogFile(t *testing.T) {
	var path string
	e := newEnv(t, func(c *Config) {
		path = filepath.Join(filepath.Dir(c.AuthorizedKeys), "audit.jsonl")
		c.AuditLog = path
	})
	c := e.mustDial(t, "alice")
	runCommand(t, c, "check example.com", "")
	runCommand(t, c, "check --zone /etc/z example.com", "")
	if _, err := e.dial("mallory"); err == nil {
		t.Fatal("mallory logged in")
	}
	e.rec.wait(t, "refusal", func(ev Event) bool { return ev.Action == ActionAuthRefused })
	c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	if err := e.srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("audit log mode %04o, want 0600", fi.Mode().Perm())
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	actions := map[Action]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var ev map[string]any
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		ts, _ := ev["time"].(string)
		if _, err := time.Parse(time.RFC3339, ts); err != nil {
			t.Errorf("time %q is not RFC 3339: %v", ts, err)
		}
		actions[Action(ev["action"].(string))]++
	}
	want := map[Action]int{ActionConnect: 2, ActionCommand: 1, ActionSessionRefused: 1, ActionDisconnect: 2, ActionAuthRefused: 1}
	for a, n := range want {
		if actions[a] != n {
			t.Errorf("%d %s lines, want %d (all: %v)", actions[a], a, n, actions)
		}
	}
}

func TestSessionAuditKeepsNoContent(t *testing.T) {
	var buf strings.Builder
	log := NewJSONLog(&buf, nil)
	a := &SessionAudit{sink: log, now: func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
		base: Event{Session: "abcd.1", Conn: "abcd", KeyFingerprint: "SHA256:x", KeyComment: "alice", Remote: "192.0.2.1:2222"}}
	a.TargetChecked("example.com")
	a.HeadersPasted(1234, "example.net")
	a.Copied("spf.record", 42)
	a.Exported(9000)
	var nilAudit *SessionAudit
	nilAudit.TargetChecked("ignored.example") // a nil audit records nothing, and does not panic
	want := `{"time":"2026-01-02T03:04:05Z","session":"abcd.1","conn":"abcd","key_fingerprint":"SHA256:x","key_comment":"alice","remote":"192.0.2.1:2222","action":"target_checked","target":"example.com"}
{"time":"2026-01-02T03:04:05Z","session":"abcd.1","conn":"abcd","key_fingerprint":"SHA256:x","key_comment":"alice","remote":"192.0.2.1:2222","action":"headers_pasted","size":1234,"from_domain":"example.net"}
{"time":"2026-01-02T03:04:05Z","session":"abcd.1","conn":"abcd","key_fingerprint":"SHA256:x","key_comment":"alice","remote":"192.0.2.1:2222","action":"copy","size":42,"what":"spf.record"}
{"time":"2026-01-02T03:04:05Z","session":"abcd.1","conn":"abcd","key_fingerprint":"SHA256:x","key_comment":"alice","remote":"192.0.2.1:2222","action":"export","size":9000}
`
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
	// A long or hostile field is cut, and stays one JSON line.
	buf.Reset()
	a.TargetChecked(strings.Repeat("é", 400) + "\n\x1b[2J")
	line := buf.String()
	if strings.Count(line, "\n") != 1 || len(line) > 2*maxAuditField+300 || strings.Contains(line, "\x1b") {
		t.Errorf("hostile target written as %q", line)
	}
}

func TestAuditLogRefusesOpenFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "audit.jsonl")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if l, err := OpenAuditLog(path, nil); err == nil {
		l.Close()
		t.Fatal("a world-readable audit log was opened")
	}
	path2 := filepath.Join(dir, "new.jsonl")
	l, err := OpenAuditLog(path2, nil)
	if err != nil {
		t.Fatal(err)
	}
	l.Audit(Event{Action: ActionConnect})
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l.Audit(Event{Action: ActionDisconnect}) // after Close: dropped
	data, _ := os.ReadFile(path2)
	if strings.Count(string(data), "\n") != 1 {
		t.Errorf("file holds %q", data)
	}
	// Appends: a second opening keeps the first line.
	l, err = OpenAuditLog(path2, nil)
	if err != nil {
		t.Fatal(err)
	}
	l.Audit(Event{Action: ActionDisconnect})
	// Rotation by renaming: events go to the new file after Reopen.
	rotated := path2 + ".1"
	if err := os.Rename(path2, rotated); err != nil {
		t.Fatal(err)
	}
	if err := l.Reopen(); err != nil {
		t.Fatal(err)
	}
	l.Audit(Event{Action: ActionCommand})
	l.Close()
	f, _ := os.Open(rotated)
	defer f.Close()
	data, _ = io.ReadAll(f)
	if strings.Count(string(data), "\n") != 2 {
		t.Errorf("rotated file holds %q", data)
	}
	data, _ = os.ReadFile(path2)
	if strings.Count(string(data), "\n") != 1 || !strings.Contains(string(data), `"action":"command"`) {
		t.Errorf("new file holds %q", data)
	}
	if fi, err := os.Stat(path2); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("new file: %v %v", fi.Mode(), err)
	}
}

// TestHandshakeSlots: connections that never authenticate cannot take
// every slot: past maxUnauthPerIP from one address, the next connection is
// closed before the handshake, and the slots come back when they go.
func TestHandshakeSlots(t *testing.T) {
	e := newEnv(t, nil)
	var idle []net.Conn
	for i := 0; i < maxUnauthPerIP; i++ {
		c, err := net.Dial("tcp", e.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		// The server speaks first: once its version line is here, it has
		// counted the connection.
		line, err := bufio.NewReader(c).ReadString('\n')
		if err != nil || !strings.HasPrefix(line, "SSH-2.0-mxray") {
			t.Fatalf("version line %q, %v", line, err)
		}
		idle = append(idle, c)
	}
	if c, err := e.dial("alice"); err == nil {
		c.Close()
		t.Fatal("a connection past the handshake slots was served")
	}
	for _, c := range idle {
		c.Close()
	}
	deadline := time.Now().Add(testTimeout)
	for {
		c, err := e.dial("alice")
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no slot came back: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Authenticated connections do not count against the handshake slots.
	for i := 0; i < maxUnauthPerIP+2; i++ {
		e.mustDial(t, "bob")
	}
}
