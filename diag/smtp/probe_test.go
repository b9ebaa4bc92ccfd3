package smtp

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/mxray/mxray/diag/smtp/smtpd"
)

// TestVerdicts probes in-process servers that each show one cause, and
// checks that the verdict names that cause and no other.
func TestVerdicts(t *testing.T) {
	p := newPKI(t)
	expired := p.leaf("mx1.example.com")
	expired.NotBefore, expired.NotAfter = testNow.Add(-60*24*time.Hour), testNow.Add(-time.Hour)
	tls12ClientCert := p.server(p.leaf("mx1.example.com"))
	tls12ClientCert.MaxVersion, tls12ClientCert.ClientAuth = tls.VersionTLS12, tls.RequireAnyClientCert

	tests := []struct {
		name   string
		b      smtpd.Behavior
		status Status
		step   Step
		err    []error
		check  func(t *testing.T, r Result)
	}{
		{name: "ok", b: smtpd.Behavior{Hostname: "mx1.example.com", TLS: p.server(p.leaf("mx1.example.com"))}, status: StatusOK,
			check: func(t *testing.T, r Result) {
				if r.TLS == nil || !r.TLS.Cert.ChainValid || !r.TLS.NamesMatchMX || r.TLS.Version != "TLS 1.3" || r.TLS.Cipher == "" {
					t.Errorf("tls %+v", r.TLS)
				}
				if r.BannerHost != "mx1.example.com" || !r.BannerMatchesMX || r.Banner != "220 mx1.example.com ESMTP mxray test server" {
					t.Errorf("banner %q host %q", r.Banner, r.BannerHost)
				}
				if !r.STARTTLS || r.EHLOHost != "mx1.example.com" || strings.Join(r.EHLO, ",") != "PIPELINING,SIZE 10240000,8BITMIME,STARTTLS" {
					t.Errorf("ehlo %q %q", r.EHLOHost, r.EHLO)
				}
				if r.Timing.Connect < 0 || r.Timing.Greeting < 0 || r.Timing.EHLO < 0 || r.Timing.TLS < 0 || r.Error != "" {
					t.Errorf("timing %+v error %q", r.Timing, r.Error)
				}
			}},
		{name: "greeting refused with 554", b: smtpd.Behavior{GreetingCode: 554, Banner: []string{"5.7.1 no SMTP service here"}}, status: StatusRefused,
			step: StepGreeting, err: []error{ErrRejected}},
		{name: "no STARTTLS", b: smtpd.Behavior{Hostname: "mx1.example.com"}, status: StatusNoSTARTTLS,
			check: func(t *testing.T, r Result) {
				if r.STARTTLS || r.TLS != nil || r.Timing.TLS >= 0 {
					t.Errorf("starttls %v tls %+v timing %v", r.STARTTLS, r.TLS, r.Timing.TLS)
				}
			}},
		{name: "STARTTLS refused", b: smtpd.Behavior{TLS: p.server(p.leaf("mx1.example.com")), STARTTLSCode: 454}, status: StatusTLSError,
			step: StepSTARTTLS, err: []error{ErrRejected}},
		{name: "handshake alert", b: smtpd.Behavior{TLS: tls12ClientCert}, status: StatusTLSError, step: StepTLS,
			check: func(t *testing.T, r Result) {
				if !strings.Contains(r.Error, "remote error: tls:") {
					t.Errorf("error %q does not carry the alert", r.Error)
				}
			}},
		{name: "not TLS after 220", b: smtpd.Behavior{Raw: func(c net.Conn) {
			c.Write([]byte("220 mx ESMTP\r\n"))
			readCommand(c)
			c.Write([]byte("250-mx\r\n250 STARTTLS\r\n"))
			readCommand(c)
			c.Write([]byte("220 go ahead\r\n"))
			readCommand(c)
			c.Write([]byte("HTTP/1.0 400 Bad Request\r\n\r\n"))
		}}, status: StatusTLSError, step: StepTLS},
		{name: "plaintext injected after 220 to STARTTLS", b: smtpd.Behavior{Raw: func(c net.Conn) {
			c.Write([]byte("220 mx ESMTP\r\n"))
			readCommand(c)
			c.Write([]byte("250-mx\r\n250 STARTTLS\r\n"))
			readCommand(c)
			c.Write([]byte("220 go ahead\r\n250 injected\r\n"))
			readCommand(c)
		}}, status: StatusTLSError, step: StepSTARTTLS, err: []error{ErrDataBeforeTLS}},
		{name: "self-signed certificate is described", b: smtpd.Behavior{TLS: selfSigned(t, "mx1.example.com")}, status: StatusCertInvalid,
			check: func(t *testing.T, r Result) {
				if r.TLS == nil || r.TLS.Cert.ChainValid || !r.TLS.NamesMatchMX || r.TLS.Cert.Subject != "CN=mx1.example.com" || r.TLS.Cert.Error == "" {
					t.Errorf("tls %+v", r.TLS)
				}
			}},
		{name: "expired certificate", b: smtpd.Behavior{TLS: p.server(expired)}, status: StatusCertInvalid,
			check: func(t *testing.T, r Result) {
				if r.TLS == nil || !r.TLS.Cert.ChainValid || !strings.Contains(r.TLS.Cert.Error, "expired") {
					t.Errorf("tls %+v", r.TLS)
				}
			}},
		{name: "certificate for another name", b: smtpd.Behavior{TLS: p.server(p.leaf("mail.example.net"))}, status: StatusCertInvalid,
			check: func(t *testing.T, r Result) {
				if r.TLS == nil || r.TLS.NamesMatchMX || !r.TLS.Cert.ChainValid || r.TLS.Cert.SANs[0] != "mail.example.net" {
					t.Errorf("tls %+v", r.TLS)
				}
			}},
		{name: "EHLO refused", b: smtpd.Behavior{EHLOCode: 550}, status: StatusError, step: StepEHLO, err: []error{ErrRejected}},
		{name: "malformed greeting", b: smtpd.Behavior{Raw: func(c net.Conn) { c.Write([]byte("hello there\r\n")) }},
			status: StatusError, step: StepGreeting, err: []error{ErrMalformed}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startServer(t, tt.b)
			o := quickOptions()
			o.Roots = p.ca.Pool()
			o.Dial = routes{"192.0.2.10:25": srv.Addr()}.dial
			r := Probe(context.Background(), Target{Host: "mx1.example.com.", IP: addr("192.0.2.10")}, o)
			if r.Status != tt.status || r.Step != tt.step {
				t.Fatalf("status %s step %q, want %s %q (error %v)", r.Status, r.Step, tt.status, tt.step, r.Err)
			}
			if err := errIs(r.Err, tt.err...); err != nil {
				t.Error(err)
			}
			if r.Host != "mx1.example.com" || r.Port != 25 || r.IP != addr("192.0.2.10") {
				t.Errorf("target %s %s %d", r.Host, r.IP, r.Port)
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}

// readCommand reads one command line for the raw servers.
func readCommand(c net.Conn) {
	buf := make([]byte, 1)
	for {
		if _, err := c.Read(buf); err != nil || buf[0] == '\n' {
			return
		}
	}
}

// TestConnectRefused: nothing listens.
func TestConnectRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	o := quickOptions()
	o.Dial = routes{"192.0.2.10:25": closed}.dial
	r := Probe(context.Background(), Target{Host: "mx1.example.com", IP: addr("192.0.2.10")}, o)
	if r.Status != StatusRefused || r.Step != StepConnect || r.Timing.Greeting >= 0 {
		t.Errorf("status %s step %s err %v", r.Status, r.Step, r.Err)
	}
}

// TestTarpit: a greeting later than the threshold (measured on a fake
// clock the server moves) is a tarpit, and the probe goes on to describe
// TLS; a greeting that never comes is a tarpit at the greeting step.
func TestTarpit(t *testing.T) {
	p := newPKI(t)
	clock := &fakeClock{t: testNow}
	reading := make(chan struct{})
	srv := startServer(t, smtpd.Behavior{Hostname: "mx1.example.com", TLS: p.server(p.leaf("mx1.example.com")),
		OnConnect: func() {
			<-reading
			clock.Advance(15 * time.Second)
		}})
	o := quickOptions()
	o.Roots, o.Clock, o.TarpitAfter = p.ca.Pool(), clock, 10*time.Second
	o.Dial = func(ctx context.Context, network, a string) (net.Conn, error) {
		c, err := routes{"192.0.2.10:25": srv.Addr()}.dial(ctx, network, a)
		if err != nil {
			return nil, err
		}
		return &signalConn{Conn: c, reading: reading}, nil
	}
	r := Probe(context.Background(), Target{Host: "mx1.example.com", IP: addr("192.0.2.10")}, o)
	if r.Status != StatusTarpit || !r.Tarpit || r.Timing.Greeting != 15*time.Second || r.TLS == nil || r.Err != nil {
		t.Errorf("status %s tarpit %v greeting %v tls %v err %v", r.Status, r.Tarpit, r.Timing.Greeting, r.TLS != nil, r.Err)
	}
	fs := Findings([]Result{r}, nil, testNow)
	if !hasCode(fs, "smtp.tarpit") || hasCode(fs, "smtp.no_starttls") || hasCode(fs, "smtp.tls_error") {
		t.Errorf("findings %v", codes(fs))
	}
}

// TestSilentServerCostsOneStep: a server that accepts and then says
// nothing ends the probe at the greeting step's timeout, which the error
// says; a server that goes silent later ends it at that step.
func TestSilentServerCostsOneStep(t *testing.T) {
	tests := []struct {
		name   string
		b      smtpd.Behavior
		step   Step
		status Status
	}{
		{"silent from the start", smtpd.Behavior{Silent: true}, StepGreeting, StatusTarpit},
		{"silent after the greeting", smtpd.Behavior{Raw: func(c net.Conn) {
			c.Write([]byte("220 mx1.example.com ESMTP\r\n"))
			_, _ = io.Copy(io.Discard, c) // never answers
		}}, StepEHLO, StatusError},
		{"half a multi-line greeting", smtpd.Behavior{Raw: func(c net.Conn) {
			c.Write([]byte("220-mx1.example.com ESMTP\r\n"))
			_, _ = io.Copy(io.Discard, c)
		}}, StepGreeting, StatusTarpit},
		{"no handshake after 220 to STARTTLS", smtpd.Behavior{Raw: func(c net.Conn) {
			c.Write([]byte("220 mx ESMTP\r\n"))
			readCommand(c)
			c.Write([]byte("250-mx\r\n250 STARTTLS\r\n"))
			readCommand(c)
			c.Write([]byte("220 go ahead\r\n"))
			_, _ = io.Copy(io.Discard, c) // never shakes hands
		}}, StepTLS, StatusTLSError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startServer(t, tt.b)
			o := quickOptions()
			o.Timeouts = Timeouts{Connect: 2 * time.Second, Greeting: 150 * time.Millisecond, EHLO: 150 * time.Millisecond, TLS: 150 * time.Millisecond, QUIT: 150 * time.Millisecond}
			o.Dial = routes{"192.0.2.10:25": srv.Addr()}.dial
			r := Probe(context.Background(), Target{Host: "mx1.example.com", IP: addr("192.0.2.10")}, o)
			if r.Step != tt.step || r.Status != tt.status {
				t.Fatalf("step %s status %s, want %s %s (%v)", r.Step, r.Status, tt.step, tt.status, r.Err)
			}
			if err := errIs(r.Err, ErrStepTimeout, context.DeadlineExceeded); err != nil {
				t.Error(err)
			}
			if !strings.Contains(r.Error, "within 150ms") {
				t.Errorf("error %q does not name the step's timeout", r.Error)
			}
			if fs := Findings([]Result{r}, nil, testNow); (tt.status == StatusTarpit) != hasCode(fs, "smtp.tarpit") {
				t.Errorf("findings %v", codes(fs))
			}
		})
	}
}

// TestCancelled: the caller's context ends the probe at once, and the
// verdict blames no server.
func TestCancelled(t *testing.T) {
	srv := startServer(t, smtpd.Behavior{Silent: true})
	o := quickOptions()
	o.Timeouts.Greeting = time.Hour
	o.Dial = routes{"192.0.2.10:25": srv.Addr()}.dial
	ctx, cancel := context.WithCancel(context.Background())
	connected := make(chan struct{})
	inner := o.Dial
	o.Dial = func(ctx context.Context, n, a string) (net.Conn, error) {
		c, err := inner(ctx, n, a)
		close(connected)
		return c, err
	}
	go func() { <-connected; cancel() }()
	r := Probe(ctx, Target{Host: "mx1.example.com", IP: addr("192.0.2.10")}, o)
	if r.Status != StatusError || (r.Step != StepGreeting && r.Step != StepConnect) {
		t.Errorf("status %s step %s", r.Status, r.Step)
	}
	if err := errIs(r.Err, context.Canceled); err != nil {
		t.Error(err)
	}
	if fs := Findings([]Result{r}, nil, testNow); len(fs) != 1 || fs[0].Code != "smtp.not_finished" {
		t.Errorf("findings %v, want only smtp.not_finished", codes(fs))
	}
}

// TestBadEHLOName: a name that would smuggle a command is never sent.
func TestBadEHLOName(t *testing.T) {
	srv := startServer(t, smtpd.Behavior{})
	o := quickOptions()
	o.EHLOName = "x.example\r\nMAIL FROM:<a@b>"
	o.Dial = routes{"192.0.2.10:25": srv.Addr()}.dial
	r := Probe(context.Background(), Target{IP: addr("192.0.2.10")}, o)
	if r.Status != StatusError || !strings.Contains(r.Error, ErrBadEHLOName.Error()) || srv.Accepted() != 0 {
		t.Errorf("status %s error %q accepted %d", r.Status, r.Error, srv.Accepted())
	}
	if err := o.Validate(); !errors.Is(err, ErrBadEHLOName) || strings.ContainsAny(err.Error(), "\r\n") {
		t.Errorf("Validate: %v", err)
	}
	if err := (Options{Port: 70000}).Validate(); err == nil {
		t.Error("port 70000 accepted")
	}
	if err := quickOptions().Validate(); err != nil {
		t.Errorf("good options: %v", err)
	}
	for name, ok := range map[string]bool{"mx.example.com": true, "[192.0.2.1]": true, "[IPv6:2001:db8::1]": true, "a..b": false, "-a.b": false, "": false, "a b": false, "[]": false} {
		if ValidEHLOName(name) != ok {
			t.Errorf("ValidEHLOName(%q) = %v", name, !ok)
		}
	}
	if n := DefaultEHLOName(); !ValidEHLOName(n) {
		t.Errorf("default EHLO name %q is not valid", n)
	}
}

// TestHostileReplies: a reply too long, too many lines or too many bytes
// ends the probe with the limit's error, having kept only what the limit
// allows.
func TestHostileReplies(t *testing.T) {
	tests := []struct {
		name string
		raw  func(net.Conn)
		lim  Limits
		step Step
		want error
	}{
		{"endless line", func(c net.Conn) {
			c.Write([]byte("220 "))
			chunk := []byte(strings.Repeat("A", 4096))
			for range 64 {
				if _, err := c.Write(chunk); err != nil {
					return
				}
			}
		}, Limits{}, StepGreeting, ErrLineTooLong},
		{"endless EHLO reply", func(c net.Conn) {
			c.Write([]byte("220 mx ESMTP\r\n"))
			readCommand(c)
			for range 1000 {
				if _, err := c.Write([]byte("250-X-FILLER\r\n")); err != nil {
					return
				}
			}
		}, Limits{}, StepEHLO, ErrTooManyLines},
		{"too many bytes", func(c net.Conn) {
			c.Write([]byte("220 mx ESMTP\r\n"))
			readCommand(c)
			for range 200 {
				if _, err := c.Write([]byte("250-" + strings.Repeat("B", 60) + "\r\n")); err != nil {
					return
				}
			}
		}, Limits{MaxBytes: 4000, MaxLines: 1000}, StepEHLO, ErrTooMuchData},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startServer(t, smtpd.Behavior{Raw: tt.raw})
			o := quickOptions()
			o.Limits = tt.lim
			o.Dial = routes{"192.0.2.10:25": srv.Addr()}.dial
			r := Probe(context.Background(), Target{Host: "mx1.example.com", IP: addr("192.0.2.10")}, o)
			if r.Step != tt.step || r.Status != StatusError {
				t.Fatalf("step %s status %s (%v)", r.Step, r.Status, r.Err)
			}
			if err := errIs(r.Err, tt.want); err != nil {
				t.Error(err)
			}
			if len(r.Banner) > DefaultMaxLine*2 || len(r.EHLO) > DefaultMaxLines {
				t.Errorf("kept %d banner bytes, %d EHLO lines", len(r.Banner), len(r.EHLO))
			}
		})
	}
}
