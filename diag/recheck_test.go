package diag

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	msgdkim "github.com/emersion/go-msgauth/dkim"
	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/dkim"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/render"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// recheck parses raw and re-checks it against srv.
func recheck(t *testing.T, srv *zoneserver.Server, raw []byte, now time.Time) *HeadersReport {
	t.Helper()
	return recheckWith(t, srv, raw, MessageOptions{Now: now})
}

// recheckWith re-checks a message with the options given.
func recheckWith(t *testing.T, srv *zoneserver.Server, raw []byte, opts MessageOptions) *HeadersReport {
	t.Helper()
	m, err := ReadMessage("test.eml", raw, HeaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: calm})
	return CheckMessage(context.Background(), c, m, opts, nil).Headers
}

func row(t *testing.T, rep *HeadersReport, check finding.Part, subject string) ThenNow {
	t.Helper()
	for _, r := range rep.ThenVsNow {
		if r.Check == check && (subject == "" || strings.Contains(r.Subject.String(), subject)) {
			return r
		}
	}
	t.Fatalf("no %s %s row in %+v", check, subject, rep.ThenVsNow)
	return ThenNow{}
}

func dkimResult(t *testing.T, rep *HeadersReport, selector string) dkim.Result {
	t.Helper()
	for _, r := range rep.Recheck.DKIM {
		if r.Selector == selector {
			return r
		}
	}
	t.Fatalf("no DKIM result for %s", selector)
	return dkim.Result{}
}

// headerOnly cuts the body off a message, as a pasted header block is.
func headerOnly(raw []byte) []byte {
	i := bytes.Index(raw, []byte("\r\n\r\n"))
	return raw[:i+2]
}

func TestRecheckDemoSample(t *testing.T) {
	srv := zoneservertest.New(t, demo.ZoneText())
	rep := recheck(t, srv, demo.SampleMessage(), time.Now())
	if r := rep.Recheck.SPF; r.Result != "pass" || r.Matched == nil || r.Matched.Term != "a:relay.mailer.example" {
		t.Errorf("SPF now = %+v", r)
	}
	for _, sel := range []string{"s1", "s2"} {
		if r := dkimResult(t, rep, sel); r.Result != dkim.Pass || r.BodyHash != dkim.BodyHashPass {
			t.Errorf("%s: %s, body %s: %s", sel, r.Result, r.BodyHash, r.Reason)
		}
	}
	gone := row(t, rep, "dkim", "es2025")
	if gone.Then != "pass" || gone.Now == "pass" || !gone.Changed || !strings.Contains(gone.Explanation, "answers NXDOMAIN for es2025._domainkey.mailer.example TXT today") || !strings.Contains(gone.Explanation, "A guess: the key was rotated or removed") {
		t.Errorf("rotated key row = %+v", gone)
	}
	if d := rep.Recheck.DMARC; d == nil || d.Result != "pass" || !d.SPFAligned || !d.DKIMAligned {
		t.Errorf("DMARC now = %+v", d)
	}
}

func TestRecheckFromHeadersAlone(t *testing.T) {
	srv := zoneservertest.New(t, demo.ZoneText())
	raw := headerOnly(demo.SampleMessage())

	rep := recheck(t, srv, raw, time.Now())
	r := dkimResult(t, rep, "s1")
	if r.Result != dkim.Pass || r.BodyHash != dkim.BodyHashNotChecked {
		t.Fatalf("s1 from headers alone: %s, body %s: %s", r.Result, r.BodyHash, r.Reason)
	}
	if !strings.Contains(row(t, rep, "dkim", "s=s1").Explanation, "verified from headers alone") {
		t.Errorf("the row does not say it was verified from headers alone")
	}

	// One signed header changed: named as altered.
	altered := bytes.Replace(raw, []byte("Subject: Your November statement is ready"), []byte("Subject: Your November statement is READY"), 1)
	rep = recheck(t, srv, altered, time.Now())
	if r := dkimResult(t, rep, "s1"); r.Result != dkim.Fail || r.Cause != dkim.CauseHeaderAltered {
		t.Errorf("altered header: %s, cause %s", r.Result, r.Cause)
	}
	if ex := row(t, rep, "dkim", "s=s1").Explanation; !strings.Contains(ex, "does not verify the signature") || !strings.Contains(ex, "signed headers changed") {
		t.Errorf("explanation does not name the alteration: %s", ex)
	}

	// The key removed: named as gone.
	if err := srv.Replace(strings.Replace(demo.ZoneText(), "s1._domainkey", "old-s1._domainkey", 1)); err != nil {
		t.Fatal(err)
	}
	rep = recheck(t, srv, raw, time.Now())
	if r := dkimResult(t, rep, "s1"); r.Cause != dkim.CauseKeyNotFound {
		t.Errorf("key removed: cause %s", r.Cause)
	}
	if ex := row(t, rep, "dkim", "s=s1").Explanation; !strings.Contains(ex, "answers NXDOMAIN for s1._domainkey.healthy.example TXT today") {
		t.Errorf("explanation: %s", ex)
	}
}

