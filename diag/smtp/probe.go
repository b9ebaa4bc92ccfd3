package smtp

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/mxray/mxray/diag/dane"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/tlscert"
)

// ProbeAll probes every target at once (at most o.Concurrency together)
// and returns one Result per target, in the order given. When port 25
// timed out on every target, it tries the control ports and targets to
// decide between blocked_here and unreachable.
func ProbeAll(ctx context.Context, targets []Target, o Options) []Result {
	o = o.withDefaults()
	out := make([]Result, len(targets))
	sem := make(chan struct{}, o.Concurrency)
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				out[i] = cancelled(ctx, t, o)
				return
			}
			defer func() { <-sem }()
			out[i] = probe(ctx, t, o)
		})
	}
	wg.Wait()
	DecideBlocked(ctx, out, o)
	return out
}

// Probe probes one target. Alone it cannot tell blocked_here (that needs
// every MX): a connect timeout is unreachable.
func Probe(ctx context.Context, t Target, o Options) Result {
	return probe(ctx, t, o.withDefaults())
}

func newResult(t Target, o Options) Result {
	return Result{
		Host:   strings.TrimSuffix(t.Host, "."),
		IP:     t.IP.Unmap(),
		Port:   o.Port,
		EHLO:   []string{},
		DANE:   dane.Outcome{TLSA: []string{}, DNSSEC: dnsclient.DNSSECUnknown},
		Timing: newTiming(),
	}
}

func cancelled(ctx context.Context, t Target, o Options) Result {
	r := newResult(t, o)
	r.fail(&StepError{Step: StepConnect, Err: ctx.Err()})
	r.Status = StatusError
	return r
}

func (r *Result) fail(err *StepError) {
	r.Err, r.Step, r.Error = err, err.Step, err.Error()
}

func probe(ctx context.Context, t Target, o Options) Result {
	r := newResult(t, o)
	var lookup chan dane.Lookup
	if o.Resolver != nil && r.Host != "" {
		lookup = make(chan dane.Lookup, 1)
		go func() {
			// _25._tcp for SMTP (RFC 7672 §2.2.3); another port when probing one.
			lookup <- dane.Find(dnsclient.WithPriority(ctx, dnsclient.Leaf), o.Resolver, r.Host, o.Port)
		}()
	}
	converse(ctx, &r, o)
	if lookup != nil {
		r.DANE = dane.Check(<-lookup, r.Chain, r.Host, o.Clock.Now())
	}
	crossCheck(&r, t, o)
	r.Status = verdict(r, o)
	return r
}

