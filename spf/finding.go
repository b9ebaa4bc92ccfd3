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

// Finding is one problem or observation about a tree, with the fix, as an
// Advisor writes it. diag converts it to its own finding type (Domain
// becomes the subject).
type Finding struct {
	Severity Severity `json:"severity"` // error, warning or info
	Code     string   `json:"code"`     // dotted and stable, e.g. "spf.lookup_limit"
	Message  string   `json:"message"`  // what is wrong, in one or two sentences
	Fix      string   `json:"fix"`      // what to publish or do
	Domain   string   `json:"domain"`   // the record the finding is about
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

// Advisor is the technician's side of the engine: it reads a tree the
// engine built, and the verdicts it gave, and says what is wrong and what to
// do about it. The engine keeps what an Advisor returns with the tree
// (Tree.Findings, Tree.Errors, Node.Problems, Verdict.Findings,
// Report.Findings) and writes it into the JSON, but never looks inside it:
// no result, count or path depends on it. mxray's Advisor is package
// spf/advice; install it with WithAdvisor. Without one there are no
// findings.
type Advisor interface {
	// TreeFindings returns the findings about a tree the engine has just
	// built, in tree order (the engine sorts them worst first), and, by
	// node, the error and warning findings about that record itself, for
	// drawing next to it (Node.Problems).
	TreeFindings(t *Tree) (findings []Finding, problems map[*Node][]Finding)
	// VerdictFindings returns the findings about evaluations that ended
	// without an answer (permerror, temperror): one per distinct error,
	// naming every client IP that ran into it.
	VerdictFindings(vs []*Verdict) []Finding
}

// advise asks the tree's Advisor, if any, about the tree just built.
func (t *Tree) advise() {
	if t.cfg.advisor == nil {
		return
	}
	fs, problems := t.cfg.advisor.TreeFindings(t)
	sortFindings(fs)
	t.findings = fs
	t.Root.Walk(func(n *Node) bool {
		n.Problems = problems[n]
		return true
	})
}

// verdictFindings asks the tree's Advisor, if any, about verdicts.
func (t *Tree) verdictFindings(vs []*Verdict) []Finding {
	if t == nil || t.cfg.advisor == nil {
		return nil
	}
	return t.cfg.advisor.VerdictFindings(vs)
}

// Findings returns the problems with the tree and what each means, each
// with the fix, worst first, as the Advisor (WithAdvisor) found them. A
// fail verdict is not a finding; a broken record is.
func (t *Tree) Findings() []Finding { return append([]Finding(nil), t.findings...) }

// Errors returns the messages of the error-severity findings: what makes
// the domain's SPF broken, or authorise everyone.
func (t *Tree) Errors() []string {
	var out []string
	for _, f := range t.findings {
		if f.Severity == SeverityError {
			out = append(out, f.Message)
		}
	}
	return out
}
