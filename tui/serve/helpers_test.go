package serve

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"
)

// testTimeout bounds every wait of these tests: reaching it is a failure,
// never a measurement.
const testTimeout = 30 * time.Second

// echoModel is the stand-in workbench: it shows its session's TERM and
// environment, then one line per key, paste and resize, and quits on q.
type echoModel struct {
	info  SessionInfo
	lines []string
}

func (m *echoModel) Init() tea.Cmd { return nil }

func (m *echoModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if msg.String() == "q" {
			return m, tea.Quit
		}
		m.add("key:" + msg.String())
	case tea.PasteMsg:
		m.add("paste<" + strings.ReplaceAll(msg.Content, "\n", "|") + ">")
	case tea.WindowSizeMsg:
		m.add(fmt.Sprintf("size:%dx%d", msg.Width, msg.Height))
	}
	return m, nil
}

func (m *echoModel) add(s string) {
	m.lines = append(m.lines, s)
	if len(m.lines) > 10 {
		m.lines = m.lines[1:]
	}
}

func (m *echoModel) View() tea.View {
	head := fmt.Sprintf("ready env=%s user=%s", strings.Join(m.info.Env, ","), m.info.User)
	return tea.NewView(head + "\n" + strings.Join(m.lines, "\n"))
}

func newEchoModel(_ context.Context, info SessionInfo) tea.Model { return &echoModel{info: info} }

// fakeRun is the stand-in CLI: it prints the arguments it was given and
// what it read from stdin; "block.example" waits for the end of ctx.
func fakeRun(ctx context.Context, info SessionInfo, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fmt.Fprintf(stdout, "ran: %s\n", strings.Join(args, " "))
	data, _ := io.ReadAll(stdin)
	if len(data) > 0 {
		fmt.Fprintf(stdout, "stdin: %d bytes\n", len(data))
	}
	for _, a := range args {
		if a == "block.example" {
			fmt.Fprintln(stdout, "blocking")
			<-ctx.Done()
			fmt.Fprintln(stderr, "cancelled")
			return 2
		}
	}
	return 0
}

// recorder is an Auditor that keeps every event.
type recorder struct {
	mu     sync.Mutex
	events []Event
	more   chan struct{}
}

func newRecorder() *recorder { return &recorder{more: make(chan struct{}, 1)} }

func (r *recorder) Audit(e Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
	select {
	case r.more <- struct{}{}:
	default:
	}
}

func (r *recorder) all() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.events...)
}

// wait returns the first event that match accepts, waiting for it.
func (r *recorder) wait(t testing.TB, what string, match func(Event) bool) Event {
	t.Helper()
	deadline := time.NewTimer(testTimeout)
	defer deadline.Stop()
	for {
		for _, e := range r.all() {
			if match(e) {
				return e
			}
		}
		select {
		case <-r.more:
		case <-deadline.C:
			t.Fatalf("no audit event %s; have %+v", what, r.all())
		}
	}
}

// logs collects what the server tells the operator.
type logs struct {
	mu    sync.Mutex
	lines []string
}

func (l *logs) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *logs) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// testEnv is a server on loopback with users whose keys it admits.
type testEnv struct {
	srv      *Server
	addr     string
	dir      string
	keysPath string
	rec      *recorder
	logs     *logs
	users    map[string]gossh.Signer
}

func newSigner(t testing.TB) gossh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	privateKeys.Store(s, priv)
	return s
}

// privateKeys keeps each test signer's private key, for the tests that
// write it to a file for the OpenSSH client.
var privateKeys sync.Map

func keyLine(s gossh.Signer, comment string) string {
	return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(s.PublicKey()))) + " " + comment
}

