package headers

import (
	"net/netip"
	"time"

	"github.com/mxray/mxray/headers/authres"
	"github.com/mxray/mxray/headers/trace"
)

// Options tunes Analyze.
type Options struct {
	// TrustedHosts lists host names and CIDRs (or single addresses) of the
	// receiver's own perimeter servers: hops whose client is one of them
	// count as internal, and results recorded under one of the names are
	// the receiver's.
	TrustedHosts []string
	// SendingIP, when valid, overrides the sending IP found in the
	// Received chain.
	SendingIP netip.Addr
	// Now is the time to judge DKIM x= expiry against, besides the time
	// the message was received; zero leaves that check out, so Analyze
	// stays deterministic.
	Now time.Time
}

// Analysis is what Analyze derives from a header; it marshals to the
// headers JSON contract of DESIGN.md (names are stable; fields are only
// ever added).
type Analysis struct {
	Hops []Hop `json:"hops"` // one per top-level Received field, oldest first (index 1 is the origin)
	// SendingIP is the client IP of the first hop, walking down from the
	// top, that is not internal to the receiving organisation; null when
	// there is no public client IP.
	SendingIP *netip.Addr `json:"sending_ip"`
	// SendingIPSource says where SendingIP came from: "received" (the
	// Received chain), "option" (Options.SendingIP), "receiver" (the
	// receiver's own record, when the chain shows only internal hops) or
	// "origin" (the oldest hop, when no hop entered the receiving
	// organisation from outside).
	SendingIPSource string `json:"sending_ip_source,omitempty"`
	SendingHop      int    `json:"sending_hop,omitempty"` // the index of the hop the sending IP comes from
	// ReceiverClientIP is the client IP the receiver itself recorded in
	// its Authentication-Results, Received-SPF or X-Forefront-Antispam-Report:
	// the address its SPF verdict is about. Null when it recorded none.
	ReceiverClientIP *netip.Addr `json:"receiver_client_ip"`
	HELO             string      `json:"helo"`          // the HELO/EHLO name of the sending hop
	EnvelopeFrom     string      `json:"envelope_from"` // the envelope sender (MAIL FROM); "" when unknown or null
	// EnvelopeFromSource names where EnvelopeFrom was read: "Return-Path",
	// "X-Envelope-From", "Received hop N", "Received-SPF",
	// "Authentication-Results".
	EnvelopeFromSource string `json:"envelope_from_source,omitempty"`
	// NullSender is true when the envelope sender is the null reverse-path
	// "<>" (a bounce): SPF then checks postmaster@ the HELO name.
	NullSender bool      `json:"null_sender,omitempty"`
	FromDomain string    `json:"from_domain"` // the domain of the first From mailbox, lower case: the one DMARC checks
	From       []Address `json:"from"`        // the mailboxes of the (first) From field
	// ReceivingOrg lists the organisational domains of the receiver.
	ReceivingOrg []string `json:"receiving_org"`
	// Date is the Date field, in UTC; null when absent or unreadable.
	Date *time.Time `json:"date"`

	DKIMSignatures []DKIMInfo `json:"dkim_signatures"` // every DKIM-Signature field, in order
	// OtherSignatures lists DomainKey-Signature, DKIM2-Signature and
	// Message-Instance fields: named, never silently ignored, not checked.
	OtherSignatures []OtherSignature `json:"other_signatures"`
	// GoogleDKIMSignatures are X-Google-DKIM-Signature fields: Google's
	// internal signatures, noted but not part of DKIM.
	GoogleDKIMSignatures []DKIMInfo `json:"x_google_dkim_signatures"`

	AuthenticationResults []AuthResultEntry `json:"authentication_results"` // every result of every field, trusted or not
	// Receiver is what the receiver itself recorded, from its own
	// Authentication-Results (and Received-SPF for spf when the former has
	// none).
	Receiver Verdicts `json:"receiver"`

	ARC      []ARCSet `json:"arc"`       // newest instance first
	ARCChain ARCChain `json:"arc_chain"` // the structure of the chain

	// ReceivedSPF is the receiver's own Received-SPF (the mailfrom check
	// when it recorded both); null when it added none.
	ReceivedSPF    *SPFEntry  `json:"received_spf"`
	ReceivedSPFAll []SPFEntry `json:"received_spf_all"` // every Received-SPF field, trusted or not

	// Microsoft holds what Microsoft 365 recorded: X-Forefront-Antispam-Report.
	Microsoft *MicrosoftInfo `json:"microsoft,omitempty"`

	Problems []Problem `json:"problems"` // damage repaired while parsing
	// PasteRepairs is the same list under the contract's name: each
	// repair with its line, kind and words.
	PasteRepairs []Problem `json:"paste_repairs"`
	Findings     []Finding `json:"findings"` // worst first
}

