//go:build linux

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	gossh "golang.org/x/crypto/ssh"

	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/tui/serve/servetest"
)

// binaryServer is "mxray GLOBAL... serve" running as its own process on
// loopback, with users' keys in its authorized_keys.
type binaryServer struct {
	cmd    *exec.Cmd
	addr   string
	host   gossh.PublicKey
	users  map[string]*servetest.Key
	stderr *lockedBuffer
	exited chan error
}

// lockedBuffer is a bytes.Buffer safe for a process's writes and the
// test's reads.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startBinary starts the server with users alice (and, when n > 1, user1
// to user(n-1)) admitted and mallory not; extra are more arguments.
func startBinary(tb testing.TB, n int, args ...string) *binaryServer {
	tb.Helper()
	bin := mxrayBinary(tb)
	dir := tb.TempDir()
	s := &binaryServer{users: map[string]*servetest.Key{"alice": servetest.NewKey(tb), "mallory": servetest.NewKey(tb)}, stderr: &lockedBuffer{}, exited: make(chan error, 1)}
	lines := []string{servetest.AuthorizedLine(s.users["alice"].PublicKey(), "alice@example")}
	for i := 1; i < n; i++ {
		name := fmt.Sprintf("user%d", i)
		s.users[name] = servetest.NewKey(tb)
		lines = append(lines, servetest.AuthorizedLine(s.users[name].PublicKey(), name))
	}
	keys, hostKey := filepath.Join(dir, "authorized_keys"), filepath.Join(dir, "host_key")
	if err := os.WriteFile(keys, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		tb.Fatal(err)
	}
	args = append(args, "--listen=127.0.0.1:0", "--authorized-keys="+keys, "--host-key="+hostKey, "--audit-log="+filepath.Join(dir, "audit.jsonl"))
	s.cmd = exec.Command(bin, args...)
	s.cmd.Stderr = s.stderr
	// Should this process die, the server dies with it.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	go func() { s.exited <- s.cmd.Wait() }()
	tb.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			s.cmd.Process.Kill()
			<-s.exited
		}
	})
	listening := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if addr, ok := strings.CutPrefix(sc.Text(), "mxray serve: listening on "); ok {
				listening <- addr
			}
		}
	}()
	select {
	case s.addr = <-listening:
	case err := <-s.exited:
		tb.Fatalf("mxray serve exited (%v): %s", err, s.stderr.String())
	case <-time.After(servetest.Timeout):
		tb.Fatalf("mxray serve did not start: %s", s.stderr.String())
	}
	pemBytes, err := os.ReadFile(hostKey)
	if err != nil {
		tb.Fatal(err)
	}
	signer, err := gossh.ParsePrivateKey(pemBytes)
	if err != nil {
		tb.Fatal(err)
	}
	s.host = signer.PublicKey()
	return s
}

// terminate sends SIGTERM and returns how the process ended.
func (s *binaryServer) terminate(tb testing.TB) error {
	tb.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		tb.Fatal(err)
	}
	select {
	case err := <-s.exited:
		return err
	case <-time.After(servetest.Timeout):
		tb.Fatal("mxray serve did not exit after SIGTERM")
	}
	return nil
}

// TestServeOpenSSH drives Debian's OpenSSH client against the real binary,
// "mxray --demo serve" on loopback: the workbench under a pseudo-terminal
// (ssh -tt) checks a domain and quits; command sessions stream JSON and
// read a message on stdin; refusals reach the user; on SIGTERM an open
// session is told why it closes and the server exits with status 0.
func TestServeOpenSSH(t *testing.T) {
	s := startBinary(t, 1, "--demo", "serve")
	o := servetest.NewOpenSSH(t, s.addr, s.host, s.users)
	ctx, cancel := context.WithTimeout(context.Background(), 2*servetest.Timeout)
	defer cancel()

	workbench := func() (*exec.Cmd, *os.File, *servetest.Stream) {
		cmd := o.Command(ctx, "alice", "-tt", "")
		ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ptmx.Close() })
		return cmd, ptmx, servetest.NewScreenStream(ptmx, 80, 24)
	}
	cmd, ptmx, screen := workbench()
	screen.WaitScreen(t, `Domain, address, URL, or "IP DOMAIN":`, "broken.example   a bit of everything wrong")
	if _, err := ptmx.WriteString("broken.example\r"); err != nil {
		t.Fatal(err)
	}
	screen.WaitScreen(t, "mxray  broken.example", "✓ done", "SPF      ✗ broken")
	if _, err := ptmx.WriteString("q"); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("ssh -tt ended with %v; screen:\n%s", err, screen.Screen())
	}

	sample := string(demo.SampleMessage())
	for _, tt := range []struct {
		user, line, stdin string
		code              int
		stdout, stderr    string
	}{
		{"alice", "check healthy.example --json", "", 0, `"domain": "healthy.example"`, ""},
		{"alice", "headers -", sample, -1, "From domain:     healthy.example", ""},
		{"alice", "headers /etc/passwd", "", 2, "", "would read a file on the server"},
		{"alice", "check healthy.example --zone /etc/zone", "", 2, "", "--zone names a file on the server"},
		{"mallory", "check healthy.example", "", 255, "", "Permission denied (publickey)"},
	} {
		t.Run(tt.user+" "+tt.line, func(t *testing.T) {
			out, errOut, code := o.Run(t, ctx, tt.user, tt.stdin, tt.line)
			if (tt.code >= 0 && code != tt.code) || (tt.code < 0 && code == 2) ||
				!strings.Contains(out, tt.stdout) || !strings.Contains(errOut, tt.stderr) {
				t.Errorf("exit %d, stdout %.300q, stderr %q; want %d, %q, %q", code, out, errOut, tt.code, tt.stdout, tt.stderr)
			}
			if strings.HasSuffix(tt.line, "--json") {
				var v map[string]any
				if err := json.Unmarshal([]byte(out), &v); err != nil {
					t.Errorf("not JSON: %v", err)
				}
			}
		})
	}

	cmd, _, screen = workbench()
	screen.WaitScreen(t, `Domain, address, URL, or "IP DOMAIN":`)
	if err := s.terminate(t); err != nil {
		t.Errorf("mxray serve exited with %v after SIGTERM; stderr:\n%s", err, s.stderr.String())
	}
	screen.WaitFor(t, "mxray: session closed: the server is shutting down.")
	_ = cmd.Wait()
}
