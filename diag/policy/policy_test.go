package policy

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/mxray/mxray/diag/dmarc"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/tlscert"
	"github.com/mxray/mxray/headers/taglist"
)

func TestParseSTSRecord(t *testing.T) {
	tests := []struct {
		txt   string
		id    string
		nilR  bool
		sent  error
		pos   int
		field string
	}{
		{txt: "v=STSv1; id=20240101T000000", id: "20240101T000000"},
		{txt: "v=STSv1; id=abc; ext=1;", id: "abc"},
		{txt: "v=STSv1;id=abc; id=def", id: "abc"},
		{txt: "v=stsv1; id=abc", nilR: true, sent: ErrVersion},
		{txt: "id=abc; v=STSv1", nilR: true, sent: ErrVersion},
		{txt: "v=STSv1", sent: ErrMissing, pos: 7, field: "id"},
		{txt: "v=STSv1; id=has-dash", sent: ErrValue, pos: 9, field: "id"},
		{txt: "v=STSv1; id=" + strings.Repeat("a", 33), sent: ErrValue, pos: 9, field: "id"},
		{txt: "v=STSv1; id=a; bad", sent: ErrSyntax, pos: 15},
	}
	for _, tc := range tests {
		rec, err := ParseSTSRecord(tc.txt)
		if (rec == nil) != tc.nilR {
			t.Errorf("%q: record nil %v", tc.txt, rec == nil)
			continue
		}
		if tc.sent == nil {
			if err != nil || rec.ID != tc.id {
				t.Errorf("%q: id %q err %v, want %q", tc.txt, rec.ID, err, tc.id)
			}
			continue
		}
		var se *taglist.SyntaxError
		if !errors.Is(err, tc.sent) || !errors.As(err, &se) {
			t.Errorf("%q: err %v, want %v", tc.txt, err, tc.sent)
			continue
		}
		if !tc.nilR && (se.Pos != tc.pos || se.Field != tc.field) {
			t.Errorf("%q: error at %d field %q, want %d %q", tc.txt, se.Pos, se.Field, tc.pos, tc.field)
		}
	}
}

func TestParseSTSPolicy(t *testing.T) {
	p, err := ParseSTSPolicy("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.backup.example.net\r\nmax_age: 604800\r\nmode: none\r\nfoo: bar\r\n")
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != "STSv1" || p.Mode != ModeEnforce || p.MaxAge != 604800 ||
		!reflect.DeepEqual(p.MX, []string{"mail.example.com", "*.backup.example.net"}) || len(p.Extensions) != 1 {
		t.Errorf("policy %+v", p)
	}
	bad := []struct {
		body  string
		sent  error
		field string
	}{
		{"version: STSv1\nmode: enforce\nmax_age: 86400\n", ErrMissing, "mx"},
		{"version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 86400\n", ErrValue, "version"},
		{"version: STSv1\nmode: strict\nmx: a.example\nmax_age: 86400\n", ErrValue, "mode"},
		{"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 31557601\n", ErrValue, "max_age"},
		{"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -5\n", ErrValue, "max_age"},
		{"version: STSv1\nmode: enforce\nmx: *.*.example\nmax_age: 5\n", ErrValue, "mx"},
		{"version: STSv1\nmode: enforce\nmx: 192.0.2.25\nmax_age: 5\n", ErrValue, "mx"},
		{"version: STSv1\nmode: enforce\nmx: [192.0.2.25]\nmax_age: 5\n", ErrValue, "mx"},
		{"version: STSv1\nmode: enforce\nmx: 2001:db8::25\nmax_age: 5\n", ErrValue, "mx"},
		{"version: STSv1\nmode: enforce\nmx: [IPv6:2001:db8::25]\nmax_age: 5\n", ErrValue, "mx"},
		{"mode: enforce\nmx: a.example\nmax_age: 5\n", ErrMissing, "version"},
		{"version STSv1\n", ErrSyntax, ""},
	}
	for _, tc := range bad {
		_, err := ParseSTSPolicy(tc.body)
		var se *taglist.SyntaxError
		if !errors.Is(err, tc.sent) || !errors.As(err, &se) {
			t.Errorf("%q: err %v, want %v", tc.body, err, tc.sent)
			continue
		}
		found := false
		for _, e := range err.(taglist.SyntaxErrors) {
			if errors.Is(e, tc.sent) && e.Field == tc.field {
				found = true
			}
		}
		if !found {
			t.Errorf("%q: no %v error on field %q in %v", tc.body, tc.sent, tc.field, err)
		}
	}
	if p, err := ParseSTSPolicy("version: STSv1\nmode: none\nmax_age: 86400\n"); err != nil || p.Mode != ModeNone {
		t.Errorf("mode none without mx: %v", err)
	}
}

