package trace

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/mxray/mxray/headers/rfc5322"
)

// Received is one Received field (RFC 5321 §4.4), read as far as it could
// be. RFC 5321 gives the clauses "from" (the name the client gave in
// EHLO/HELO, then TCP information in a comment), "by", "via", "with", "id"
// and "for", then ";" and the date; MTAs fill them in their own ways, and
// ParseReceived knows the common ones.
type Received struct {
	From  string     `json:"from"`               // the from-clause name as written ("mail.example.com", "[192.0.2.1]", "unknown")
	RDNS  string     `json:"rdns,omitempty"`     // the reverse-DNS name the receiver recorded in the TCP information, when given
	IP    netip.Addr `json:"-"`                  // the client IP, zone removed, IPv4-mapped addresses unmapped; invalid when not recorded
	HELO  string     `json:"helo"`               // the HELO/EHLO name: recorded explicitly (helo=, HELO x) or, by RFC 5321, the from name
	Ident string     `json:"ident,omitempty"`    // the client's ident or authenticated user, when recorded
	By    string     `json:"by"`                 // the receiving host, as written
	Via   string     `json:"via,omitempty"`      // the via-clause (link type)
	With  string     `json:"with"`               // the with-clause as written ("ESMTPS", "Microsoft SMTP Server")
	Proto Protocol   `json:"protocol,omitempty"` // the with-clause as an RFC 3848 protocol type, when one is recognised
	ID    string     `json:"id"`                 // the receiver's queue id, "<>" removed
	For   string     `json:"for"`                // the recipient the hop recorded, "<>" removed
	// EnvelopeFrom is the envelope sender when the MTA recorded it:
	// "(envelope-from <a@b>)", "envelope-sender", or "from <a@b>" after the
	// by-clause.
	EnvelopeFrom string `json:"envelope_from,omitempty"`

	Date     time.Time `json:"-"`         // zero when absent or unreadable; keeps the zone written
	DateText string    `json:"date_text"` // the text the date was read from
	// HELOGiven reports whether the HELO was recorded explicitly rather
	// than taken from the from name.
	HELOGiven bool `json:"-"`
	// RDNSUnknown reports whether the receiver recorded that the client
	// has no verified reverse-DNS name ("unknown").
	RDNSUnknown bool `json:"-"`
	// Notes lists what could not be read or was irregular.
	Notes []string `json:"notes,omitempty"`
}

// Protocol is a WITH protocol type of RFC 5321 §4.4 and RFC 3848, upper
// case, or "local" for a local hand-off.
type Protocol string

// The protocol types Received fields name most often.
const (
	ProtoSMTP    Protocol = "SMTP"    // RFC 5321
	ProtoESMTP   Protocol = "ESMTP"   // RFC 5321
	ProtoESMTPA  Protocol = "ESMTPA"  // RFC 3848: authenticated
	ProtoESMTPS  Protocol = "ESMTPS"  // RFC 3848: TLS
	ProtoESMTPSA Protocol = "ESMTPSA" // RFC 3848: TLS and authenticated
	ProtoLMTP    Protocol = "LMTP"    // RFC 2033
	ProtoLMTPA   Protocol = "LMTPA"   // RFC 3848
	ProtoLMTPS   Protocol = "LMTPS"   // RFC 3848
	ProtoLMTPSA  Protocol = "LMTPSA"  // RFC 3848
	ProtoHTTP    Protocol = "HTTP"    // webmail and API submission
	ProtoHTTPS   Protocol = "HTTPS"
	ProtoLocal   Protocol = "local" // a local hand-off (Exim "local", "local-esmtp")
)

// protocolNames maps the words found in with-clauses to protocol types.
var protocolNames = map[string]Protocol{
	"smtp": ProtoSMTP, "esmtp": ProtoESMTP, "esmtpa": ProtoESMTPA, "esmtps": ProtoESMTPS, "esmtpsa": ProtoESMTPSA,
	"lmtp": ProtoLMTP, "lmtpa": ProtoLMTPA, "lmtps": ProtoLMTPS, "lmtpsa": ProtoLMTPSA,
	"utf8smtp": "UTF8SMTP", "utf8smtpa": "UTF8SMTPA", "utf8smtps": "UTF8SMTPS", "utf8smtpsa": "UTF8SMTPSA",
	"utf8lmtp": "UTF8LMTP", "utf8lmtpa": "UTF8LMTPA", "utf8lmtps": "UTF8LMTPS", "utf8lmtpsa": "UTF8LMTPSA",
	"smtps": "SMTPS", "esmtp-tls": ProtoESMTPS, "smtpsvc": ProtoSMTP, "bsmtp": ProtoSMTP,
	"imap": "IMAP", "pop3": "POP3", "mapi": "MAPI", "submission": "SUBMISSION",
	"http": ProtoHTTP, "https": ProtoHTTPS, "local": ProtoLocal,
}

