package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/tui"
)

// blocklistJSON is the part of a report's JSON these tests read.
type blocklistJSON struct {
	Blocklists *[]struct {
		Subject string   `json:"subject"`
		Kind    string   `json:"kind"`
		List    string   `json:"list"`
		Zone    string   `json:"zone"`
		Status  string   `json:"status"`
		Codes   []string `json:"codes"`
		Error   string   `json:"error"`
	} `json:"blocklists"`
	Findings []struct {
		Code     string `json:"code"`
		Severity string `json:"severity"`
		Subject  string `json:"subject"`
	} `json:"findings"`
}

func decodeBlocklists(t *testing.T, out string) blocklistJSON {
	t.Helper()
	var v blocklistJSON
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	return v
}

// TestDemoBlocklists: mxray --demo check broken.example shows one listed
// MX and one refused question, as the README says, in text and JSON;
// healthy.example is on no list; --no-blocklists asks none.
func TestDemoBlocklists(t *testing.T) {
	code, out, errOut := runCLI(t, "", "--demo", "check", "broken.example")
	if code != exitFindings {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"Blocklists", "198.51.100.10", "LISTED", "127.0.0.2", "198.51.100.25", "127.255.255.254", "query refused", "blocklist.listed", "blocklist.no_answer"} {
		if !strings.Contains(out, want) {
			t.Errorf("the text report lacks %q", want)
		}
	}
	_, out, _ = runCLI(t, "", "--demo", "check", "broken.example", "--json")
	v := decodeBlocklists(t, out)
	if v.Blocklists == nil {
		t.Fatal("no blocklists in the JSON")
	}
	var listed, errs []string
	for _, r := range *v.Blocklists {
		switch r.Status {
		case "listed":
			listed = append(listed, r.Subject+" "+r.Zone+" "+strings.Join(r.Codes, ","))
		case "error":
			errs = append(errs, r.Subject+" "+r.Zone+" "+strings.Join(r.Codes, ","))
		case "not_listed":
		default:
			t.Errorf("status %q", r.Status)
		}
	}
	if strings.Join(listed, ";") != "198.51.100.10 zen.dnsbl.example 127.0.0.2" || strings.Join(errs, ";") != "198.51.100.25 mirror.dnsbl.example 127.255.255.254" {
		t.Errorf("listed %q, errors %q", listed, errs)
	}
	code, out, _ = runCLI(t, "", "--demo", "check", "healthy.example", "--json")
	if v := decodeBlocklists(t, out); code != exitOK || v.Blocklists == nil || len(*v.Blocklists) == 0 {
		t.Errorf("healthy.example: exit %d, %+v", code, v.Blocklists)
	}
	_, out, _ = runCLI(t, "", "--demo", "check", "broken.example", "--json", "--no-blocklists")
	if v := decodeBlocklists(t, out); v.Blocklists != nil {
		t.Errorf("--no-blocklists asked them: %+v", v.Blocklists)
	}
	// The sample's sending IP has a policy listing; SPF passes it: a note.
	code, out, errOut = runCLI(t, "", "--demo", "headers", "--json")
	v = decodeBlocklists(t, out)
	note := false
	for _, f := range v.Findings {
		note = note || f.Code == "blocklist.listed" && f.Subject == "203.0.113.10" && f.Severity == "info"
	}
	if code != exitOK || v.Blocklists == nil || !note {
		t.Errorf("headers: exit %d (%s), findings %+v", code, errOut, v.Findings)
	}
}

