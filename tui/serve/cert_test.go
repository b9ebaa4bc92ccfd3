package serve

import (
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// certAt is the fixed "now" of the certificate tests.
var certAt = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// userCert signs a user certificate for key with ca, adjusted by mod.
func userCert(t *testing.T, ca, key gossh.Signer, mod func(*gossh.Certificate)) gossh.Signer {
	t.Helper()
	cert := &gossh.Certificate{
		Key:             key.PublicKey(),
		Serial:          7,
		CertType:        gossh.UserCert,
		KeyId:           "alice-laptop",
		ValidPrincipals: []string{"alice"},
		ValidAfter:      uint64(certAt.Add(-time.Hour).Unix()),
		ValidBefore:     uint64(certAt.Add(time.Hour).Unix()),
		Permissions:     gossh.Permissions{Extensions: map[string]string{"permit-pty": ""}},
	}
	if mod != nil {
		mod(cert)
	}
	if err := cert.SignCert(rand.Reader, ca); err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewCertSigner(cert, key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestUserCertificates(t *testing.T) {
	ca, otherCA, opsCA := newSigner(t), newSigner(t), newSigner(t)
	var caPath string
	e := newEnv(t, func(c *Config) {
		caPath = filepath.Join(filepath.Dir(c.AuthorizedKeys), "user_ca.pub")
		if err := os.WriteFile(caPath, []byte("# the team CA\n"+keyLine(ca, "team-ca")+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		c.TrustedUserCA = caPath
		c.Now = func() time.Time { return certAt }
	})
	// An authorized_keys cert-authority line with principals: the
	// certificate must name "ops", whatever the login name.
	e.writeKeys(t, keyLine(e.users["bob"], "bob"), `cert-authority,principals="ops" `+keyLine(opsCA, "ops-ca"))
	if err := e.srv.ReloadKeys(); err != nil {
		t.Fatal(err)
	}
	key := newSigner(t)
	tests := []struct {
		name   string
		user   string
		signer gossh.Signer
		reason string // "" admitted
	}{
		{"valid", "alice", userCert(t, ca, key, nil), ""},
		{"other principal", "bob", userCert(t, ca, key, nil), `do not include ["bob"]`},
		{"expired", "alice", userCert(t, ca, key, func(c *gossh.Certificate) { c.ValidBefore = uint64(certAt.Add(-time.Minute).Unix()) }), "cert has expired"},
		{"not yet valid", "alice", userCert(t, ca, key, func(c *gossh.Certificate) { c.ValidAfter = uint64(certAt.Add(time.Minute).Unix()) }), "not yet valid"},
		{"no principals", "alice", userCert(t, ca, key, func(c *gossh.Certificate) { c.ValidPrincipals = nil }), "lists no principals"},
		{"untrusted CA", "alice", userCert(t, otherCA, key, nil), "not a trusted authority"},
		{"force-command", "alice", userCert(t, ca, key, func(c *gossh.Certificate) {
			c.CriticalOptions = map[string]string{"force-command": "/bin/sh"}
		}), `unsupported critical option "force-command"`},
		{"source-address elsewhere", "alice", userCert(t, ca, key, func(c *gossh.Certificate) {
			c.CriticalOptions = map[string]string{"source-address": "192.0.2.0/24"}
		}), ""}, // refused by the SSH layer, after the key check: no reason of ours
		{"source-address here", "alice", userCert(t, ca, key, func(c *gossh.Certificate) {
			c.CriticalOptions = map[string]string{"source-address": "127.0.0.1/32"}
		}), ""},
		{"host certificate", "alice", userCert(t, ca, key, func(c *gossh.Certificate) { c.CertType = gossh.HostCert }), "host certificate"},
		{"ops principal", "anyone", userCert(t, opsCA, key, func(c *gossh.Certificate) { c.ValidPrincipals = []string{"ops"} }), ""},
		{"ops CA wants ops", "alice", userCert(t, opsCA, key, nil), `do not include ["ops"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := e.dial(tt.user, gossh.PublicKeys(tt.signer))
			admitted := err == nil
			if c != nil {
				c.Close()
			}
			wantAdmitted := tt.reason == "" && tt.name != "source-address elsewhere"
			if admitted != wantAdmitted {
				t.Fatalf("admitted = %v (%v), want %v", admitted, err, wantAdmitted)
			}
			if tt.reason != "" {
				e.rec.wait(t, tt.reason, func(ev Event) bool {
					return ev.Action == ActionAuthRefused && strings.Contains(ev.Reason, tt.reason) && ev.KeyFingerprint == Fingerprint(key.PublicKey())
				})
			}
		})
	}

	// A session by certificate: identified by the certificate's key and id.
	c, err := e.dial("alice", gossh.PublicKeys(userCert(t, ca, key, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	out, _, code := runCommand(t, c, "check example.com", "")
	if code != 0 || !strings.Contains(out, "ran:") {
		t.Fatalf("command by certificate: %d %q", code, out)
	}
	ev := e.rec.wait(t, "connect by certificate", func(ev Event) bool { return ev.Action == ActionConnect && ev.User == "alice" })
	if ev.KeyFingerprint != Fingerprint(key.PublicKey()) || !strings.Contains(ev.KeyComment, `cert "alice-laptop" serial 7 (CA team-ca)`) {
		t.Errorf("connect = %+v", ev)
	}

	// No permit-pty: no workbench.
	noPTY, err := e.dial("alice", gossh.PublicKeys(userCert(t, ca, key, func(c *gossh.Certificate) { c.Extensions = nil })))
	if err != nil {
		t.Fatal(err)
	}
	defer noPTY.Close()
	sess, err := noPTY.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	if err := sess.RequestPty("xterm", 24, 80, nil); err == nil {
		t.Error("a certificate without permit-pty got a PTY")
	}

	// The CA no longer trusted: its sessions close.
	p := openPTY(t, c, nil)
	p.Out.WaitFor(t, "ready")
	if err := os.WriteFile(caPath, []byte(keyLine(otherCA, "other")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.ReloadKeys(); err != nil {
		t.Fatal(err)
	}
	p.Err.WaitFor(t, "your key is no longer authorized")
}