// protocolOf reads the protocol type out of a with-clause.
func protocolOf(with string) Protocol {
	local := false
	words := strings.FieldsFunc(strings.ToLower(with), func(r rune) bool {
		return r == ' ' || r == '/' || r == '[' || r == ']' || r == '(' || r == ')' || r == ',' || r == ';' || r == ':'
	})
	for _, w := range words {
		if rest, ok := strings.CutPrefix(w, "local-"); ok {
			local, w = true, rest
		}
		if p, ok := protocolNames[w]; ok {
			return p
		}
		if strings.HasPrefix(w, "http") {
			return ProtoHTTP
		}
	}
	if local {
		return ProtoLocal
	}
	return ""
}

// IsLocal reports whether the protocol is a local hand-off: LMTP to the
// mailbox store, or a local submission.
func (p Protocol) IsLocal() bool {
	return p == ProtoLocal || strings.HasPrefix(string(p), "LMTP") || strings.HasPrefix(string(p), "UTF8LMTP")
}

// ErrReceived is wrapped by the error ParseReceived returns.
var ErrReceived = errors.New("unreadable Received field")

// ReceivedError says why a Received field could not be read.
type ReceivedError struct {
	Reason string // what is missing, in words
}

// Error says why the field cannot be read.
func (e *ReceivedError) Error() string { return fmt.Sprintf("%v: %s", ErrReceived, e.Reason) }

// Unwrap returns ErrReceived.
func (e *ReceivedError) Unwrap() error { return ErrReceived }

// ParseReceived reads the value of a Received field (everything after the
// colon, folded or not). It returns what it could read; the error, a
// *ReceivedError, is non-nil only when there is no from, by, with, id or
// date clause at all. An unreadable date is a note, not an error.
//
// The client IP is read only from the from-clause: from the TCP
// information in its comments ("(host [192.0.2.1])", "(192.0.2.1)",
// "([192.0.2.1]:port helo=x)", "(user@192.0.2.1)", Exchange's bare IPv6),
// else from a bracketed address after the name, else from the name itself
// when it is an address. Never from id, by, version strings or build
// numbers.
func ParseReceived(value string) (Received, error) {
	s := rfc5322.Unfold(value)
	r := Received{}
	clauses, dateText := s, ""
	if semi := lastTopSemicolon(s); semi >= 0 {
		clauses, dateText = s[:semi], s[semi+1:]
	}
	toks := tokenizeReceived(clauses)
	if dateText == "" {
		toks, dateText = splitUnmarkedDate(clauses, toks, &r)
	}
	toks = expandLeadingFrom(toks)
	r.readClauses(toks)
	if strings.TrimSpace(dateText) != "" {
		r.readDate(dateText)
	}
	if r.From == "" && r.By == "" && r.With == "" && r.ID == "" && r.Date.IsZero() && !r.IP.IsValid() {
		if strings.TrimSpace(dateText) != "" && r.Date.IsZero() {
			return r, &ReceivedError{Reason: "no from, by, with or id clause, and the date cannot be read"}
		}
		return r, &ReceivedError{Reason: "no from, by, with, id or date clause"}
	}
	return r, nil
}

// splitUnmarkedDate finds a date at the end of a Received field that lacks
// the ";" before it, and returns the tokens before the date and the date
// text.
func splitUnmarkedDate(clauses string, toks []rtok, r *Received) ([]rtok, string) {
	first := max(0, len(toks)-12)
	for k := first; k < len(toks); k++ {
		if toks[k].kind != 'w' {
			continue
		}
		t, end, err := parseDatePrefix(clauses[toks[k].start:])
		if err != nil || t.IsZero() {
			continue
		}
		rest := clauses[toks[k].start+end:]
		if !onlyComments(rest) {
			continue
		}
		r.Notes = append(r.Notes, "there is no “;” before the date")
		return toks[:k], clauses[toks[k].start:]
	}
	return toks, ""
}

func onlyComments(s string) bool {
	for _, t := range tokenizeReceived(s) {
		if t.kind != 'c' {
			return false
		}
	}
	return true
}

// expandLeadingFrom turns a leading comment that holds the from-clause,
// as sendmail writes for local submissions ("(from user@localhost) by
// host"), into tokens.
func expandLeadingFrom(toks []rtok) []rtok {
	if len(toks) == 0 || toks[0].kind != 'c' {
		return toks
	}
	inner := strings.TrimSpace(toks[0].text)
	if len(inner) < 5 || !strings.EqualFold(inner[:5], "from ") {
		return toks
	}
	out := tokenizeReceived(inner)
	return append(out, toks[1:]...)
}

// clause names the clause being read.
type clause int

const (
	clauseNone clause = iota
	clauseFrom
	clauseBy
	clauseVia
	clauseWith
	clauseID
	clauseFor
)

var clauseWords = map[string]clause{
	"from": clauseFrom, "by": clauseBy, "via": clauseVia, "with": clauseWith, "id": clauseID, "for": clauseFor,
}

