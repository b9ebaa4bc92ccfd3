package main

import (
	"strings"
	"testing"
)

func TestSPFIPFile(t *testing.T) {
	file := writeFile(t, "ips.txt", "203.0.113.10\n# a comment\n198.51.100.250\n")
	code, out, errOut := runCLI(t, "", "--demo", "spf", "healthy.example", "--ip-file", file, "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"ip":"203.0.113.10","result":"pass"`) || !strings.Contains(lines[1], `"line":3,"ip":"198.51.100.250","result":"fail"`) {
		t.Errorf("JSON Lines:\n%s", out)
	}

	// From stdin, as a table; a bad line is reported with its number and
	// skipped, and makes the exit status 1.
	code, out, errOut = runCLI(t, "192.0.2.30\nbogus\n", "--demo", "spf", "healthy.example", "--ip-file", "-")
	if code != exitFindings || !strings.Contains(errOut, "line 2:") || !strings.Contains(out, "192.0.2.30") || !strings.HasPrefix(out, "IP ") {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}

	for _, args := range [][]string{
		{"spf", "healthy.example", "--ip-file", file, "--ip", "192.0.2.1"},
		{"spf", "healthy.example", "--ip-file", file, "--format", "markdown"},
		{"spf", "--ip-file", file},
		{"check", "healthy.example", "--ip-file", file},
	} {
		if code, _, errOut := runCLI(t, "", append([]string{"--demo"}, args...)...); code != exitCannot || !strings.Contains(errOut, "see mxray --help") {
			t.Errorf("%v: exit %d, %q; want a usage error", args, code, errOut)
		}
	}
	if code, _, errOut := runCLI(t, "", "--demo", "spf", "healthy.example", "--ip-file", "/nonexistent/ips"); code != exitCannot || !strings.Contains(errOut, "no such file") {
		t.Errorf("missing file: exit %d, %q", code, errOut)
	}
}
