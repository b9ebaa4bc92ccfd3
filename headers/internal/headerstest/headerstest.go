// Package headerstest holds what the tests of the header packages share:
// a header given as text, parsed and analysed in one step.
package headerstest

import (
	"testing"

	"github.com/mxray/mxray/headers"
)

// Parse parses a header given as text and analyses it with no options;
// the test fails when it does not parse.
func Parse(tb testing.TB, text string) (*headers.Message, *headers.Analysis) {
	tb.Helper()
	m, err := headers.Parse([]byte(text))
	if err != nil {
		tb.Fatal(err)
	}
	return m, headers.Analyze(m, headers.Options{})
}
