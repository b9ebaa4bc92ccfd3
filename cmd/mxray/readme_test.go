package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestREADMESample runs the commands of the README's sample and checks that
// every line shown under each is in its output, in order, so the sample
// cannot drift from the program.
func TestREADMESample(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)<!-- sample:begin -->\n```\n(.*?)```\n<!-- sample:end -->").FindSubmatch(b)
	if m == nil {
		t.Fatal("README has no sample block")
	}
	var cmd []string
	var shown []string
	check := func() {
		if cmd == nil {
			return
		}
		_, out, errOut := runCLI(t, "", cmd...)
		rest := out
		for _, line := range shown {
			if strings.TrimSpace(line) == "" {
				continue
			}
			i := strings.Index(rest, line)
			if i < 0 {
				t.Errorf("mxray %s: README shows %q, which the output lacks (or not in this order):\n%s%s", strings.Join(cmd, " "), line, out, errOut)
				return
			}
			rest = rest[i+len(line):]
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