// TestBatchBlocklists: check -f asks no blocklist unless --blocklists.
func TestBatchBlocklists(t *testing.T) {
	list := writeFile(t, "domains.txt", "broken.example\nhealthy.example\n")
	for _, tt := range []struct {
		args []string
		want bool
	}{
		{[]string{"--demo", "check", "-f", list, "--json"}, false},
		{[]string{"--demo", "check", "-f", list, "--json", "--blocklists"}, true},
	} {
		_, out, errOut := runCLI(t, "", tt.args...)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 2 {
			t.Fatalf("%v: %d lines: %s", tt.args, len(lines), errOut)
		}
		for _, l := range lines {
			if got := decodeBlocklists(t, l).Blocklists != nil; got != tt.want {
				t.Errorf("%v: blocklists asked %v, want %v", tt.args, got, tt.want)
			}
		}
	}
}

// TestBlocklistFlags: flags that contradict each other, or name a bad
// zone, key or file, stop the run with exit 2 and say why; a key is never
// repeated; the blocklist flags belong to check, headers and the
// workbench only.
func TestBlocklistFlags(t *testing.T) {
	const secret = "not a key"
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"both", []string{"--demo", "check", "-f", "x", "--blocklists", "--no-blocklists"}, "--no-blocklists and --blocklists both given"},
		{"lists and none", []string{"--demo", "check", "healthy.example", "--no-blocklists", "--blocklist", "x.test"}, "--blocklist chooses blocklists"},
		{"batch flag on one domain", []string{"--demo", "check", "healthy.example", "--blocklists"}, "--blocklists is for check -f"},
		{"lists in a batch without --blocklists", []string{"--demo", "check", "-f", "x", "--blocklist-file", "f"}, "asks them only with --blocklists"},
		{"bad zone", []string{"--demo", "check", "healthy.example", "--blocklist", "nodot"}, `--blocklist "nodot": not a blocklist zone`},
		{"bad key", []string{"--demo", "check", "healthy.example", "--spamhaus-dqs-key", secret}, "--spamhaus-dqs-key: a Spamhaus DQS key is one DNS label"},
		{"missing file", []string{"--demo", "headers", "--blocklist-file", "/nonexistent/lists.txt"}, "no such file"},
		{"spf takes none", []string{"--demo", "spf", "healthy.example", "--ip", "192.0.2.1", "--no-blocklists"}, "--no-blocklists belongs to 'mxray check' and 'mxray headers'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", tt.args...)
			if code != exitCannot || !strings.Contains(errOut, tt.want) || strings.Count(errOut, "\n") != 1 {
				t.Errorf("exit %d, stderr %q, want %q", code, errOut, tt.want)
			}
			if strings.Contains(errOut, secret) {
				t.Errorf("the key is repeated: %q", errOut)
			}
		})
	}
	code, _, errOut := runCLIEnv(t, map[string]string{"MXRAY_SPAMHAUS_DQS_KEY": secret}, "--demo", "check", "healthy.example")
	if code != exitCannot || !strings.Contains(errOut, "MXRAY_SPAMHAUS_DQS_KEY: a Spamhaus DQS key") || strings.Contains(errOut, secret) {
		t.Errorf("a bad key in the environment: exit %d, %q", code, errOut)
	}
}

// dqsZone serves a domain whose MX address is listed on a list's DQS
// zone (under the key "K3ykey") and not on its public zone.
const dqsZone = `
$ORIGIN x.test.
@        SOA ns.test. h.test. 1 3600 600 86400 300
@        MX  10 mx
mx       A   192.0.2.1
$ORIGIN k3ykey.bl.dq.test.
@        SOA ns.test. h.test. 1 3600 600 86400 300
2.0.0.127  A 127.0.0.2
1.2.0.192  A 127.0.0.2
$ORIGIN bl.public.test.
@        SOA ns.test. h.test. 1 3600 600 86400 300
2.0.0.127  A 127.0.0.2
`

// dqsLists is a list file whose one list has a DQS zone.
const dqsLists = `mxray-blocklists 1
list bl.public.test
  name Test list
  kind ip
  dqs {key}.bl.dq.test
  code 127.0.0.2 listed error listed for the test
end
`

