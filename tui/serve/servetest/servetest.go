// Package servetest is what the tests of mxray serve share, whether they
// run the server with a stand-in workbench (tui/serve) or the real one
// (cmd/mxray): users' keys, an SSH client (golang.org/x/crypto/ssh) that
// opens terminal and command sessions, the streams of their output with
// the screen a terminal would show (kittest.Screen), and the real OpenSSH
// client set up against a test server. Only tests import it.
package servetest

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"github.com/mxray/mxray/tui/kit/kittest"
)

// Timeout bounds every wait of these helpers: reaching it is a failure,
// never a measurement.
const Timeout = 30 * time.Second

// Key is a user's ed25519 key pair.
type Key struct {
	gossh.Signer
	private ed25519.PrivateKey
}

// NewKey makes a key pair.
func NewKey(tb testing.TB) *Key {
	tb.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		tb.Fatal(err)
	}
	return &Key{Signer: s, private: priv}
}

// AuthorizedLine is the authorized_keys line of pub with comment.
func AuthorizedLine(pub gossh.PublicKey, comment string) string {
	return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(pub))) + " " + comment
}

// WritePrivate writes the private key to path in OpenSSH's format, mode
// 0600, for the OpenSSH client.
func (k *Key) WritePrivate(tb testing.TB, path string) {
	tb.Helper()
	block, err := gossh.MarshalPrivateKey(k.private, "")
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		tb.Fatal(err)
	}
}

// Dial connects to addr as user, checking the host key, with auth (the
// key k when none is given).
func Dial(addr, user string, host gossh.PublicKey, auth ...gossh.AuthMethod) (*gossh.Client, error) {
	return gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User:            user,
		Auth:            auth,
		HostKeyCallback: gossh.FixedHostKey(host),
		Timeout:         Timeout,
	})
}

// MustDial is Dial with k's key, failing the test on an error; the client
// is closed at the end of the test.
func MustDial(tb testing.TB, addr, user string, host gossh.PublicKey, k *Key) *gossh.Client {
	tb.Helper()
	c, err := Dial(addr, user, host, gossh.PublicKeys(k))
	if err != nil {
		tb.Fatalf("dial as %s: %v", user, err)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

// Stream collects what a session writes, for waiting on text. Text strips
// escape sequences; Screen, when the stream has one, shows what a
// terminal would.
type Stream struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	screen *kittest.Screen
	more   chan struct{}
	done   chan struct{}
}

// NewStream reads r until it ends.
func NewStream(r io.Reader) *Stream { return newStream(r, nil) }

// NewScreenStream reads r until it ends and draws it on a w×h screen.
func NewScreenStream(r io.Reader, w, h int) *Stream {
	return newStream(r, kittest.NewScreen(w, h, false))
}

func newStream(r io.Reader, screen *kittest.Screen) *Stream {
	s := &Stream{screen: screen, more: make(chan struct{}, 1), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		b := make([]byte, 32<<10)
		for {
			n, err := r.Read(b)
			if n > 0 {
				s.mu.Lock()
				s.buf.Write(b[:n])
				if s.screen != nil {
					_, _ = s.screen.Write(b[:n])
				}
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

// Text is everything read so far, escape sequences stripped.
func (s *Stream) Text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ansi.Strip(s.buf.String())
}

// Raw is everything read so far, escape sequences included.
func (s *Stream) Raw() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// Len is how many bytes were read so far.
func (s *Stream) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Len()
}

// Screen is what a terminal shows now ("" for a stream without one).
func (s *Stream) Screen() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.screen == nil {
		return ""
	}
	return s.screen.String()
}

// Resize changes the size of the stream's screen.
func (s *Stream) Resize(w, h int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.screen != nil {
		s.screen.Resize(w, h)
	}
}

// Unknown lists the escape sequences the screen did not know.
func (s *Stream) Unknown() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.screen == nil {
		return nil
	}
	return s.screen.Unknown()
}

// WaitFor waits until the text read holds want.
func (s *Stream) WaitFor(tb testing.TB, want string) {
	tb.Helper()
	s.wait(tb, "text "+want, func() bool { return strings.Contains(s.Text(), want) }, s.Text)
}

// WaitRaw waits until cond holds for what was read, escape sequences
// included.
func (s *Stream) WaitRaw(tb testing.TB, what string, cond func(raw string) bool) {
	tb.Helper()
	s.wait(tb, what, func() bool { return cond(s.Raw()) }, s.Text)
}

// WaitScreen waits until the screen shows every one of texts.
func (s *Stream) WaitScreen(tb testing.TB, texts ...string) {
	tb.Helper()
	s.wait(tb, "the screen "+strings.Join(texts, ", "), func() bool { return s.Shows(texts...) }, s.Screen)
}

// WaitScreenFunc waits until cond holds for the screen.
func (s *Stream) WaitScreenFunc(tb testing.TB, what string, cond func(screen string) bool) {
	tb.Helper()
	s.wait(tb, what, func() bool { return cond(s.Screen()) }, s.Screen)
}

// Shows reports whether the screen shows every one of texts.
func (s *Stream) Shows(texts ...string) bool {
	screen := s.Screen()
	for _, t := range texts {
		if !strings.Contains(screen, t) {
			return false
		}
	}
	return true
}

// Changed returns a channel that receives when more was read since the
// last receive (and is closed never): for callers that wait on their own.
func (s *Stream) Changed() <-chan struct{} { return s.more }

// Done is closed when the stream has ended.
func (s *Stream) Done() <-chan struct{} { return s.done }

func (s *Stream) wait(tb testing.TB, what string, cond func() bool, show func() string) {
	tb.Helper()
	deadline := time.NewTimer(Timeout)
	defer deadline.Stop()
	for !cond() {
		select {
		case <-s.more:
		case <-s.done:
			if !cond() {
				tb.Fatalf("the stream ended without %s; it holds:\n%s", what, show())
			}
			return
		case <-deadline.C:
			tb.Fatalf("no %s; it holds:\n%s", what, show())
		}
	}
}