func TestMatchPattern(t *testing.T) {
	tests := []struct {
		pattern, host string
		want          bool
	}{
		{"mail.example.com", "mail.example.com", true},
		{"mail.example.com", "MAIL.Example.COM.", true},
		{"*.example.com", "mx1.example.com", true},
		{"*.example.com", "example.com", false},
		{"*.example.com", "a.b.example.com", false},
		{"*.example.com", "mx1.example.net", false},
		{"mail.example.com", "mail2.example.com", false},
		{"", "a.example", false},
	}
	for _, tc := range tests {
		if got := MatchPattern(tc.pattern, tc.host); got != tc.want {
			t.Errorf("MatchPattern(%q, %q) = %v", tc.pattern, tc.host, got)
		}
	}
}

func TestParseTLSRPT(t *testing.T) {
	rec, err := ParseTLSRPT("v=TLSRPTv1; rua=mailto:tls@example.com, https://reports.example.net/tls")
	if err != nil || len(rec.RUA) != 2 || rec.RUA[0].Host != "example.com" || rec.RUA[1].Scheme != "https" {
		t.Fatalf("rec %+v err %v", rec, err)
	}
	for _, tc := range []struct {
		txt  string
		sent error
	}{
		{"v=TLSRPTv1", ErrMissing},
		{"v=TLSRPTv1; rua=ftp://x.example/r", ErrValue},
		{"v=TLSRPTv1; rua=mailto:nobody", ErrValue},
		{"v=TLSRPTv1; rua=mailto:a@example.com; rua=mailto:b@example.com", ErrSyntax},
		{"v=tlsrptv1; rua=mailto:a@example.com", ErrVersion},
	} {
		if _, err := ParseTLSRPT(tc.txt); !errors.Is(err, tc.sent) {
			t.Errorf("%q: %v, want %v", tc.txt, err, tc.sent)
		}
	}
}

func TestParseBIMI(t *testing.T) {
	rec, err := ParseBIMI("v=BIMI1; l=https://example.com/logo.svg; a=https://example.com/vmc.pem")
	if err != nil || rec.Location != "https://example.com/logo.svg" || rec.Evidence != "https://example.com/vmc.pem" || rec.Declined {
		t.Fatalf("rec %+v err %v", rec, err)
	}
	if rec, err := ParseBIMI("v=BIMI1; l=; a=;"); err != nil || !rec.Declined {
		t.Errorf("declination: %+v %v", rec, err)
	}
	for _, tc := range []struct {
		txt  string
		sent error
	}{
		{"v=BIMI1; a=https://example.com/vmc.pem", ErrMissing},
		{"v=BIMI1; l=http://example.com/logo.svg", ErrValue},
		{"v=BIMI1; l=https://example.com/logo.png", ErrValue},
		{"v=BIMI2; l=https://example.com/logo.svg", ErrVersion},
		{"v=BIMI1; l=https://example.com/a.svg; l=https://example.com/b.svg", ErrSyntax},
	} {
		if _, err := ParseBIMI(tc.txt); !errors.Is(err, tc.sent) {
			t.Errorf("%q: %v, want %v", tc.txt, err, tc.sent)
		}
	}
}

func TestBIMIDMARCFindings(t *testing.T) {
	tests := []struct {
		policy  dmarc.Policy
		testing bool
		pct     int
		want    bool
	}{
		{"", false, -1, true},
		{dmarc.PolicyNone, false, -1, true},
		{dmarc.PolicyQuarantine, true, -1, true},
		{dmarc.PolicyReject, false, 50, true},
		{dmarc.PolicyQuarantine, false, -1, false},
		{dmarc.PolicyReject, false, 100, false},
	}
	for _, tc := range tests {
		fs := BIMIDMARCFindings("example.com", tc.policy, tc.testing, tc.pct)
		if (len(fs) > 0) != tc.want {
			t.Errorf("%+v: findings %v", tc, fs)
		}
		for _, f := range fs {
			if f.Code != "bimi.dmarc_not_enforced" || f.Part != "bimi" || f.Fix == "" {
				t.Errorf("finding %+v", f)
			}
		}
	}
}

