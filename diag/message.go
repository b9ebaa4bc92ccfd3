package diag

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/headers"
	"github.com/mxray/mxray/headers/filters"
	"github.com/mxray/mxray/headers/forwarding"
	"github.com/mxray/mxray/headers/paste"
)

// MaxMessageSize is the most of a message ReadMessage accepts: 4 MiB. A
// caller reading a file or stdin reads one byte more to tell a message that
// is too large, and refuses it with ErrMessageTooLarge.
const MaxMessageSize = headers.MaxInputSize

// ErrMessageTooLarge is the error (wrapped) for a message larger than
// MaxMessageSize.
var ErrMessageTooLarge = headers.ErrTooLarge

// HeaderOptions say what the header cannot: the receiver's own servers,
// the sending IP when the technician knows better, and the time to judge
// DKIM expiry against.
type HeaderOptions struct {
	// TrustedHosts are host names and CIDRs of the receiver's perimeter
	// servers (--trusted-hosts): hops through them count as internal.
	TrustedHosts []string
	// SendingIP, when valid, overrides the sending IP found in the
	// Received chain (--sending-ip).
	SendingIP netip.Addr
	// Now is the time DKIM x= expiry is judged against, besides the time
	// the message was received; zero leaves that check out (the report
	// then does not depend on the clock).
	Now time.Time
}

// Message is a pasted message (or a file, or stdin) read once: its bytes
// exactly as given, the parsed header and what the header says.
type Message struct {
	Source   string            // the file name, "stdin", "pasted headers", the sample's name
	Raw      []byte            // as given, byte for byte
	Header   *headers.Message  // the parsed header (and body, when there is one)
	Analysis *headers.Analysis // hops, identities, what the receiver recorded
	Options  HeaderOptions     // what the header was read with
	// Filters are the receiving spam filters' verdicts, decoded once, each
	// trusted only when the receiving organisation wrote it (see
	// FilterReport).
	Filters []filters.FilterVerdict
	// Rewrites are the signs of forwarding and rewriting: SRS, Sender,
	// mailing lists, forwarders, ARC seals.
	Rewrites []forwarding.Rewrite

	// recorded is the filter report on what the receiver recorded, built
	// once (FilterReport before the re-check).
	recorded filters.Report
}

// ReadMessage parses raw as a message header (RFC 5322, with the damage a
// copy and paste does repaired) and analyses it, decoding the receiving
// filters' verdicts and the signs of forwarding: the one place a message
// is read. A header that cannot be read is a *headers.InputError: too large
// (ErrMessageTooLarge), an Outlook .msg file, too many fields, no header
// at all.
func ReadMessage(source string, raw []byte, opts HeaderOptions) (*Message, error) {
	h, err := headers.Parse(raw)
	if err != nil {
		return nil, err
	}
	a := headers.Analyze(h, headers.Options{TrustedHosts: opts.TrustedHosts, SendingIP: opts.SendingIP, Now: opts.Now})
	m := &Message{Source: source, Raw: raw, Header: h, Analysis: a, Options: opts,
		Filters: filters.Decode(h, a), Rewrites: forwarding.Rewrites(h, a)}
	m.recorded = m.filterReport(nil)
	return m, nil
}

// Findings are what the header alone says is wrong or notable (before
// any re-check), as diag's findings.
func (m *Message) Findings() []finding.Finding { return headerFindings(m.Analysis.Findings) }

// ErrNoFromDomain says a message names no From domain to investigate.
var ErrNoFromDomain = errors.New("the message names no From domain to investigate")

// Target is the message's From domain as a target to investigate, or why
// it cannot be (ErrNoFromDomain, or a From domain that does not parse).
func (m *Message) Target() (Target, error) {
	d := m.Analysis.FromDomain
	if d == "" {
		return Target{}, ErrNoFromDomain
	}
	t, err := ParseTarget(d)
	if err != nil {
		return Target{}, fmt.Errorf("the From domain cannot be investigated: %w", err)
	}
	return t, nil
}

// Subject is the message's first Subject, encoded words decoded (RFC
// 2047); "" when it has none.
func (m *Message) Subject() string {
	if subj := m.Header.All("Subject"); len(subj) > 0 {
		return headers.DecodeWords(subj[0].Value)
	}
	return ""
}

// From lists the From mailboxes as "Name <address>" (or "<address>").
func (m *Message) From() []string {
	var out []string
	for _, addr := range m.Analysis.From {
		s := "<" + addr.Addr + ">"
		if addr.Name != "" {
			s = addr.Name + " " + s
		}
		out = append(out, s)
	}
	return out
}

// selectorsFor are the s= of the message's signatures whose d= is domain:
// an investigation of that domain asks them first.
func (m *Message) selectorsFor(domain string) []string {
	var out []string
	for _, s := range m.Analysis.DKIMSignatures {
		if sameDomain(s.D, domain) && s.S != "" && !containsFold(out, s.S) {
			out = append(out, s.S)
		}
	}
	return out
}

// containsFold reports whether list holds s, ignoring case.
func containsFold(list []string, s string) bool {
	for _, l := range list {
		if strings.EqualFold(l, s) {
			return true
		}
	}
	return false
}

// LooksLikeHeaders reports whether pasted text is a header block rather
// than a target: at least two lines that are not blank, one of which
// starts a header field ("Name:" with an RFC 5322 §2.2 field name), the
// quote marks of a reply ("> ") removed first. A one-line paste is always
// a target.
func LooksLikeHeaders(s string) bool { return paste.LooksLikeHeader(s) }
