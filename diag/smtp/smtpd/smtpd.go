// Package smtpd is a small in-process SMTP server on loopback, for the
// SMTP probe's tests and for mxray's offline --demo. It speaks just enough
// of RFC 5321 and RFC 3207 to be probed: the greeting, EHLO/HELO, STARTTLS,
// NOOP, RSET and QUIT; it accepts no mail (MAIL and RCPT are refused). Its
// Behavior makes it misbehave on purpose: refuse, delay or withhold the
// greeting, leave STARTTLS out, refuse STARTTLS, present any certificate,
// or hand the raw connection to a test.
package smtpd

import (
	"bufio"
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Behavior is how the server answers.
type Behavior struct {
	// Hostname is the name the server greets with and answers EHLO with.
	Hostname string
	// Banner replaces the greeting's text lines (the first should start
	// with the host name); default "<Hostname> ESMTP mxray test server".
	Banner []string
	// GreetingCode is the greeting's code (default 220; 554 refuses).
	GreetingCode int
	// GreetingDelay holds the greeting back (a tarpit).
	GreetingDelay time.Duration
	// OnConnect is called for each connection before anything is sent;
	// tests block in it or advance a fake clock.
	OnConnect func()
	// Silent accepts connections and never says anything.
	Silent bool
	// EHLOHost replaces Hostname in the EHLO reply.
	EHLOHost string
	// Extensions are the EHLO extension lines; STARTTLS is added when TLS
	// is set. Nil means PIPELINING, SIZE 10240000, 8BITMIME.
	Extensions []string
	// EHLOCode is the reply code to EHLO (default 250).
	EHLOCode int
	// TLS, when set, offers STARTTLS with this configuration.
	TLS *tls.Config
	// STARTTLSCode is the reply to STARTTLS (default 220; 454 refuses).
	STARTTLSCode int
	// Raw, when set, gets each connection instead of the SMTP dialogue.
	Raw func(net.Conn)
}

// Limits of the server's own reads.
const (
	maxLine     = 1024
	maxCommands = 50
	idle        = 30 * time.Second
)

// Server is one listening SMTP server.
type Server struct {
	ln       net.Listener
	b        Behavior
	wg       sync.WaitGroup
	active   atomic.Int64
	peak     atomic.Int64
	accepted atomic.Int64
	mu       sync.Mutex
	conns    map[net.Conn]bool
	closed   chan struct{}
}

// Start listens on 127.0.0.1 on a free port and serves b until Close.
func Start(b Behavior) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	if b.Hostname == "" {
		b.Hostname = "mx.test.example"
	}
	s := &Server{ln: ln, b: b, conns: map[net.Conn]bool{}, closed: make(chan struct{})}
	s.wg.Go(s.accept)
	return s, nil
}

// Addr is "127.0.0.1:port".
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Accepted counts the connections accepted so far.
func (s *Server) Accepted() int64 { return s.accepted.Load() }

// Peak is the largest number of connections open at once so far.
func (s *Server) Peak() int64 { return s.peak.Load() }

// Close stops listening, closes open connections and waits for them.
func (s *Server) Close() error {
	select {
	case <-s.closed:
		return nil
	default:
	}
	close(s.closed)
	err := s.ln.Close()
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}

func (s *Server) accept() {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.accepted.Add(1)
		s.mu.Lock()
		s.conns[c] = true
		s.mu.Unlock()
		s.wg.Go(func() {
			n := s.active.Add(1)
			for {
				p := s.peak.Load()
				if n <= p || s.peak.CompareAndSwap(p, n) {
					break
				}
			}
			defer func() {
				s.active.Add(-1)
				c.Close()
				s.mu.Lock()
				delete(s.conns, c)
				s.mu.Unlock()
			}()
			s.serve(c)
		})
	}
}

// wait sleeps d unless the server closes first.
func (s *Server) wait(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.closed:
		return false
	}
}

func (s *Server) serve(c net.Conn) {
	b := s.b
	if b.OnConnect != nil {
		b.OnConnect()
	}
	if b.Raw != nil {
		b.Raw(c)
		return
	}
	if b.Silent {
		<-s.closed
		return
	}
	if b.GreetingDelay > 0 && !s.wait(b.GreetingDelay) {
		return
	}
	_ = c.SetDeadline(time.Now().Add(idle))
	banner := b.Banner
	if banner == nil {
		banner = []string{b.Hostname + " ESMTP mxray test server"}
	}
	code := or(b.GreetingCode, 220)
	if !reply(c, code, banner...) || code != 220 {
		return
	}
	var conn net.Conn = c
	br := bufio.NewReaderSize(c, maxLine)
	tlsOn := false
	for range maxCommands {
		line, err := readLine(br)
		if err != nil {
			return
		}
		verb, _, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			lines := []string{or(b.EHLOHost, b.Hostname) + " greets you"}
			exts := b.Extensions
			if exts == nil {
				exts = []string{"PIPELINING", "SIZE 10240000", "8BITMIME"}
			}
			lines = append(lines, exts...)
			if b.TLS != nil && !tlsOn {
				lines = append(lines, "STARTTLS")
			}
			reply(conn, or(b.EHLOCode, 250), lines...)
		case "HELO":
			reply(conn, 250, b.Hostname)
		case "STARTTLS":
			if b.TLS == nil || tlsOn {
				reply(conn, 502, "5.5.1 STARTTLS not available")
				continue
			}
			code := or(b.STARTTLSCode, 220)
			reply(conn, code, "2.0.0 Ready to start TLS")
			if code != 220 {
				continue
			}
			tc := tls.Server(c, b.TLS)
			if err := tc.Handshake(); err != nil {
				return
			}
			conn, br, tlsOn = tc, bufio.NewReaderSize(tc, maxLine), true
		case "NOOP", "RSET":
			reply(conn, 250, "2.0.0 OK")
		case "QUIT":
			reply(conn, 221, "2.0.0 Bye")
			return
		case "MAIL", "RCPT", "DATA":
			reply(conn, 550, "5.7.1 This server accepts no mail")
		default:
			reply(conn, 502, "5.5.2 Command not recognised")
		}
	}
}

func or[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// reply writes a reply of one or more lines.
func reply(w net.Conn, code int, lines ...string) bool {
	if len(lines) == 0 {
		lines = []string{""}
	}
	var b strings.Builder
	for i, l := range lines {
		sep := "-"
		if i == len(lines)-1 {
			sep = " "
		}
		b.WriteString(itoa3(code) + sep + l + "\r\n")
	}
	_, err := w.Write([]byte(b.String()))
	return err == nil
}

func itoa3(n int) string {
	return string([]byte{byte('0' + n/100%10), byte('0' + n/10%10), byte('0' + n%10)})
}

var errLong = errors.New("command line too long")

func readLine(br *bufio.Reader) (string, error) {
	line, err := br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return "", errLong
	}
	if err != nil {
		return "", err
	}
	return strings.TrimRight(string(line), "\r\n"), nil
}
