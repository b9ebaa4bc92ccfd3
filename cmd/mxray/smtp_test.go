package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/netip"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/netguard"
	"github.com/mxray/mxray/diag/smtp"
	"github.com/mxray/mxray/diag/smtp/smtpd"
	"github.com/mxray/mxray/tui/serve"
)

// stableProbe blanks what differs from run to run in a probe's report:
// each step's milliseconds and the dates of the certificates the demo
// makes at start.
func stableProbe(s string) string {
	for _, r := range []struct{ re, to string }{
		{`"(connect|greeting|ehlo|tls)": \d+`, `"$1": 0`},
		{`"(not_before|not_after)": "[^"]+"`, `"$1": "2026-01-01T00:00:00Z"`},
		{`ms connect/greeting/EHLO/TLS [\d/-]+`, "ms connect/greeting/EHLO/TLS N"},
		{`until \d{4}-\d\d-\d\d`, "until 2026-01-01"},
	} {
		s = regexp.MustCompile(r.re).ReplaceAllString(s, r.to)
	}
	return s
}

// TestSMTPGolden pins mxray --demo smtp broken.example as text, Markdown
// and JSON: the certificate name mismatch, the missing STARTTLS and the
// tarpit, each the verdict of one address (go test ./cmd/mxray -update
// refreshes; review the diff).
func TestSMTPGolden(t *testing.T) {
	for _, f := range []struct{ name, flag string }{{"text", "--format=text"}, {"markdown", "--format=markdown"}, {"json", "--json"}} {
		t.Run(f.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", "--demo", "smtp", "broken.example", f.flag)
			if code != exitFindings {
				t.Fatalf("exit %d, want 1 (an MX that is a CNAME is an error)\n%s", code, errOut)
			}
			golden.RequireEqual(t, []byte(normalizeProvenance(stableProbe(out))))
		})
	}
}

