package dmarc

import (
	"fmt"
	"strings"
)

// TagInfo describes one DMARC tag in plain language, for the TUI and
// reports.
type TagInfo struct {
	Name    string `json:"name"`              // "p", "rua", …
	Title   string `json:"title"`             // a few words
	Meaning string `json:"meaning"`           // one or two sentences a technician can read to a customer
	Default string `json:"default,omitempty"` // the value that applies when the tag is absent
	// Removed is true for the RFC 7489 tags that RFC 9989 removed
	// (Appendix C.5.2).
	Removed bool `json:"removed,omitempty"`
}

// tagTable returns the table, in the order a record is usually written. It
// is a function so that no caller can change it for another.
func tagTable() []TagInfo {
	return []TagInfo{
		{Name: TagV, Title: "version", Meaning: "Marks the TXT record as a DMARC policy record. It must be the first tag and read exactly v=DMARC1, or receivers ignore the whole record."},
		{Name: TagP, Title: "policy", Default: "none (when missing)", Meaning: "What the domain owner asks receivers to do with mail that uses this domain in From: and fails DMARC: none (only report), quarantine (treat as suspicious, e.g. spam folder) or reject (refuse it)."},
		{Name: TagSP, Title: "subdomain policy", Default: "the value of p", Meaning: "The same request for existing subdomains of the organizational domain (for example news.example.com). It only has an effect in the record of the organizational domain."},
		{Name: TagNP, Title: "non-existent subdomain policy", Default: "the value of sp, else p", Meaning: "The request for mail from subdomains that do not exist in DNS at all (an NXDOMAIN answer), a common trick of spoofers. New in RFC 9989; receivers still on RFC 7489 ignore it."},
		{Name: TagADKIM, Title: "DKIM alignment", Default: "r", Meaning: "How closely the DKIM signing domain (d=) must match the From: domain: r (relaxed) accepts any domain of the same organization, s (strict) requires the very same domain."},
		{Name: TagASPF, Title: "SPF alignment", Default: "r", Meaning: "How closely the envelope sender (MAIL FROM) domain that SPF checked must match the From: domain: r (relaxed) accepts the same organization, s (strict) requires the very same domain."},
		{Name: TagRUA, Title: "aggregate report addresses", Meaning: "Where receivers send daily aggregate reports (mailto: addresses, comma-separated). Without it, no reports are sent and the owner cannot see who sends mail as the domain. An address outside the domain's organization must be authorized by that domain."},
		{Name: TagRUF, Title: "failure report addresses", Meaning: "Where receivers may send a report about each failing message. Few receivers send them, for privacy reasons. The same authorization rule as rua applies to outside addresses."},
		{Name: TagFO, Title: "failure report options", Default: "0", Meaning: "When failure reports are wanted: 0 when SPF and DKIM both fail to give an aligned pass, 1 when either does, d for any failing DKIM signature, s for any SPF failure. Ignored without ruf."},
		{Name: TagT, Title: "testing", Default: "n", Meaning: "t=y means the owner is still testing: receivers apply one level less than the policy (quarantine instead of reject, nothing instead of quarantine). It replaces pct=0 from RFC 7489."},
		{Name: TagPSD, Title: "public suffix domain", Default: "u", Meaning: "Tells the DNS tree walk where an organization begins: y marks a public suffix (like a registry), n marks this domain as an organizational domain of its own, u (default) lets the walk decide."},
		{Name: TagPct, Title: "percentage (removed)", Removed: true, Meaning: "RFC 7489's share of failing mail the policy applies to. Removed in RFC 9989 (use t=y instead); older receivers may still apply pct."},
		{Name: TagRF, Title: "report format (removed)", Removed: true, Meaning: "RFC 7489's failure report format (afrf). Removed in RFC 9989; receivers ignore it."},
		{Name: TagRI, Title: "report interval (removed)", Removed: true, Meaning: "RFC 7489's requested seconds between aggregate reports. Removed in RFC 9989; receivers ignore it and report about daily."},
	}
}

// Tags returns the description of every known tag, RFC 9989's first and the
// removed RFC 7489 tags last.
func Tags() []TagInfo { return tagTable() }

// LookupTag returns the description of a tag (case-insensitive).
func LookupTag(name string) (TagInfo, bool) {
	for _, t := range tagTable() {
		if strings.EqualFold(t.Name, name) {
			return t, true
		}
	}
	return TagInfo{}, false
}

