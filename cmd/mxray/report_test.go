package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/mxray/mxray/diag/demo"
)

// reportClock is the day the demo's reports are read on in tests, so the
// staleness findings do not follow the calendar.
func reportClock() time.Time { return time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC) }

// runReportCLI runs the command line with the test clock.
func runReportCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &environment{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut, now: reportClock}
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	code = run(ctx, args, env)
	return code, out.String(), errOut.String()
}

// TestDemoReportGolden pins "mxray --demo report" as text, Markdown and
// JSON (go test ./cmd/mxray -update rewrites them).
func TestDemoReportGolden(t *testing.T) {
	for _, tt := range []struct{ name, flag string }{{"text", "--format=text"}, {"markdown", "--format=markdown"}, {"json", "--json"}} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runReportCLI(t, "", "--demo", "report", tt.flag)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			golden.RequireEqual(t, []byte(normalizeProvenance(out)))
		})
	}
}

// TestReportContract: the JSON has the contract's fields (DESIGN.md).
func TestReportContract(t *testing.T) {
	_, out, _ := runReportCLI(t, "", "--demo", "report", "--json")
	var v struct {
		Reports []map[string]any `json:"reports"`
		Sources []map[string]any `json:"sources"`
		Totals  map[string]any   `json:"totals"`
		Finds   []map[string]any `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	for _, r := range v.Reports {
		for _, k := range []string{"org_name", "report_id", "begin", "end", "domain", "schema", "policy"} {
			if _, ok := r[k]; !ok {
				t.Errorf("report lacks %s: %v", k, r)
			}
		}
	}
	for _, s := range v.Sources {
		for _, k := range []string{"ip", "ptr", "service", "messages", "dmarc_pass", "dkim_aligned", "spf_aligned", "dispositions", "header_from", "envelope_from", "dkim_domains", "authorised_by"} {
			if _, ok := s[k]; !ok {
				t.Errorf("source lacks %s: %v", k, s)
			}
		}
	}
	for _, k := range []string{"messages", "dmarc_pass", "dmarc_fail"} {
		if _, ok := v.Totals[k]; !ok {
			t.Errorf("totals lack %s", k)
		}
	}
	if len(v.Finds) == 0 {
		t.Error("no findings")
	}
}

// TestReportInputs: files, stdin and content detection, and the exit
// statuses: 2 when no report could be read, 1 when one of several could
// not (an error finding), 0 otherwise.
func TestReportInputs(t *testing.T) {
	dir := t.TempDir()
	var xml []byte
	for _, f := range demo.Reports() {
		if strings.Contains(f.Name, "healthy") {
			xml = f.Data
		}
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(xml)
	_ = zw.Close()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	report := write("receiver.example!healthy.example!1795132800!1795219199.xml.gz", gz.Bytes())
	noExt := write("attachment", gz.Bytes()) // by content, not by name
	junk := write("junk.xml", []byte("<html>not a report</html>"))
	headers := write("message.eml", demo.SampleMessage())
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  int
		out   string
		err   string
	}{
		{"one gzip file", "", []string{"--demo", "report", report}, exitOK, "Readiness of healthy.example", ""},
		{"stdin", string(xml), []string{"--demo", "report", "-"}, exitOK, "Readiness of healthy.example", ""},
		{"a file that is no report, beside one that is", "", []string{"--demo", "report", report, junk}, exitFindings, "reports.unreadable", ""},
		{"nothing readable", "", []string{"--demo", "report", junk}, exitCannot, "", "no DMARC aggregate report could be read: " + junk},
		{"no file", "", []string{"report"}, exitCannot, "", "report needs one or more FILEs"},
		{"stdin twice", "", []string{"--demo", "report", "-", "-"}, exitCannot, "", "- (stdin) may be given once"},
		{"mxray FILE with reports, no terminal", "", []string{"--demo", noExt}, exitOK, "Readiness of healthy.example", ""},
		{"mxray - with reports, no terminal", string(xml), []string{"--demo", "-"}, exitOK, "Readiness of healthy.example", ""},
		{"mxray FILE with headers, no terminal", "", []string{"--demo", headers, "--no-recheck"}, exitCannot, "", "--no-recheck belongs to 'mxray headers'"},
		{"mxray FILE with headers", "", []string{"--demo", headers}, exitOK, "dkim d=mailer.example s=es2025", ""},
		{"flag of another command", "", []string{"--demo", "report", "--ip", "192.0.2.1"}, exitCannot, "", "--ip belongs to 'mxray check' and 'mxray spf'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runReportCLI(t, tt.stdin, tt.args...)
			if code != tt.want {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.want, out, errOut)
			}
			if !strings.Contains(out, tt.out) || !strings.Contains(errOut, tt.err) {
				t.Errorf("stdout lacks %q or stderr lacks %q:\n%s\n%s", tt.out, tt.err, out, errOut)
			}
		})
	}
}
