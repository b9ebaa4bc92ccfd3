package diag

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/mxray/mxray/diag/blocklist"
	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/render"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// demoReport runs a full investigation of a demo domain against the
// in-process server, as mxray --demo check does: with the demo's
// blocklists.
func demoReport(t testing.TB, domain string) *Report {
	t.Helper()
	srv := zoneservertest.New(t, demo.ServedZoneText())
	c := dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: calm})
	return Investigate(context.Background(), c, domain, Options{Offline: true, Blocklists: demoLists()}, nil)
}

// demoLists are the lists mxray --demo asks.
func demoLists() *blocklist.Set {
	s := blocklist.Demo()
	return &s
}

// TestCheckGolden pins the check contract's JSON and the Markdown report of
// both demo domains (go test ./diag -update refreshes; review the diff).
func TestCheckGolden(t *testing.T) {
	for _, domain := range []string{"healthy.example", "broken.example"} {
		rep := demoReport(t, domain)
		t.Run(domain+"/json", func(t *testing.T) { requireGoldenJSON(t, rep) })
		t.Run(domain+"/markdown", func(t *testing.T) {
			var b bytes.Buffer
			if err := render.Markdown(&b, rep.Doc(), render.Options{}); err != nil {
				t.Fatal(err)
			}
			golden.RequireEqual(t, b.Bytes())
		})
	}
}

// requireGoldenJSON compares v's indented JSON, made stable, with the
// test's golden file.
func requireGoldenJSON(t *testing.T, v any) {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	golden.RequireEqual(t, stableJSON(b.Bytes()))
}

// stableJSON blanks what differs from run to run against a loopback
// server: its port and the round-trip times.
func stableJSON(b []byte) []byte {
	b = regexp.MustCompile(`"127\.0\.0\.1:\d+"`).ReplaceAll(b, []byte(`"127.0.0.1:53"`))
	b = regexp.MustCompile(`DNS \(127\.0\.0\.1:\d+\)`).ReplaceAll(b, []byte(`DNS (127.0.0.1:53)`))
	return regexp.MustCompile(`"rtt_ms": [0-9.e-]+`).ReplaceAll(b, []byte(`"rtt_ms": 0`))
}

// TestCheckDemoFindings holds the demo to what the README promises of it.
func TestCheckDemoFindings(t *testing.T) {
	tests := []struct {
		domain string
		want   []string // finding codes that must be present
		none   bool     // no warning or error allowed
	}{
		{"healthy.example", nil, true},
		{"broken.example", []string{
			"spf.lookup_limit", "spf.void_lookups", "spf.loop", "spf.plus_all", "spf.include_no_record",
			"dkim.key_weak", "dkim.key_revoked", "dmarc.policy_none", "dmarc.removed_tag", "dmarc.bad_report_uri",
			"dmarc.report_unauthorized", "mx.cname", "ptr.missing",
			"blocklist.listed", "blocklist.no_answer",
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.domain, func(t *testing.T) {
			rep := demoReport(t, tt.domain)
			have := map[string]bool{}
			for _, f := range rep.Findings {
				have[f.Code] = true
				if tt.none && f.Severity != "info" {
					t.Errorf("unexpected %s %s: %s", f.Severity, f.Code, f.Message)
				}
			}
			for _, code := range tt.want {
				if !have[code] {
					t.Errorf("missing finding %s", code)
				}
			}
			if len(rep.Unfinished) > 0 {
				t.Errorf("unfinished parts: %v", rep.Unfinished)
			}
			if rep.MX == nil || rep.SPF == nil || rep.DKIM == nil || rep.DMARC == nil || rep.MTASTS == nil || rep.TLSRPT == nil || rep.BIMI == nil || rep.Blocklists == nil {
				t.Errorf("a part is missing: %+v", rep)
			}
		})
	}
	rep := demoReport(t, "healthy.example")
	if got := rep.SPF.Tree.WorstCaseLookups(); got != 8 {
		t.Errorf("healthy.example SPF lookups = %d, want 8", got)
	}
	if n := len(rep.MX.Hosts); n != 3 {
		t.Errorf("healthy.example has %d MX hosts, want 3", n)
	}
}
