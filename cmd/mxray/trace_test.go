package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestTraceWritesTheQueryLog: --trace writes every DNS question of check,
// spf, headers and smtp to stderr (name, type, server, status, TTL, round
// trip, cached) as text, or JSON Lines with --json, one per question the
// report counts; stdout keeps the report alone (issue 21 point 5).
func TestTraceWritesTheQueryLog(t *testing.T) {
	runs := [][]string{
		{"check", "healthy.example"},
		{"spf", "healthy.example", "--ip", "203.0.113.10"},
		{"headers"},
		{"smtp", "healthy.example"},
	}
	for _, args := range runs {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, out, errOut := runCLI(t, "", append([]string{"--demo", "--trace", "--json"}, args...)...)
			if code == exitCannot {
				t.Fatalf("exit 2: %s", errOut)
			}
			var rep map[string]any
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatalf("stdout is not the report alone: %v", err)
			}
			lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
			names := map[string]bool{}
			for _, l := range lines {
				var e struct {
					Trace, Name, Type, Server, Status string
					TTL                               *uint32 `json:"ttl"`
					RTT                               *int64  `json:"rtt_ms"`
					Cached                            *bool   `json:"cached"`
				}
				if err := json.Unmarshal([]byte(l), &e); err != nil || e.Trace != "dns" || e.Name == "" || e.Type == "" || e.Status == "" || e.TTL == nil || e.RTT == nil || e.Cached == nil {
					t.Fatalf("not a trace line (%v): %q", err, l)
				}
				names[e.Name+" "+e.Type] = true
			}
			if q, ok := rep["queries"].(float64); ok && int(q) > len(lines) {
				t.Errorf("%d trace lines for %v questions", len(lines), q)
			}
			if len(lines) == 0 || (args[0] != "headers" && !names["healthy.example. TXT"] && !names["healthy.example. MX"]) {
				t.Errorf("the trace misses the domain's own questions: %v", names)
			}
		})
	}
	// Text: one line per question, naming the server and the status.
	code, out, errOut := runCLI(t, "", "--demo", "--trace", "spf", "healthy.example", "--ip", "203.0.113.10")
	if code == exitCannot || strings.Contains(out, "dns: ") {
		t.Fatalf("exit %d; trace on stdout:\n%s", code, out)
	}
	if !strings.Contains(errOut, "dns: TXT healthy.example. @127.0.0.1:") || !strings.Contains(errOut, " records ttl=3600 rtt=") {
		t.Errorf("text trace:\n%s", errOut)
	}
	// Without --trace, nothing on stderr.
	if _, _, errOut := runCLI(t, "", "--demo", "spf", "healthy.example", "--ip", "203.0.113.10"); errOut != "" {
		t.Errorf("stderr without --trace: %q", errOut)
	}
}

// TestASCIIEverywhere: with --ascii every byte of every output of the
// demo, text, Markdown and JSON, stdout and stderr (--trace on), is
// ASCII; the JSON is the same value as without --ascii.
func TestASCIIEverywhere(t *testing.T) {
	runs := [][]string{
		{"check", "healthy.example"},
		{"check", "broken.example"},
		{"spf", "healthy.example", "--ip", "203.0.113.10", "--ip", "198.51.100.250"},
		{"spf", "healthy.example"},
		{"headers"},
		{"report"},
		{"smtp", "broken.example"},
	}
	for _, args := range runs {
		for _, format := range []string{"--format=text", "--format=markdown", "--json"} {
			name := strings.Join(append(args, format), " ")
			t.Run(name, func(t *testing.T) {
				code, out, errOut := runCLIWith(t, &environment{now: provenanceClock}, "", append([]string{"--demo", "--ascii", "--trace", format}, args...)...)
				if code == exitCannot {
					t.Fatalf("exit 2: %s", errOut)
				}
				for what, s := range map[string]string{"stdout": out, "stderr": errOut} {
					for i := 0; i < len(s); i++ {
						if s[i] >= 0x80 {
							t.Fatalf("%s byte %d is 0x%02x: %q", what, i, s[i], s[max(0, i-40):min(len(s), i+40)])
						}
					}
				}
				if format != "--json" {
					return
				}
				_, plain, _ := runCLIWith(t, &environment{now: provenanceClock}, "", append([]string{"--demo", format}, args...)...)
				var a, b any
				if json.Unmarshal([]byte(out), &a) != nil || json.Unmarshal([]byte(plain), &b) != nil {
					t.Fatal("not JSON")
				}
				if ja, jb := dropVolatile(a), dropVolatile(b); ja != jb {
					i := 0
					for i < min(len(ja), len(jb)) && ja[i] == jb[i] {
						i++
					}
					t.Errorf("--ascii changed the JSON value at byte %d:\n%.200s\n%.200s", i, ja[max(0, i-60):], jb[max(0, i-60):])
				}
			})
		}
	}
}