// Hop is one Received field in the chain.
type Hop struct {
	Index    int            `json:"index"`              // 1 is the origin: the bottom, oldest field
	From     string         `json:"from"`               // the from-clause name, as written
	By       string         `json:"by"`                 // the receiving host, as written
	IP       *netip.Addr    `json:"ip"`                 // RFC 5952 text; null when not recorded
	HELO     string         `json:"helo"`               // the HELO/EHLO name the hop recorded
	RDNS     string         `json:"rdns,omitempty"`     // the reverse-DNS name the receiver recorded
	With     string         `json:"with"`               // the with-clause as written
	Protocol trace.Protocol `json:"protocol,omitempty"` // the with-clause as an RFC 3848 type
	ID       string         `json:"id"`                 // the receiver's queue id
	For      string         `json:"for"`                // the recipient, when recorded
	Via      string         `json:"via,omitempty"`      // the via-clause
	// EnvelopeFrom is the envelope sender this hop recorded, if any.
	EnvelopeFrom string     `json:"envelope_from,omitempty"`
	Time         *time.Time `json:"time"`          // RFC 3339, UTC; null when absent or unreadable
	DelaySeconds *float64   `json:"delay_seconds"` // since the hop below; null for the origin or without both dates
	Internal     bool       `json:"internal"`      // inside the receiving organisation
	// ChainBreak is true when the hop's by-host is not the client of the
	// hop above it and the time jumps too far for clock skew: the field
	// was likely inserted or forged (headers.hop_chain_break).
	ChainBreak bool `json:"chain_break,omitempty"`
	// InternalReason says why the hop is internal to the receiving
	// organisation.
	InternalReason string   `json:"internal_reason,omitempty"`
	Raw            string   `json:"raw,omitempty"`   // the field's value, when it could not be read
	Notes          []string `json:"notes,omitempty"` // what could not be read, or was irregular
	Line           int      `json:"line"`            // the input line of the field
}

// DKIMInfo is one DKIM-Signature field, read (RFC 6376 §3.5).
type DKIMInfo struct {
	D string     `json:"d"`           // the signing domain
	S string     `json:"s"`           // the selector
	A string     `json:"a"`           // the algorithm, lower case
	H []string   `json:"h"`           // the signed field names, as written
	C string     `json:"c"`           // as written; "" means simple/simple
	L *int64     `json:"l"`           // body length limit; null when absent
	X *time.Time `json:"x"`           // expiry, UTC; null when absent
	I string     `json:"i,omitempty"` // the AUID, when given
	T *time.Time `json:"t,omitempty"` // signing time, UTC
	// Tags holds every tag as written (folding white space removed), the
	// ones above included: v, q, bh, b, z and any other.
	Tags map[string]string `json:"tags"`
	// Expired is true when x= is before the time the message was received
	// (the top hop's date, else the Date field).
	Expired bool `json:"expired"`
	// ExpiredNow is true when x= is before Options.Now.
	ExpiredNow bool     `json:"expired_now,omitempty"`
	Problems   []string `json:"problems,omitempty"` // why it cannot verify (RFC 6376 §6.1.1)
	Line       int      `json:"line"`               // the input line of the field
}

// MethodResult is one method's result in the JSON shape of the contract:
// properties as an object keyed "ptype.property".
type MethodResult struct {
	Method     string            `json:"method"`            // lower case: spf, dkim, dmarc, arc, compauth, dkim-atps, …
	Result     authres.Result    `json:"result"`            // the RFC word, lower case
	Reason     string            `json:"reason,omitempty"`  // reason=
	Comment    string            `json:"comment,omitempty"` // the comments after the result
	Properties map[string]string `json:"properties"`        // "smtp.mailfrom": "…", "header.d": "…"
}

func methodResult(r authres.AuthResult) MethodResult {
	return MethodResult{Method: r.Method, Result: r.Result, Reason: r.Reason, Comment: r.Comment, Properties: propMap(r.Properties)}
}

