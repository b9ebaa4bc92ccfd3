package dkim

import (
	"time"

	"github.com/mxray/mxray/diag/dnsclient"
)

// Verdict is the outcome of verifying one DKIM signature, in the words of
// RFC 8601 §2.7.1 (the "dkim" method of Authentication-Results).
type Verdict string

// The RFC 8601 §2.7.1 DKIM results.
const (
	// Pass: the signature verified (RFC 8601 §2.7.1 "pass").
	Pass Verdict = "pass"
	// Fail: the signature was checked and did not verify: the header
	// signature or the body hash is wrong (RFC 8601 §2.7.1 "fail").
	Fail Verdict = "fail"
	// Neutral: the signature could not be processed for a reason not listed
	// elsewhere; Verify uses it for signatures beyond MaxSignatures
	// (RFC 8601 §2.7.1 "neutral").
	Neutral Verdict = "neutral"
	// None: the message was not signed (RFC 8601 §2.7.1 "none"). Verify
	// never returns it for a signature; it exists so results read from an
	// Authentication-Results field can be compared.
	None Verdict = "none"
	// TempError: a failure that may go away, such as a DNS timeout
	// (RFC 8601 §2.7.1 "temperror", RFC 6376 TEMPFAIL).
	TempError Verdict = "temperror"
	// PermError: a failure a retry will not fix: the key is gone, revoked
	// or unusable, the signature is malformed or expired, the algorithm is
	// rejected (RFC 8601 §2.7.1 "permerror", RFC 6376 PERMFAIL).
	PermError Verdict = "permerror"
	// Policy: the signature verifies but is not acceptable, here because a
	// signed header field was added again unsigned above the signed copy,
	// which a mail client may show instead (RFC 8601 §2.7.1 "policy",
	// RFC 6376 §8.15).
	Policy Verdict = "policy"
)

// BodyHashStatus says whether the body hash (bh=) was checked and matched.
type BodyHashStatus string

// The body hash outcomes.
const (
	BodyHashPass       BodyHashStatus = "pass"        // bh= matches the canonicalized body (RFC 6376 §6.1.3)
	BodyHashFail       BodyHashStatus = "fail"        // bh= does not match: the body changed
	BodyHashNotChecked BodyHashStatus = "not_checked" // no body was given, or verification stopped before it
)

// Cause says why a signature did not pass, as far as the evidence tells
// causes apart. It is empty for a plain pass.
type Cause string

// The causes.
const (
	// CauseKeyNotFound: no key record at s._domainkey.d (NXDOMAIN or
	// NODATA): the key was removed or never published (RFC 6376 §6.1.2).
	CauseKeyNotFound Cause = "key_not_found"
	// CauseKeyRevoked: the key record has an empty p= (RFC 6376 §3.6.1).
	CauseKeyRevoked Cause = "key_revoked"
	// CauseKeyUnusable: the key record exists but cannot verify this
	// signature: broken syntax or key data, several records, an RSA key
	// under 1024 bits (RFC 8301 §3.2), k= not matching a=, h= excluding the
	// hash, s= excluding email.
	CauseKeyUnusable Cause = "key_unusable"
	// CauseExpired: x= is before the time of the check (RFC 6376 §3.5).
	CauseExpired Cause = "expired"
	// CauseLengthLimited: l= claims more body than the message has, so the
	// body hash cannot be computed (RFC 6376 §3.4.5).
	CauseLengthLimited Cause = "length_limited"
	// CauseHeaderAltered: the header signature (b=) does not verify with the
	// published key.
	CauseHeaderAltered Cause = "header_altered"
	// CauseBodyAltered: the header signature verifies but the body hash
	// (bh=) does not match the body.
	CauseBodyAltered Cause = "body_altered"
	// CauseSignatureSyntax: the DKIM-Signature field is malformed or lacks
	// a required tag (RFC 6376 §3.5, §6.1.1).
	CauseSignatureSyntax Cause = "signature_syntax"
	// CauseQueryMethod: q= names no query method this verifier knows
	// (only dns/txt exists, RFC 6376 §3.5).
	CauseQueryMethod Cause = "query_method_unknown"
	// CauseAlgorithmRejected: a= is rsa-sha1 (RFC 8301 §3.1) or unknown.
	CauseAlgorithmRejected Cause = "algorithm_rejected"
	// CauseDNSTemporary: the key lookup failed temporarily (SERVFAIL,
	// REFUSED, timeout).
	CauseDNSTemporary Cause = "dns_temporary"
	// CauseIdentityMismatch: the key has t=s but i= is in a subdomain of d=
	// (RFC 6376 §3.6.1).
	CauseIdentityMismatch Cause = "identity_mismatch"
	// CauseHeaderAdded: the signature verifies, but a header field it signs
	// (From, Subject, ...) appears more often than it was signed: an
	// unsigned copy was added (RFC 6376 §8.15).
	CauseHeaderAdded Cause = "header_added"
	// CauseTooManySignatures: the signature was not checked because the
	// message carries more than MaxSignatures of them.
	CauseTooManySignatures Cause = "too_many_signatures"
)

