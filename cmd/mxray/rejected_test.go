package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// TestHeadersRejectedSignatures: through "mxray headers", each signature
// the re-check rejects on rules alone gets its own finding, and the exit
// status follows the contract: rsa-sha1, an RSA key under 1024 bits and an
// unknown q= are errors (exit 1); an expired x= on an old message is a
// note (exit 0). Keys come from a --zone file; nothing else is reachable.
func TestHeadersRejectedSignatures(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	p := base64.StdEncoding.EncodeToString(der)
	// short is a 512-bit key (the ValiMail ARC suite's, testdata/arc/valimail).
	short := "MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAIWmlgix/84GJ+dfgjm7LTc9EPdfkftlgiPpCq4/kbDAZmU0VvYKDljjleJ1dfvS+CGy9U/kk1tG3EeEvb82xAcCAwEAAQ=="
	zone := "$ORIGIN sig.example.\n@ 300 IN SOA ns.sig.example. hostmaster.sig.example. 1 3600 600 86400 300\n@ 300 IN NS ns.sig.example.\n" +
		"_dmarc 300 IN TXT \"v=DMARC1; p=none\"\n" +
		"good._domainkey 300 IN TXT \"v=DKIM1; k=rsa; p=" + p[:200] + "\" \"" + p[200:] + "\"\n" +
		"short._domainkey 300 IN TXT \"v=DKIM1; k=rsa; p=" + short + "\"\n"
	zoneFile := filepath.Join(t.TempDir(), "sig.zone")
	if err := os.WriteFile(zoneFile, []byte(zone), 0o600); err != nil {
		t.Fatal(err)
	}
	msg := func(sig string) string {
		return "DKIM-Signature: v=1; " + sig + " d=sig.example; h=from:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=AAAA\r\n" +
			"From: <a@sig.example>\r\nSubject: old news\r\nDate: Mon, 1 Jan 2018 00:00:00 +0000\r\n\r\n"
	}
	tests := []struct {
		name, sig, code, severity string
		exit                      int
	}{
		{"rsa-sha1", "a=rsa-sha1; s=good;", "recheck.dkim_rsa_sha1", "error", 1},
		{"key under 1024 bits", "a=rsa-sha256; s=short;", "recheck.dkim_short_key", "error", 1},
		{"unknown q=", "a=rsa-sha256; s=good; q=http/well-known;", "recheck.dkim_query_method", "error", 1},
		{"expired x=", "a=rsa-sha256; s=good; t=1514764800; x=1515369600;", "recheck.dkim_expired", "info", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Questions outside the zone go to a dead address and time out
			// at once; the zone's answers are waited for however loaded
			// the machine.
			env := &environment{attemptTimeout: zoneservertest.Expiry([]string{"127.0.0.1:9"})}
			code, out, errOut := runCLIWith(t, env, msg(tt.sig), "headers", "-", "--zone", zoneFile, "--resolver", "127.0.0.1:9", "--json")
			var rep struct {
				Findings []struct{ Severity, Code, Message, Fix string }
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatalf("exit %d: %v\n%s%s", code, err, out, errOut)
			}
			found := false
			var errors []string
			for _, f := range rep.Findings {
				if f.Code == tt.code {
					found = true
					if f.Severity != tt.severity || f.Fix == "" || !strings.Contains(f.Message, "s=") {
						t.Errorf("finding %+v, want severity %s with a fix", f, tt.severity)
					}
				}
				if f.Severity == "error" {
					errors = append(errors, f.Code)
				}
			}
			if !found {
				t.Fatalf("no %s finding among %+v", tt.code, rep.Findings)
			}
			if code != tt.exit {
				t.Fatalf("exit %d, want %d (error findings: %v)", code, tt.exit, errors)
			}
		})
	}
}
