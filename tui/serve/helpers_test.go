package serve

import (
	"context"
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
	gossh "golang.org/x/crypto/ssh"

	"github.com/mxray/mxray/tui/serve/servetest"
)

// testTimeout bounds every wait of these tests: reaching it is a failure,
// never a measurement.
const testTimeout = servetest.Timeout

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
	users    map[string]*servetest.Key
}

func newSigner(t testing.TB) gossh.Signer { return servetest.NewKey(t) }

func keyLine(s gossh.Signer, comment string) string {
	return servetest.AuthorizedLine(s.PublicKey(), comment)
}

// newEnv starts a server admitting alice and bob (and not mallory), with
// cfg adjusted by mod.
func newEnv(t testing.TB, mod func(*Config)) *testEnv {
	t.Helper()
	dir := t.TempDir()
	e := &testEnv{dir: dir, rec: newRecorder(), logs: &logs{}, users: map[string]*servetest.Key{}}
	for _, u := range []string{"alice", "bob", "carol", "mallory"} {
		e.users[u] = servetest.NewKey(t)
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
	return servetest.Dial(e.addr, user, e.srv.HostPublicKey(), auth...)
}

func (e *testEnv) mustDial(t testing.TB, user string) *gossh.Client {
	t.Helper()
	return servetest.MustDial(t, e.addr, user, e.srv.HostPublicKey(), e.users[user])
}

// openPTY opens a workbench session at 80x24.
func openPTY(t testing.TB, c *gossh.Client, env map[string]string) *servetest.PTY {
	t.Helper()
	return servetest.OpenPTY(t, c, 80, 24, env)
}

var (
	newStream  = servetest.NewStream
	waitExit   = servetest.WaitExit
	runCommand = servetest.Run
)