// policyServer serves a policy on loopback TLS; dial sends every
// connection to it.
// calm is the fetch timeout of tests whose server answers: no loaded
// machine reaches it.
const calm = 30 * time.Second

func policyServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, DialFunc) {
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	addr := srv.Listener.Addr().String()
	var d net.Dialer
	return srv, func(ctx context.Context, network, _ string) (net.Conn, error) {
		return d.DialContext(ctx, network, addr)
	}
}

const goodPolicy = "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmx: *.mx.example.net\nmax_age: 604800\n"

func TestFetchPolicy(t *testing.T) {
	ctx := context.Background()
	srv, dial := policyServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Host != "mta-sts.example.com" || r.URL.Path != "/.well-known/mta-sts.txt":
			http.NotFound(w, r)
		default:
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			fmt.Fprint(w, goodPolicy)
		}
	})
	roots := srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	f := FetchPolicyWithRoots(ctx, "example.com", dial, calm, roots)
	if f.Err != nil || !f.Fetched || f.Body != goodPolicy || !textPlain(f.ContentType) {
		t.Fatalf("fetch: %+v", f)
	}
	// The system roots do not trust the test certificate.
	if f := FetchPolicy(ctx, "example.com", dial, calm); f.Err == nil || f.Fetched {
		t.Errorf("untrusted certificate accepted: %+v", f)
	}
	// The certificate is for example.com and *.example.com only.
	if f := FetchPolicyWithRoots(ctx, "example.org", dial, calm, roots); f.Err == nil {
		t.Error("certificate for the wrong name accepted")
	}
	// The causes are told apart (tlscert's check, shared with the SMTP probe).
	var ce *tlscert.Error
	if f := FetchPolicyWithRoots(ctx, "example.org", dial, 2*time.Second, roots); !errors.Is(f.Err, tlscert.ErrName) || !errors.As(f.Err, &ce) {
		t.Errorf("wrong name: %v, want a *tlscert.Error wrapping ErrName", f.Err)
	}
	if f := FetchPolicy(ctx, "example.com", dial, 2*time.Second); !errors.Is(f.Err, tlscert.ErrUntrusted) {
		t.Errorf("untrusted: %v, want ErrUntrusted", f.Err)
	}
	if f := FetchPolicy(ctx, "example.com", nil, time.Second); !errors.Is(f.Err, ErrNotFetched) {
		t.Errorf("disabled fetch: %v", f.Err)
	}
}

// TestFetchPolicyExpiredCertificate: an expired certificate is refused and
// said to be expired, not merely "untrusted".
func TestFetchPolicyExpiredCertificate(t *testing.T) {
	now := time.Now()
	ca, err := tlscert.NewCA("policy test root", now)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Issue(tlscert.Leaf{Names: []string{"mta-sts.example.com"}, NotBefore: now.Add(-48 * time.Hour), NotAfter: now.Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, goodPolicy) }))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	var d net.Dialer
	dial := func(ctx context.Context, network, _ string) (net.Conn, error) {
		return d.DialContext(ctx, network, srv.Listener.Addr().String())
	}
	f := FetchPolicyWithRoots(context.Background(), "example.com", dial, 2*time.Second, ca.Pool())
	if f.Fetched || !errors.Is(f.Err, tlscert.ErrExpired) || errors.Is(f.Err, tlscert.ErrUntrusted) {
		t.Errorf("expired certificate: fetched %v, err %v", f.Fetched, f.Err)
	}
}

func TestFetchPolicyFailures(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		handler http.HandlerFunc
		timeout time.Duration
		want    error
	}{
		// calm: no loaded machine reaches it while the server answers.
		{"not found", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, calm, ErrHTTPStatus},
		{"redirect not followed", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://mta-sts.example.com/other", http.StatusFound)
		}, calm, ErrHTTPStatus},
		{"too large", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, goodPolicy+strings.Repeat("x: y\n", MaxPolicySize/5+10))
		}, calm, ErrTooLarge},
		// The server never answers: the fetch's own timeout is the cause,
		// whether it passes during the handshake or while waiting.
		{"timeout", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }, 100 * time.Millisecond, context.DeadlineExceeded},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, dial := policyServer(t, tc.handler)
			roots := srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
			f := FetchPolicyWithRoots(ctx, "example.com", dial, tc.timeout, roots)
			if !errors.Is(f.Err, tc.want) || f.Fetched {
				t.Errorf("err %v, want %v", f.Err, tc.want)
			}
		})
	}
}

