package spf

import "strings"

// Deciding is where a verdict was decided in the tree it was evaluated
// against: the records from the top down to the one whose term matched.
type Deciding struct {
	// Path holds the nodes from the tree's root down the include and
	// redirect terms the evaluation followed. It ends early when the path
	// left the prefetched tree (a target that depends on the message).
	Path []*Node
	// Matched is the record whose term matched, nil when Path ended early.
	Matched *Node
	// Term is the matching term as written.
	Term string
}

// Deciding follows the verdict's match down its tree, by the terms it took
// (a domain can appear twice in a tree; the terms tell which). ok is false
// when no term matched.
func (v *Verdict) Deciding() (Deciding, bool) {
	t, m := v.tree, v.Matched
	if t == nil || m == nil {
		return Deciding{}, false
	}
	d := Deciding{Path: []*Node{t.Root}}
	n := t.Root
	for i := 0; i+1 < len(m.Path) && i < len(m.Terms); i++ {
		var next *Node
		for _, ti := range n.Terms {
			if ti.Child != nil && ti.Term != nil && ti.Term.Text == m.Terms[i] && strings.EqualFold(ti.Child.Domain, m.Path[i+1]) {
				next = ti.Child
				break
			}
		}
		if next == nil {
			return d, true
		}
		n = next
		d.Path = append(d.Path, n)
	}
	if strings.EqualFold(n.Domain, m.RecordDomain) {
		d.Matched, d.Term = n, m.Term
	}
	return d, true
}
