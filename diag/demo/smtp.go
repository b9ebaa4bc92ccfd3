package demo

import (
	"context"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	_ "embed"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"syscall"
	"time"

	"github.com/mxray/mxray/diag/smtp"
	"github.com/mxray/mxray/diag/smtp/smtpd"
	"github.com/mxray/mxray/diag/tlscert"
	"github.com/mxray/mxray/diag/zoneserver"
)

// smtpKeyPEM is the demo servers' fixed key: the zone's TLSA 3 1 1 records
// hold the SHA-256 of its public key, so they stay right across runs while
// the certificates are made fresh at each start.
//
//go:embed smtp-demo.key
var smtpKeyPEM []byte

// Timing of the demo's tarpit: broken.example's second MX, at its second
// address, holds its greeting for SMTPGreetingDelay, and the demo's probe calls a greeting
// slower than SMTPTarpitAfter a tarpit, so the demo shows one in seconds.
const (
	SMTPGreetingDelay = 1500 * time.Millisecond
	SMTPTarpitAfter   = time.Second
)

// SecureZones are the demo zones whose answers the demo's DNS server marks
// as DNSSEC-validated (zoneserver's SetAD), as a validating resolver would for
// a signed zone, so that healthy.example's TLSA records count for DANE.
func SecureZones() []string { return []string{"healthy.example."} }

// MarkSecure makes srv, serving the demo zone, answer for SecureZones with
// the AD bit set, as mxray --demo does.
func MarkSecure(srv *zoneserver.Server) {
	for _, z := range SecureZones() {
		srv.SetAD(z, true)
	}
}

// mailServer is one demo MX address and how its server behaves.
type mailServer struct {
	addrs []netip.Addr
	b     smtpd.Behavior
	names []string // certificate names; none: no STARTTLS
}

// SMTP is the demo's mail servers: one in-process SMTP server on loopback
// per MX host of the demo zone, reached through Dial, which maps the zone's
// documentation addresses to them. healthy.example's three MX all answer
// well, with certificates from an in-memory CA (Roots) whose key the zone
// pins with TLSA records; broken.example's first MX presents a certificate
// for its CNAME target instead of its own name; its second offers no
// STARTTLS at one address and holds its greeting back (a tarpit) at the
// other, so each problem shows as a verdict of its own.
type SMTP struct {
	routes  map[netip.Addr]string // documentation address → loopback listener
	servers []*smtpd.Server
	roots   *x509.CertPool
}

// StartSMTP starts the demo's mail servers. Close them when done.
func StartSMTP() (*SMTP, error) {
	key, err := smtpKey()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	ca, err := tlscert.NewCA("mxray demo CA (trusted by --demo only)", now)
	if err != nil {
		return nil, err
	}
	s := &SMTP{routes: map[netip.Addr]string{}, roots: ca.Pool()}
	for _, m := range mailServers() {
		b := m.b
		if len(m.names) > 0 {
			cert, err := ca.Issue(tlscert.Leaf{Names: m.names, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(90 * 24 * time.Hour), Key: key})
			if err != nil {
				s.Close()
				return nil, err
			}
			b.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
		}
		srv, err := smtpd.Start(b)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("demo SMTP server: %w", err)
		}
		s.servers = append(s.servers, srv)
		for _, a := range m.addrs {
			s.routes[a] = srv.Addr()
		}
	}
	return s, nil
}

func mailServers() []mailServer {
	a := netip.MustParseAddr
	ok := func(host string, addrs ...netip.Addr) mailServer {
		return mailServer{addrs: addrs, b: smtpd.Behavior{Hostname: host, Banner: []string{host + " ESMTP mxray demo"}}, names: []string{host}}
	}
	return []mailServer{
		ok("mx1.healthy.example", a("192.0.2.10")),
		ok("mx2.healthy.example", a("192.0.2.20")),
		ok("mx3.healthy.example", a("192.0.2.30"), a("2001:db8:1::30")),
		// mx1.broken.example is a CNAME to real.broken.example; the server
		// knows itself by the target's name, and so does its certificate.
		ok("real.broken.example", a("198.51.100.10")),
		{addrs: []netip.Addr{a("198.51.100.25")}, b: smtpd.Behavior{Hostname: "mail.broken.example",
			Banner: []string{"mail.broken.example ESMTP mxray demo (no STARTTLS)"}}},
		{addrs: []netip.Addr{a("198.51.100.26")}, b: smtpd.Behavior{Hostname: "mx2.broken.example",
			Banner: []string{"mx2.broken.example ESMTP mxray demo (slow on purpose)"}, GreetingDelay: SMTPGreetingDelay},
			names: []string{"mx2.broken.example"}},
		ok("mx.mailer.example", a("203.0.113.25")),
		ok("mx.receiver.example", a("203.0.113.200")),
	}
}

// smtpKey reads the embedded demo key.
func smtpKey() (crypto.Signer, error) {
	block, _ := pem.Decode(smtpKeyPEM)
	if block == nil {
		return nil, errors.New("demo SMTP key: no PEM block")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("demo SMTP key: %w", err)
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return nil, errors.New("demo SMTP key: not a signing key")
	}
	return signer, nil
}

// Roots trust the demo's CA and nothing else: give them to the probe
// under --demo.
func (s *SMTP) Roots() *x509.CertPool { return s.roots }

// Dial is the probe's dial hook under --demo: port 25 of a demo MX address
// reaches its loopback server; any other port of it is refused, as a closed
// port is; anything else is refused without touching the network.
func (s *SMTP) Dial(ctx context.Context, network, addr string) (net.Conn, error) {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: network, Err: fmt.Errorf("the demo reaches only its own addresses, not %q", addr)}
	}
	to, ok := s.routes[ap.Addr().Unmap()]
	if !ok || ap.Port() != smtp.DefaultPort {
		return nil, &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	}
	var d net.Dialer
	return d.DialContext(ctx, "tcp", to)
}

// ProbeOptions sets o up for the demo: its dial hook, its CA and its short
// tarpit threshold; no control connections.
func (s *SMTP) ProbeOptions(o smtp.Options) smtp.Options {
	o.Dial, o.Roots, o.TarpitAfter, o.ControlPorts = s.Dial, s.roots, SMTPTarpitAfter, []int{}
	return o
}

// Close stops every demo server.
func (s *SMTP) Close() error {
	var errs []error
	for _, srv := range s.servers {
		errs = append(errs, srv.Close())
	}
	return errors.Join(errs...)
}
