// Package finding is the one shape every mxray check reports a problem in:
// {severity, code, message, fix}, with the part of the investigation it
// belongs to and the subject it is about. The code is dotted
// (spf.lookup_limit, dmarc.removed_tag) and stable for scripts; fix says
// what to publish or do, in words a technician can read to a customer.
//
// Part is also the one word for a part of an investigation everywhere
// else: the parts of a domain report, the rows of a message's then-vs-now
// table and the workbench's panes all use it.
package finding

import (
	"encoding/json"
	"sort"
	"strings"
)

// Severity ranks a finding.
type Severity string

// The severities, worst first. Only Error makes mxray exit 1.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
	Info    Severity = "info"
)

// rank orders severities worst first.
func (s Severity) rank() int {
	switch s {
	case Error:
		return 0
	case Warning:
		return 1
	default:
		return 2
	}
}

// Finding is one problem or observation.
type Finding struct {
	Severity Severity // "severity"
	Code     string   // "code": dotted and stable, e.g. "spf.lookup_limit"
	Message  string   // "message": what is wrong, in one or two sentences
	Fix      string   // "fix": what to publish or do
	// Part is the part of the investigation the finding belongs to
	// ("part"): PartMX, PartPTR, PartSPF, PartDKIM, PartDMARC, PartMTASTS, PartSMTP,
	// PartTLSRPT, PartBIMI, PartHeaders or PartDNS.
	Part Part
	// Subject is what within the part the finding is about ("subject",
	// written as Subject.String()).
	Subject Subject
	// Home is the part whose view shows the finding when that is not Part
	// itself (a message's findings belong either to its hops or to its
	// then-vs-now table); not written to JSON. See Where.
	Home Part
}

// Where is the part whose view shows the finding: Home when set, the MX
// table for reverse DNS, the DNS log for the investigation's own problems,
// else Part.
func (f Finding) Where() Part {
	switch {
	case f.Home != "":
		return f.Home
	case f.Part == PartPTR:
		return PartMX
	case f.Part == PartDNS:
		return PartDNSLog
	}
	return f.Part
}

// findingJSON is a Finding as the JSON contract has it.
type findingJSON struct {
	Severity Severity `json:"severity"`
	Code     string   `json:"code"`
	Message  string   `json:"message"`
	Fix      string   `json:"fix"`
	Part     Part     `json:"part,omitempty"`
	Subject  string   `json:"subject,omitempty"`
}

// MarshalJSON writes {severity, code, message, fix, part, subject}, the
// subject as its text (a domain, a selector, "hop 3", "d=… s=…").
func (f Finding) MarshalJSON() ([]byte, error) {
	return json.Marshal(findingJSON{f.Severity, f.Code, f.Message, f.Fix, f.Part, f.Subject.String()})
}

// Sort orders findings by severity (errors first), then part, code and
// subject, so reports are stable.
func Sort(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Severity.rank() != b.Severity.rank() {
			return a.Severity.rank() < b.Severity.rank()
		}
		if a.Part != b.Part {
			return a.Part < b.Part
		}
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		return strings.ToLower(a.Subject.String()) < strings.ToLower(b.Subject.String())
	})
}

// HasError reports whether any finding is error-severity.
func HasError(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == Error {
			return true
		}
	}
	return false
}

// Worst is the worst severity among the findings of the parts named (of
// every part when none is named); "" when there is none.
func Worst(fs []Finding, parts ...Part) Severity {
	var worst Severity
	for _, f := range fs {
		if len(parts) > 0 && !contains(parts, f.Part) {
			continue
		}
		switch {
		case f.Severity == Error:
			return Error
		case f.Severity == Warning:
			worst = Warning
		case worst == "":
			worst = Info
		}
	}
	return worst
}

// About returns the findings of a part whose subject is one of the names
// given, compared as DNS names are (case and a trailing dot ignored).
func About(fs []Finding, part Part, names ...string) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Part != part {
			continue
		}
		for _, n := range names {
			if f.Subject.Is(n) {
				out = append(out, f)
				break
			}
		}
	}
	return out
}

func contains(parts []Part, p Part) bool {
	for _, q := range parts {
		if q == p {
			return true
		}
	}
	return false
}