// TestDQSKey: the key from --spamhaus-dqs-key, or else from
// MXRAY_SPAMHAUS_DQS_KEY, sends the list's questions to its DQS zone; the
// key shows nowhere in the report.
func TestDQSKey(t *testing.T) {
	zone, lists := writeFile(t, "dq.zone", dqsZone), writeFile(t, "lists.txt", dqsLists)
	base := []string{"--zone", zone, "--resolver", guardResolver(t).Addr(), "check", "x.test", "--blocklist-file", lists, "--json"}
	tests := []struct {
		name   string
		env    map[string]string
		args   []string
		zone   string
		status string
	}{
		{"no key: the public zone", nil, nil, "bl.public.test", "not_listed"},
		{"key from the environment", map[string]string{"MXRAY_SPAMHAUS_DQS_KEY": "K3ykey"}, nil, "[key].bl.dq.test", "listed"},
		{"the flag wins", map[string]string{"MXRAY_SPAMHAUS_DQS_KEY": "wrong"}, []string{"--spamhaus-dqs-key", "K3ykey"}, "[key].bl.dq.test", "listed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, out, errOut := runCLIEnv(t, tt.env, append(base, tt.args...)...)
			v := decodeBlocklists(t, out)
			if v.Blocklists == nil || len(*v.Blocklists) != 1 {
				t.Fatalf("blocklists %+v (%s)", v.Blocklists, errOut)
			}
			if r := (*v.Blocklists)[0]; r.Zone != tt.zone || r.Status != tt.status {
				t.Errorf("%+v, want zone %s %s", r, tt.zone, tt.status)
			}
			if strings.Contains(strings.ToLower(out), "k3ykey") {
				t.Error("the key shows in the report")
			}
		})
	}
}

// TestTUIBlocklists: the workbench asks the blocklists by default (the
// demo's under --demo), none with --no-blocklists, and its DNS client
// masks a DQS key in the log.
func TestTUIBlocklists(t *testing.T) {
	for _, tt := range []struct {
		args  []string
		zones []string
	}{
		{[]string{"--demo", "broken.example"}, []string{"zen.dnsbl.example", "mirror.dnsbl.example", "dbl.dnsbl.example"}},
		{[]string{"--demo", "broken.example", "--no-blocklists"}, nil},
	} {
		cfg, cleanup := tuiConfigOf(t, tt.args...)
		cleanup()
		var zones []string
		if cfg.Blocklists != nil {
			for _, l := range cfg.Blocklists.Lists {
				zones = append(zones, l.Zone)
			}
		}
		if strings.Join(zones, " ") != strings.Join(tt.zones, " ") {
			t.Errorf("%v: lists %q, want %q", tt.args, zones, tt.zones)
		}
	}
	cfg, cleanup := tuiConfigOf(t, "--resolver", "127.0.0.1:9", "example.com", "--spamhaus-dqs-key", "K3ykey")
	defer cleanup()
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	var seen []string
	c := cfg.NewClient(func(e dnsclient.LogEntry) { seen = append(seen, e.Name) })
	c.Lookup(ctx, "2.0.0.127.K3ykey.zen.dq.spamhaus.net.", 1) // type A
	if len(seen) != 1 || strings.Contains(strings.ToLower(seen[0]), "k3ykey") {
		t.Errorf("the DNS log shows %q", seen)
	}
}

// tuiConfigOf is the workbench's configuration for a command line.
func tuiConfigOf(t *testing.T, args ...string) (tui.Config, func()) {
	t.Helper()
	o, err := parseArgs(args, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	env := &environment{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, stdoutIsTTY: true}
	cfg, cleanup, err := tuiConfig(o, env, tuiDeps{})
	if err != nil {
		t.Fatal(err)
	}
	return cfg, cleanup
}

// runCLIEnv is runCLI with an environment.
func runCLIEnv(t *testing.T, vars map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &environment{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, getenv: func(k string) string { return vars[k] }}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code = run(ctx, args, env)
	return code, out.String(), errOut.String()
}
