package dmarcreport

// Schema says which aggregate report format a file follows.
type Schema string

// The schemas.
const (
	// SchemaRFC7489 is RFC 7489 Appendix C (and the receivers' variations
	// of it): no namespace, or one of the draft namespaces.
	SchemaRFC7489 Schema = "rfc7489"
	// SchemaRFC9990 is RFC 9990 §4 (urn:ietf:params:xml:ns:dmarc-2.0), or a
	// report that carries one of the elements only RFC 9990 defines.
	SchemaRFC9990 Schema = "rfc9990"
)

// Namespace9990 is the XML namespace of RFC 9990 reports (RFC 9990 §8).
const Namespace9990 = "urn:ietf:params:xml:ns:dmarc-2.0"

// Disposition is what the receiver did with the messages of a row
// (ActionDispositionType, RFC 9990 §4; RFC 7489 Appendix C).
type Disposition string

// The dispositions.
const (
	DispositionNone       Disposition = "none"       // no action taken
	DispositionPass       Disposition = "pass"       // RFC 9990: passed DMARC under an enforcing policy
	DispositionQuarantine Disposition = "quarantine" // failed DMARC, quarantined
	DispositionReject     Disposition = "reject"     // failed DMARC, rejected
)

// Aligned is a DMARC-aligned authentication result in policy_evaluated
// (DMARCResultType, RFC 9990 §4).
type Aligned string

// The aligned results.
const (
	AlignedPass Aligned = "pass"
	AlignedFail Aligned = "fail"
)

// AuthResult is a raw DKIM or SPF result in auth_results, in the words of
// RFC 8601 §2.7.1 and §2.7.2 (DKIMResultType, SPFResultType).
type AuthResult string

// The raw results.
const (
	ResultNone      AuthResult = "none"
	ResultPass      AuthResult = "pass"
	ResultFail      AuthResult = "fail"
	ResultSoftFail  AuthResult = "softfail" // SPF only
	ResultPolicy    AuthResult = "policy"
	ResultNeutral   AuthResult = "neutral"
	ResultTempError AuthResult = "temperror"
	ResultPermError AuthResult = "permerror"
)

// Override is a policy override reason type (PolicyOverrideType, RFC 9990
// §4; forwarded and sampled_out are RFC 7489's, removed by RFC 9990).
type Override string

// The override reasons.
const (
	OverrideForwarded        Override = "forwarded"   // RFC 7489 only
	OverrideSampledOut       Override = "sampled_out" // RFC 7489 only: pct sampling
	OverrideTrustedForwarder Override = "trusted_forwarder"
	OverrideMailingList      Override = "mailing_list"
	OverrideLocalPolicy      Override = "local_policy"
	OverridePolicyTestMode   Override = "policy_test_mode" // RFC 9990: t=y
	OverrideOther            Override = "other"
)

// Policy is a published policy p, sp or np (DispositionType).
type Policy string

// The published policies.
const (
	PolicyNone       Policy = "none"
	PolicyQuarantine Policy = "quarantine"
	PolicyReject     Policy = "reject"
)

// validPolicy reports whether p is one of the three policy words.
func validPolicy(p Policy) bool {
	return p == PolicyNone || p == PolicyQuarantine || p == PolicyReject
}
