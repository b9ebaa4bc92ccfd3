package main

import (
	"bytes"
	"encoding/json"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// provenanceClock is the time the provenance tests run at.
func provenanceClock() time.Time { return time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC) }

var (
	versionField   = regexp.MustCompile(`("mxray_version": ?)"[^"]*"`)
	generatedField = regexp.MustCompile(`("generated_at": ?)"[^"]*"`)
)

// normalizeProvenance replaces the values of a report's provenance that
// change from build to build and run to run (the version, the time) with
// fixed words, for golden files.
func normalizeProvenance(s string) string {
	s = strings.ReplaceAll(s, "mxray "+version()+" · ", "mxray VERSION · ")
	s = regexp.MustCompile(`(?m)^(mxray VERSION · )\S+( · DNS: )`).ReplaceAllString(s, "${1}TIME${2}")
	s = versionField.ReplaceAllString(s, `${1}"VERSION"`)
	return generatedField.ReplaceAllString(s, `${1}"TIME"`)
}

// TestProvenanceEveryReport: every report of every subcommand, as JSON,
// text and Markdown, says which mxray made it, when, and from which DNS
// (issue 21 point 2; before, none did).
func TestProvenanceEveryReport(t *testing.T) {
	list := writeFile(t, "list.txt", "healthy.example\nbroken.example\n")
	header := writeFile(t, "h.eml", hostileHeader("x"))
	runs := [][]string{
		{"--demo", "check", "healthy.example"},
		{"--demo", "check", "-f", list},
		{"--demo", "spf", "healthy.example", "--ip", "203.0.113.10"},
		{"--demo", "spf", "healthy.example"},
		{"--demo", "headers"},
		{"--demo", "headers", header, "--no-recheck"},
		{"--demo", "report"},
		{"--demo", "smtp", "healthy.example"},
		{"--demo", "dns", "changed.example", "TXT"},
		{"--demo", "check", "healthy.example", "--smtp"},
		{"--demo", "healthy.example"},
	}
	for _, args := range runs {
		for _, format := range []string{"--json", "--format=text", "--format=markdown"} {
			name := strings.Join(append(args[1:], format), " ")
			t.Run(name, func(t *testing.T) {
				code, out, errOut := runCLIWith(t, &environment{now: provenanceClock}, "", append(args, format)...)
				if code == exitCannot {
					t.Fatalf("exit 2: %s", errOut)
				}
				mode := "demo"
				if strings.Contains(name, "--no-recheck") {
					mode = "none"
				}
				if format == "--json" {
					for _, line := range jsonValues(t, out) {
						var v struct {
							Version   *string   `json:"mxray_version"`
							Generated string    `json:"generated_at"`
							Resolvers *[]string `json:"resolvers"`
							Mode      string    `json:"mode"`
						}
						if err := json.Unmarshal(line, &v); err != nil {
							t.Fatal(err)
						}
						if v.Version == nil || *v.Version != version() || *v.Version == "(devel)" || *v.Version == "" {
							t.Errorf("mxray_version %v, want %q", v.Version, version())
						}
						if when, err := time.Parse(time.RFC3339, v.Generated); err != nil || !when.Equal(provenanceClock()) {
							t.Errorf("generated_at %q (%v), want %s", v.Generated, err, provenanceClock().Format(time.RFC3339))
						}
						if v.Resolvers == nil || len(*v.Resolvers) != 0 || v.Mode != mode {
							t.Errorf("resolvers %v, mode %q; want [] and %q", v.Resolvers, v.Mode, mode)
						}
					}
					return
				}
				want := "mxray " + version() + " · 2026-11-22T09:30:00Z · DNS: the demo zone (--demo)"
				if mode == "none" {
					want = "mxray " + version() + " · 2026-11-22T09:30:00Z · DNS: none asked"
				}
				if n := strings.Count(out, want); n == 0 || n != strings.Count(out, "mxray "+version()+" · ") {
					t.Errorf("the report does not end with %q:\n%s", want, out)
				}
			})
		}
	}
}

// compact is JSON without its white space.
func compact(raw json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return "not JSON: " + err.Error()
	}
	return b.String()
}

// jsonValues splits a JSON document or JSON Lines into values.
func jsonValues(t *testing.T, out string) []json.RawMessage {
	t.Helper()
	var vals []json.RawMessage
	dec := json.NewDecoder(strings.NewReader(out))
	for dec.More() {
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, out)
		}
		vals = append(vals, v)
	}
	if len(vals) == 0 {
		t.Fatalf("no JSON in %q", out)
	}
	return vals
}

