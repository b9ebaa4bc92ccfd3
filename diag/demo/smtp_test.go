package demo_test

import (
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/demo/demotest"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/smtp"
)

// TestZoneTLSAPinsTheDemoKey: the zone's TLSA records are the SHA-256 of
// the embedded key's public key, so DANE matches whatever certificate the
// demo makes at start.
func TestZoneTLSAPinsTheDemoKey(t *testing.T) {
	raw, err := os.ReadFile("smtp-demo.key")
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(raw)
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	spki, err := x509.MarshalPKIXPublicKey(key.(crypto.Signer).Public())
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(spki)
	want := hex.EncodeToString(sum[:])
	zp := dns.NewZoneParser(strings.NewReader(demo.ZoneText()), "", "demo.zone")
	n := 0
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		if t2, ok := rr.(*dns.TLSA); ok {
			n++
			if t2.Usage != 3 || t2.Selector != 1 || t2.MatchingType != 1 || t2.Certificate != want {
				t.Errorf("%s: TLSA %d %d %d %s, want 3 1 1 %s", t2.Hdr.Name, t2.Usage, t2.Selector, t2.MatchingType, t2.Certificate, want)
			}
		}
	}
	if n != 3 {
		t.Errorf("%d TLSA records, want one per healthy.example MX", n)
	}
}

// demoTargets resolves a demo domain's MX addresses and PTRs as the check
// does, against the demo zone.
func demoTargets(t *testing.T, c *dnsclient.Client, domain string) []smtp.Target {
	t.Helper()
	ctx := context.Background()
	var out []smtp.Target
	for _, mx := range c.Lookup(ctx, domain, dns.TypeMX).MX() {
		v4, v6 := c.LookupAddrs(ctx, mx.Host)
		for _, ip := range append(v4.Addrs(), v6.Addrs()...) {
			ptr := &smtp.ReverseDNS{Names: c.LookupPTR(ctx, ip).Names()}
			out = append(out, smtp.Target{Host: mx.Host, IP: ip, PTR: ptr})
		}
	}
	return out
}

// TestDemoSMTP probes both demo domains as "mxray --demo smtp" will:
// healthy.example is ok everywhere with DANE matching; broken.example
// shows a certificate name mismatch, a missing STARTTLS and a tarpit, each
// as the verdict of one address.
func TestDemoSMTP(t *testing.T) {
	srv, o := demotest.Serve(t)
	c := dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: 30 * time.Second})
	o.Resolver = c

	healthy := smtp.ProbeAll(context.Background(), demoTargets(t, c, "healthy.example"), o)
	if len(healthy) != 4 {
		t.Fatalf("%d healthy.example addresses, want 4", len(healthy))
	}
	for _, r := range healthy {
		if r.Status != smtp.StatusOK || r.TLS == nil || !r.TLS.NamesMatchMX || !r.TLS.Cert.ChainValid ||
			r.DANE.Match == nil || !*r.DANE.Match || r.DANE.DNSSEC != dnsclient.DNSSECSecure ||
			r.BannerMatchesPTR == nil || !*r.BannerMatchesPTR {
			t.Errorf("%s %s: %s tls %+v dane %+v banner %q (%v)", r.Host, r.IP, r.Status, r.TLS, r.DANE, r.BannerHost, r.Err)
		}
	}
	if fs := smtp.Findings(healthy, nil, time.Now()); len(fs) != 0 {
		t.Errorf("healthy.example findings: %+v", fs)
	}

	broken := smtp.ProbeAll(context.Background(), demoTargets(t, c, "broken.example"), o)
	byIP := map[string]smtp.Result{}
	for _, r := range broken {
		byIP[r.IP.String()] = r
	}
	if len(broken) != 3 {
		t.Fatalf("%d broken.example addresses, want 3", len(broken))
	}
	mx1, plain, slow := byIP["198.51.100.10"], byIP["198.51.100.25"], byIP["198.51.100.26"]
	if mx1.Host != "mx1.broken.example" || mx1.Status != smtp.StatusCertInvalid || mx1.TLS == nil || mx1.TLS.NamesMatchMX || !mx1.TLS.Cert.ChainValid || mx1.TLS.Cert.SANs[0] != "real.broken.example" {
		t.Errorf("mx1: %s %s %+v", mx1.Host, mx1.Status, mx1.TLS)
	}
	if plain.Host != "mx2.broken.example" || plain.Status != smtp.StatusNoSTARTTLS || plain.Tarpit || plain.BannerMatchesPTR == nil || *plain.BannerMatchesPTR {
		t.Errorf("mx2 .25: %s %s tarpit %v banner matches PTR %v", plain.Host, plain.Status, plain.Tarpit, plain.BannerMatchesPTR)
	}
	// The tarpit is a verdict of its own: STARTTLS and the certificate are
	// fine there, only the greeting is slow.
	if slow.Host != "mx2.broken.example" || slow.Status != smtp.StatusTarpit || !slow.Tarpit || slow.Timing.Greeting < demo.SMTPGreetingDelay ||
		slow.TLS == nil || !slow.TLS.NamesMatchMX || !slow.TLS.Cert.ChainValid {
		t.Errorf("mx2 .26: %s %s tarpit %v greeting %v tls %+v", slow.Host, slow.Status, slow.Tarpit, slow.Timing.Greeting, slow.TLS)
	}
	got := map[string]bool{}
	for _, f := range smtp.Findings(broken, nil, time.Now()) {
		got[f.Code+" "+f.Subject.String()] = true
	}
	for _, want := range []string{"smtp.cert_name_mismatch mx1.broken.example/198.51.100.10", "smtp.tarpit mx2.broken.example/198.51.100.26",
		"smtp.no_starttls mx2.broken.example/198.51.100.25", "smtp.banner_ptr_mismatch mx2.broken.example/198.51.100.25"} {
		if !got[want] {
			t.Errorf("no finding %q in %v", want, got)
		}
	}
	if got["smtp.tarpit mx2.broken.example/198.51.100.25"] {
		t.Error("the address without STARTTLS is reported slow too")
	}
}

// TestDemoDialStaysOffline: the dial hook reaches only the demo's own
// servers, on port 25.
func TestDemoDialStaysOffline(t *testing.T) {
	mail, err := demo.StartSMTP()
	if err != nil {
		t.Fatal(err)
	}
	defer mail.Close()
	ctx := context.Background()
	for _, addr := range []string{"192.0.2.10:443", "192.0.2.99:25", "127.0.0.1:25", "mx1.healthy.example:25"} {
		if c, err := mail.Dial(ctx, "tcp", addr); err == nil {
			c.Close()
			t.Errorf("%s reached", addr)
		}
	}
	if _, err := mail.Dial(ctx, "tcp", "192.0.2.10:443"); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("another port of a demo host: %v, want connection refused", err)
	}
	for _, a := range []string{"192.0.2.10:25", "[2001:db8:1::30]:25"} {
		c, err := mail.Dial(ctx, "tcp", a)
		if err != nil {
			t.Fatalf("%s: %v", a, err)
		}
		c.Close()
	}
}