// readClauses fills the clauses from the tokens before the date.
func (r *Received) readClauses(toks []rtok) {
	cur := clauseNone
	seen := map[clause]bool{}
	var fromExtra []rtok
	var with []string
	for k := 0; k < len(toks); k++ {
		t := toks[k]
		if t.kind == 'c' {
			r.scanComment(t.text)
			if cur == clauseFrom {
				fromExtra = append(fromExtra, t)
			}
			continue
		}
		if t.kind == 'w' {
			low := strings.ToLower(t.text)
			if c, ok := clauseWords[low]; ok {
				if c == clauseFrom && seen[clauseBy] {
					// "for <a> from <b>" after the by-clause (XMail, IBM):
					// the envelope sender.
					if k+1 < len(toks) && toks[k+1].kind == 'w' && strings.Contains(toks[k+1].text, "@") {
						r.setEnvelopeFrom(toks[k+1].text)
						k++
						cur = clauseNone
						continue
					}
				}
				if !seen[c] {
					seen[c] = true
					cur = c
					if c != clauseWith && c != clauseFrom && k+1 < len(toks) && toks[k+1].kind == 'w' && !isClauseWord(toks[k+1].text) {
						r.setClause(c, toks[k+1].text)
						k++
					}
					if c == clauseFrom && k+1 < len(toks) && toks[k+1].kind == 'w' && !isClauseWord(toks[k+1].text) {
						r.From = trimValue(toks[k+1].text)
						k++
					}
					continue
				}
			}
			if low == "envelope-from" || low == "envelope-sender" {
				if k+1 < len(toks) && toks[k+1].kind == 'w' {
					r.setEnvelopeFrom(toks[k+1].text)
					k++
				}
				continue
			}
		}
		switch cur {
		case clauseFrom:
			fromExtra = append(fromExtra, t)
		case clauseWith:
			if t.kind == 'w' && strings.Trim(t.text, ",;") != "" {
				with = append(with, t.text)
			}
		}
	}
	r.With = trimValue(strings.Join(with, " "))
	r.Proto = protocolOf(r.With)
	r.readFromInfo(fromExtra)
}

func isClauseWord(s string) bool {
	_, ok := clauseWords[strings.ToLower(s)]
	return ok
}

func (r *Received) setClause(c clause, v string) {
	v = trimValue(v)
	switch c {
	case clauseBy:
		r.By = v
	case clauseVia:
		r.Via = v
	case clauseID:
		r.ID = strings.TrimSuffix(strings.TrimPrefix(v, "<"), ">")
	case clauseFor:
		r.For = strings.TrimSuffix(strings.TrimPrefix(v, "<"), ">")
	}
}

// trimValue removes the punctuation that trails clause values in the wild
// ("by host.example,", "id 1234;").
func trimValue(v string) string {
	return strings.TrimSpace(strings.TrimRight(strings.TrimSpace(v), ",;"))
}

func (r *Received) setEnvelopeFrom(v string) {
	if r.EnvelopeFrom != "" {
		return
	}
	v = trimValue(v)
	v = strings.TrimSuffix(strings.TrimPrefix(v, "<"), ">")
	r.EnvelopeFrom = v
}

// scanComment picks the envelope sender out of any comment:
// "(envelope-from <a@b>)", "(envelope-from a@b)", "(envelope-sender <a@b>)".
func (r *Received) scanComment(text string) {
	words := strings.Fields(text)
	for i := 0; i+1 < len(words); i++ {
		w := strings.ToLower(words[i])
		if w == "envelope-from" || w == "envelope-sender" {
			r.setEnvelopeFrom(words[i+1])
			return
		}
	}
}

// readDate reads the date after the ";" and anything that trails it.
func (r *Received) readDate(text string) {
	r.DateText = strings.TrimSpace(text)
	start := 0
	// Some MTAs put stray punctuation right after the ";" ("LMTPA;_ Tue, …").
	for start < len(text) && !rfc5322.IsAlnum(text[start]) && text[start] != '(' {
		start++
	}
	t, end, err := parseDatePrefix(text[start:])
	if err != nil {
		var de *DateError
		if errors.As(err, &de) {
			r.Notes = append(r.Notes, "the date cannot be read: "+de.Reason)
		}
		return
	}
	r.Date = t
	rest := text[start+end:]
	for _, tok := range tokenizeReceived(rest) {
		if tok.kind == 'c' {
			r.scanComment(tok.text)
		}
	}
	// "…; Thu, 20 Mar 03 10:06:43 +0100 for <asrg@ietf.org>"
	rt := tokenizeReceived(rest)
	for k := 0; k+1 < len(rt); k++ {
		if rt[k].kind == 'w' && strings.EqualFold(rt[k].text, "for") && r.For == "" {
			r.setClause(clauseFor, rt[k+1].text)
		}
	}
}
