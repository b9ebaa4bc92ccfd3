package smtp

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/smtp/smtpd"
	"github.com/mxray/mxray/diag/tlscert"
)

// testNow is the moment certificates are made around.
var testNow = time.Now()

// pki is a test CA and a way to issue server configurations from it.
type pki struct {
	t  testing.TB
	ca *tlscert.CA
}

func newPKI(t testing.TB) *pki {
	t.Helper()
	ca, err := tlscert.NewCA("mxray smtp test root", testNow)
	if err != nil {
		t.Fatal(err)
	}
	return &pki{t: t, ca: ca}
}

func (p *pki) leaf(names ...string) tlscert.Leaf {
	return tlscert.Leaf{Names: names, NotBefore: testNow.Add(-time.Hour), NotAfter: testNow.Add(90 * 24 * time.Hour)}
}

// server returns a TLS configuration presenting a certificate for l.
func (p *pki) server(l tlscert.Leaf) *tls.Config {
	p.t.Helper()
	c, err := p.ca.Issue(l)
	if err != nil {
		p.t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{c}}
}

func selfSigned(t *testing.T, names ...string) *tls.Config {
	t.Helper()
	c, err := tlscert.SelfSigned(tlscert.Leaf{Names: names, NotBefore: testNow.Add(-time.Hour), NotAfter: testNow.Add(24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{c}}
}

// routes maps "ip:port" to the loopback address of a test server, as the
// demo's dial hook does; anything else is refused.
type routes map[string]string

func (rt routes) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	to, ok := rt[addr]
	if !ok {
		return nil, &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	}
	var d net.Dialer
	return d.DialContext(ctx, network, to)
}

// timeoutErr is what a dial that timed out returns.
type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

// fakeDial answers each "ip:port" with a timeout, a refusal or a loopback
// server, without waiting.
func fakeDial(m map[string]string) DialFunc {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		switch to := m[addr]; to {
		case "timeout", "":
			return nil, &net.OpError{Op: "dial", Net: network, Err: timeoutErr{}}
		case "refused":
			return nil, &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
		default:
			var d net.Dialer
			return d.DialContext(ctx, network, to)
		}
	}
}

// fakeClock is moved by the test.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// signalConn closes reading the first time the probe reads from it: by
// then the probe has taken the time its greeting step starts.
type signalConn struct {
	net.Conn
	once    sync.Once
	reading chan struct{}
}

func (c *signalConn) Read(p []byte) (int, error) {
	c.once.Do(func() { close(c.reading) })
	return c.Conn.Read(p)
}

func addr(s string) netip.Addr { return netip.MustParseAddr(s) }

// quickOptions are short step timeouts for tests; the tests never assert
// a duration, only which step failed and why.
func quickOptions() Options {
	return Options{
		EHLOName:     "probe.test.example",
		Timeouts:     Timeouts{Connect: 2 * time.Second, Greeting: 5 * time.Second, EHLO: 5 * time.Second, TLS: 5 * time.Second, QUIT: time.Second},
		ControlPorts: []int{},
	}
}

func errIs(err error, targets ...error) error {
	for _, t := range targets {
		if !errors.Is(err, t) {
			return fmt.Errorf("%v is not %v", err, t)
		}
	}
	return nil
}

// startServer starts an in-process SMTP server for the length of one test.
func startServer(t *testing.T, b smtpd.Behavior) *smtpd.Server {
	t.Helper()
	s, err := smtpd.Start(b)
	if err != nil {
		t.Fatalf("smtpd.Start: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func hasCode(fs []finding.Finding, code string) bool {
	for _, f := range fs {
		if f.Code == code {
			return true
		}
	}
	return false
}

func codes(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, string(f.Severity)+" "+f.Code+" "+f.Subject.String())
	}
	return out
}
