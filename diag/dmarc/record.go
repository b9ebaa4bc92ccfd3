package dmarc

import (
	"strings"

	"github.com/mxray/mxray/headers/taglist"
)

// Tag is one tag=value pair as it appears in the record.
type Tag struct {
	Name  string `json:"name"`  // as written (matching is case-insensitive)
	Value string `json:"value"` // with surrounding whitespace removed
	Pos   int    `json:"pos"`   // byte offset of the tag name
	// Known is false for a tag that is neither in RFC 9989 nor one of the
	// removed RFC 7489 tags; receivers ignore it (RFC 9989 §4.7).
	Known bool `json:"known"`
	// Removed is true for pct, rf and ri (RFC 9989 Appendix C.5.2).
	Removed bool `json:"removed,omitempty"`
}

// Record is a parsed DMARC policy record. Broken tags are left at their
// defaults and listed in Errors (RFC 9989 §4.8).
type Record struct {
	Raw string `json:"raw"` // the record text as parsed

	// Policy is "p"; empty when the tag is absent or invalid. See PolicyTag
	// for which.
	Policy Policy `json:"p,omitempty"`
	// PolicyTag says whether "p" was present, and whether its value was
	// valid.
	PolicyTag TagState `json:"p_state"`
	// SubdomainPolicy is "sp"; empty when absent or invalid.
	SubdomainPolicy Policy   `json:"sp,omitempty"`
	SPTag           TagState `json:"sp_state"` // whether sp was absent, valid or invalid
	// NonexistentPolicy is "np"; empty when absent or invalid.
	NonexistentPolicy Policy   `json:"np,omitempty"`
	NPTag             TagState `json:"np_state"` // whether np was absent, valid or invalid

	ADKIM Alignment `json:"adkim"` // "adkim", default r
	ASPF  Alignment `json:"aspf"`  // "aspf", default r

	RUA []ReportURI `json:"rua,omitempty"` // "rua": the syntactically valid URIs
	RUF []ReportURI `json:"ruf,omitempty"` // "ruf": the syntactically valid URIs

	// FO is "fo", the failure reporting options in the order written;
	// default ["0"].
	FO []string `json:"fo"`
	// Testing is "t=y" (RFC 9989 §4.7); default n.
	Testing bool `json:"t"`
	// PSD is "psd"; default u.
	PSD PSD `json:"psd"`

	// Pct is RFC 7489's "pct" (0-100); -1 when absent or invalid.
	// RFC 9989 removed it; RFC 7489 receivers still sample by it.
	Pct int `json:"pct"`
	// RF is RFC 7489's "rf" as written; removed by RFC 9989.
	RF string `json:"rf,omitempty"`
	// RI is RFC 7489's "ri" in seconds; -1 when absent or invalid.
	RI int64 `json:"ri"`

	Tags   []Tag                  `json:"tags"`   // every tag, in record order
	Errors []*taglist.SyntaxError `json:"errors"` // what was discarded, and why
}

// TagState says whether a policy tag was present and usable.
type TagState string

// The tag states.
const (
	TagAbsent  TagState = "absent"
	TagValid   TagState = "valid"
	TagInvalid TagState = "invalid"
)

// Unknown returns the tags that RFC 9989 does not define and that are not
// the removed RFC 7489 tags.
func (r *Record) Unknown() []Tag {
	var out []Tag
	for _, t := range r.Tags {
		if !t.Known {
			out = append(out, t)
		}
	}
	return out
}

// RemovedTags returns the pct, rf and ri tags present in the record.
func (r *Record) RemovedTags() []Tag {
	var out []Tag
	for _, t := range r.Tags {
		if t.Removed {
			out = append(out, t)
		}
	}
	return out
}

// Has reports whether the record contains the tag (case-insensitive), valid
// or not.
func (r *Record) Has(name string) bool {
	for _, t := range r.Tags {
		if strings.EqualFold(t.Name, name) {
			return true
		}
	}
	return false
}

// Policies is what a record asks for, after RFC 9989's fallbacks.
type Policies struct {
	// Applies is false when a receiver applies no DMARC processing because
	// of this record: an invalid p, sp or np with no valid rua
	// (RFC 9989 §4.10.1).
	Applies bool `json:"applies"`
	// Domain is the policy for the domain the record is published at: p,
	// or none when p is absent (RFC 9989 §4.7, tag "p").
	Domain Policy `json:"domain"`
	// Subdomain is for existing subdomains: sp, else p (§4.7, tag "sp").
	Subdomain Policy `json:"subdomain"`
	// Nonexistent is for subdomains that do not exist: np, else sp, else p
	// (§4.7, tag "np").
	Nonexistent Policy `json:"nonexistent"`
	// Note explains a fallback that was taken, in words; empty otherwise.
	Note string `json:"note,omitempty"`
}

// Policies applies the fallbacks of RFC 9989: a missing p is p=none
// (§4.7); an invalid p, sp or np makes the receiver act as if the record
// said p=none when rua has at least one valid URI, and apply no DMARC at
// all otherwise (§4.10.1).
func (r *Record) Policies() Policies {
	if r.PolicyTag == TagInvalid || r.SPTag == TagInvalid || r.NPTag == TagInvalid {
		var bad []string
		if r.PolicyTag == TagInvalid {
			bad = append(bad, "p")
		}
		if r.SPTag == TagInvalid {
			bad = append(bad, "sp")
		}
		if r.NPTag == TagInvalid {
			bad = append(bad, "np")
		}
		what := joinWords(bad) + " is not valid"
		if len(bad) > 1 {
			what = joinWords(bad) + " are not valid"
		}
		if len(r.RUA) > 0 {
			return Policies{Applies: true, Domain: PolicyNone, Subdomain: PolicyNone, Nonexistent: PolicyNone,
				Note: what + "; because rua has a valid address, receivers act as if the record said p=none (RFC 9989 §4.10.1)"}
		}
		return Policies{Applies: false,
			Note: what + " and rua has no valid address, so receivers apply no DMARC processing at all (RFC 9989 §4.10.1)"}
	}
	p := r.Policy
	note := ""
	if r.PolicyTag == TagAbsent {
		p = PolicyNone
		note = "p is missing, so receivers treat the record as p=none (RFC 9989 §4.7)"
	}
	sp := r.SubdomainPolicy
	if sp == "" {
		sp = p
	}
	np := r.NonexistentPolicy
	if np == "" {
		np = sp
	}
	return Policies{Applies: true, Domain: p, Subdomain: sp, Nonexistent: np, Note: note}
}

func joinWords(ws []string) string {
	switch len(ws) {
	case 0:
		return ""
	case 1:
		return ws[0]
	}
	out := ""
	for i, w := range ws {
		switch {
		case i == 0:
			out = w
		case i == len(ws)-1:
			out += " and " + w
		default:
			out += ", " + w
		}
	}
	return out
}
