package taglist

import (
	"fmt"
	"strings"
)

// SyntaxError says where a tag=value text (a tag-list, a DMARC record, an
// MTA-STS, TLS-RPT or BIMI record, a policy file) breaks its grammar, and
// why. Err is the sentinel of the package that found it, for errors.Is.
type SyntaxError struct {
	Pos int // byte offset in the text
	// Tag is the tag being read, when known and when the grammar calls it
	// a tag (RFC 6376, RFC 9989): the message names it `tag "rua"`.
	Tag string
	// Field is the field or key being read, when the grammar calls it
	// that (RFC 8461, RFC 8460): the message names it bare, `rua`.
	Field  string
	Value  string // the offending text, when useful
	Reason string // what is wrong, in words
	Err    error  // the sentinel it wraps
}

// Error says where the text breaks and why: `tag "rua" at byte 62: …`,
// `rua at byte 16: …`, or `at byte 0: …`.
func (e *SyntaxError) Error() string {
	switch {
	case e.Tag != "":
		return fmt.Sprintf("tag %q at byte %d: %s", e.Tag, e.Pos, e.Reason)
	case e.Field != "":
		return fmt.Sprintf("%s at byte %d: %s", e.Field, e.Pos, e.Reason)
	}
	return fmt.Sprintf("at byte %d: %s", e.Pos, e.Reason)
}

// Unwrap returns the sentinel, for errors.Is.
func (e *SyntaxError) Unwrap() error { return e.Err }

// SyntaxErrors is every syntax error of one text that was still usable
// enough to read: the broken parts were discarded.
type SyntaxErrors []*SyntaxError

// Error joins the errors' messages with "; ".
func (es SyntaxErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// Unwrap returns the individual errors, for errors.Is and errors.As.
func (es SyntaxErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// Join returns es as one error (a SyntaxErrors), or nil when there are
// none.
func Join(es []*SyntaxError) error {
	if len(es) == 0 {
		return nil
	}
	return SyntaxErrors(es)
}
