package smtp

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"net/netip"
	"os"
	"slices"
	"testing"
)

// TestPostfix probes a real Postfix that .ci/postfix starts on loopback
// with a self-signed certificate, and checks the banner, the EHLO reply,
// STARTTLS, the TLS version and the certificate as Postfix presents them.
// It is skipped, saying why, only outside CI when no Postfix was given; in
// CI (the CI variable set) a missing Postfix fails it.
func TestPostfix(t *testing.T) {
	addrPort := os.Getenv("MXRAY_POSTFIX_ADDR")
	if addrPort == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but MXRAY_POSTFIX_ADDR is not: run the tests through .ci/postfix, which starts a Postfix for this test")
		}
		t.Skip("no Postfix to probe: MXRAY_POSTFIX_ADDR is not set (.ci/postfix starts one and runs this test against it)")
	}
	host := os.Getenv("MXRAY_POSTFIX_HOST")
	ap, err := netip.ParseAddrPort(addrPort)
	if err != nil || host == "" {
		t.Fatalf("MXRAY_POSTFIX_ADDR %q (%v), MXRAY_POSTFIX_HOST %q", addrPort, err, host)
	}
	raw, err := os.ReadFile(os.Getenv("MXRAY_POSTFIX_CERT"))
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(raw)
	if block == nil {
		t.Fatal("MXRAY_POSTFIX_CERT holds no PEM certificate")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(cert)

	o := Options{Port: int(ap.Port()), EHLOName: "probe.mxray-ci.example", Roots: roots, ControlPorts: []int{}}
	r := Probe(context.Background(), Target{Host: host, IP: ap.Addr(), PTR: &ReverseDNS{Names: []string{host}}}, o)
	t.Logf("%s: %s banner %q EHLO %q TLS %+v timing %+v", addrPort, r.Status, r.Banner, r.EHLO, r.TLS, r.Timing)
	if r.Status != StatusOK || r.Err != nil {
		t.Fatalf("status %s, error %v", r.Status, r.Err)
	}
	if r.Banner != "220 "+host+" ESMTP Postfix (mxray CI)" || r.BannerHost != host || !r.BannerMatchesMX || r.BannerMatchesPTR == nil || !*r.BannerMatchesPTR {
		t.Errorf("banner %q host %q", r.Banner, r.BannerHost)
	}
	if r.EHLOHost != host {
		t.Errorf("EHLO host %q", r.EHLOHost)
	}
	for _, ext := range []string{"PIPELINING", "SIZE 10240000", "STARTTLS", "ENHANCEDSTATUSCODES", "8BITMIME", "SMTPUTF8", "CHUNKING"} {
		if !slices.Contains(r.EHLO, ext) {
			t.Errorf("EHLO lacks %q: %q", ext, r.EHLO)
		}
	}
	if !r.STARTTLS || r.TLS == nil {
		t.Fatalf("no TLS: %+v", r)
	}
	if r.TLS.Version != "TLS 1.3" || r.TLS.Cipher == "" {
		t.Errorf("TLS %s %s, want TLS 1.3 (Postfix 3.7 with OpenSSL 3)", r.TLS.Version, r.TLS.Cipher)
	}
	c := r.TLS.Cert
	if c.Subject != "CN="+host || !slices.Equal(c.SANs, []string{host}) || c.Issuer != "CN="+host || !c.ChainValid || c.Error != "" ||
		!c.NotAfter.Equal(cert.NotAfter.UTC()) || !r.TLS.NamesMatchMX || len(r.Chain) == 0 || !r.Chain[0].Equal(cert) {
		t.Errorf("certificate %+v, names match %v", c, r.TLS.NamesMatchMX)
	}
	// Without the certificate in the roots, the same server is
	// cert_invalid, and only its chain is at fault.
	o.Roots = x509.NewCertPool()
	r = Probe(context.Background(), Target{Host: host, IP: ap.Addr()}, o)
	if r.Status != StatusCertInvalid || r.TLS == nil || r.TLS.Cert.ChainValid || !r.TLS.NamesMatchMX {
		t.Errorf("untrusted: %s %+v", r.Status, r.TLS)
	}
}
