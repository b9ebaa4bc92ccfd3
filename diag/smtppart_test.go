package diag

import (
	"context"
	"encoding/json"
	"net"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/mxray/mxray/diag/demo/demotest"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/policy"
	"github.com/mxray/mxray/diag/ptrcheck"
	"github.com/mxray/mxray/diag/render"
	"github.com/mxray/mxray/diag/smtp"
	"github.com/mxray/mxray/diag/smtp/smtpd"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// TestSMTPPart: check --smtp probes every MX address of both demo domains
// with their PTR and TLSA records; the part is in the report, its JSON
// and its written section, with its verdict; without the option it is
// not run and the check's JSON has no smtp field.
func TestSMTPPart(t *testing.T) {
	srv, o := demotest.Serve(t)
	client := func() *dnsclient.Client {
		return dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: 30 * time.Second})
	}
	healthy := Investigate(context.Background(), client(), "healthy.example", Options{Offline: true, SMTP: &o}, nil)
	if healthy.SMTP == nil || len(healthy.SMTP.Results) != 4 {
		t.Fatalf("healthy.example smtp part: %+v", healthy.SMTP)
	}
	for _, r := range healthy.SMTP.Results {
		if r.Status != smtp.StatusOK || r.DANE.Match == nil || !*r.DANE.Match || r.DANE.DNSSEC != dnsclient.DNSSECSecure || r.BannerMatchesPTR == nil || !*r.BannerMatchesPTR {
			t.Errorf("%s %s: %s dane %+v banner matches PTR %v", r.Host, r.IP, r.Status, r.DANE, r.BannerMatchesPTR)
		}
	}
	if v := healthy.Verdict(finding.PartSMTP); v.Tone != TonePass || v.Word != "ok" || !slices.Contains(v.Facts, "DANE 4/4") {
		t.Errorf("healthy verdict %+v", v)
	}
	if f := finding.About(healthy.Findings, finding.PartSMTP); len(f) != 0 {
		t.Errorf("healthy smtp findings %v", codes(f))
	}
	// Parts lists what every investigation runs; the probe is asked for.
	if slices.Contains(Parts(), finding.PartSMTP) || !healthy.Has(finding.PartSMTP) {
		t.Errorf("Parts %v; has smtp %v", Parts(), healthy.Has(finding.PartSMTP))
	}

	broken := Investigate(context.Background(), client(), "broken.example", Options{Offline: true, SMTP: &o}, nil)
	got := map[string]smtp.Status{}
	for _, r := range broken.SMTP.Results {
		got[r.IP.String()] = r.Status
	}
	want := map[string]smtp.Status{"198.51.100.10": smtp.StatusCertInvalid, "198.51.100.25": smtp.StatusNoSTARTTLS, "198.51.100.26": smtp.StatusTarpit}
	for ip, st := range want {
		if got[ip] != st {
			t.Errorf("broken.example %s: %s, want %s (all: %v)", ip, got[ip], st, got)
		}
	}
	v := broken.Verdict(finding.PartSMTP)
	if v.Tone != ToneWarn || v.Word != "0/3 ok" || !slices.Equal(v.Facts, []string{"1 cert_invalid", "1 no_starttls", "1 tarpit"}) {
		t.Errorf("broken verdict %+v", v)
	}
	b, err := json.Marshal(broken)
	if err != nil {
		t.Fatal(err)
	}
	var j struct {
		SMTP []map[string]any `json:"smtp"`
	}
	if err := json.Unmarshal(b, &j); err != nil || len(j.SMTP) != 3 || j.SMTP[0]["status"] == nil {
		t.Errorf("JSON smtp: %v %v", err, j.SMTP)
	}
	var doc strings.Builder
	if err := render.Markdown(&doc, broken.Doc(), render.Options{}); err != nil || !strings.Contains(doc.String(), "## SMTP and TLS") || !strings.Contains(doc.String(), "| tarpit |") {
		t.Errorf("no SMTP section in the report (%v):\n%s", err, doc.String())
	}

	plain := Investigate(context.Background(), client(), "healthy.example", Options{Offline: true}, nil)
	if b, _ := json.Marshal(plain); plain.SMTP != nil || strings.Contains(string(b), `"smtp":`) {
		t.Errorf("probed without being asked: %+v", plain.SMTP)
	}
}

