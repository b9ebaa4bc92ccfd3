package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// patience is how long a test waits for what must come: far past what a
// loaded machine needs, so only a hang reaches it.
const patience = 2 * time.Minute

// runCLI runs the command line with captured output, as if stdout were not
// a terminal. Unless the test gives --timeout, a question may take 30 s:
// no loaded machine reaches that while a server answers, so no answer is
// retried or lost to the machine's speed.
func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return runCLIWith(t, &environment{}, stdin, args...)
}

// runCLIWith is runCLI with the test's own environment (its clock, its
// DNS timeouts); stdin, stdout and stderr are set here.
func runCLIWith(t *testing.T, env *environment, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env.stdin, env.stdout, env.stderr = strings.NewReader(stdin), &out, &errOut
	if !slices.ContainsFunc(args, func(a string) bool { return a == "--timeout" || strings.HasPrefix(a, "--timeout=") }) {
		args = append([]string{"--timeout", "30s"}, args...)
	}
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	code = run(ctx, args, env)
	return code, out.String(), errOut.String()
}

func TestFlagsAnywhere(t *testing.T) {
	for _, args := range [][]string{
		{"--demo", "--json", "check", "healthy.example"},
		{"check", "healthy.example", "--json", "--demo"},
		{"check", "--demo", "healthy.example", "--json"},
	} {
		code, out, errOut := runCLI(t, "", args...)
		if code != exitOK {
			t.Fatalf("%v: exit %d, stderr %s", args, code, errOut)
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("%v: not JSON: %v\n%s", args, err, out)
		}
		if v["domain"] != "healthy.example" {
			t.Errorf("%v: domain = %v", args, v["domain"])
		}
	}
}

func TestExitStatus(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want int
		out  string // in stdout
		err  string // in stderr
	}{
		{"help", []string{"--help"}, exitOK, "Usage:", ""},
		{"help short", []string{"-h"}, exitOK, "mxray check DOMAIN", ""},
		{"version", []string{"--version"}, exitOK, "mxray ", ""},
		{"healthy", []string{"--demo", "check", "healthy.example"}, exitOK, "MX and PTR", ""},
		{"broken", []string{"--demo", "check", "broken.example"}, exitFindings, "spf.lookup_limit", ""},
		{"text without a terminal", []string{"--demo", "healthy.example"}, exitOK, "mxray check of healthy.example\n═════", ""},
		{"idn and address", []string{"--demo", "check", "postmaster@HEALTHY.example."}, exitOK, "healthy.example", ""},
		{"ip and domain without a terminal", []string{"--demo", "203.0.113.10 healthy.example"}, exitOK, "a:relay.mailer.example", ""},
		{"bad flag", []string{"--nope"}, exitCannot, "", "unknown flag: --nope"},
		{"unknown subcommand", []string{"chekc", "example.com"}, exitCannot, "", `unknown subcommand "chekc"`},
		{"flag of another command", []string{"--demo", "check", "healthy.example", "--sender", "a@b.example"}, exitCannot, "", "--sender belongs to 'mxray spf'"},
		{"bad ip", []string{"--demo", "spf", "healthy.example", "--ip", "192.0.2.300"}, exitCannot, "", `--ip "192.0.2.300" is not an IPv4 or IPv6 address`},
		{"ip with a zone", []string{"--demo", "check", "healthy.example", "--ip", "fe80::1%eth0"}, exitCannot, "", `--ip "fe80::1%eth0" is not an IPv4 or IPv6 address`},
		{"bad format", []string{"--demo", "check", "healthy.example", "--format", "yaml"}, exitCannot, "", "choose text or markdown"},
		{"demo with resolver", []string{"--demo", "--resolver", "192.0.2.53", "check", "healthy.example"}, exitCannot, "", "--demo answers from the embedded zone alone"},
		{"unreadable batch file", []string{"--demo", "check", "-f", "/nonexistent/list.txt"}, exitCannot, "", "no such file"},
		{"unreadable zone file", []string{"--zone", "/nonexistent/draft.zone", "check", "example.com"}, exitCannot, "", "--zone"},
		{"not a domain", []string{"--demo", "check", "localhost"}, exitCannot, "", "at least two labels"},
		{"check needs a domain", []string{"--demo", "check"}, exitCannot, "", "check takes one DOMAIN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", tt.args...)
			if code != tt.want {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.want, out, errOut)
			}
			if !strings.Contains(out, tt.out) {
				t.Errorf("stdout lacks %q:\n%s", tt.out, out)
			}
			if !strings.Contains(errOut, tt.err) {
				t.Errorf("stderr lacks %q:\n%s", tt.err, errOut)
			}
			if code == exitCannot && strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
				t.Errorf("the error is not one line:\n%s", errOut)
			}
		})
	}
}

