package spf

import (
	"fmt"
	"strings"
)

// recStatus is the outcome of looking up and selecting a domain's record.
type recStatus uint8

const (
	recOK        recStatus = iota
	recNone                // NXDOMAIN, or no TXT record starting with v=spf1
	recMultiple            // more than one SPF record: permerror
	recInvalid             // a syntax error: permerror
	recTemporary           // the TXT lookup failed: temperror
)

// recInfo is a domain's SPF record as looked up, selected and parsed
// (RFC 7208 §4.4, §4.5, §4.6). It is shared by every node and evaluation
// that reaches the domain, and never changed once built.
type recInfo struct {
	status  recStatus
	nx      bool         // the TXT lookup said NXDOMAIN
	void    bool         // the TXT lookup returned no records or NXDOMAIN
	strings TXTRecord    // the selected record's character-strings
	text    string       // the selected record, strings joined
	all     []string     // every SPF record, when there are several
	ignored []ignoredTXT // TXT records that start like SPF but are not
	// senderID are Sender ID records (spf2.0/...) at the domain, which
	// SPF ignores (RFC 7208 §4.5); at most 4 are kept.
	senderID []string
	parsed   *Record
	err      error // why status is not recOK
}

// ignoredTXT is a TXT record that starts with "v=spf1" not followed by a
// space or its end: not an SPF record (RFC 7208 §4.5), but probably meant as
// one.
type ignoredTXT struct {
	strs TXTRecord
	text string
}

// joinTXT joins the character-strings of one TXT record with nothing
// between them (RFC 7208 §3.3).
func joinTXT(r TXTRecord) string {
	if len(r) == 1 {
		return r[0]
	}
	return strings.Join(r, "")
}

// selectRecord applies RFC 7208 §4.4 and §4.5 to a TXT answer for domain.
func selectRecord(domain string, a *answer) *recInfo {
	ri := &recInfo{}
	switch {
	case a.temporary():
		ri.status = recTemporary
		ri.err = &EvalError{Domain: domain, Err: fmt.Errorf("%w: TXT lookup: %w", ErrTemporary, a.err)}
		return ri
	case a.err != nil:
		ri.status, ri.nx, ri.void = recNone, true, true
		return ri
	}
	ri.void = len(a.txt) == 0
	var found []TXTRecord
	for _, t := range a.txt {
		text := joinTXT(t)
		switch {
		case hasVersion(text):
			found = append(found, t)
		case len(text) > len(Version) && strings.EqualFold(text[:len(Version)], Version) && len(ri.ignored) < 4:
			ri.ignored = append(ri.ignored, ignoredTXT{strs: t, text: text})
		case len(text) >= len(SenderIDPrefix) && strings.EqualFold(text[:len(SenderIDPrefix)], SenderIDPrefix) && len(ri.senderID) < 4:
			ri.senderID = append(ri.senderID, text)
		}
	}
	switch len(found) {
	case 0:
		ri.status = recNone
		return ri
	case 1:
	default:
		ri.status = recMultiple
		for _, t := range found {
			ri.all = append(ri.all, joinTXT(t))
		}
		ri.err = &EvalError{Domain: domain, Err: fmt.Errorf("%w: %d TXT records start with v=spf1", ErrMultipleRecords, len(found))}
	}
	ri.strings = found[0]
	ri.text = joinTXT(found[0])
	if ri.status == recMultiple {
		return ri
	}
	p, err := Parse(ri.text)
	ri.parsed = p
	if err != nil {
		ri.status = recInvalid
		ri.err = &EvalError{Domain: domain, Err: fmt.Errorf("%w: %w", ErrInvalidRecord, err)}
	}
	return ri
}
