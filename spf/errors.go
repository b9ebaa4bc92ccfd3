package spf

import (
	"errors"
	"fmt"
	"strings"
)

// Syntax errors (RFC 7208 §4.6, §12 ABNF). Each wraps ErrSyntax, so
// errors.Is(err, ErrSyntax) tells any of them apart from DNS trouble.
var (
	// ErrSyntax is the root of every record syntax error.
	ErrSyntax = errors.New("spf: syntax error")
	// ErrNotSPF: the text does not start with "v=spf1" and a space or its end.
	ErrNotSPF = fmt.Errorf("%w: not an SPF record", ErrSyntax)
	// ErrUnknownMechanism: a term is neither a known mechanism nor a modifier.
	ErrUnknownMechanism = fmt.Errorf("%w: unknown mechanism", ErrSyntax)
	// ErrArgument: a mechanism or modifier has a missing, empty or unexpected
	// argument.
	ErrArgument = fmt.Errorf("%w: bad argument", ErrSyntax)
	// ErrDomainSpec: a domain-spec does not end in a macro or a valid top
	// label (RFC 7208 §7.1).
	ErrDomainSpec = fmt.Errorf("%w: invalid domain-spec", ErrSyntax)
	// ErrMacro: a macro is malformed or uses a letter not allowed there
	// (RFC 7208 §7.1).
	ErrMacro = fmt.Errorf("%w: invalid macro", ErrSyntax)
	// ErrCIDR: a CIDR length is malformed or out of range (RFC 7208 §5.6).
	ErrCIDR = fmt.Errorf("%w: invalid CIDR length", ErrSyntax)
	// ErrNetwork: an ip4 or ip6 network is not a valid address (RFC 7208 §5.6).
	ErrNetwork = fmt.Errorf("%w: invalid network address", ErrSyntax)
	// ErrDuplicateModifier: redirect or exp appears more than once
	// (RFC 7208 §6).
	ErrDuplicateModifier = fmt.Errorf("%w: modifier appears more than once", ErrSyntax)
	// ErrCharacter: a byte outside printable US-ASCII, or a separator other
	// than a space (RFC 7208 §3.1, §4.6.1).
	ErrCharacter = fmt.Errorf("%w: character not allowed", ErrSyntax)
)

// Evaluation failures. Permanent ones wrap ErrPermanent (result permerror),
// temporary ones wrap ErrTemporary (result temperror).
var (
	// ErrPermanent is the root of every permerror cause.
	ErrPermanent = errors.New("spf: permanent error")
	// ErrTemporary is the root of every temperror cause.
	ErrTemporary = errors.New("spf: temporary DNS failure")
	// ErrLookupLimit: more than 10 DNS-querying terms (RFC 7208 §4.6.4).
	ErrLookupLimit = fmt.Errorf("%w: more than %d DNS-querying terms", ErrPermanent, LookupLimit)
	// ErrVoidLimit: more than 2 void lookups (RFC 7208 §4.6.4).
	ErrVoidLimit = fmt.Errorf("%w: more than %d void lookups", ErrPermanent, VoidLookupLimit)
	// ErrMXLimit: an mx mechanism returned more than 10 MX names
	// (RFC 7208 §4.6.4).
	ErrMXLimit = fmt.Errorf("%w: more than %d MX names", ErrPermanent, MXNameLimit)
	// ErrMultipleRecords: a domain publishes more than one SPF record
	// (RFC 7208 §4.5).
	ErrMultipleRecords = fmt.Errorf("%w: more than one SPF record", ErrPermanent)
	// ErrNoRecord: an include or redirect target has no SPF record or is not a
	// valid domain (RFC 7208 §5.2, §6.1).
	ErrNoRecord = fmt.Errorf("%w: target has no SPF record", ErrPermanent)
	// ErrInvalidRecord: the record has a syntax error (RFC 7208 §4.6); the
	// *SyntaxError is wrapped too.
	ErrInvalidRecord = fmt.Errorf("%w: record has a syntax error", ErrPermanent)
	// ErrLoop: an include or redirect leads back to a domain on its own path.
	ErrLoop = fmt.Errorf("%w: include or redirect loop", ErrPermanent)
)

// Conditions that are neither permerror nor temperror by themselves.
var (
	// ErrMalformedDomain: a name is not a valid domain (RFC 7208 §4.3). At
	// the top this gives "none"; as an include or redirect target it is
	// wrapped in ErrNoRecord (permerror).
	ErrMalformedDomain = errors.New("spf: not a valid domain name")
	// ErrTreeLimit: Prefetch did not fetch a record because its depth or node
	// limit was reached. Evaluation is not affected: it asks when it gets
	// there, bounded by the RFC 7208 limits.
	ErrTreeLimit = errors.New("spf: tree limit reached, not fetched ahead of time")
)

// SyntaxError says which term of a record breaks RFC 7208's grammar, where,
// and why, in words a technician can read to a customer.
type SyntaxError struct {
	Term   string // the term as written (raw bytes; sanitise before display)
	Pos    int    // byte offset of the term in the record
	Reason string // what is wrong and, where there is one, what was meant
	Err    error  // the sentinel: ErrUnknownMechanism, ErrCIDR, ...
}

// Error says which term, where, and why.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("spf: term %q at byte %d: %s", e.Term, e.Pos, e.Reason)
}

// Unwrap returns the sentinel, which itself wraps ErrSyntax.
func (e *SyntaxError) Unwrap() error { return e.Err }

// EvalError says where check_host() stopped with permerror or temperror: the
// record's domain, the term being evaluated, and the cause.
type EvalError struct {
	Domain string // the domain whose record was being evaluated
	Term   string // the term, when one was being evaluated
	Err    error  // wraps ErrPermanent or ErrTemporary, and any DNS error
}

// Error names the record and term, then the cause.
func (e *EvalError) Error() string {
	if e.Term != "" {
		return fmt.Sprintf("%s (%s): %v", e.Domain, e.Term, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Domain, e.Err)
}

// Unwrap returns the cause.
func (e *EvalError) Unwrap() error { return e.Err }

// resultOf maps an evaluation error to the result it produces.
func resultOf(err error) Result {
	if errors.Is(err, ErrTemporary) {
		return TempError
	}
	return PermError
}

// ErrorText renders err without the "spf: " prefixes of the sentinels it
// wraps, for a sentence that already says it is about SPF; "" for nil.
func ErrorText(err error) string {
	if err == nil {
		return ""
	}
	return strings.ReplaceAll(err.Error(), "spf: ", "")
}