// AuthResultEntry is one method result of one Authentication-Results (or
// X-MS-Exchange-Authentication-Results) field.
type AuthResultEntry struct {
	AuthServID string `json:"authserv_id"` // "" when the field has none (Microsoft 365)
	MethodResult
	// Trusted is true for the receiver's own results: recorded above the
	// point where the message entered the receiving organisation, under
	// the receiver's authserv-id. Others are kept, but a sender can write
	// anything into them.
	Trusted bool `json:"trusted"`
	// Trust says whose word the result is: the receiver's, the receiver's
	// organisation's but written before the message reached it, another
	// ADMD's (a forwarder, a list, the sender: anyone can write one), or
	// a field without an authserv-id.
	Trust AuthTrust `json:"trust"`
	Field string    `json:"field"` // the field name
	Line  int       `json:"line"`  // the input line of the field
}

// AuthTrust says whose word an Authentication-Results field is (RFC 8601
// §5: only the receiver's own ADMD's results can be trusted).
type AuthTrust string

// The trust labels of Authentication-Results.
const (
	// TrustReceiver: written by the receiver on arrival.
	TrustReceiver AuthTrust = "receiver"
	// TrustReceiverEarlier: the authserv-id names the receiving
	// organisation, but the field was already in the message when it
	// arrived (a forwarder inside the same organisation, or a forgery).
	TrustReceiverEarlier AuthTrust = "receiver_earlier"
	// TrustOtherADMD: written by another administrative management domain
	// (RFC 8601 §2.3): its authserv-id names someone else.
	TrustOtherADMD AuthTrust = "other_admd"
	// TrustUnnamed: the field names no authserv-id (Microsoft 365's
	// X-MS-Exchange-Authentication-Results) and Microsoft 365 is not the
	// receiver.
	TrustUnnamed AuthTrust = "unnamed"
)

// OtherSignature is a signature field of a kind mxray lists but does not
// evaluate: DomainKey-Signature (RFC 4870, historic, the ancestor of
// DKIM), and DKIM2's DKIM2-Signature and Message-Instance (the successor
// of DKIM and ARC, an Internet-Draft).
type OtherSignature struct {
	Field  string `json:"field"`       // the field name
	D      string `json:"d,omitempty"` // the signing domain, when it names one
	S      string `json:"s,omitempty"` // the selector, when it names one
	Status string `json:"status"`      // "not_evaluated" (historic) or "not_yet_evaluated" (new)
	Line   int    `json:"line"`        // the input line of the field
}

// Verdicts are the receiver's own verdicts.
type Verdicts struct {
	AuthServID string         `json:"authserv_id"` // the receiver's authserv-id
	SPF        authres.Result `json:"spf"`         // "" when not recorded
	// SPFSource is "Authentication-Results" or "Received-SPF".
	SPFSource string `json:"spf_source,omitempty"`
	// DKIM is pass when any signature passed, else the first result.
	DKIM        authres.Result `json:"dkim"`
	DKIMResults []DKIMVerdict  `json:"dkim_results"`              // one per dkim result
	DMARC       authres.Result `json:"dmarc"`                     // "" when not recorded
	ARC         authres.Result `json:"arc,omitempty"`             // the arc result, when recorded
	CompAuth    authres.Result `json:"compauth,omitempty"`        // Microsoft's composite authentication
	CompReason  string         `json:"compauth_reason,omitempty"` // the compauth reason code
}

// DKIMVerdict is one dkim result the receiver recorded.
type DKIMVerdict struct {
	Result   authres.Result `json:"result"`      // the RFC word
	Domain   string         `json:"d,omitempty"` // header.d, else the domain of header.i
	Selector string         `json:"s,omitempty"` // header.s
}

// SPFEntry is one Received-SPF field with its place and trust.
type SPFEntry struct {
	authres.ReceivedSPF
	ClientIPText string `json:"client_ip,omitempty"` // client-ip, RFC 5952 text
	Trusted      bool   `json:"trusted"`             // the receiver's own
	Line         int    `json:"line"`                // the input line of the field
}

// MicrosoftInfo is what Microsoft 365 recorded on receipt.
type MicrosoftInfo struct {
	Forefront *Forefront `json:"forefront,omitempty"` // X-Forefront-Antispam-Report, read
	CIP       string     `json:"cip,omitempty"`       // its client IP, RFC 5952 text
	Trusted   bool       `json:"trusted"`             // added by Microsoft 365 as the receiver
	Line      int        `json:"line"`                // the input line of the field
}
