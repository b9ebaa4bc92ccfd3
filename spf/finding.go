package spf

import "sort"

// Severity ranks a finding.
type Severity string

// The severities. Only Error makes mxray exit 1.
const (
	// SeverityError: the record is broken or authorises far too much.
	SeverityError Severity = "error"
	// SeverityWarning: the record works but is fragile or unwise.
	SeverityWarning Severity = "warning"
	// SeverityInfo: what the record means, for the technician.
	SeverityInfo Severity = "info"
)

// Finding is one problem or observation about a tree, with the fix. diag
// converts it to its own finding type (Domain becomes the subject).
type Finding struct {
	Severity Severity `json:"severity"`
	Code     string   `json:"code"`    // dotted and stable, e.g. "spf.lookup_limit"
	Message  string   `json:"message"` // what is wrong, in one or two sentences
	Fix      string   `json:"fix"`     // what to publish or do
	Domain   string   `json:"domain"`  // the record the finding is about
}

// rank orders severities worst first.
func (s Severity) rank() int {
	switch s {
	case SeverityError:
		return 0
	case SeverityWarning:
		return 1
	}
	return 2
}

// sortFindings orders findings worst first, keeping the tree order (top
// down, term by term) among findings of equal severity.
func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Severity.rank() != b.Severity.rank() {
			return a.Severity.rank() < b.Severity.rank()
		}
		return false
	})
}
