// Package finding is the one shape every mxray check reports a problem in:
// {severity, code, message, fix}. The code is dotted (spf.lookup_limit,
// dmarc.removed_tag) and stable for scripts; fix says what to publish or do,
// in words a technician can read to a customer.
package finding

import (
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
	Severity Severity `json:"severity"`
	Code     string   `json:"code"`    // dotted and stable, e.g. "spf.lookup_limit"
	Message  string   `json:"message"` // what is wrong, in one or two sentences
	Fix      string   `json:"fix"`     // what to publish or do
	// Part names the pane the finding belongs to: "mx", "ptr", "spf", "dkim",
	// "dmarc", "mta_sts", "tls_rpt", "bimi", "headers", "dns".
	Part string `json:"part,omitempty"`
	// Subject names the node within the part: a domain, a selector, a host,
	// an IP, a hop index.
	Subject string `json:"subject,omitempty"`
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
		return strings.ToLower(a.Subject) < strings.ToLower(b.Subject)
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
