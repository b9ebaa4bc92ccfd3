package spf

import (
	"errors"
	"fmt"
	"strings"
)

// Why a verdict or a node ended as it did, in words a technician can read
// to a customer: no "spf: permanent error:" chains, no Go punctuation.

// Cause says what err means, without where it happened: "gone.example has
// no SPF record", "more than 10 DNS lookups (RFC 7208 §4.6.4)". "" for
// nil.
func Cause(err error) string {
	if err == nil {
		return ""
	}
	var ee *EvalError
	inner := err
	domain := ""
	if errors.As(err, &ee) {
		inner, domain = ee.Err, ee.Domain
	}
	var se *SyntaxError
	switch {
	case errors.Is(err, ErrLookupLimit):
		return fmt.Sprintf("more than %d DNS lookups (RFC 7208 §4.6.4)", LookupLimit)
	case errors.Is(err, ErrVoidLimit):
		return fmt.Sprintf("more than %d lookups that found nothing (RFC 7208 §4.6.4)", VoidLookupLimit)
	case errors.Is(err, ErrMXLimit):
		// "<target> has <n>"
		name, n, _ := strings.Cut(after(inner, ErrMXLimit), " has ")
		return fmt.Sprintf("%s has %s MX hosts, more than the %d an mx term may look up (RFC 7208 §4.6.4)", name, n, MXNameLimit)
	case errors.Is(err, ErrMultipleRecords):
		return fmt.Sprintf("%s publishes more than one SPF record; receivers treat that as broken (RFC 7208 §4.5)", domain)
	case errors.Is(err, ErrLoop):
		name, _, _ := strings.Cut(after(inner, ErrLoop), " is already on the path")
		return fmt.Sprintf("leads back to %s, which is already on the path (a loop)", name)
	case errors.Is(err, ErrNoRecord) && errors.Is(err, ErrMalformedDomain):
		return "the target is not a valid domain name"
	case errors.Is(err, ErrNoRecord):
		target := after(inner, ErrNoRecord)
		if strings.HasSuffix(target, " is not a valid domain") {
			return target + " name"
		}
		return target + " has no SPF record (RFC 7208 §5.2)"
	case errors.Is(err, ErrInvalidRecord) && errors.As(err, &se):
		return fmt.Sprintf("syntax error in %s's record at %q: %s", domain, se.Term, se.Reason)
	case errors.Is(err, ErrInvalidRecord):
		return fmt.Sprintf("syntax error in %s's record", domain)
	case errors.Is(err, ErrMalformedDomain):
		return MalformedDomainWords(domain)
	case errors.Is(err, ErrTemporary):
		return "a DNS lookup failed: " + dnsCause(inner)
	case errors.Is(err, ErrNoClientIP):
		return "no valid client IP address was given"
	case errors.Is(err, ErrTreeLimit):
		return "not fetched ahead of time (" + after(inner, ErrTreeLimit) + "); evaluation asks for it when it gets there"
	}
	return ErrorText(err)
}

// Reason is Cause with the term and record where evaluation stopped:
// `more than 10 DNS lookups (RFC 7208 §4.6.4), at "include:x.example" in
// y.example's record`. "" for nil. An error with no term (the record
// itself is broken, or its lookup failed) names its domain in the cause.
func Reason(err error) string {
	c := Cause(err)
	var ee *EvalError
	if c == "" || !errors.As(err, &ee) || ee.Term == "" {
		return c
	}
	return fmt.Sprintf("%s, at %q in %s's record", c, ee.Term, ee.Domain)
}

// MalformedDomainWords says why a name is not a domain check_host() can
// check; its result is none (RFC 7208 §4.3).
func MalformedDomainWords(name string) string {
	n := strings.TrimSuffix(name, ".")
	switch {
	case n == "":
		return "no domain to check (the identity is empty), so the result is none (RFC 7208 §4.3)"
	case !strings.Contains(n, "."):
		return fmt.Sprintf("%q is a single label, not a fully qualified domain name, so SPF cannot check it and the result is none (RFC 7208 §4.3)", n)
	}
	return fmt.Sprintf("%q is not a valid domain name, so SPF cannot check it and the result is none (RFC 7208 §4.3)", n)
}

// dnsCause is the resolver's error under a temporary failure ("TXT
// x.example at 192.0.2.53:53: SERVFAIL"), which names the question.
func dnsCause(err error) string {
	if m, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range m.Unwrap() {
			if !errors.Is(e, ErrTemporary) {
				return e.Error()
			}
		}
	}
	return after(err, ErrTemporary)
}

// after is err's text after the sentinel's own text: the detail a
// fmt.Errorf("%w: detail", sentinel) added.
func after(err, sentinel error) string {
	s := err.Error()
	if i := strings.Index(s, sentinel.Error()); i >= 0 {
		s = s[i+len(sentinel.Error()):]
	}
	return strings.TrimPrefix(s, ": ")
}
