package serve

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/tui/serve/servetest"
)

func TestWorkbenchSession(t *testing.T) {
	e := newEnv(t, nil)
	c := e.mustDial(t, "alice")
	p := openPTY(t, c, map[string]string{"COLORTERM": "truecolor"})
	p.Out.WaitFor(t, "ready env=TERM=xterm-256color,COLORTERM=truecolor user=alice")
	if _, err := p.Stdin.Write([]byte("a")); err != nil {
		t.Fatal(err)
	}
	p.Out.WaitFor(t, "key:a")
	// A bracketed paste arrives as one paste, line breaks and all.
	if _, err := p.Stdin.Write([]byte("\x1b[200~From: x@example.net\nSubject: hi\x1b[201~")); err != nil {
		t.Fatal(err)
	}
	p.Out.WaitFor(t, "paste<From: x@example.net|Subject: hi>")
	if err := p.Session.WindowChange(30, 100); err != nil {
		t.Fatal(err)
	}
	p.Out.WaitFor(t, "size:100x30")
	if _, err := p.Stdin.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	if code := waitExit(t, p.Session); code != 0 {
		t.Errorf("exit status %d after q, want 0", code)
	}
	if strings.Contains(p.Out.Text(), "key:q") {
		t.Error("q reached the model as a key instead of ending the session")
	}
	fp := Fingerprint(e.users["alice"].PublicKey())
	conn := e.rec.wait(t, "connect", func(ev Event) bool { return ev.Action == ActionConnect })
	if conn.Kind != "workbench" || conn.KeyFingerprint != fp || conn.KeyComment != "alice@example" || conn.User != "alice" ||
		conn.Term != "xterm-256color" || conn.Session == "" || !strings.HasPrefix(conn.Remote, "127.0.0.1:") || conn.Time.IsZero() {
		t.Errorf("connect event = %+v", conn)
	}
	disc := e.rec.wait(t, "disconnect", func(ev Event) bool { return ev.Action == ActionDisconnect })
	if disc.Session != conn.Session || disc.ExitStatus == nil || *disc.ExitStatus != 0 || disc.Reason != "" {
		t.Errorf("disconnect event = %+v", disc)
	}
}

func TestRefusedAuthentication(t *testing.T) {
	e := newEnv(t, nil)
	mallory := e.users["mallory"]
	tests := []struct {
		name   string
		auth   []gossh.AuthMethod
		method string
		reason string
	}{
		{"unknown key", []gossh.AuthMethod{gossh.PublicKeys(mallory)}, "publickey", "key not in authorized_keys"},
		// The server offers neither method, so a client never sends the
		// password: it gives up, and the connection is audited when it
		// closes.
		{"password", []gossh.AuthMethod{gossh.Password("hunter2")}, "none", "public keys only"},
		{"keyboard-interactive", []gossh.AuthMethod{gossh.KeyboardInteractive(
			func(string, string, []string, []bool) ([]string, error) { return nil, nil })}, "none", "public keys only"},
		{"no method", nil, "none", "public keys only"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			auth := tt.auth
			if auth == nil {
				auth = []gossh.AuthMethod{}
			}
			c, err := gossh.Dial("tcp", e.addr, &gossh.ClientConfig{
				User: "mallory", Auth: auth, HostKeyCallback: gossh.FixedHostKey(e.srv.HostPublicKey()), Timeout: testTimeout,
			})
			if err == nil {
				c.Close()
				t.Fatal("logged in")
			}
			// What the user reads: the methods tried, and that none is left.
			if !strings.Contains(err.Error(), "unable to authenticate") || !strings.Contains(err.Error(), "no supported methods remain") {
				t.Errorf("error = %v", err)
			}
			if strings.Contains(err.Error(), "password") || strings.Contains(err.Error(), "keyboard-interactive") {
				t.Errorf("the client could try a password: %v", err)
			}
			ev := e.rec.wait(t, "auth_refused "+tt.method, func(ev Event) bool {
				return ev.Action == ActionAuthRefused && ev.Method == tt.method && !seen[ev.Conn]
			})
			seen[ev.Conn] = true
			if !strings.Contains(ev.Reason, tt.reason) || ev.User != "mallory" || ev.Conn == "" || ev.Remote == "" {
				t.Errorf("event = %+v, want reason %q", ev, tt.reason)
			}
			if tt.method == "publickey" && ev.KeyFingerprint != Fingerprint(mallory.PublicKey()) {
				t.Errorf("fingerprint %q, want mallory's", ev.KeyFingerprint)
			}
		})
	}
	for _, ev := range e.rec.all() {
		if ev.Action == ActionConnect {
			t.Errorf("a refused client got a session: %+v", ev)
		}
	}
}