// TestSMTPPartOutlivesTheDNSDeadline: the probe is bounded by its own step
// timeouts, not by the DNS deadline, so a server that greets after the
// deadline is still reported, while the DNS part the deadline cut is
// unfinished. A part the probe waits for and never gets (the MX table)
// leaves it with nothing probed and a note.
func TestSMTPPartOutlivesTheDNSDeadline(t *testing.T) {
	// The deadline is generous for the answered questions on a loaded
	// machine; the greeting comes after it whatever the load, as the
	// connection is made only after the MX answer.
	const deadline = 3 * time.Second
	srv := zoneservertest.New(t, faultZone)
	srv.SetFault("inc.f.example.", 0, zoneserver.FaultDrop)
	mail, err := smtpd.Start(smtpd.Behavior{Hostname: "mx.f.example", OnConnect: func() { time.Sleep(deadline) }})
	if err != nil {
		t.Fatal(err)
	}
	defer mail.Close()
	o := smtp.Options{EHLOName: "probe.example", ControlPorts: []int{},
		Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, mail.Addr())
		}}
	rep := Investigate(context.Background(), clientFor(srv, dropsHang), "f.example", Options{Offline: true, Deadline: deadline, SMTP: &o}, nil)
	if !slices.Equal(rep.Unfinished, []finding.Part{finding.PartSPF}) {
		t.Errorf("unfinished %v, want [spf]", rep.Unfinished)
	}
	if rep.SMTP == nil || len(rep.SMTP.Results) != 1 || rep.SMTP.Results[0].Status != smtp.StatusNoSTARTTLS || rep.SMTP.Results[0].BannerHost != "mx.f.example" {
		t.Fatalf("smtp part %+v", rep.SMTP)
	}
	if f, ok := hasCode(rep.Findings, "dns.unfinished"); !ok || strings.Contains(f.Message, "smtp") {
		t.Errorf("dns.unfinished %q", f.Message)
	}

	srv.SetFault("f.example.", dns.TypeMX, zoneserver.FaultDrop)
	rep = Investigate(context.Background(), clientFor(srv, dropsHang), "f.example", Options{Offline: true, Deadline: 300 * time.Millisecond, SMTP: &o}, nil)
	if rep.SMTP == nil || len(rep.SMTP.Results) != 0 || !strings.Contains(rep.SMTP.Note, "not known before the DNS deadline") || !slices.Contains(rep.Unfinished, finding.PartMX) {
		t.Errorf("without MX: smtp %+v, unfinished %v", rep.SMTP, rep.Unfinished)
	}
}

// dropsHang leaves a question a fault drops unanswered until the deadline
// (no AttemptTimeout), as a dead server does.
func dropsHang(c *dnsclient.Config) { c.Timeout, c.AttemptTimeout = 10*time.Second, nil }

// TestSMTPPartTakesTheLatePolicy: the probe does not wait for the MTA-STS
// fetch; the policy is applied when it arrives, so a covered host whose
// certificate does not name it is reported, and a host the policy does
// not cover is left to the MTA-STS part's own finding.
func TestSMTPPartTakesTheLatePolicy(t *testing.T) {
	srv, o := demotest.Serve(t)
	c := dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: 30 * time.Second})
	o.Resolver = c
	mx := CheckMX(context.Background(), c, "broken.example")
	pol, err := policy.ParseSTSPolicy("version: STSv1\nmode: enforce\nmx: mx1.broken.example\nmax_age: 604800\n")
	if err != nil {
		t.Fatal(err)
	}
	inv := newInvestigation(context.Background(), "broken.example", Options{})
	inv.mx <- &mx
	got := make(chan *smtp.Report, 1)
	go func() { got <- runSMTPPart(context.Background(), inv, o) }()
	inv.mtasts <- &policy.MTASTSResult{Fetched: true, Policy: pol}
	s := <-got
	if s.Policy != pol {
		t.Fatalf("policy not applied: %+v", s)
	}
	for _, r := range s.Results {
		covered := r.Host == "mx1.broken.example"
		switch {
		case r.TLS == nil:
		case covered && (r.TLS.NamesMatchMTASTS == nil || *r.TLS.NamesMatchMTASTS || r.TLS.MTASTSPattern != "mx1.broken.example"):
			t.Errorf("%s: names_match_mta_sts %v pattern %q", r.IP, r.TLS.NamesMatchMTASTS, r.TLS.MTASTSPattern)
		case !covered && (r.TLS.NamesMatchMTASTS == nil || *r.TLS.NamesMatchMTASTS):
			t.Errorf("%s, not covered: names_match_mta_sts %v", r.IP, r.TLS.NamesMatchMTASTS)
		}
	}
	f, ok := hasCode(s.Findings, "smtp.mta_sts_cert_mismatch")
	if !ok || f.Severity != finding.Error || f.Subject.String() != "mx1.broken.example/198.51.100.10" {
		t.Errorf("mta_sts_cert_mismatch %+v in %v", f, codes(s.Findings))
	}
	for _, f := range s.Findings {
		if strings.Contains(f.Code, "covered") || (f.Code == "smtp.mta_sts_cert_mismatch" && f.Subject.IP != netip.MustParseAddr("198.51.100.10")) {
			t.Errorf("the probe reports what the MTA-STS part does: %s %s", f.Code, f.Subject)
		}
	}
}

// TestNothingToProbe words each reason a domain has no server to probe.
func TestNothingToProbe(t *testing.T) {
	for _, tt := range []struct {
		mx   *MXReport
		want string
	}{
		{nil, "not known"},
		{&MXReport{NullMX: true}, "null MX"},
		{&MXReport{Status: dnsclient.StatusServFail}, "MX lookup failed"},
		{&MXReport{Hosts: []MXHost{{Host: "mx.example"}}}, "no MX host has an address"},
		{&MXReport{Hosts: []MXHost{{Host: "mx.example", Addresses: []ptrcheck.Result{{IP: netip.MustParseAddr("192.0.2.1")}}}}}, ""},
		{&MXReport{Implicit: []netip.Addr{netip.MustParseAddr("192.0.2.1")}}, ""},
	} {
		got := NothingToProbe(tt.mx)
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("%+v: %q, want %q", tt.mx, got, tt.want)
		}
	}
}
