//go:build unix

package serve

import (
	"context"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/creack/pty"
	gossh "golang.org/x/crypto/ssh"
)

// openSSH is the real OpenSSH client set up against a test server: its own
// HOME, key files, known_hosts and no configuration read from the machine.
type openSSH struct {
	bin  string
	home string
	port string
	args []string // the options every call takes
}

func newOpenSSH(t *testing.T, e *testEnv) *openSSH {
	t.Helper()
	bin, err := exec.LookPath("ssh")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("ssh is missing in CI: .ci/run installs openssh-client")
		}
		t.Skip("the OpenSSH client (ssh) is not installed: apt-get install openssh-client")
	}
	home := t.TempDir()
	host, port, _ := net.SplitHostPort(e.addr)
	writeKey := func(name string, s gossh.Signer) string {
		path := filepath.Join(home, name)
		key, ok := privateKeys.Load(s)
		if !ok {
			t.Fatal("no private key kept for this signer")
		}
		block, err := gossh.MarshalPrivateKey(key, name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	writeKey("alice", e.users["alice"])
	writeKey("mallory", e.users["mallory"])
	kh := filepath.Join(home, "known_hosts")
	line := fmt.Sprintf("[%s]:%s %s", host, port, gossh.MarshalAuthorizedKey(e.srv.HostPublicKey()))
	if err := os.WriteFile(kh, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	return &openSSH{bin: bin, home: home, port: port, args: []string{
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

// command returns an ssh command line as user (with that user's key) to
// the server, then extra.
func (o *openSSH) command(ctx context.Context, user string, extra ...string) *exec.Cmd {
	args := append(append([]string{}, o.args...), "-i", filepath.Join(o.home, user), "-l", user)
	args = append(append(args, extra[:len(extra)-1]...), "127.0.0.1")
	if last := extra[len(extra)-1]; last != "" {
		args = append(args, last)
	}
	cmd := exec.CommandContext(ctx, o.bin, args...)
	cmd.Env = []string{"HOME=" + o.home, "PATH=" + os.Getenv("PATH"), "TERM=xterm-256color", "COLORTERM=truecolor", "LANG=C.UTF-8"}
	return cmd
}

// TestOpenSSHClient drives the real OpenSSH client: a terminal session
// under a pseudo-terminal (ssh -tt) that types, pastes, resizes and quits;
// command sessions, allowed and refused; a refused key.
func TestOpenSSHClient(t *testing.T) {
	e := newEnv(t, nil)
	o := newOpenSSH(t, e)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()

	// The workbench under a pseudo-terminal.
	cmd := o.command(ctx, "alice", "-tt", "")
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 30, Cols: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	screen := newStream(ptmx)
	// LANG was sent too (SendEnv) and refused: only TERM and COLORTERM pass.
	screen.waitFor(t, "ready env=TERM=xterm-256color,COLORTERM=truecolor user=alice")
	if _, err := ptmx.Write([]byte("a")); err != nil {
		t.Fatal(err)
	}
	screen.waitFor(t, "key:a")
	if _, err := ptmx.Write([]byte("\x1b[200~From: x@example.net\nTo: y@example.org\x1b[201~")); err != nil {
		t.Fatal(err)
	}
	screen.waitFor(t, "paste<From: x@example.net|To: y@example.org>")
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 40, Cols: 120}); err != nil {
		t.Fatal(err)
	}
	screen.waitFor(t, "size:120x40")
	if _, err := ptmx.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("ssh -tt ended with %v; screen %q", err, screen.text())
	}

	// Command sessions: output streamed, refusals explained, exit status 2.
	tests := []struct {
		args    []string
		stdin   string
		code    int
		stdout  string
		stderr  string
		account string
	}{
		{[]string{"check example.com --json"}, "", 0, "ran: check --json example.com", "", "alice"},
		{[]string{"headers -"}, "From: a@example.com\n\n", 0, "stdin: 21 bytes", "", "alice"},
		{[]string{"headers /etc/passwd"}, "", 2, "", "would read a file on the server", "alice"},
		{[]string{"check example.com --zone /etc/zone"}, "", 2, "", "--zone names a file on the server", "alice"},
		{[]string{"-T", ""}, "", 2, "", "no shell here", "alice"},
		{[]string{"check example.com"}, "", 255, "", "Permission denied (publickey)", "mallory"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " ")+" as "+tt.account, func(t *testing.T) {
			cmd := o.command(ctx, tt.account, tt.args...)
			cmd.Stdin = strings.NewReader(tt.stdin)
			var out, errOut strings.Builder
			cmd.Stdout, cmd.Stderr = &out, &errOut
			err := cmd.Run()
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.code || !strings.Contains(out.String(), tt.stdout) || !strings.Contains(errOut.String(), tt.stderr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d, %q, %q", code, out.String(), errOut.String(), tt.code, tt.stdout, tt.stderr)
			}
		})
	}
}