// dropVolatile is v as JSON without what changes from run to run (the
// SMTP probe's timings and demo certificates, the in-process servers'
// ports).
func dropVolatile(v any) string {
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for _, k := range []string{"timing_ms", "rtt_ms", "elapsed_ms", "log", "server", "key_server", "not_before", "not_after"} {
				delete(x, k)
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	b, _ := json.Marshal(v)
	return string(b)
}

// TestCheckEvaluatesTheIP: mxray check 'IP DOMAIN' and check DOMAIN --ip
// IP evaluate the IP as the workbench does: the SPF verdict with its
// deciding path (the same as mxray spf's), the PTR names and their forward
// confirmation, in text, Markdown and JSON (issue 21 point 5; before, the
// IP of 'IP DOMAIN' was dropped and --ip was refused).
func TestCheckEvaluatesTheIP(t *testing.T) {
	type ipCheck struct {
		IP  string `json:"ip"`
		SPF struct {
			Result    string `json:"result"`
			DecidedBy string `json:"decided_by"`
			Matched   *struct {
				Path []string `json:"path"`
			} `json:"matched"`
		} `json:"spf"`
		PTR struct {
			PTR    []string `json:"ptr"`
			FCrDNS bool     `json:"fcrdns"`
		} `json:"ptr"`
	}
	for _, args := range [][]string{
		{"check", "203.0.113.10 healthy.example", "--ip", "198.51.100.250"},
		{"check", "healthy.example", "--ip", "203.0.113.10", "--ip", "198.51.100.250"},
	} {
		code, out, errOut := runCLI(t, "", append([]string{"--demo", "--json"}, args...)...)
		if code == exitCannot {
			t.Fatalf("%v: exit 2: %s", args, errOut)
		}
		var v struct {
			Domain   string    `json:"domain"`
			IPChecks []ipCheck `json:"ip_checks"`
		}
		if err := json.Unmarshal([]byte(out), &v); err != nil || v.Domain != "healthy.example" || len(v.IPChecks) != 2 {
			t.Fatalf("%v: %v, %+v", args, err, v)
		}
		relay, other := v.IPChecks[0], v.IPChecks[1]
		if relay.IP != "203.0.113.10" || relay.SPF.Result != "pass" || relay.SPF.Matched == nil ||
			strings.Join(relay.SPF.Matched.Path, " ") != "healthy.example spf.mailer.example" || !strings.Contains(relay.SPF.DecidedBy, "a:relay.mailer.example") ||
			len(relay.PTR.PTR) != 1 || relay.PTR.PTR[0] != "relay.mailer.example" || !relay.PTR.FCrDNS {
			t.Errorf("%v: 203.0.113.10: %+v", args, relay)
		}
		if other.IP != "198.51.100.250" || other.SPF.Result != "fail" || other.SPF.DecidedBy != "healthy.example: -all" || other.PTR.FCrDNS {
			t.Errorf("%v: 198.51.100.250: %+v", args, other)
		}
		// The same verdicts as mxray spf.
		_, spfOut, _ := runCLI(t, "", "--demo", "--json", "spf", "healthy.example", "--ip", "203.0.113.10", "--ip", "198.51.100.250")
		var s struct {
			Results []struct{ Result string } `json:"results"`
		}
		if err := json.Unmarshal([]byte(spfOut), &s); err != nil || len(s.Results) != 2 || s.Results[0].Result != relay.SPF.Result || s.Results[1].Result != other.SPF.Result {
			t.Errorf("mxray spf says %+v (%v)", s.Results, err)
		}
	}
	for _, format := range []string{"--format=text", "--format=markdown"} {
		_, out, _ := runCLI(t, "", "--demo", format, "check", "203.0.113.10 healthy.example")
		for _, want := range []string{"IP 203.0.113.10 for healthy.example", "pass", "healthy.example → spf.mailer.example: a:relay.mailer.example", "relay.mailer.example", "yes, by relay.mailer.example"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: no %q in:\n%s", format, want, out)
			}
		}
	}
	for _, args := range [][]string{
		{"--demo", "check", "healthy.example", "--ip", "300.1.1.1"},
		{"--demo", "check", "-f", "-", "--ip", "192.0.2.1"},
	} {
		if code, _, errOut := runCLI(t, "healthy.example\n", args...); code != exitCannot || !strings.Contains(errOut, "--ip") {
			t.Errorf("%v: exit %d, %q", args, code, errOut)
		}
	}
}
