package dmarc

// Policy is a Domain Owner Assessment Policy: the value of the "p", "sp"
// and "np" tags (RFC 9989 §4.7, ABNF dmarc-request in §4.8).
type Policy string

// The policies, weakest first.
const (
	// PolicyNone: the Domain Owner expresses no handling preference
	// (monitoring mode, RFC 9989 §3.2.12).
	PolicyNone Policy = "none"
	// PolicyQuarantine: failing mail is suspicious (RFC 9989 §4.7).
	PolicyQuarantine Policy = "quarantine"
	// PolicyReject: failing mail is not valid use of the domain
	// (RFC 9989 §4.7).
	PolicyReject Policy = "reject"
)

// strength orders policies: none < quarantine < reject; 0 for "".
func (p Policy) strength() int {
	switch p {
	case PolicyNone:
		return 1
	case PolicyQuarantine:
		return 2
	case PolicyReject:
		return 3
	}
	return 0
}

// Enforcing reports whether p is quarantine or reject ("Enforcement",
// RFC 9989 §3.2.9).
func (p Policy) Enforcing() bool { return p == PolicyQuarantine || p == PolicyReject }

// Tested returns the policy a receiver applies when the record says t=y:
// one level below p (quarantine becomes none, reject becomes quarantine);
// t has no effect on none (RFC 9989 §4.7, tag "t").
func (p Policy) Tested() Policy {
	switch p {
	case PolicyReject:
		return PolicyQuarantine
	case PolicyQuarantine:
		return PolicyNone
	}
	return p
}

// Alignment is an Identifier Alignment mode: the value of "adkim" and
// "aspf" (RFC 9989 §4.7, ABNF dmarc-rors).
type Alignment string

// The alignment modes.
const (
	// Relaxed: the two domains have the same Organizational Domain
	// (RFC 9989 §3.2.10.1). The default.
	Relaxed Alignment = "r"
	// Strict: the two domains are identical (RFC 9989 §3.2.10.2).
	Strict Alignment = "s"
)

// PSD is the value of the "psd" tag (RFC 9989 §4.7, ABNF dmarc-psd).
type PSD string

// The psd values.
const (
	// PSDYes: the domain is a Public Suffix Domain.
	PSDYes PSD = "y"
	// PSDNo: the domain is not a PSD and is the Organizational Domain for
	// itself and its subdomains.
	PSDNo PSD = "n"
	// PSDUnknown: the default; the Tree Walk decides (RFC 9989 §4.10).
	PSDUnknown PSD = "u"
)

// Result is a DMARC verdict, in the words of RFC 8601 §2.7.4 as RFC 9989
// §9.2 registers them.
type Result string

// The DMARC results.
const (
	// Pass: an Authenticated Identifier is aligned with the Author Domain
	// (RFC 9989 §5.3.5).
	Pass Result = "pass"
	// Fail: a policy record applies and no Authenticated Identifier is
	// aligned (RFC 9989 §5.3.5).
	Fail Result = "fail"
	// None: no DMARC Policy Record applies to the Author Domain
	// (RFC 9989 §4.10.1, §5.3.2).
	None Result = "none"
	// TempError: a DNS question needed for the verdict failed temporarily
	// (RFC 9989 §5.3.6).
	TempError Result = "temperror"
	// PermError: the policy record cannot be used, e.g. an invalid p with
	// no valid rua (RFC 9989 §4.10.1).
	PermError Result = "permerror"
)

// Tag names of the DMARC policy record (RFC 9989 §4.7 and §9.3; pct, rf
// and ri from RFC 7489 §6.3, removed by RFC 9989 Appendix C.5.2).
const (
	TagV     = "v"
	TagP     = "p"
	TagSP    = "sp"
	TagNP    = "np"
	TagADKIM = "adkim"
	TagASPF  = "aspf"
	TagRUA   = "rua"
	TagRUF   = "ruf"
	TagFO    = "fo"
	TagT     = "t"
	TagPSD   = "psd"
	TagPct   = "pct"
	TagRF    = "rf"
	TagRI    = "ri"
)

// Version is the only value of the "v" tag; it is case-sensitive
// (RFC 9989 §4.7, tag "v").
const Version = "DMARC1"

// MaxQueries is the most DNS queries one Tree Walk makes, however many
// labels the name has (RFC 9989 §4.10).
const MaxQueries = 8

// jumpLabels is the label count a walk jumps to from a name of eight or
// more labels (RFC 9989 §4.10 step 4).
const jumpLabels = 7

// Word spells an alignment mode: "strict", or "relaxed" (the default).
func (a Alignment) Word() string {
	if a == Strict {
		return "strict"
	}
	return "relaxed"
}

// AlignmentWords says the record's alignment modes, "DKIM relaxed, SPF
// strict"; "" when no record applies, since there is then nothing to
// align to (the modes would be empty).
func (r *CheckResult) AlignmentWords() string {
	if r.Record == "" {
		return ""
	}
	return "DKIM " + r.ADKIM.Word() + ", SPF " + r.ASPF.Word()
}
