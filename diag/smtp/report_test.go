package smtp

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/mxray/mxray/diag/dane"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/render"
	"github.com/mxray/mxray/diag/termsafe/termsafetest"
	"github.com/mxray/mxray/diag/tlscert"
)

// fixedResults are three addresses as a report shows them, one with a
// hostile banner; built by hand so the golden files stay stable.
func fixedResults() []Result {
	day := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	yes, no := true, false
	ok := Result{Host: "mx1.healthy.example", IP: addr("192.0.2.10"), Port: 25, Status: StatusOK,
		Banner: "220 mx1.healthy.example ESMTP", BannerHost: "mx1.healthy.example", BannerMatchesPTR: &yes, BannerMatchesMX: true,
		EHLOHost: "mx1.healthy.example", EHLO: []string{"PIPELINING", "STARTTLS"}, STARTTLS: true,
		TLS: &TLSInfo{Version: "TLS 1.3", Cipher: "TLS_AES_128_GCM_SHA256", NamesMatchMX: true, NamesMatchMTASTS: &yes, MTASTSPattern: "*.healthy.example",
			Cert: tlscert.Cert{Subject: "CN=mx1.healthy.example", SANs: []string{"mx1.healthy.example"}, Issuer: "CN=demo CA", NotBefore: day.AddDate(0, -3, 0), NotAfter: day, ChainValid: true}},
		DANE:      dane.Outcome{TLSA: []string{"3 1 1 00ff"}, DNSSEC: dnsclient.DNSSECSecure, Match: &yes, Matched: "3 1 1 00ff"},
		Timing:    Timing{Connect: 3 * time.Millisecond, Greeting: 12 * time.Millisecond, EHLO: time.Millisecond, TLS: 9 * time.Millisecond},
		CertCheck: &tlscert.Verification{}}
	hostile := Result{Host: "mx2.broken.example", IP: addr("2001:db8::25"), Port: 25, Status: StatusNoSTARTTLS,
		Banner: "220 evil\x1b]52;c;aGk=\x07.example \u202egnp.exe", BannerHost: "evil\x1b]52;c;aGk=\x07.example", BannerMatchesPTR: &no,
		EHLO: []string{"PIPELINING"}, DANE: dane.Outcome{TLSA: []string{}, DNSSEC: dnsclient.DNSSECUnknown},
		Timing: Timing{Connect: 2 * time.Millisecond, Greeting: 1500 * time.Millisecond, EHLO: time.Millisecond, TLS: -1}, Tarpit: true}
	blocked := Result{Host: "mx3.healthy.example", IP: addr("192.0.2.30"), Port: 25, Status: StatusBlockedHere, EHLO: []string{},
		DANE: dane.Outcome{TLSA: []string{}, DNSSEC: dnsclient.DNSSECUnknown}, Timing: Timing{Connect: 10 * time.Second, Greeting: -1, EHLO: -1, TLS: -1},
		Error: "connect: no answer within 10s", Step: StepConnect,
		Evidence: "port 25 timed out on every MX address, while 192.0.2.30:443 accepted a connection"}
	return []Result{ok, hostile, blocked}
}

// TestReportGolden pins the text and Markdown section (go test -update
// refreshes; review the diff) and checks nothing unsafe reaches either.
func TestReportGolden(t *testing.T) {
	d := &render.Doc{}
	Doc(d, fixedResults())
	for _, format := range []string{"text", "markdown"} {
		t.Run(format, func(t *testing.T) {
			var b bytes.Buffer
			write := render.Text
			if format == "markdown" {
				write = render.Markdown
			}
			if err := write(&b, d, render.Options{}); err != nil {
				t.Fatal(err)
			}
			if bad := termsafetest.Unsafe(b.String()); bad != "" {
				t.Fatalf("unsafe output: %s", bad)
			}
			golden.RequireEqual(t, b.Bytes())
		})
	}
}

// TestJSONContract pins the field names of DESIGN.md's smtp contract.
func TestJSONContract(t *testing.T) {
	b, err := json.Marshal(fixedResults()[0])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	keys := func(m map[string]any) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	has := func(what string, m map[string]any, want ...string) {
		t.Helper()
		got := keys(m)
		for _, k := range want {
			if !slices.Contains(got, k) {
				t.Errorf("%s lacks %q (has %v)", what, k, got)
			}
		}
	}
	has("result", m, "host", "ip", "port", "status", "banner", "banner_host", "banner_matches_ptr", "ehlo", "starttls", "tls", "dane", "timing_ms", "error")
	tlsObj := m["tls"].(map[string]any)
	has("tls", tlsObj, "version", "cipher", "cert", "names_match_mx", "names_match_mta_sts")
	has("cert", tlsObj["cert"].(map[string]any), "subject", "sans", "issuer", "not_before", "not_after", "chain_valid", "error")
	has("dane", m["dane"].(map[string]any), "tlsa", "dnssec", "match")
	has("timing_ms", m["timing_ms"].(map[string]any), "connect", "greeting", "ehlo", "tls")
	if m["timing_ms"].(map[string]any)["greeting"] != 12.0 || m["ip"] != "192.0.2.10" || m["status"] != "ok" {
		t.Errorf("values %v", string(b))
	}
	b, _ = json.Marshal(fixedResults()[2])
	if !strings.Contains(string(b), `"timing_ms":{"connect":10000,"greeting":null,"ehlo":null,"tls":null}`) || !strings.Contains(string(b), `"tls":null`) {
		t.Errorf("steps not reached: %s", b)
	}
}

// TestFindingsShape: every finding is in the smtp part, names its address,
// and has a fix.
func TestFindingsShape(t *testing.T) {
	fs := Findings(fixedResults(), nil, time.Date(2026, 6, 20, 0, 0, 0, 0, time.UTC))
	want := []string{"smtp.blocked_here", "smtp.no_starttls", "smtp.tarpit", "smtp.banner_ptr_mismatch", "smtp.cert_expiring"}
	for _, c := range want {
		if !hasCode(fs, c) {
			t.Errorf("no %s in %v", c, codes(fs))
		}
	}
	for _, f := range fs {
		if f.Part != Part || f.Subject.IsZero() || f.Fix == "" || f.Message == "" {
			t.Errorf("finding %+v", f)
		}
	}
	var se *StepError
	if errors.As(error(&StepError{Step: StepTLS, Err: ErrRejected}), &se) && se.Error() != "tls: server refused" {
		t.Errorf("StepError %q", se.Error())
	}
}
