package render

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mxray/mxray/diag/finding"
)

// Plural counts a thing in words: "1 lookup", "3 lookups".
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// FindingsDoc lists findings, worst first, each with its fix, under a
// "Findings" heading.
func FindingsDoc(d *Doc, fs []finding.Finding) {
	d.Heading(2, "Findings")
	if len(fs) == 0 {
		d.Para("No problems found.")
		return
	}
	items := make([]string, len(fs))
	for i, f := range fs {
		items[i] = fmt.Sprintf("%s %s: %s Fix: %s", strings.ToUpper(string(f.Severity)), f.Code, f.Message, f.Fix)
	}
	d.List(items...)
}
