package dmarc

import (
	"errors"
)

// Sentinel errors, wrapped by the *taglist.SyntaxError the parser returns
// (several of them as a taglist.SyntaxErrors); tell them apart with
// errors.Is.
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
