package tlscert

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func mustCA(t *testing.T) *CA {
	t.Helper()
	ca, err := NewCA("mxray test root", now)
	if err != nil {
		t.Fatal(err)
	}
	return ca
}

func parsed(t *testing.T, c tls.Certificate) []*x509.Certificate {
	t.Helper()
	chain, err := x509.ParseCertificates(bytes.Join(c.Certificate, nil))
	if err != nil {
		t.Fatal(err)
	}
	return chain
}

func TestVerifyTellsCausesApart(t *testing.T) {
	ca := mustCA(t)
	inter, err := ca.Intermediate("mxray test intermediate", now)
	if err != nil {
		t.Fatal(err)
	}
	valid := func(names ...string) Leaf {
		return Leaf{Names: names, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(90 * 24 * time.Hour)}
	}
	issue := func(c *CA, l Leaf) []*x509.Certificate {
		cert, err := c.Issue(l)
		if err != nil {
			t.Fatal(err)
		}
		return parsed(t, cert)
	}
	self, err := SelfSigned(valid("mx1.example.com"))
	if err != nil {
		t.Fatal(err)
	}
	expired := valid("mx1.example.com")
	expired.NotBefore, expired.NotAfter = now.Add(-100*24*time.Hour), now.Add(-time.Hour)
	future := valid("mx1.example.com")
	future.NotBefore, future.NotAfter = now.Add(time.Hour), now.Add(100*24*time.Hour)
	withoutIntermediate := issue(inter, valid("mx1.example.com"))[:1]

	tests := []struct {
		name                 string
		chain                []*x509.Certificate
		host                 string
		chainOK, periodOK    bool
		nameOK               bool
		periodErr, errSubstr error
	}{
		{"valid", issue(ca, valid("mx1.example.com")), "mx1.example.com", true, true, true, nil, nil},
		{"trailing dot and case ignored", issue(ca, valid("MX1.example.com")), "mx1.Example.com.", true, true, true, nil, nil},
		{"self-signed is described, only the chain fails", parsed(t, self), "mx1.example.com", false, true, true, nil, ErrUntrusted},
		{"expired is expired, not untrusted", issue(ca, expired), "mx1.example.com", true, false, true, ErrExpired, ErrExpired},
		{"not yet valid", issue(ca, future), "mx1.example.com", true, false, true, ErrNotYetValid, ErrNotYetValid},
		{"wrong name, chain fine", issue(ca, valid("mail.example.net")), "mx1.example.com", true, true, false, nil, ErrName},
		{"wildcard covers one label", issue(ca, valid("*.example.com")), "mx1.example.com", true, true, true, nil, nil},
		{"wildcard does not cover two labels", issue(ca, valid("*.example.com")), "a.mx1.example.com", true, true, false, nil, ErrName},
		{"wildcard does not cover the apex", issue(ca, valid("*.example.com")), "example.com", true, true, false, nil, ErrName},
		{"partial-label wildcard is not honoured", issue(ca, valid("mx*.example.com")), "mx1.example.com", true, true, false, nil, ErrName},
		{"intermediate sent", issue(inter, valid("mx1.example.com")), "mx1.example.com", true, true, true, nil, nil},
		{"intermediate missing", withoutIntermediate, "mx1.example.com", false, true, true, nil, ErrUntrusted},
		{"IP address SAN", issue(ca, valid("192.0.2.1")), "192.0.2.1", true, true, true, nil, nil},
		{"no host: names not judged", issue(ca, valid("a.example")), "", true, true, true, nil, nil},
		{"no certificate", nil, "mx1.example.com", false, true, true, nil, ErrNoCertificate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Verify(tt.chain, tt.host, Options{Roots: ca.Pool(), Now: func() time.Time { return now }})
			if (v.Chain == nil) != tt.chainOK || v.Cert.ChainValid != tt.chainOK {
				t.Errorf("chain err %v, ChainValid %v; want ok=%v", v.Chain, v.Cert.ChainValid, tt.chainOK)
			}
			if (v.Period == nil) != tt.periodOK || (tt.periodErr != nil && !errors.Is(v.Period, tt.periodErr)) {
				t.Errorf("period err %v, want %v", v.Period, tt.periodErr)
			}
			if (v.Name == nil) != tt.nameOK {
				t.Errorf("name err %v, want ok=%v", v.Name, tt.nameOK)
			}
			err := v.Err(tt.host)
			if (err == nil) != (tt.errSubstr == nil) || (tt.errSubstr != nil && !errors.Is(err, tt.errSubstr)) {
				t.Errorf("Err() = %v, want %v", err, tt.errSubstr)
			}
			if err != nil && v.Cert.Error == "" {
				t.Error("Cert.Error empty for a failing certificate")
			}
			if len(tt.chain) > 0 && (v.Cert.Subject == "" || len(v.Cert.SANs) == 0 || v.Cert.NotAfter.IsZero()) {
				t.Errorf("not described: %+v", v.Cert)
			}
		})
	}
}

// TestStrictConfig: a handshake with StrictConfig fails with an *Error
// that says which check failed, and succeeds with a good certificate.
func TestStrictConfig(t *testing.T) {
	ca := mustCA(t)
	tests := []struct {
		name  string
		leaf  Leaf
		roots *x509.CertPool
		want  error
	}{
		{"good", Leaf{Names: []string{"mta-sts.example.com"}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour)}, ca.Pool(), nil},
		{"expired", Leaf{Names: []string{"mta-sts.example.com"}, NotBefore: now.Add(-48 * time.Hour), NotAfter: now.Add(-24 * time.Hour)}, ca.Pool(), ErrExpired},
		{"wrong name", Leaf{Names: []string{"www.example.com"}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour)}, ca.Pool(), ErrName},
		{"untrusted", Leaf{Names: []string{"mta-sts.example.com"}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour)}, x509.NewCertPool(), ErrUntrusted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cert, err := ca.Issue(tt.leaf)
			if err != nil {
				t.Fatal(err)
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			go func() {
				conn, err := ln.Accept()
				if err != nil {
					return
				}
				defer conn.Close()
				_ = tls.Server(conn, &tls.Config{Certificates: []tls.Certificate{cert}}).Handshake()
			}()
			client, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer client.Close()
			c := tls.Client(client, StrictConfig("mta-sts.example.com", Options{Roots: tt.roots, Now: func() time.Time { return now }}))
			err = c.Handshake()
			if tt.want == nil {
				if err != nil {
					t.Fatalf("handshake: %v", err)
				}
				return
			}
			var ce *Error
			if !errors.As(err, &ce) || !errors.Is(err, tt.want) || ce.Host != "mta-sts.example.com" {
				t.Fatalf("handshake error %v, want an *Error wrapping %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), "mta-sts.example.com") {
				t.Errorf("error %q does not name the host", err)
			}
		})
	}
}

func TestInspectConfigSNI(t *testing.T) {
	if c := InspectConfig("mx1.example.com.", tls.VersionTLS10); c.ServerName != "mx1.example.com" || !c.InsecureSkipVerify {
		t.Errorf("config %+v", c)
	}
	if c := InspectConfig("192.0.2.1", tls.VersionTLS10); c.ServerName != "" {
		t.Errorf("SNI %q sent for an IP address", c.ServerName)
	}
}
