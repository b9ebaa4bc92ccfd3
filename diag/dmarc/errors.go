package dmarc

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors, wrapped by *SyntaxError; tell them apart with errors.Is.
var (
	// ErrNotDMARC: the text does not start with v=DMARC1, so it is not a
	// DMARC policy record and the whole record is ignored (RFC 9989 §4.7,
	// tag "v").
	ErrNotDMARC = errors.New("not a DMARC record")
	// ErrSyntax: a tag breaks the record ABNF (RFC 9989 §4.8); it is
	// discarded in favour of its default.
	ErrSyntax = errors.New("syntax error")
	// ErrValue: a known tag has a value its ABNF rule does not allow
	// (RFC 9989 §4.8, Table 2); the tag is discarded.
	ErrValue = errors.New("invalid value")
	// ErrDuplicate: a tag appears more than once; the first is kept.
	ErrDuplicate = errors.New("duplicate tag")
	// ErrURI: one reporting URI in rua or ruf is not usable (RFC 9989
	// §4.6, §4.8 dmarc-uri); the other URIs of the list are kept.
	ErrURI = errors.New("invalid reporting URI")
)

// SyntaxError says where a DMARC record breaks the grammar and why.
type SyntaxError struct {
	Pos    int    // byte offset in the record text
	Tag    string // the tag being read, when known
	Value  string // the offending text, when useful
	Reason string // what is wrong, in words
	Err    error  // one of the sentinels above
}

func (e *SyntaxError) Error() string {
	if e.Tag != "" {
		return fmt.Sprintf("tag %q at byte %d: %s", e.Tag, e.Pos, e.Reason)
	}
	return fmt.Sprintf("at byte %d: %s", e.Pos, e.Reason)
}

// Unwrap returns the sentinel, for errors.Is.
func (e *SyntaxError) Unwrap() error { return e.Err }

// RecordErrors is every syntax error of one record that was still a DMARC
// record: the broken tags were discarded in favour of their defaults, as
// RFC 9989 §4.8 requires.
type RecordErrors []*SyntaxError

func (es RecordErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// Unwrap returns the individual errors, for errors.Is and errors.As.
func (es RecordErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}
