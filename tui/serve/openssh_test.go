//go:build unix

package serve

import (
	"context"
	"strings"
	"testing"

	"github.com/creack/pty"
	"github.com/mxray/mxray/tui/serve/servetest"
)

// TestOpenSSHClient drives the real OpenSSH client: a terminal session
// under a pseudo-terminal (ssh -tt) that types, pastes, resizes and quits;
// command sessions, allowed and refused; a refused key.
func TestOpenSSHClient(t *testing.T) {
	e := newEnv(t, nil)
	o := servetest.NewOpenSSH(t, e.addr, e.srv.HostPublicKey(), map[string]*servetest.Key{"alice": e.users["alice"], "mallory": e.users["mallory"]})
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()

	// The workbench under a pseudo-terminal.
	cmd := o.Command(ctx, "alice", "-tt", "")
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 30, Cols: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	screen := servetest.NewScreenStream(ptmx, 100, 30)
	// LANG was sent too (SendEnv) and refused: only TERM and COLORTERM pass.
	screen.WaitFor(t, "ready env=TERM=xterm-256color,COLORTERM=truecolor user=alice")
	if _, err := ptmx.Write([]byte("a")); err != nil {
		t.Fatal(err)
	}
	screen.WaitFor(t, "key:a")
	if _, err := ptmx.Write([]byte("\x1b[200~From: x@example.net\nTo: y@example.org\x1b[201~")); err != nil {
		t.Fatal(err)
	}
	screen.WaitFor(t, "paste<From: x@example.net|To: y@example.org>")
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 40, Cols: 120}); err != nil {
		t.Fatal(err)
	}
	screen.WaitFor(t, "size:120x40")
	if _, err := ptmx.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("ssh -tt ended with %v; screen %q", err, screen.Text())
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
			out, errOut, code := o.Run(t, ctx, tt.account, tt.stdin, tt.args...)
			if code != tt.code || !strings.Contains(out, tt.stdout) || !strings.Contains(errOut, tt.stderr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d, %q, %q", code, out, errOut, tt.code, tt.stdout, tt.stderr)
			}
		})
	}
}