// ExplainedTag is one tag of a record with what its value means.
type ExplainedTag struct {
	Name    string `json:"name"`              // the tag name as written
	Value   string `json:"value"`             // its value as written
	Title   string `json:"title"`             // a few words naming the tag
	Meaning string `json:"meaning"`           // about this value, in plain language
	Removed bool   `json:"removed,omitempty"` // an RFC 7489 tag that RFC 9989 removed
	Unknown bool   `json:"unknown,omitempty"` // a tag no DMARC RFC defines: receivers ignore it
}

// Explain returns every tag of the record with a plain-language reading of
// its value, in record order.
func (r *Record) Explain() []ExplainedTag {
	out := make([]ExplainedTag, 0, len(r.Tags))
	for _, t := range r.Tags {
		e := ExplainedTag{Name: t.Name, Value: t.Value, Removed: t.Removed, Unknown: !t.Known}
		info, ok := LookupTag(t.Name)
		if !ok {
			e.Title = "unknown tag"
			e.Meaning = "Not a DMARC tag; receivers ignore it (RFC 9989 §4.7). Check the spelling."
		} else {
			e.Title = info.Title
			e.Meaning = ExplainValue(t.Name, t.Value)
		}
		out = append(out, e)
	}
	return out
}

// ExplainValue says what one tag value means, in plain language. For an
// invalid value it says so and what applies instead.
func ExplainValue(name, value string) string {
	v := strings.ToLower(strings.TrimSpace(value))
	switch strings.ToLower(name) {
	case TagV:
		if value == Version {
			return "This is a DMARC policy record."
		}
		return "Not DMARC1: receivers ignore the whole record."
	case TagP, TagSP, TagNP:
		who := map[string]string{
			TagP:  "mail that uses this domain in From:",
			TagSP: "mail from existing subdomains",
			TagNP: "mail from subdomains that do not exist",
		}[strings.ToLower(name)]
		switch Policy(v) {
		case PolicyNone:
			return fmt.Sprintf("Monitoring only: receivers are asked to take no action on %s that fails DMARC, only to report it.", who)
		case PolicyQuarantine:
			return fmt.Sprintf("Receivers are asked to treat %s that fails DMARC as suspicious (usually the spam folder).", who)
		case PolicyReject:
			return fmt.Sprintf("Receivers are asked to refuse %s that fails DMARC.", who)
		}
		return fmt.Sprintf("%q is not none, quarantine or reject, so this tag is invalid (see the findings for what receivers do instead).", value)
	case TagADKIM, TagASPF:
		what := map[string]string{TagADKIM: "the DKIM signing domain (d=)", TagASPF: "the envelope sender domain checked by SPF"}[strings.ToLower(name)]
		switch v {
		case "r":
			return fmt.Sprintf("Relaxed: %s may be any domain of the same organization as the From: domain.", what)
		case "s":
			return fmt.Sprintf("Strict: %s must be exactly the From: domain.", what)
		}
		return fmt.Sprintf("%q is not r or s, so relaxed alignment applies.", value)
	case TagRUA:
		return fmt.Sprintf("Aggregate reports go to %s.", value)
	case TagRUF:
		return fmt.Sprintf("Per-message failure reports go to %s (few receivers send them).", value)
	case TagFO:
		fo, bad := parseFO(value)
		if bad != "" {
			return "Invalid (" + bad + "); fo=0 applies."
		}
		var parts []string
		for _, o := range fo {
			parts = append(parts, map[string]string{
				"0": "when neither SPF nor DKIM gives an aligned pass",
				"1": "when either SPF or DKIM does not give an aligned pass",
				"d": "for every failing DKIM signature",
				"s": "for every SPF failure",
			}[o])
		}
		return "Failure reports are requested " + strings.Join(parts, ", and ") + " (only if ruf is set)."
	case TagT:
		switch v {
		case "y":
			return "Testing: receivers apply one level less than the policy (reject becomes quarantine, quarantine becomes none)."
		case "n":
			return "Not testing: the policy applies as written."
		}
		return fmt.Sprintf("%q is not y or n, so t=n applies.", value)
	case TagPSD:
		switch v {
		case "y":
			return "This domain declares itself a public suffix (like a registry): each name below it is its own organization."
		case "n":
			return "This domain declares itself an organizational domain: it and its subdomains are one organization, whatever is above."
		case "u":
			return "Undecided (the default): the DNS tree walk decides where the organization begins."
		}
		return fmt.Sprintf("%q is not y, n or u, so psd=u applies.", value)
	case TagPct:
		return fmt.Sprintf("Removed in RFC 9989; older receivers may still apply pct, to %s%% of failing mail.", value)
	case TagRF:
		return "Removed in RFC 9989; receivers ignore it."
	case TagRI:
		return "Removed in RFC 9989; receivers ignore it and report about once a day."
	}
	return "Not a DMARC tag; receivers ignore it (RFC 9989 §4.7)."
}