func TestCommandSessions(t *testing.T) {
	e := newEnv(t, nil)
	c := e.mustDial(t, "bob")
	tests := []struct {
		line, stdin string
		wantOut     string // in stdout
		wantErr     string // in stderr
		code        int
	}{
		{"check example.com --json", "", "ran: check --json example.com", "", 0},
		{"--json check example.com", "", "ran: check --json example.com", "", 0},
		{"spf example.com --ip 192.0.2.1 --sender 'a b@example.com'", "", "ran: spf --ip=192.0.2.1 --sender=a b@example.com example.com", "", 0},
		{"headers -", "From: a@example.com\r\n\r\n", "stdin: 23 bytes", "", 0},
		{"--zone /etc/zone check example.com", "", "", "--zone names a file on the server: not allowed over SSH", 2},
		{"check example.com --zone=/tmp/z", "", "", "--zone names a file on the server", 2},
		{"check -f /etc/domains", "", "", "-f/--file names a file on the server", 2},
		{"headers /etc/passwd", "", "", `headers "/etc/passwd" would read a file on the server`, 2},
		{"check example.com --blocklist-file /etc/bl", "", "", "--blocklist-file names a file on the server", 2},
		{"check example.com --resolver 10.0.0.1", "", "", "--resolver is set by the server's operator", 2},
		{"report agg.xml", "", "", "report reads DMARC report files on the server", 2},
		{"serve --listen :22", "", "", "serve is not allowed over SSH", 2},
		{"check example.com --listen :22", "", "", "--listen belongs to mxray serve itself", 2},
		{"sh -c id", "", "", `"sh" is not allowed over SSH`, 2},
		{"check example.com; cat /etc/passwd", "", "", "';' would need a shell", 2},
		{"check $(id)", "", "", "'$' would need a shell", 2},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			out, errOut, code := runCommand(t, c, tt.line, tt.stdin)
			if code != tt.code {
				t.Errorf("exit status %d, want %d (stderr %q)", code, tt.code, errOut)
			}
			if !strings.Contains(out, tt.wantOut) {
				t.Errorf("stdout %q, want %q", out, tt.wantOut)
			}
			if !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("stderr %q, want %q", errOut, tt.wantErr)
			}
			if tt.code == 2 && (out != "" || !strings.HasPrefix(errOut, "mxray: ")) {
				t.Errorf("a refused command printed %q / %q", out, errOut)
			}
		})
	}
	refused := 0
	for _, ev := range e.rec.all() {
		if ev.Action == ActionSessionRefused {
			refused++
		}
	}
	if refused != 12 {
		t.Errorf("%d session_refused events, want 12", refused)
	}
}

func TestNoShellWithoutTerminal(t *testing.T) {
	e := newEnv(t, nil)
	errOut, code := servetest.Shell(t, e.mustDial(t, "alice"))
	if code != 2 {
		t.Errorf("exit status %d, want 2", code)
	}
	if !strings.Contains(errOut, "no shell here") {
		t.Errorf("stderr = %q", errOut)
	}
}