// Result is the re-check of one DKIM-Signature field.
type Result struct {
	Domain    string `json:"d"` // "d", the signing domain
	Selector  string `json:"s"` // "s"
	Algorithm string `json:"a"` // "a", lower case
	// Result is the verdict.
	Result Verdict `json:"result"`
	// BodyHash says whether bh= was checked against the body.
	BodyHash BodyHashStatus `json:"body_hash"`
	// Reason says in words what happened, for a technician.
	Reason string `json:"reason"`
	// Cause names why the signature did not pass; empty on a clean pass.
	Cause Cause `json:"cause,omitempty"`
	// Notes are further observations: l= leaving body unsigned, a t= in
	// the future, what the crypto would have said for an expired signature.
	Notes []string `json:"notes,omitempty"`
	// Canonicalization is c= as header/body, defaults filled in.
	Canonicalization string `json:"c"`
	// BodyLength is l=, the signed body length; nil when absent.
	BodyLength *int64 `json:"l,omitempty"`
	// Expires is x=; nil when absent.
	Expires *time.Time `json:"x,omitempty"`
	// Field is the index of the DKIM-Signature field in the fields given
	// to Verify; Line is its line in the input (from headers.Field).
	Field int `json:"field"` // index in the fields given to Verify
	Line  int `json:"line"`  // 1-based input line of the field
	// KeyName is the DNS name the key was looked up at: s._domainkey.d.
	KeyName string `json:"key_name,omitempty"`
	// KeyServer is the DNS server that answered the key lookup (host:port),
	// KeyStatus its answer, and Observed both in words ("DNS (192.0.2.53)
	// answers NXDOMAIN for s1._domainkey.example.com TXT"); empty when the
	// key was not looked up.
	KeyServer string           `json:"key_server,omitempty"`
	KeyStatus dnsclient.Status `json:"key_status,omitempty"`
	Observed  string           `json:"observed,omitempty"`
	// SignatureVerified reports whether the header signature (b=)
	// verified with the published key, whatever the verdict: it is true for
	// an expired signature whose crypto is sound, and for a policy result.
	SignatureVerified bool `json:"signature_verified"`
	// HeaderB is the start of b= (the first 12 characters), to match the
	// header.b property of an Authentication-Results field (RFC 6008).
	HeaderB string `json:"header_b,omitempty"`
	// Key is the key record found, when one was parsed.
	Key *Key `json:"key,omitempty"`

	b string // the whole b= value, whitespace removed
}

// headerBPrefix is how much of b= HeaderB shows. RFC 6008 §4 says a
// header.b value of at least 8 characters identifies a signature.
const headerBPrefix = 12

// MatchesHeaderB reports whether v, the header.b property of an
// Authentication-Results field (RFC 6008), names this signature: v is a
// prefix of b= of at least 8 characters.
func (r *Result) MatchesHeaderB(v string) bool {
	return len(v) >= 8 && len(v) <= len(r.b) && r.b[:len(v)] == v
}