func TestSPFCommand(t *testing.T) {
	code, out, errOut := runCLI(t, "", "--demo", "spf", "healthy.example", "--ip", "203.0.113.10", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var v struct {
		Result  string `json:"result"`
		Matched struct {
			RecordDomain string   `json:"record_domain"`
			Term         string   `json:"term"`
			Path         []string `json:"path"`
		} `json:"matched"`
		Lookups          int `json:"lookups"`
		WorstCaseLookups int `json:"worst_case_lookups"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if v.Result != "pass" || v.Matched.RecordDomain != "spf.mailer.example" || v.Matched.Term != "a:relay.mailer.example" || len(v.Matched.Path) != 2 {
		t.Errorf("verdict = %+v", v)
	}
	if v.WorstCaseLookups != 8 {
		t.Errorf("worst case lookups = %d, want 8 (the demo's design)", v.WorstCaseLookups)
	}

	// Several IPs: a results table; a fail is the answer, not an error.
	code, out, _ = runCLI(t, "", "--demo", "spf", "healthy.example", "--ip", "192.0.2.10", "--ip", "::ffff:198.51.100.250", "--json")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	var many struct {
		Results []struct {
			IP     string `json:"ip"`
			Result string `json:"result"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &many); err != nil {
		t.Fatal(err)
	}
	if len(many.Results) != 2 || many.Results[0].Result != "pass" || many.Results[1].Result != "fail" || many.Results[1].IP != "198.51.100.250" {
		t.Errorf("results = %+v", many.Results)
	}

	// Odd identities get the RFC's answer, never exit 2.
	for _, sender := range []string{"", "@example.net", "[1.2.3.4]", "a b@c"} {
		code, _, errOut := runCLI(t, "", "--demo", "spf", "--sender", sender, "--helo", "healthy.example", "--ip", "192.0.2.10")
		if code == exitCannot {
			t.Errorf("sender %q: exit 2: %s", sender, errOut)
		}
	}

	// What-if: a record that leaves the IP out changes the verdict.
	code, out, _ = runCLI(t, "", "--demo", "spf", "healthy.example", "--ip", "203.0.113.10", "--record", "v=spf1 ip4:192.0.2.0/24 -all", "--json")
	if code != exitOK || !strings.Contains(out, `"result": "fail"`) {
		t.Errorf("what-if: exit %d\n%s", code, out)
	}

	// Text output marks the deciding path.
	_, out, _ = runCLI(t, "", "--demo", "spf", "healthy.example", "--ip", "203.0.113.10")
	if !strings.Contains(out, "matched a:relay.mailer.example  ◀") {
		t.Errorf("text output does not mark the deciding term:\n%s", out)
	}
}

func TestZoneOverlay(t *testing.T) {
	dir := t.TempDir()
	zone := filepath.Join(dir, "draft.zone")
	text := "$ORIGIN draft.example.\n@ SOA ns.draft.example. h.draft.example. 1 3600 600 86400 300\n@ TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n"
	if err := os.WriteFile(zone, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	// The resolver behind the overlay is dead: the overlay alone answers.
	code, out, errOut := runCLI(t, "", "--zone", zone, "--resolver", deadResolver(t), "spf", "draft.example", "--ip", "192.0.2.7", "--json")
	if code != exitOK || !strings.Contains(out, `"result": "pass"`) {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestNoResolverReachable: a resolver that never answers is exit 2 with
// one line that says so (every question to it fails, whatever the
// timeout, so none is raced).
func TestNoResolverReachable(t *testing.T) {
	code, _, errOut := runCLI(t, "", "--resolver", deadResolver(t), "--timeout", "200ms", "--deadline", "30s", "check", "example.com")
	if code != exitCannot || !strings.Contains(errOut, "no DNS server answered") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// deadResolver returns the address of a UDP socket that never answers.
func deadResolver(t *testing.T) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	return pc.LocalAddr().String()
}
