package smtp

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"time"
)

// Step names a step of the probe.
type Step string

// The steps, in order.
const (
	StepConnect  Step = "connect"
	StepGreeting Step = "greeting"
	StepEHLO     Step = "ehlo"
	StepSTARTTLS Step = "starttls"
	StepTLS      Step = "tls"
	StepQUIT     Step = "quit"
)

// Why a step failed, besides the read errors of ReadReply and the network's
// own. Tell them apart with errors.Is.
var (
	// ErrStepTimeout: the step's own timeout passed. It also matches
	// context.DeadlineExceeded.
	ErrStepTimeout = errors.New("no answer in time")
	// ErrRejected: the server answered the step with a failure code.
	ErrRejected = errors.New("server refused")
	// ErrDataBeforeTLS: the server sent more after its 220 to STARTTLS and
	// before the TLS handshake (a sign of a plaintext injection, RFC 3207 §5).
	ErrDataBeforeTLS = errors.New("server sent data between its STARTTLS reply and the TLS handshake")
	// ErrBadEHLOName: the EHLO name given is not a domain or address literal.
	ErrBadEHLOName = errors.New("EHLO name is not a domain name or address literal")
)

// StepError says which step of the probe failed, and why.
type StepError struct {
	Step  Step
	Reply *Reply // the server's reply, when it answered with a failure
	Err   error
}

// Error reads "greeting: no answer within 30s".
func (e *StepError) Error() string { return string(e.Step) + ": " + e.Err.Error() }

// Unwrap returns the cause.
func (e *StepError) Unwrap() error { return e.Err }

// cappedConn stops reading after a byte budget.
type cappedConn struct {
	net.Conn
	left int64
	max  int64
}

func (c *cappedConn) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, fmt.Errorf("%w: over %d bytes", ErrTooMuchData, c.max)
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.Conn.Read(p)
	c.left -= int64(n)
	return n, err
}

// session is one SMTP conversation.
type session struct {
	raw  *cappedConn
	conn net.Conn // raw, or the TLS connection over it
	br   *bufio.Reader
	lim  Limits
}

func newSession(c net.Conn, lim Limits) *session {
	raw := &cappedConn{Conn: c, left: lim.MaxBytes, max: lim.MaxBytes}
	return &session{raw: raw, conn: raw, br: bufio.NewReaderSize(raw, 4096), lim: lim}
}

// step runs fn with the connection's deadline set to timeout from now
// (sooner when ctx ends sooner), waking it at once when ctx is cancelled,
// and turns its failure into a *StepError.
func (s *session) step(ctx context.Context, name Step, timeout time.Duration, fn func(ctx context.Context) error) error {
	sctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	dl, _ := sctx.Deadline()
	if err := s.conn.SetDeadline(dl); err != nil {
		return &StepError{Step: name, Err: err}
	}
	stop := context.AfterFunc(sctx, func() { _ = s.raw.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if err := fn(sctx); err != nil {
		return stepError(ctx, name, timeout, err)
	}
	return nil
}

// stepError names the cause: the caller's context, the step's timeout, or
// what the network or the server did.
func stepError(ctx context.Context, name Step, timeout time.Duration, err error) *StepError {
	var se *StepError
	if errors.As(err, &se) {
		return se
	}
	if cerr := ctx.Err(); cerr != nil {
		return &StepError{Step: name, Err: cerr}
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return &StepError{Step: name, Err: stepTimeout{timeout}}
	}
	return &StepError{Step: name, Err: err}
}

// stepTimeout is a step's own timeout passing: it is ErrStepTimeout and
// context.DeadlineExceeded.
type stepTimeout struct{ after time.Duration }

func (e stepTimeout) Error() string { return fmt.Sprintf("no answer within %s", e.after) }

func (e stepTimeout) Is(target error) bool {
	return target == ErrStepTimeout || target == context.DeadlineExceeded
}

// read reads one reply within the step.
func (s *session) read(ctx context.Context, name Step, timeout time.Duration) (Reply, error) {
	var r Reply
	err := s.step(ctx, name, timeout, func(context.Context) error {
		var err error
		r, err = ReadReply(s.br, s.lim)
		return err
	})
	return r, err
}

// cmd sends one command line and reads its reply within the step.
func (s *session) cmd(ctx context.Context, name Step, timeout time.Duration, line string) (Reply, error) {
	var r Reply
	err := s.step(ctx, name, timeout, func(context.Context) error {
		if _, err := s.conn.Write([]byte(line + "\r\n")); err != nil {
			return err
		}
		var err error
		r, err = ReadReply(s.br, s.lim)
		return err
	})
	return r, err
}

// startTLS runs the TLS handshake over the plain connection within the
// step and switches the session to it.
func (s *session) startTLS(ctx context.Context, timeout time.Duration, cfg *tls.Config) (*tls.Conn, error) {
	tc := tls.Client(s.raw, cfg)
	err := s.step(ctx, StepTLS, timeout, func(sctx context.Context) error {
		return tc.HandshakeContext(sctx)
	})
	if err != nil {
		return nil, err
	}
	s.conn = tc
	s.br = bufio.NewReaderSize(tc, 4096)
	return tc, nil
}

// quit says QUIT and reads the reply; its failure changes no verdict.
func (s *session) quit(ctx context.Context, timeout time.Duration) {
	_, _ = s.cmd(ctx, StepQUIT, timeout, "QUIT")
}
