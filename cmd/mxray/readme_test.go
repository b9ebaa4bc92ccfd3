package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// gap is the line that stands in the README's sample for lines of the
// output it leaves out: the sample is abridged there, and only there.
const gap = "…"

// provenanceValues matches the volatile part of a report's provenance line:
// the version and the time, which differ from build to build and run to run.
var provenanceValues = regexp.MustCompile(`^mxray .+ · \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ · DNS: `)

// normalizeLine gives the provenance line fixed values.
func normalizeLine(s string) string {
	return provenanceValues.ReplaceAllString(s, "mxray VERSION · TIME · DNS: ")
}

// TestREADMESample runs the commands of the README's sample and checks that
// the lines shown under each are the output's own: consecutive lines of it,
// from its first line to its last, except where a line "…" says lines are
// left out (the version and time of the provenance line aside). The sample
// cannot drift from the program, nor leave anything out unsaid.
func TestREADMESample(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)<!-- sample:begin -->\n```\n(.*?)```\n<!-- sample:end -->").FindSubmatch(b)
	if m == nil {
		t.Fatal("README has no sample block")
	}
	var cmd, shown []string
	check := func() {
		if cmd == nil {
			return
		}
		_, out, errOut := runCLI(t, "", cmd...)
		if err := sampleMatches(shown, out); err != "" {
			t.Errorf("mxray %s: %s\noutput:\n%s%s", strings.Join(cmd, " "), err, out, errOut)
		}
	}
	for _, line := range strings.Split(string(m[1]), "\n") {
		if c, ok := strings.CutPrefix(line, "$ mxray "); ok {
			check()
			c, _, _ = strings.Cut(c, "#")
			cmd, shown = strings.Fields(c), nil
			continue
		}
		shown = append(shown, line)
	}
	check()
}

// sampleMatches says how the sample lines shown differ from out ("" when
// they do not): each run of lines between gaps must be consecutive lines of
// out, in order, the first starting out and the last ending it unless a gap
// stands before or after.
func sampleMatches(shown []string, out string) string {
	for len(shown) > 0 && strings.TrimSpace(shown[len(shown)-1]) == "" {
		shown = shown[:len(shown)-1]
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	for i := range lines {
		lines[i] = normalizeLine(lines[i])
	}
	var segments [][]string
	cur := []string{}
	for _, l := range shown {
		if strings.TrimSpace(l) == gap {
			segments = append(segments, cur)
			cur = []string{}
			continue
		}
		cur = append(cur, normalizeLine(l))
	}
	segments = append(segments, cur)
	pos := 0
	for i, seg := range segments {
		if len(seg) == 0 {
			continue
		}
		at := -1
		for j := pos; j+len(seg) <= len(lines); j++ {
			if slices.Equal(lines[j:j+len(seg)], seg) {
				at = j
				break
			}
		}
		switch {
		case at < 0:
			return "these lines are not consecutive lines of the output, in this order:\n" + strings.Join(seg, "\n")
		case i == 0 && at != 0:
			return "the sample leaves out the first lines of the output without a line \"" + gap + "\""
		}
		pos = at + len(seg)
	}
	if last := segments[len(segments)-1]; len(last) > 0 && pos != len(lines) {
		return "the sample leaves out the last lines of the output without a line \"" + gap + "\""
	}
	return ""
}

// TestSampleMatches: the sample's rule, on its own: lines left out only
// where a gap line says so.
func TestSampleMatches(t *testing.T) {
	out := "a\nb\nc\nmxray v1 · 2026-01-01T00:00:00Z · DNS: x\n"
	tests := []struct {
		shown []string
		ok    bool
	}{
		{[]string{"a", "b", "c", "mxray 6ba3956 · 2026-12-02T17:01:59Z · DNS: x"}, true},
		{[]string{"a", gap, "mxray 1 · 2020-01-01T00:00:00Z · DNS: x", ""}, true},
		{[]string{gap, "b", gap}, true},
		{[]string{"a", "c", gap}, false},      // b left out unsaid
		{[]string{"b", "c", gap}, false},      // the first line left out unsaid
		{[]string{"a", "b", "c"}, false},      // the last line left out unsaid
		{[]string{gap, "c", "b", gap}, false}, // out of order
	}
	for _, tt := range tests {
		if err := sampleMatches(tt.shown, out); (err == "") != tt.ok {
			t.Errorf("%q: %q, want ok=%v", tt.shown, err, tt.ok)
		}
	}
}
