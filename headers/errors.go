package headers

import (
	"errors"
	"fmt"

	"github.com/mxray/mxray/headers/paste"
)

// Limits of Parse. They bound memory and time for hostile input while
// leaving room for any real message header: the largest real headers seen
// in the wild (long ARC and DKIM sets, thousands of recipients in To) stay
// far below both.
const (
	// MaxInputSize is the largest input Parse accepts: 4 MiB.
	MaxInputSize = 4 << 20
	// MaxFields is the largest number of header fields Parse accepts.
	MaxFields = 5000
)

// The errors Parse returns, each wrapped in an *InputError. Tell them apart
// with errors.Is.
var (
	// ErrTooLarge: the input is larger than MaxInputSize.
	ErrTooLarge = errors.New("input too large")
	// ErrTooManyFields: the header has more than MaxFields fields.
	ErrTooManyFields = errors.New("too many header fields")
	// ErrOutlookMsg: the input is an Outlook .msg file (an OLE compound
	// file), not text.
	ErrOutlookMsg = errors.New("outlook .msg file")
	// ErrNoHeaders: no header field could be read at all.
	ErrNoHeaders = errors.New("no header fields")
)

// InputError says why an input cannot be used at all, and what to do.
type InputError struct {
	Err    error  // one of ErrTooLarge, ErrTooManyFields, ErrOutlookMsg, ErrNoHeaders
	Line   int    // the line concerned, when there is one (1-based); else 0
	Detail string // what was found and what to do, in a technician's words
}

// Error says why the input cannot be used.
func (e *InputError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%v at line %d: %s", e.Err, e.Line, e.Detail)
	}
	return fmt.Sprintf("%v: %s", e.Err, e.Detail)
}

// Unwrap returns the sentinel error.
func (e *InputError) Unwrap() error { return e.Err }

// Problem is damage Parse found in the input and repaired or skipped, said
// in a technician's words, with its kind and line (headers/paste).
type Problem = paste.Problem

// RepairKind names a kind of paste damage (headers/paste).
type RepairKind = paste.RepairKind
