package servetest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// PTY is a terminal session: a PTY of the size asked and a shell request,
// its output drawn on a screen of that size.
type PTY struct {
	Session *gossh.Session
	Stdin   io.WriteCloser
	Out     *Stream // with a Screen
	Err     *Stream
}

// OpenPTY opens a terminal session of w×h with TERM xterm-256color and
// the environment variables env asks for (the server may refuse them:
// that is not an error here).
func OpenPTY(tb testing.TB, c *gossh.Client, w, h int, env map[string]string) *PTY {
	tb.Helper()
	sess, err := c.NewSession()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { sess.Close() })
	for k, v := range env {
		if err := sess.Setenv(k, v); err != nil {
			tb.Fatalf("setenv %s: %v", k, err)
		}
	}
	if err := sess.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
		tb.Fatal(err)
	}
	p := &PTY{Session: sess}
	if p.Stdin, err = sess.StdinPipe(); err != nil {
		tb.Fatal(err)
	}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stderr, err := sess.StderrPipe()
	if err != nil {
		tb.Fatal(err)
	}
	p.Out, p.Err = NewScreenStream(stdout, w, h), NewStream(stderr)
	if err := sess.Shell(); err != nil {
		tb.Fatal(err)
	}
	return p
}

// Type writes s to the session as a terminal sends typed keys.
func (p *PTY) Type(tb testing.TB, s string) {
	tb.Helper()
	if _, err := io.WriteString(p.Stdin, s); err != nil {
		tb.Fatal(err)
	}
}

// Paste writes s as a bracketed paste.
func (p *PTY) Paste(tb testing.TB, s string) {
	tb.Helper()
	p.Type(tb, "\x1b[200~"+s+"\x1b[201~")
}

// Resize tells the server, and the screen, the terminal changed size.
func (p *PTY) Resize(tb testing.TB, w, h int) {
	tb.Helper()
	p.Out.Resize(w, h)
	if err := p.Session.WindowChange(h, w); err != nil {
		tb.Fatal(err)
	}
}

// WaitExit waits for the session's end and returns its exit status.
func WaitExit(tb testing.TB, sess *gossh.Session) int {
	tb.Helper()
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
		tb.Fatalf("session ended without an exit status: %v", err)
	case <-time.After(Timeout):
		tb.Fatal("the session did not end")
	}
	return -1
}

// Run runs line in a command session with stdin and returns what it
// printed and its exit status.
func Run(tb testing.TB, c *gossh.Client, line, stdin string) (stdout, stderr string, code int) {
	tb.Helper()
	sess, err := c.NewSession()
	if err != nil {
		tb.Fatal(err)
	}
	defer sess.Close()
	var o, e bytes.Buffer
	sess.Stdout, sess.Stderr = &o, &e
	sess.Stdin = strings.NewReader(stdin)
	if err := sess.Start(line); err != nil {
		tb.Fatal(err)
	}
	code = WaitExit(tb, sess)
	return o.String(), e.String(), code
}

// Shell asks for a shell without a terminal and returns what the session
// wrote to stderr and its exit status.
func Shell(tb testing.TB, c *gossh.Client) (stderr string, code int) {
	tb.Helper()
	sess, err := c.NewSession()
	if err != nil {
		tb.Fatal(err)
	}
	defer sess.Close()
	var e bytes.Buffer
	sess.Stderr = &e
	if err := sess.Shell(); err != nil {
		tb.Fatal(err)
	}
	code = WaitExit(tb, sess)
	return e.String(), code
}

// OpenSSH is the real OpenSSH client set up against a test server: its own
// HOME, key files, known_hosts and no configuration read from the machine.
type OpenSSH struct {
	Bin  string
	Home string
	args []string // the options every call takes
}

// NewOpenSSH sets the client up for the server at addr with host key
// host, and users' keys by name. Without ssh installed the test is skipped,
// except in CI (.ci/run installs openssh-client), where it fails.
func NewOpenSSH(tb testing.TB, addr string, host gossh.PublicKey, users map[string]*Key) *OpenSSH {
	tb.Helper()
	bin, err := exec.LookPath("ssh")
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatal("ssh is missing in CI: .ci/run installs openssh-client")
		}
		tb.Skip("the OpenSSH client (ssh) is not installed: apt-get install openssh-client")
	}
	home := tb.TempDir()
	hostName, port, err := net.SplitHostPort(addr)
	if err != nil {
		tb.Fatal(err)
	}
	for name, k := range users {
		k.WritePrivate(tb, filepath.Join(home, name))
	}
	kh := filepath.Join(home, "known_hosts")
	line := "[" + hostName + "]:" + port + " " + string(gossh.MarshalAuthorizedKey(host))
	if err := os.WriteFile(kh, []byte(line), 0o600); err != nil {
		tb.Fatal(err)
	}
	return &OpenSSH{Bin: bin, Home: home, args: []string{
		"-F", "/dev/null",
		"-p", port,
		"-o", "UserKnownHostsFile=" + kh,
		"-o", "GlobalKnownHostsFile=/dev/null",
		"-o", "StrictHostKeyChecking=yes",
		"-o", "IdentitiesOnly=yes",
		"-o", "BatchMode=yes",
		"-o", "PasswordAuthentication=no",
		"-o", "SendEnv=COLORTERM LANG",
		"-o", "ConnectTimeout=20",
		"-o", "LogLevel=ERROR",
	}}
}

// Run runs an ssh command line as user with stdin and returns what it
// printed and its exit status.
func (o *OpenSSH) Run(tb testing.TB, ctx context.Context, user, stdin string, extra ...string) (stdout, stderr string, code int) {
	tb.Helper()
	cmd := o.Command(ctx, user, extra...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		tb.Fatal(err)
	}
	return out.String(), errOut.String(), code
}

// Command returns an ssh command line to the server as user (with that
// user's key): the options in extra, then the remote command, the last
// element of extra ("" for none).
func (o *OpenSSH) Command(ctx context.Context, user string, extra ...string) *exec.Cmd {
	args := append(append([]string{}, o.args...), "-i", filepath.Join(o.Home, user), "-l", user)
	opts, last := extra[:len(extra)-1], extra[len(extra)-1]
	args = append(append(args, opts...), "127.0.0.1")
	if last != "" {
		args = append(args, last)
	}
	cmd := exec.CommandContext(ctx, o.Bin, args...)
	cmd.Env = []string{"HOME=" + o.Home, "PATH=" + os.Getenv("PATH"), "TERM=xterm-256color", "COLORTERM=truecolor", "LANG=C.UTF-8"}
	return cmd
}