// TestSMTPCommand: the offline demo gives a full result for
// healthy.example (ok, DANE matching, DNSSEC secure) and exit 0; a host
// and an address are probed on their own; the probe's flags are checked.
func TestSMTPCommand(t *testing.T) {
	code, out, errOut := runCLI(t, "", "--demo", "smtp", "healthy.example", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var v struct {
		Domain   string            `json:"domain"`
		Findings []json.RawMessage `json:"findings"`
		SMTP     []struct {
			Host   string `json:"host"`
			Status string `json:"status"`
			Port   int    `json:"port"`
			TLS    *struct {
				Version      string `json:"version"`
				NamesMatchMX bool   `json:"names_match_mx"`
			} `json:"tls"`
			DANE struct {
				TLSA   []string `json:"tlsa"`
				DNSSEC string   `json:"dnssec"`
				Match  *bool    `json:"match"`
			} `json:"dane"`
		} `json:"smtp"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if v.Domain != "healthy.example" || len(v.SMTP) != 4 || len(v.Findings) != 0 {
		t.Fatalf("%+v", v)
	}
	for _, r := range v.SMTP {
		if r.Status != "ok" || r.Port != 25 || r.TLS == nil || !r.TLS.NamesMatchMX || len(r.DANE.TLSA) != 1 || r.DANE.DNSSEC != "secure" || r.DANE.Match == nil || !*r.DANE.Match {
			t.Errorf("%+v", r)
		}
	}

	_, out, _ = runCLI(t, "", "--demo", "smtp", "mx3.healthy.example", "--format", "text")
	if !strings.Contains(out, "mx3.healthy.example has no MX records: its own addresses (192.0.2.30, 2001:db8:1::30) were probed.") || strings.Count(out, "| ok") > 0 {
		t.Errorf("host:\n%s", out)
	}
	code, out, _ = runCLI(t, "", "--demo", "smtp", "[2001:db8:1::30]")
	if code != exitOK || !strings.Contains(out, "PTR:     mx3.healthy.example") {
		t.Errorf("address: exit %d\n%s", code, out)
	}

	for _, tt := range []struct {
		args []string
		err  string
	}{
		{[]string{"smtp"}, "smtp takes one DOMAIN, HOST or IP address"},
		{[]string{"smtp", "a.example", "b.example"}, "smtp takes one DOMAIN, HOST or IP address"},
		{[]string{"smtp", "healthy.example", "--port", "70000"}, "--port 70000 is not a TCP port"},
		{[]string{"smtp", "healthy.example", "--port", "0"}, "--port 0 is not a TCP port"},
		{[]string{"smtp", "healthy.example", "--ehlo", "bad name\r\nRCPT"}, "--ehlo"},
		{[]string{"smtp", "healthy.example", "--selector", "s1"}, "--selector belongs to 'mxray check'"},
		{[]string{"check", "healthy.example", "--port", "587"}, "give --smtp with them"},
		{[]string{"spf", "healthy.example", "--smtp"}, "--smtp belongs to 'mxray check'"},
		{[]string{"headers", "-", "--no-probe"}, "--no-probe belongs to 'mxray serve' and 'mxray' without a subcommand"},
	} {
		code, _, errOut := runCLI(t, "", append([]string{"--demo"}, tt.args...)...)
		if code != exitCannot || !strings.Contains(errOut, tt.err) {
			t.Errorf("%v: exit %d, stderr %q, want %q", tt.args, code, errOut, tt.err)
		}
	}
}

// TestCheckSMTPFlag: check probes only with --smtp, and then its JSON has
// the smtp list and its text the section; in batch too, when asked.
func TestCheckSMTPFlag(t *testing.T) {
	_, out, _ := runCLI(t, "", "--demo", "check", "healthy.example", "--json")
	if strings.Contains(out, `"smtp":`) {
		t.Error("check probed without --smtp")
	}
	code, out, errOut := runCLI(t, "", "--demo", "check", "broken.example", "--smtp", "--json")
	var v struct {
		SMTP []struct {
			IP     string `json:"ip"`
			Status string `json:"status"`
		} `json:"smtp"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil || code != exitFindings || len(v.SMTP) != 3 {
		t.Fatalf("exit %d, %v: %+v\n%s", code, err, v, errOut)
	}
	_, out, _ = runCLI(t, "example.com\nhealthy.example\n", "--demo", "check", "-f", "-", "--smtp", "--json")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"smtp":[]`) || !strings.Contains(lines[1], `"status":"ok"`) {
		t.Errorf("batch with --smtp:\n%s", out)
	}
	_, out, _ = runCLI(t, "", "--demo", "check", "healthy.example", "--smtp", "--format", "markdown")
	if !strings.Contains(out, "## SMTP and TLS") || !strings.Contains(out, "| mx1.healthy.example | 192.0.2.10 | ok | TLS 1.3 |") {
		t.Errorf("markdown:\n%s", out)
	}
}

// TestProbeSetupIsLazy: under --demo the demo's mail servers start only
// when a probe asks for its options, and stop at close; the workbench gets
// the probe unless --no-probe turns it off.
func TestProbeSetupIsLazy(t *testing.T) {
	o, err := parseArgs([]string{"--demo", "--ehlo", "probe.example.net", "--port", "2525"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	dnsSet, err := setupDNS(o)
	if err != nil {
		t.Fatal(err)
	}
	defer dnsSet.close()
	p, err := newProbeSetup(o, dnsSet)
	if err != nil {
		t.Fatal(err)
	}
	if p.started() {
		t.Fatal("the demo's mail servers started before a probe asked")
	}
	popts, err := p.options()
	if err != nil || !p.started() || popts.Dial == nil || popts.Roots == nil || popts.TarpitAfter != demo.SMTPTarpitAfter ||
		popts.EHLOName != "probe.example.net" || popts.Port != 2525 {
		t.Fatalf("options %+v, %v", popts, err)
	}
	p.close()
	if _, err := p.options(); !errors.Is(err, errProbeClosed) || p.started() {
		t.Errorf("after close: %v", err)
	}

	for _, tt := range []struct {
		args  []string
		probe bool
	}{{[]string{"--demo"}, true}, {[]string{"--demo", "--no-probe"}, false}} {
		o, err := parseArgs(tt.args, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		cfg, cleanup, err := tuiConfig(o, &environment{stdout: io.Discard}, tuiDeps{})
		if err != nil {
			t.Fatal(err)
		}
		if (cfg.SMTP != nil) != tt.probe {
			t.Errorf("%v: probe %v, want %v", tt.args, cfg.SMTP != nil, tt.probe)
		}
		cleanup()
	}
}

// TestServeProbeReachesOnlyPublicAddresses: in mxray serve (without
// --allow-private-targets) the SMTP probe's dial refuses loopback and
// private addresses before connecting: a probe of an MX on 127.0.0.1 is an
// error and the server there never sees a connection. Outside serve, and
// with --allow-private-targets, the dial is the system's.
func TestServeProbeReachesOnlyPublicAddresses(t *testing.T) {
	o, err := parseArgs([]string{"--resolver", deadResolver(t)}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	dnsSet, err := setupDNS(o)
	if err != nil {
		t.Fatal(err)
	}
	defer dnsSet.close()
	if dnsSet.probeDial() != nil {
		t.Fatal("the CLI's probe dial is guarded")
	}
	serveDNS(&options{allowPrivate: true, timeout: o.timeout}, dnsSet)
	if dnsSet.probeDial() != nil {
		t.Fatal("--allow-private-targets still guards the probe")
	}
	serveDNS(o, dnsSet)
	p, err := newProbeSetup(o, dnsSet)
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	popts, err := p.options()
	if err != nil || popts.Dial == nil {
		t.Fatalf("options %+v, %v", popts, err)
	}
	for _, addr := range []string{"127.0.0.1:25", "10.1.2.3:25", "[::1]:25", "[fe80::1]:25", "192.168.0.1:25"} {
		if c, err := popts.Dial(context.Background(), "tcp", addr); !errors.Is(err, netguard.ErrForbidden) {
			if c != nil {
				c.Close()
			}
			t.Errorf("%s: %v, want a refusal", addr, err)
		}
	}
	connected := make(chan struct{}, 1)
	srv, err := smtpd.Start(smtpd.Behavior{Hostname: "mx.example", OnConnect: func() { connected <- struct{}{} }})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ap := netip.MustParseAddrPort(srv.Addr())
	popts.Port, popts.ControlPorts = int(ap.Port()), []int{}
	r := smtp.Probe(context.Background(), smtp.Target{Host: "mx.example", IP: ap.Addr()}, popts)
	if r.Status == smtp.StatusOK || !errors.Is(r.Err, netguard.ErrForbidden) {
		t.Errorf("probe of loopback: %s %v", r.Status, r.Err)
	}
	select {
	case <-connected:
		t.Error("the loopback server saw a connection")
	default:
	}
}

// TestServeNoProbe: a server started with --no-probe refuses a session's
// check --smtp, and gives its terminal sessions no probe.
func TestServeNoProbe(t *testing.T) {
	o, err := parseArgs([]string{"--demo", "serve", "--no-probe", "--authorized-keys", "/nonexistent"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr strings.Builder
	run := sessionCommand(o, &dnsSetup{}, func(string) string { return "" })
	code := run(context.Background(), serve.SessionInfo{}, []string{"check", "healthy.example", "--smtp"}, strings.NewReader(""), &stdout, &stderr)
	if code != exitCannot || !strings.Contains(stderr.String(), "does not probe mail servers") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}