func TestForwardingAndRequestsRefused(t *testing.T) {
	e := newEnv(t, nil)
	c := e.mustDial(t, "alice")

	// Local port forwarding: the channel is refused, saying so.
	if conn, err := c.Dial("tcp", e.addr); err == nil {
		conn.Close()
		t.Error("local port forwarding was allowed")
	} else if !strings.Contains(err.Error(), "port forwarding is disabled") {
		t.Errorf("local forwarding: %v", err)
	}
	// Remote port forwarding: the global request is refused.
	if ln, err := c.Listen("tcp", "127.0.0.1:0"); err == nil {
		ln.Close()
		t.Error("remote port forwarding was allowed")
	} else if !strings.Contains(err.Error(), "request denied") {
		t.Errorf("remote forwarding: %v", err)
	}
	// Other channel types.
	if ch, _, err := c.OpenChannel("x11", nil); err == nil {
		ch.Close()
		t.Error("an x11 channel was opened")
	} else {
		var oce *gossh.OpenChannelError
		if !errors.As(err, &oce) || oce.Reason != gossh.Prohibited {
			t.Errorf("x11 channel: %v", err)
		}
	}

	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	if err := agent.RequestAgentForwarding(sess); err == nil {
		t.Error("agent forwarding was accepted")
	}
	if ok, err := sess.SendRequest("x11-req", true, gossh.Marshal(struct {
		Single bool
		Proto  string
		Cookie string
		Screen uint32
	}{false, "MIT-MAGIC-COOKIE-1", "00", 0})); ok || err != nil {
		t.Errorf("x11-req: ok=%v err=%v", ok, err)
	}
	for _, name := range []string{"LANG", "LD_PRELOAD", "PATH", "term"} {
		if err := sess.Setenv(name, "x"); err == nil {
			t.Errorf("env %s was accepted", name)
		}
	}
	if err := sess.Setenv("COLORTERM", "truecolor"); err != nil {
		t.Errorf("COLORTERM refused: %v", err)
	}
	if err := sess.Setenv("TERM", "xterm\x1b[31m"); err == nil {
		t.Error("a TERM value with an escape was accepted")
	}
	if err := sess.RequestSubsystem("sftp"); err == nil {
		t.Error("the sftp subsystem was started")
	} else if !strings.Contains(err.Error(), "subsystem request failed") {
		t.Errorf("subsystem: %v", err)
	}
	// The session is still usable for what is allowed.
	out, _, code := runCommand(t, c, "check example.com", "")
	if code != 0 || !strings.Contains(out, "ran: check example.com") {
		t.Errorf("after refusals: %q, %d", out, code)
	}
}

// TestSessionInfo: both seams get the session's identity, its own DNS
// question limiter and audit, and the operator's private-target choice.
func TestSessionInfo(t *testing.T) {
	infos := make(chan SessionInfo, 2)
	e := newEnv(t, func(c *Config) {
		c.DNSQuestionsPerMinute = 90
		c.AllowPrivateTargets = true
		c.NewModel = func(ctx context.Context, info SessionInfo) tea.Model {
			infos <- info
			return newEchoModel(ctx, info)
		}
		c.RunCommand = func(ctx context.Context, info SessionInfo, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
			infos <- info
			info.Audit.TargetChecked(args[len(args)-1])
			return 0
		}
	})
	c := e.mustDial(t, "alice")
	runCommand(t, c, "check example.com", "")
	p := openPTY(t, c, nil)
	p.Out.WaitFor(t, "ready")
	cmd, wb := <-infos, <-infos
	for _, info := range []SessionInfo{cmd, wb} {
		lim, ok := info.Limiter.(*dnsclient.RateLimiter)
		if !ok || lim.QPS() != 1.5 || !info.AllowPrivateTargets || info.Audit == nil ||
			info.KeyFingerprint != Fingerprint(e.users["alice"].PublicKey()) || info.KeyComment != "alice@example" || info.User != "alice" {
			t.Errorf("info = %+v", info)
		}
	}
	if cmd.Limiter == wb.Limiter || cmd.ID == wb.ID {
		t.Error("two sessions share a limiter or an id")
	}
	if wb.Term != "xterm-256color" || wb.Width != 80 || wb.Height != 24 || cmd.Term != "" || cmd.Env != nil {
		t.Errorf("terminal: workbench %+v, command %+v", wb, cmd)
	}
	ev := e.rec.wait(t, "target_checked", func(ev Event) bool { return ev.Action == ActionTargetChecked })
	if ev.Target != "example.com" || ev.Session != cmd.ID || ev.KeyComment != "alice@example" {
		t.Errorf("event = %+v", ev)
	}
}
