package demo

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/mxray/mxray/diag/tlscert"
)

// policyAddr is the address the demo zone gives mta-sts.healthy.example;
// the demo's policy server plays it.
var policyAddr = netip.MustParseAddr("192.0.2.80")

// policies are the MTA-STS policy files the demo serves (RFC 8461 §3.2),
// by host name: healthy.example enforces, and its pattern covers all three
// of its MX hosts.
func policies() map[string]string {
	return map[string]string{
		"mta-sts.healthy.example": "version: STSv1\r\nmode: enforce\r\nmx: *.healthy.example\r\nmax_age: 604800\r\n",
	}
}

// Policies is the demo's MTA-STS policy server: HTTPS on a loopback port,
// reached through Dial, which maps the demo zone's address of
// mta-sts.healthy.example to it, with a certificate from a CA that only
// Roots trust. It starts on the first Dial, CA and certificate included
// (0.4 ms that most demo runs, which never fetch, do not spend): Roots is
// empty until then, and no handshake can come before its Dial.
type Policies struct {
	roots *x509.CertPool

	once sync.Once
	addr string // the loopback listener, once started
	srv  *http.Server
	err  error
}

// NewPolicies returns the demo's policy server, not yet started.
func NewPolicies() *Policies {
	return &Policies{roots: x509.NewCertPool()}
}

// Roots trust the demo's policy server and nothing else: the MTA-STS
// fetch's roots under --demo.
func (p *Policies) Roots() *x509.CertPool { return p.roots }

// Dial is the policy fetch's dial under --demo, given addresses the demo's
// DNS resolved: port 443 of mta-sts.healthy.example's address reaches the
// policy server; anything else is refused without touching the network.
func (p *Policies) Dial(ctx context.Context, network, addr string) (net.Conn, error) {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil || ap.Addr().Unmap() != policyAddr || ap.Port() != 443 {
		return nil, &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	}
	p.once.Do(p.start)
	if p.err != nil {
		return nil, p.err
	}
	var d net.Dialer
	return d.DialContext(ctx, "tcp", p.addr)
}

// start makes the CA (into Roots) and the server's certificate, listens
// on loopback and serves the policies.
func (p *Policies) start() {
	files := policies()
	cert, err := p.certificate(files)
	if err != nil {
		p.err = fmt.Errorf("demo MTA-STS server: %w", err)
		return
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		p.err = fmt.Errorf("demo MTA-STS server: %w", err)
		return
	}
	p.addr = ln.Addr().String()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/mta-sts.txt", func(w http.ResponseWriter, r *http.Request) {
		body, ok := files[strings.ToLower(strings.TrimSuffix(r.Host, ":443"))]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte(body))
	})
	// Its log would write over the workbench: a fetch the investigation
	// abandons is nothing to report.
	p.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ErrorLog: log.New(io.Discard, "", 0),
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}}
	go func() { _ = p.srv.ServeTLS(ln, "", "") }()
}

// certificate issues the server's certificate for the hosts of files from
// a new demo CA, which it adds to Roots.
func (p *Policies) certificate(files map[string]string) (tls.Certificate, error) {
	key, err := smtpKey()
	if err != nil {
		return tls.Certificate{}, err
	}
	now := time.Now()
	ca, err := tlscert.NewCA("mxray demo CA (trusted by --demo only)", now)
	if err != nil {
		return tls.Certificate{}, err
	}
	p.roots.AddCert(ca.Cert)
	names := make([]string, 0, len(files))
	for host := range files {
		names = append(names, host)
	}
	return ca.Issue(tlscert.Leaf{Names: names, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(90 * 24 * time.Hour), Key: key})
}

// Close stops the server if it started.
func (p *Policies) Close() error {
	p.once.Do(func() { p.err = errors.New("demo MTA-STS server: closed") })
	if p.srv == nil {
		return nil
	}
	return p.srv.Close()
}
