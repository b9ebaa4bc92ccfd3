package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

// stableDNS blanks what differs from run to run in mxray dns: the
// loopback ports of the demo's servers and the round trips.
func stableDNS(s string) string {
	for _, r := range []struct{ re, to string }{
		{`127\.0\.0\.1:\d+`, "127.0.0.1:PORT"},
		{`"rtt_ms": [\d.e-]+`, `"rtt_ms": 0`},
		{`(?m)(  )(<1ms|\d+ms|\d+\.\ds)( *)$`, "${1}RTT"},
		{"\\| `?(<1ms|\\d+ms|\\d+\\.\\ds)`? \\|", "| RTT |"},
	} {
		s = regexp.MustCompile(r.re).ReplaceAllString(s, r.to)
	}
	return s
}

// TestDNSGolden pins mxray --demo dns changed.example TXT as text,
// Markdown and JSON: ns2 serves yesterday's SPF record and serial (go
// test ./cmd/mxray -update refreshes; review the diff).
func TestDNSGolden(t *testing.T) {
	for _, f := range []struct{ name, flag string }{{"text", "--format=text"}, {"markdown", "--format=markdown"}, {"json", "--json"}} {
		t.Run(f.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", "--demo", "dns", "changed.example", "TXT", f.flag)
			if code != exitFindings {
				t.Fatalf("exit %d, want 1 (the nameservers disagree)\n%s", code, errOut)
			}
			golden.RequireEqual(t, []byte(normalizeProvenance(stableDNS(out))))
		})
	}
}

// TestDNSCommand: what each demo name gives, the exit status that says
// whether the nameservers agree, the default types and the usage errors.
func TestDNSCommand(t *testing.T) {
	tests := []struct {
		args  []string
		code  int
		types []string
		agree bool
		err   string
	}{
		{[]string{"healthy.example"}, exitOK, []string{"A", "AAAA", "MX", "TXT"}, true, ""},
		{[]string{"_dmarc.changed.example"}, exitFindings, []string{"TXT"}, false, ""},
		{[]string{"changed.example", "mx"}, exitOK, []string{"MX"}, true, ""},
		{[]string{"changed.example", "ANY"}, exitCannot, nil, false, "record type ANY"},
		{[]string{"changed.example", "NOPE"}, exitCannot, nil, false, "unknown record type"},
		{[]string{}, exitCannot, nil, false, "dns takes a NAME"},
		{[]string{"a", "TXT", "b"}, exitCannot, nil, false, "dns takes a NAME"},
		{[]string{"bad..name"}, exitCannot, nil, false, "not a domain name"},
		{[]string{"nowhere.invalid"}, exitCannot, nil, false, "could not find the zone"},
		{[]string{"changed.example", "--redact"}, exitCannot, nil, false, "--redact belongs to"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			args := append([]string{"--demo", "dns", "--json"}, tt.args...)
			code, out, errOut := runCLI(t, "", args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tt.code, out, errOut)
			}
			if tt.err != "" {
				if !strings.Contains(errOut, tt.err) {
					t.Errorf("stderr %q, want %q", errOut, tt.err)
				}
				return
			}
			var res struct {
				Types   []string `json:"types"`
				Agree   bool     `json:"agree"`
				Servers []struct {
					Kind string `json:"kind"`
				} `json:"servers"`
			}
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatal(err)
			}
			if strings.Join(res.Types, " ") != strings.Join(tt.types, " ") || res.Agree != tt.agree {
				t.Errorf("types %v agree %v, want %v %v", res.Types, res.Agree, tt.types, tt.agree)
			}
			if len(res.Servers) == 0 || res.Servers[len(res.Servers)-1].Kind != "resolver" {
				t.Errorf("servers %+v: the demo's resolver is missing", res.Servers)
			}
		})
	}
}
