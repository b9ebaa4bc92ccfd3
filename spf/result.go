package spf

// Result is the outcome of check_host() (RFC 7208 §2.6).
type Result string

// The results of check_host(), in RFC 7208's words.
const (
	// None: no syntactically valid domain, or no SPF record (RFC 7208 §2.6.1).
	None Result = "none"
	// Neutral: the domain states nothing about the client (RFC 7208 §2.6.2).
	Neutral Result = "neutral"
	// Pass: the client is authorised to use the domain (RFC 7208 §2.6.3).
	Pass Result = "pass"
	// Fail: the client is explicitly not authorised (RFC 7208 §2.6.4).
	Fail Result = "fail"
	// SoftFail: probably not authorised, a weak statement (RFC 7208 §2.6.5).
	SoftFail Result = "softfail"
	// TempError: a transient, generally DNS, error (RFC 7208 §2.6.6).
	TempError Result = "temperror"
	// PermError: the published records could not be interpreted correctly
	// (RFC 7208 §2.6.7).
	PermError Result = "permerror"
)

// Qualifier is the prefix of a directive that says what a match means
// (RFC 7208 §4.6.2).
type Qualifier byte

// The qualifiers of RFC 7208 §4.6.2. A directive written without one has the
// pass qualifier.
const (
	// QualifierPass is "+": a match gives pass.
	QualifierPass Qualifier = '+'
	// QualifierFail is "-": a match gives fail.
	QualifierFail Qualifier = '-'
	// QualifierSoftFail is "~": a match gives softfail.
	QualifierSoftFail Qualifier = '~'
	// QualifierNeutral is "?": a match gives neutral.
	QualifierNeutral Qualifier = '?'
)

// Result is the check_host() result a match of a directive with this
// qualifier produces; the zero Qualifier (none written) means pass.
func (q Qualifier) Result() Result {
	switch q {
	case QualifierFail:
		return Fail
	case QualifierSoftFail:
		return SoftFail
	case QualifierNeutral:
		return Neutral
	default:
		return Pass
	}
}

// Mechanism names a mechanism (RFC 7208 §5).
type Mechanism string

// The mechanisms of RFC 7208 §5.
const (
	// All matches every client (RFC 7208 §5.1).
	All Mechanism = "all"
	// Include matches when check_host() of the target passes (RFC 7208 §5.2).
	Include Mechanism = "include"
	// A matches the target's A or AAAA addresses (RFC 7208 §5.3).
	A Mechanism = "a"
	// MX matches the addresses of the target's MX hosts (RFC 7208 §5.4).
	MX Mechanism = "mx"
	// PTR matches validated reverse names under the target; do not use
	// (RFC 7208 §5.5).
	PTR Mechanism = "ptr"
	// IP4 matches an IPv4 network (RFC 7208 §5.6).
	IP4 Mechanism = "ip4"
	// IP6 matches an IPv6 network (RFC 7208 §5.6).
	IP6 Mechanism = "ip6"
	// Exists matches when the target has an A record (RFC 7208 §5.7).
	Exists Mechanism = "exists"
)

// queriesDNS reports whether the mechanism counts against the limit of 10
// DNS-querying terms (RFC 7208 §4.6.4).
func (m Mechanism) queriesDNS() bool {
	switch m {
	case Include, A, MX, PTR, Exists:
		return true
	}
	return false
}

// Modifier names a modifier RFC 7208 §6 defines (or RFC 6652 adds); any
// other name is an unknown modifier, which is ignored (§6).
type Modifier string

// The modifiers of RFC 7208 §6.
const (
	// Redirect hands the check to another domain when nothing matched
	// (RFC 7208 §6.1).
	Redirect Modifier = "redirect"
	// Exp names the TXT record whose text explains a fail (RFC 7208 §6.2).
	Exp Modifier = "exp"
)

// The failure-reporting modifiers of RFC 6652 §3. check_host() ignores
// them (they change no result); a receiver that sends SPF failure reports
// reads them.
const (
	// ReportAddress is the local-part, at the record's domain, that
	// failure reports go to ("ra=postmaster").
	ReportAddress Modifier = "ra"
	// ReportPercent is the share of failures to report, 0 to 100
	// ("rp=100").
	ReportPercent Modifier = "rp"
	// ReportRequest says which failures to report, colon-separated:
	// all, e (evaluation errors), f (fail), s (softfail), n (neutral and
	// none) ("rr=e:f").
	ReportRequest Modifier = "rr"
)

// SenderIDPrefix starts a Sender ID record (RFC 4406, "spf2.0/mfrom,pra
// ..."): an experiment concluded in 2013 (RFC 6686). SPF receivers ignore
// such records; they are not SPF records.
const SenderIDPrefix = "spf2.0/"

// Version is the version section every SPF record starts with (RFC 7208 §4.5).
const Version = "v=spf1"

// RFC 7208 §4.6.4 processing limits.
const (
	// LookupLimit is the number of DNS-querying terms (include, a, mx, ptr,
	// exists, redirect) one check_host() may evaluate.
	LookupLimit = 10
	// VoidLookupLimit is the recommended number of lookups that may return no
	// answer (NODATA or NXDOMAIN) before the result is permerror.
	VoidLookupLimit = 2
	// MXNameLimit is the number of MX names an mx mechanism may return before
	// the result is permerror.
	MXNameLimit = 10
	// PTRNameLimit is the number of PTR names ptr and %{p} look at; the rest
	// are ignored.
	PTRNameLimit = 10
	// RecordSizeAdvice is the record length RFC 7208 §3.4 advises staying
	// under so that the answer fits a 512-byte UDP message.
	RecordSizeAdvice = 450
)