// newEnv starts a server admitting alice and bob (and not mallory), with
// cfg adjusted by mod.
func newEnv(t testing.TB, mod func(*Config)) *testEnv {
	t.Helper()
	dir := t.TempDir()
	e := &testEnv{dir: dir, rec: newRecorder(), logs: &logs{}, users: map[string]gossh.Signer{}}
	for _, u := range []string{"alice", "bob", "carol", "mallory"} {
		e.users[u] = newSigner(t)
	}
	e.keysPath = filepath.Join(dir, "authorized_keys")
	e.writeKeys(t, keyLine(e.users["alice"], "alice@example"), keyLine(e.users["bob"], "bob@example"))
	cfg := Config{
		AuthorizedKeys: e.keysPath,
		HostKey:        filepath.Join(dir, "host", HostKeyFileName),
		Auditor:        e.rec,
		Logf:           e.logs.logf,
		NewModel:       newEchoModel,
		RunCommand:     fakeRun,
		// Generous: a session told to close ends as soon as it can, and
		// a loaded machine must not turn that into a kill.
		CloseGrace: 10 * time.Second,
		// The poll is driven by the tests (ReloadKeys), not by time.
		KeysPollInterval: time.Hour,
	}
	if mod != nil {
		mod(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	e.srv, e.addr = srv, ln.Addr().String()
	return e
}

func (e *testEnv) writeKeys(t testing.TB, lines ...string) {
	t.Helper()
	tmp := e.keysPath + ".tmp"
	if err := os.WriteFile(tmp, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, e.keysPath); err != nil {
		t.Fatal(err)
	}
}

// dial connects as user with the given auth methods (user's key when none).
func (e *testEnv) dial(user string, auth ...gossh.AuthMethod) (*gossh.Client, error) {
	if len(auth) == 0 {
		auth = []gossh.AuthMethod{gossh.PublicKeys(e.users[user])}
	}
	return gossh.Dial("tcp", e.addr, &gossh.ClientConfig{
		User:            user,
		Auth:            auth,
		HostKeyCallback: gossh.FixedHostKey(e.srv.HostPublicKey()),
		Timeout:         testTimeout,
	})
}

func (e *testEnv) mustDial(t testing.TB, user string) *gossh.Client {
	t.Helper()
	c, err := e.dial(user)
	if err != nil {
		t.Fatalf("dial as %s: %v", user, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// stream collects what a session writes, for waiting on text. Escape
// sequences are stripped: the stand-in model draws each event on a new
// line, so its text arrives whole.
type stream struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	more chan struct{}
	done chan struct{}
}

func newStream(r io.Reader) *stream {
	s := &stream{more: make(chan struct{}, 1), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		b := make([]byte, 32<<10)
		for {
			n, err := r.Read(b)
			if n > 0 {
				s.mu.Lock()
				s.buf.Write(b[:n])
				s.mu.Unlock()
				select {
				case s.more <- struct{}{}:
				default:
				}
			}
			if err != nil {
				return
			}
		}
	}()
	return s
}

func (s *stream) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ansi.Strip(s.buf.String())
}

// waitFor waits until the stream holds want.
func (s *stream) waitFor(t testing.TB, want string) {
	t.Helper()
	deadline := time.NewTimer(testTimeout)
	defer deadline.Stop()
	for !strings.Contains(s.text(), want) {
		select {
		case <-s.more:
		case <-s.done:
			if !strings.Contains(s.text(), want) {
				t.Fatalf("stream ended without %q; got %q", want, s.text())
			}
			return
		case <-deadline.C:
			t.Fatalf("no %q in %q", want, s.text())
		}
	}
}

// ptySession opens a workbench session: a PTY of 80x24 and a shell.
type ptySession struct {
	sess   *gossh.Session
	stdin  io.WriteCloser
	out    *stream
	errOut *stream
}

func openPTY(t testing.TB, c *gossh.Client, env map[string]string) *ptySession {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sess.Close() })
	for k, v := range env {
		if err := sess.Setenv(k, v); err != nil {
			t.Fatalf("setenv %s: %v", k, err)
		}
	}
	if err := sess.RequestPty("xterm-256color", 24, 80, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	p := &ptySession{sess: sess}
	if p.stdin, err = sess.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := sess.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	p.out, p.errOut = newStream(stdout), newStream(stderr)
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	return p
}

// waitExit waits for the session's end and returns its exit status.
func waitExit(t testing.TB, sess *gossh.Session) int {
	t.Helper()
	errc := make(chan error, 1)
	go func() { errc <- sess.Wait() }()
	select {
	case err := <-errc:
		if err == nil {
			return 0
		}
		if ee, ok := err.(*gossh.ExitError); ok {
			return ee.ExitStatus()
		}
		t.Fatalf("session ended without an exit status: %v", err)
	case <-time.After(testTimeout):
		t.Fatal("the session did not end")
	}
	return -1
}

// runCommand runs line in a command session, with stdin, and returns what
// it printed and its exit status.
func runCommand(t testing.TB, c *gossh.Client, line, stdin string) (stdout, stderr string, code int) {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	var o, e bytes.Buffer
	sess.Stdout, sess.Stderr = &o, &e
	sess.Stdin = strings.NewReader(stdin)
	if err := sess.Start(line); err != nil {
		t.Fatal(err)
	}
	code = waitExit(t, sess)
	return o.String(), e.String(), code
}