// fakeTXT answers TXT from a map, NXDOMAIN otherwise.
type fakeTXT map[string][]string

func (f fakeTXT) Lookup(_ context.Context, name string, qtype uint16) dnsclient.Answer {
	name = strings.TrimSuffix(name, ".")
	a := dnsclient.Answer{Name: name, Type: qtype, Status: dnsclient.StatusNXDomain}
	if recs, ok := f[name]; ok && qtype == dns.TypeTXT {
		for _, r := range recs {
			rr, _ := dns.NewRR(dns.Fqdn(name) + ` TXT "` + strings.ReplaceAll(r, `"`, `\"`) + `"`)
			a.Records = append(a.Records, rr)
		}
		a.Status = dnsclient.StatusRecords
	}
	return a
}

func TestCheckMTASTS(t *testing.T) {
	r := fakeTXT{"_mta-sts.example.com": {"v=STSv1; id=1"}}
	srv, dial := policyServer(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, goodPolicy)
	})
	roots := srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	res := checkMTASTS(context.Background(), r, "example.com", []string{"mx1.example.com.", "a.mx.example.net", "rogue.example.org"},
		func(ctx context.Context) FetchResult {
			return FetchPolicyWithRoots(ctx, "example.com", dial, calm, roots)
		})
	if !res.Fetched || res.Policy == nil || res.Policy.Mode != ModeEnforce || res.ID != "1" {
		t.Fatalf("result %+v", res)
	}
	var mismatched []string
	for _, f := range res.Findings {
		if f.Code == "mta_sts.mx_mismatch" {
			mismatched = append(mismatched, f.Subject.String())
		}
	}
	if !reflect.DeepEqual(mismatched, []string{"rogue.example.org"}) {
		t.Errorf("mismatched %v; findings %+v", mismatched, res.Findings)
	}
	off := CheckMTASTS(context.Background(), r, "example.com", nil, nil, time.Second, nil)
	if off.Fetched || off.NotFetched != "policy not fetched" {
		t.Errorf("disabled: %+v", off)
	}
	none := CheckMTASTS(context.Background(), fakeTXT{}, "example.com", nil, nil, time.Second, nil)
	if none.Record != "" || len(none.Findings) != 1 || none.Findings[0].Code != "mta_sts.no_record" {
		t.Errorf("no record: %+v", none.Findings)
	}
}

func TestCheckTLSRPTAndBIMI(t *testing.T) {
	r := fakeTXT{
		"_smtp._tls.example.com":    {"v=TLSRPTv1; rua=mailto:tls@example.com"},
		"default._bimi.example.com": {"v=BIMI1; l=https://example.com/logo.svg"},
		"_smtp._tls.two.example":    {"v=TLSRPTv1; rua=mailto:a@two.example", "v=TLSRPTv1; rua=mailto:b@two.example"},
	}
	tr := CheckTLSRPT(context.Background(), r, "example.com")
	if tr.Record == "" || len(tr.RUA) != 1 || !strings.Contains(tr.Explanation, "mailto:tls@example.com") {
		t.Errorf("tls-rpt %+v", tr)
	}
	if two := CheckTLSRPT(context.Background(), r, "two.example"); two.Record != "" || two.Findings[0].Code != "tls_rpt.multiple_records" {
		t.Errorf("two records: %+v", two)
	}
	// The finding names both records, so the technician sees which to
	// delete. Before, it said only "has 2 TLS-RPT records".
	two := CheckTLSRPT(context.Background(), r, "two.example").Findings[0].Message
	if !strings.Contains(two, `("v=TLSRPTv1; rua=mailto:a@two.example" and "v=TLSRPTv1; rua=mailto:b@two.example")`) {
		t.Errorf("two records: the finding does not name both: %q", two)
	}
	b := CheckBIMI(context.Background(), r, "news.example.com", "example.com")
	if b.Name != "default._bimi.example.com" || b.Location == "" || len(b.Findings) != 1 || b.Findings[0].Code != "bimi.no_evidence" {
		t.Errorf("bimi %+v", b)
	}
}