// converse runs the SMTP steps, filling r as it goes.
func converse(ctx context.Context, r *Result, o Options) {
	if !ValidEHLOName(o.EHLOName) {
		r.fail(&StepError{Step: StepEHLO, Err: ErrBadEHLOName})
		return
	}
	clock := o.Clock
	addr := net.JoinHostPort(r.IP.String(), strconv.Itoa(o.Port))

	start := clock.Now()
	conn, derr := dial(ctx, o, addr)
	r.Timing.Connect = clock.Now().Sub(start)
	if derr != nil {
		r.fail(derr)
		r.connectTimedOut = errors.Is(derr, ErrStepTimeout)
		return
	}
	defer conn.Close()
	s := newSession(conn, o.Limits)

	start = clock.Now()
	greet, err := s.read(ctx, StepGreeting, o.Timeouts.Greeting)
	r.Timing.Greeting = clock.Now().Sub(start)
	if len(greet.Lines) > 0 {
		r.Banner = greet.String()
		r.BannerHost, _ = splitHost(greet.Lines[0])
	}
	r.Tarpit = r.Timing.Greeting > o.TarpitAfter || errors.Is(err, ErrStepTimeout)
	r.tarpitAfter = o.TarpitAfter
	if err != nil {
		r.fail(err.(*StepError))
		return
	}
	if greet.Code != 220 {
		r.fail(&StepError{Step: StepGreeting, Reply: &greet, Err: rejected(greet)})
		s.quit(ctx, o.Timeouts.QUIT)
		return
	}

	start = clock.Now()
	rep, err := s.cmd(ctx, StepEHLO, o.Timeouts.EHLO, "EHLO "+o.EHLOName)
	r.Timing.EHLO = clock.Now().Sub(start)
	if err != nil {
		r.fail(err.(*StepError))
		return
	}
	if rep.Code != 250 {
		r.fail(&StepError{Step: StepEHLO, Reply: &rep, Err: rejected(rep)})
		s.quit(ctx, o.Timeouts.QUIT)
		return
	}
	e := ParseEHLO(rep)
	r.EHLOHost, r.EHLO = e.Host, append([]string{}, e.Lines...)
	r.STARTTLS = e.Has("STARTTLS")
	if !r.STARTTLS {
		s.quit(ctx, o.Timeouts.QUIT)
		return
	}

	start = clock.Now()
	rep, err = s.cmd(ctx, StepSTARTTLS, o.Timeouts.TLS, "STARTTLS")
	if err == nil && rep.Code != 220 {
		err = &StepError{Step: StepSTARTTLS, Reply: &rep, Err: rejected(rep)}
	}
	if err == nil && s.br.Buffered() > 0 {
		err = &StepError{Step: StepSTARTTLS, Err: ErrDataBeforeTLS}
	}
	if err != nil {
		r.Timing.TLS = clock.Now().Sub(start)
		r.fail(err.(*StepError))
		return
	}
	// TLS 1.0 and 1.1 are accepted so that such a server is described
	// (and reported) rather than refused.
	tc, err := s.startTLS(ctx, o.Timeouts.TLS, tlscert.InspectConfig(r.Host, tls.VersionTLS10))
	r.Timing.TLS = clock.Now().Sub(start)
	if err != nil {
		r.fail(err.(*StepError))
		return
	}
	st := tc.ConnectionState()
	r.Chain = st.PeerCertificates
	v := tlscert.Verify(st.PeerCertificates, r.Host, tlscert.Options{Roots: o.Roots, Now: clock.Now})
	r.CertCheck = &v
	r.TLS = &TLSInfo{
		Version:      tls.VersionName(st.Version),
		Cipher:       tls.CipherSuiteName(st.CipherSuite),
		Cert:         v.Cert,
		NamesMatchMX: r.Host != "" && len(st.PeerCertificates) > 0 && v.Name == nil,
	}
	s.quit(ctx, o.Timeouts.QUIT)
}

// dial connects within the connect timeout.
func dial(ctx context.Context, o Options, addr string) (net.Conn, *StepError) {
	cctx, cancel := context.WithTimeout(ctx, o.Timeouts.Connect)
	defer cancel()
	conn, err := o.Dial(cctx, "tcp", addr)
	if err != nil {
		return nil, stepError(ctx, StepConnect, o.Timeouts.Connect, err)
	}
	return conn, nil
}

// rejected is the error for a failure reply.
func rejected(r Reply) error {
	return &replyError{r}
}

type replyError struct{ r Reply }

func (e *replyError) Error() string {
	return ErrRejected.Error() + ": " + clip(strings.ReplaceAll(e.r.String(), "\n", " / "))
}

func (e *replyError) Unwrap() error { return ErrRejected }

// refusedConn reports a TCP reset: nothing listens, or a firewall rejects.
func refusedConn(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }

// verdict names the cause, most fundamental first: what stopped the
// conversation, then what is wrong with TLS, then a slow greeting.
func verdict(r Result, o Options) Status {
	var se *StepError
	if errors.As(r.Err, &se) {
		switch {
		case unfinished(r):
			return StatusError // the caller's context ended: no verdict on the server
		case se.Step == StepConnect && refusedConn(se):
			return StatusRefused
		case se.Step == StepConnect:
			return StatusUnreachable
		case se.Step == StepGreeting && errors.Is(se, ErrStepTimeout):
			return StatusTarpit
		case se.Step == StepGreeting && errors.Is(se, ErrRejected):
			return StatusRefused
		case se.Step == StepSTARTTLS || se.Step == StepTLS:
			return StatusTLSError
		}
		return StatusError
	}
	switch {
	case !r.STARTTLS:
		return StatusNoSTARTTLS
	case !certAccepted(r):
		return StatusCertInvalid
	case r.Tarpit:
		return StatusTarpit
	}
	return StatusOK
}

// certAccepted: where DANE applies (validated, usable TLSA records) its
// match decides, as it does for a DANE sender (RFC 7672 §2.2); elsewhere
// the chain, dates and names must all hold (RFC 8461 §4.2 for MTA-STS).
func certAccepted(r Result) bool {
	if r.DANE.Usable() && r.DANE.Match != nil {
		return *r.DANE.Match
	}
	return r.CertCheck != nil && r.CertCheck.Err(r.Host) == nil
}