// TestProvenanceModes: the resolvers asked and the mode, for --resolver,
// --authoritative and --zone.
func TestProvenanceModes(t *testing.T) {
	guard := guardResolver(t)
	zone := writeFile(t, "draft.zone", "$ORIGIN draft.example.\n@ SOA ns.draft.example. h.draft.example. 1 3600 600 86400 300\n@ TXT \"v=spf1 -all\"\n")
	tests := []struct {
		args     []string
		mode     string
		zoneFile string
		line     string
	}{
		{[]string{"--resolver", guard.Addr()}, "resolver", "", "DNS: " + guard.Addr()},
		{[]string{"--resolver", guard.Addr(), "--authoritative"}, "authoritative", "", "DNS: each zone's own nameservers (--authoritative), found through " + guard.Addr()},
		{[]string{"--resolver", guard.Addr(), "--zone", zone}, "zone", zone, "DNS: --zone " + zone + ", the rest from " + guard.Addr()},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			args := append(tt.args, "spf", "draft.example", "--ip", "192.0.2.1")
			_, out, errOut := runCLI(t, "", append(args, "--json")...)
			var v struct {
				Resolvers []string `json:"resolvers"`
				Mode      string   `json:"mode"`
				ZoneFile  string   `json:"zone_file"`
			}
			if err := json.Unmarshal([]byte(out), &v); err != nil {
				t.Fatalf("%v: %s%s", err, out, errOut)
			}
			if len(v.Resolvers) != 1 || v.Resolvers[0] != guard.Addr() || v.Mode != tt.mode || v.ZoneFile != tt.zoneFile {
				t.Errorf("resolvers %v, mode %q, zone %q; want [%s], %q, %q", v.Resolvers, v.Mode, v.ZoneFile, guard.Addr(), tt.mode, tt.zoneFile)
			}
			_, out, _ = runCLI(t, "", args...)
			if !strings.Contains(out, tt.line+"\n") {
				t.Errorf("text lacks %q:\n%s", tt.line, out)
			}
		})
	}
}

// TestVersionFrom: the version is the build stamp, else the module
// version, else the VCS revision (marked dirty), and never Go's "(devel)".
func TestVersionFrom(t *testing.T) {
	vcs := func(rev, modified string) *debug.BuildInfo {
		return &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}}
	}
	tests := []struct {
		stamp string
		bi    *debug.BuildInfo
		ok    bool
		want  string
	}{
		{"v1.2.0-3-gabc1234-dirty", vcs("0123456789abcdef", "true"), true, "v1.2.0-3-gabc1234-dirty"},
		{"", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.0"}}, true, "v1.2.0"},
		{"", vcs("0123456789abcdef0123", "true"), true, "0123456789ab-dirty"},
		{"", vcs("0123456789abcdef0123", "false"), true, "0123456789ab"},
		{"", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, true, unknownVersion},
		{"", nil, false, unknownVersion},
	}
	for _, tt := range tests {
		if got := versionFrom(tt.stamp, tt.bi, tt.ok); got != tt.want || got == "(devel)" {
			t.Errorf("versionFrom(%q, %+v) = %q, want %q", tt.stamp, tt.bi, got, tt.want)
		}
	}
	code, out, _ := runCLI(t, "", "--version")
	if code != exitOK || out != "mxray "+version()+"\n" {
		t.Errorf("--version printed %q, want the reports' version %q", out, version())
	}
}

// TestSPFJSONOneShape: "mxray spf --json" carries results with one IP as
// with several, and the first IP's verdict flat beside it; without an IP,
// results is empty (issue 21 point 3; before, one IP had no results and
// several had no flat fields).
func TestSPFJSONOneShape(t *testing.T) {
	type verdict struct {
		IP      string          `json:"ip"`
		Result  string          `json:"result"`
		Lookups *int            `json:"lookups"`
		Matched json.RawMessage `json:"matched"`
	}
	type answer struct {
		verdict
		Domain  string    `json:"domain"`
		Tree    any       `json:"tree"`
		Results []verdict `json:"results"`
	}
	for _, ips := range [][]string{{"203.0.113.10"}, {"198.51.100.250", "203.0.113.10"}, nil} {
		args := []string{"--demo", "spf", "healthy.example", "--json"}
		for _, ip := range ips {
			args = append(args, "--ip", ip)
		}
		_, out, errOut := runCLI(t, "", args...)
		var a answer
		if err := json.Unmarshal([]byte(out), &a); err != nil {
			t.Fatalf("%v: %v\n%s", ips, err, errOut)
		}
		if !strings.Contains(out, `"results": [`) || len(a.Results) != len(ips) || a.Domain != "healthy.example" || a.Tree == nil {
			t.Fatalf("%v: results %+v, domain %q:\n%.400s", ips, a.Results, a.Domain, out)
		}
		for i, ip := range ips {
			if a.Results[i].IP != ip || a.Results[i].Result == "" || a.Results[i].Lookups == nil {
				t.Errorf("%v: results[%d] = %+v", ips, i, a.Results[i])
			}
		}
		if len(ips) > 0 {
			first := a.Results[0]
			if a.IP != first.IP || a.Result != first.Result || *a.Lookups != *first.Lookups || compact(a.Matched) != compact(first.Matched) {
				t.Errorf("%v: flat %+v, want the first result %+v", ips, a.verdict, first)
			}
		}
	}
}