// signDemo signs msg with the demo's healthy.example s1 key.
func signDemo(t *testing.T, msg string, expires time.Time) []byte {
	t.Helper()
	b, err := os.ReadFile("demo/testdata/healthy-s1.key")
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(b)
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err = msgdkim.Sign(&out, strings.NewReader(msg), &msgdkim.SignOptions{
		Domain: "healthy.example", Selector: "s1", Signer: k.(crypto.Signer),
		HeaderCanonicalization: msgdkim.CanonicalizationRelaxed, BodyCanonicalization: msgdkim.CanonicalizationRelaxed,
		HeaderKeys: []string{"From", "To", "Subject", "Date"}, Expiration: expires,
	})
	if err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestRecheckExpiredSignature(t *testing.T) {
	srv := zoneservertest.New(t, demo.ZoneText())
	msg := "From: a@healthy.example\r\nTo: b@receiver.example\r\nSubject: hi\r\nDate: Sun, 22 Nov 2026 10:00:00 +0000\r\n\r\nbody\r\n"
	signed := signDemo(t, msg, time.Now().Add(time.Hour))
	if r := dkimResult(t, recheck(t, srv, signed, time.Now()), "s1"); r.Result != dkim.Pass {
		t.Fatalf("fresh signature: %s: %s", r.Result, r.Reason)
	}
	r := dkimResult(t, recheck(t, srv, signed, time.Now().Add(2*time.Hour)), "s1")
	if r.Cause != dkim.CauseExpired || r.Result == dkim.Pass {
		t.Errorf("two hours later: %s, cause %s", r.Result, r.Cause)
	}
}

func TestRecheckSPFChangedSinceDelivery(t *testing.T) {
	srv := zoneservertest.New(t, demo.ZoneText())
	before := recheck(t, srv, demo.SampleMessage(), time.Now())
	if r := row(t, before, "spf", ""); r.Then != "pass" || r.Now != "pass" || r.Changed {
		t.Fatalf("before the change: %+v", r)
	}
	// The provider drops the relay from its record after delivery.
	changed := strings.Replace(demo.ZoneText(), "include:_nb.mailer.example a:relay.mailer.example -all", "include:_nb.mailer.example -all", 1)
	if err := srv.Replace(changed); err != nil {
		t.Fatal(err)
	}
	after := recheck(t, srv, demo.SampleMessage(), time.Now())
	r := row(t, after, "spf", "")
	if r.Then != "pass" || r.Now != "fail" || !r.Changed || !strings.Contains(r.Explanation, "SPF passed at delivery but is fail today") {
		t.Errorf("after the change: %+v", r)
	}
	found := false
	for _, f := range after.Findings {
		found = found || f.Code == "recheck.spf_changed"
	}
	if !found {
		t.Error("no recheck.spf_changed finding")
	}
}

func TestRecheckDMARCAlignmentSubdomainFrom(t *testing.T) {
	msg := "From: Alice <alice@news.healthy.example>\r\nTo: b@receiver.example\r\nSubject: news\r\nDate: Sun, 22 Nov 2026 10:00:00 +0000\r\n\r\nbody\r\n"
	signed := signDemo(t, msg, time.Time{})
	tests := []struct {
		name, adkim string
		result      string
		aligned     bool
	}{
		{"relaxed", "", "pass", true},
		{"strict", "adkim=s; ", "fail", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			zone := strings.Replace(demo.ZoneText(), `"v=DMARC1; p=reject; rua=`, `"v=DMARC1; p=reject; `+tt.adkim+`rua=`, 1)
			srv := zoneservertest.New(t, zone)
			rep := recheck(t, srv, signed, time.Now())
			d := rep.Recheck.DMARC
			if d == nil || string(d.Result) != tt.result || d.DKIMAligned != tt.aligned || d.FromDomain != "news.healthy.example" {
				t.Errorf("DMARC = %+v", d)
			}
		})
	}
}

func TestRecheckRFC8463Vectors(t *testing.T) {
	const zone = `
$ORIGIN example.com.
@ SOA ns.example.com. h.example.com. 1 3600 600 86400 300
$ORIGIN football.example.com.
@ SOA ns.example.com. h.example.com. 1 3600 600 86400 300
brisbane._domainkey TXT "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
test._domainkey TXT "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB"
`
	raw, err := os.ReadFile("../testdata/dkim/dkim_verifier/rfc8463-A.3.eml")
	if err != nil {
		t.Fatal(err)
	}
	srv := zoneservertest.New(t, zone)
	rep := recheck(t, srv, raw, time.Now())
	for _, sel := range []string{"brisbane", "test"} {
		if r := dkimResult(t, rep, sel); r.Result != dkim.Pass {
			t.Errorf("RFC 8463 A.3 %s: %s: %s", sel, r.Result, r.Reason)
		}
	}
}

// TestHeadersGolden pins the headers contract's JSON and the Markdown
// report of the demo sample, as mxray --demo headers writes them, with the
// demo's blocklists (go test ./diag -update refreshes).
func TestHeadersGolden(t *testing.T) {
	srv := zoneservertest.New(t, demo.ServedZoneText())
	rep := recheckWith(t, srv, demo.SampleMessage(), MessageOptions{Now: time.Date(2026, 11, 22, 18, 0, 0, 0, time.UTC), Options: Options{Blocklists: demoLists()}})
	t.Run("json", func(t *testing.T) { requireGoldenJSON(t, rep) })
	t.Run("markdown", func(t *testing.T) {
		var b bytes.Buffer
		if err := render.Markdown(&b, rep.Doc(), render.Options{}); err != nil {
			t.Fatal(err)
		}
		golden.RequireEqual(t, stableJSON(b.Bytes()))
	})
}
