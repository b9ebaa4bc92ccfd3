package smtp

import (
	"crypto/x509"
	"encoding/json"
	"net/netip"
	"time"

	"github.com/mxray/mxray/diag/dane"
	"github.com/mxray/mxray/diag/tlscert"
)

// Status is the verdict for one MX address.
type Status string

// The verdicts, each a different cause.
const (
	// StatusOK: greeting, EHLO, STARTTLS and a certificate senders accept.
	StatusOK Status = "ok"
	// StatusBlockedHere: port 25 timed out on every MX while the same hosts
	// (or a control target) answered on another port: this network most
	// likely blocks outgoing port 25. Not a fault of the servers.
	StatusBlockedHere Status = "blocked_here"
	// StatusRefused: the connection was refused, or the greeting was a
	// failure code (RFC 5321 §3.1: 554 "no SMTP service here").
	StatusRefused Status = "refused"
	// StatusTarpit: the greeting came later than the threshold, or not
	// within the greeting timeout: greylisting or anti-spam delay, not a
	// TLS problem.
	StatusTarpit Status = "tarpit"
	// StatusNoSTARTTLS: the server does not offer STARTTLS (RFC 3207).
	StatusNoSTARTTLS Status = "no_starttls"
	// StatusTLSError: STARTTLS was refused or the handshake failed.
	StatusTLSError Status = "tls_error"
	// StatusCertInvalid: the certificate fails the chain, its dates or its
	// names (or, where DANE applies, its TLSA records).
	StatusCertInvalid Status = "cert_invalid"
	// StatusUnreachable: the connection failed or timed out, with no
	// evidence that this network is the cause.
	StatusUnreachable Status = "unreachable"
	// StatusError: the server broke the protocol (a malformed or failing
	// reply to EHLO, a reply too large) or the probe was cancelled.
	StatusError Status = "error"
)

// Target is one MX address to probe.
type Target struct {
	Host string     // the MX host name as published ("" when probing a bare address)
	IP   netip.Addr // the address to connect to
	// PTR is the address's reverse DNS as the MX check found it; nil when
	// unknown, which leaves banner_matches_ptr null.
	PTR *ReverseDNS
}

// ReverseDNS is what the MX check learnt about an address's PTR (diag's
// ptrcheck.Result): the names, and whether one resolves back (FCrDNS).
type ReverseDNS struct {
	Names  []string
	FCrDNS bool
}

// TLSInfo is the "tls" object of the smtp JSON contract.
type TLSInfo struct {
	Version string       `json:"version"` // "TLS 1.3"
	Cipher  string       `json:"cipher"`  // "TLS_AES_128_GCM_SHA256"
	Cert    tlscert.Cert `json:"cert"`
	// NamesMatchMX: the certificate is valid for the MX host name (RFC 6125).
	NamesMatchMX bool `json:"names_match_mx"`
	// NamesMatchMTASTS: the MX host matches an mx pattern of the MTA-STS
	// policy and the certificate names it (RFC 8461 §4.1, §4.2); null when
	// there is no policy to hold it against.
	NamesMatchMTASTS *bool `json:"names_match_mta_sts"`
	// MTASTSPattern is the policy pattern the host matched.
	MTASTSPattern string `json:"mta_sts_pattern,omitempty"`
}

// Timing is how long each step took; a negative duration is a step not
// reached (null in JSON, whole milliseconds otherwise).
type Timing struct {
	Connect, Greeting, EHLO, TLS time.Duration
}

func newTiming() Timing { return Timing{-1, -1, -1, -1} }

// MarshalJSON writes {"connect": ms, "greeting": ms, "ehlo": ms, "tls": ms}.
func (t Timing) MarshalJSON() ([]byte, error) {
	ms := func(d time.Duration) *int64 {
		if d < 0 {
			return nil
		}
		v := d.Milliseconds()
		return &v
	}
	return json.Marshal(struct {
		Connect  *int64 `json:"connect"`
		Greeting *int64 `json:"greeting"`
		EHLO     *int64 `json:"ehlo"`
		TLS      *int64 `json:"tls"`
	}{ms(t.Connect), ms(t.Greeting), ms(t.EHLO), ms(t.TLS)})
}

// Result is one MX address probed: an element of the "smtp" array of the
// JSON contract. Strings the server sent (Banner, BannerHost, EHLO, the
// certificate's names) are as received: attacker-controlled.
type Result struct {
	Host   string     `json:"host"`
	IP     netip.Addr `json:"ip"`
	Port   int        `json:"port"`
	Status Status     `json:"status"`
	// Banner is the greeting as received, its lines joined by "\n".
	Banner string `json:"banner"`
	// BannerHost is the name the greeting gives (its first word).
	BannerHost string `json:"banner_host"`
	// BannerMatchesPTR: BannerHost is one of the address's PTR names; null
	// when the PTR is unknown or there was no greeting.
	BannerMatchesPTR *bool `json:"banner_matches_ptr"`
	// BannerMatchesMX: BannerHost is the MX host name.
	BannerMatchesMX bool `json:"banner_matches_mx"`
	// EHLOHost is the name the EHLO reply gives.
	EHLOHost string `json:"ehlo_host,omitempty"`
	// EHLO is the extension lines of the EHLO reply, as received.
	EHLO     []string     `json:"ehlo"`
	STARTTLS bool         `json:"starttls"`
	TLS      *TLSInfo     `json:"tls"`
	DANE     dane.Outcome `json:"dane"`
	Timing   Timing       `json:"timing_ms"`
	// Error says what failed, "" when nothing did.
	Error string `json:"error"`
	// Step is the step that failed.
	Step Step `json:"step,omitempty"`
	// Evidence says what the blocked_here/unreachable decision rests on.
	Evidence string `json:"evidence,omitempty"`
	// Tarpit: the greeting came later than the threshold (the verdict may
	// name a worse problem found after it).
	Tarpit bool `json:"tarpit,omitempty"`

	// Err is the failure as a typed error (a *StepError).
	Err error `json:"-"`
	// Chain is the certificate chain presented, leaf first.
	Chain []*x509.Certificate `json:"-"`
	// CertCheck is the certificate check, each part apart.
	CertCheck *tlscert.Verification `json:"-"`

	connectTimedOut bool
	noPTR           bool          // the address has no PTR record at all
	tarpitAfter     time.Duration // the threshold Tarpit was judged by
}
