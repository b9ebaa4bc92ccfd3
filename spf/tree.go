package spf

import "net/netip"

// Tree is a domain's SPF record tree as Prefetch resolved it, ready for any
// number of concurrent evaluations. It is never changed after Prefetch
// returns.
type Tree struct {
	Domain string // the domain checked, trailing dot dropped
	Root   *Node  // the top domain's record, with everything under it

	cfg      config
	store    *store
	records  map[string]*recInfo // by case-folded domain
	findings []Finding
}

// NodeStatus says what became of one record of the tree.
type NodeStatus string

// The states of a node.
const (
	// NodeOK: one valid SPF record.
	NodeOK NodeStatus = "ok"
	// NodeNone: no SPF record (NXDOMAIN, no TXT, or none starting with
	// v=spf1), or the name is not a valid domain.
	NodeNone NodeStatus = "none"
	// NodeMultiple: more than one SPF record (permerror).
	NodeMultiple NodeStatus = "multiple"
	// NodeInvalid: the record has a syntax error (permerror).
	NodeInvalid NodeStatus = "invalid"
	// NodeTempError: the TXT lookup failed (temperror).
	NodeTempError NodeStatus = "temperror"
	// NodeLoop: the target is already on the path from the top (permerror
	// when evaluated: the lookup limit is reached).
	NodeLoop NodeStatus = "loop"
	// NodeCut: not fetched because a depth or node limit was reached.
	NodeCut NodeStatus = "cut"
	// NodeDynamic: the target depends on the client or sender (macros), so
	// it is known only when a particular message is evaluated.
	NodeDynamic NodeStatus = "dynamic"
)

// Node is one record of the tree: the top domain's, or one an include or
// redirect leads to. A domain reached twice (a diamond) appears twice, and
// is counted twice, as evaluation would.
type Node struct {
	Domain  string     // the domain, trailing dot dropped; for a dynamic node, the domain-spec
	Via     string     // the parent's term that leads here, as written; "" for the top
	Depth   int        // 0 for the top
	Status  NodeStatus //
	Strings TXTRecord  // the record's character-strings as published
	Record  string     // the record, strings joined
	Records []string   // every SPF record, when there are several
	Parsed  *Record    // nil unless one record was selected
	Err     error      // why Status is not NodeOK
	Terms   []TermInfo // one per parsed term, in order
	// Children are the nodes include and redirect terms lead to, in term
	// order.
	Children []*Node
	// Lookups and VoidLookups are the worst case for this record and all
	// under it: every reachable term evaluated, as for a client IP that
	// matches nothing (void lookups as an IPv4 client sees them).
	Lookups, VoidLookups int
	// OwnLookups and OwnVoidLookups count this record's own terms only.
	OwnLookups, OwnVoidLookups int
	// Incomplete says the counts are a lower bound: part of the subtree is
	// dynamic, cut, or loops.
	Incomplete bool
	// Problems are the error and warning findings about this record itself
	// (its syntax, its terms, how its parent reaches it), for drawing next
	// to the node, as the Advisor found them; Tree.Findings has them all.
	Problems []Finding

	parent  *Node
	key     string       // case-folded domain
	ignored []ignoredTXT // TXT records that start like SPF but are not
	// senderID are the domain's Sender ID records (spf2.0/...).
	senderID []string
}

// TermInfo is what prefetch learned about one term of a record.
type TermInfo struct {
	Term *Term // the parsed term
	// Reachable is false for terms evaluation never reaches: those after an
	// "all", and a redirect in a record that has an "all" (RFC 7208 §6.1).
	Reachable bool
	// Lookup says the term counts against the 10 DNS-querying terms.
	Lookup bool
	// Void says the term's DNS question returned no records (NODATA or
	// NXDOMAIN); for "a", as an IPv4 client sees it. Void6 is the IPv6 view.
	Void, Void6 bool
	// Target is the name the term queries, when known before evaluation.
	Target string
	// Dynamic says the target depends on the client or sender (macros other
	// than %{d}), or the term is ptr: it is resolved at evaluation.
	Dynamic bool
	// Networks are the networks the term authorises when it matches: the
	// ip4/ip6 network, or a/mx addresses with the CIDR lengths applied.
	Networks []netip.Prefix
	// MXHosts are the MX names of an mx term and their addresses.
	MXHosts []MXHost
	// Child is the node an include or redirect leads to.
	Child *Node
	// Err is trouble with this term's DNS questions: a temporary failure, or
	// more than 10 MX names.
	Err error
	// NotFetched says the term's target was not resolved ahead of time (the
	// node limit was reached); evaluation asks when it gets there.
	NotFetched bool
}

// MXHost is one exchange of an mx term.
type MXHost struct {
	Name  string       // the exchange's host name
	Addrs []netip.Addr // A and AAAA
	Err   error        // a temporary failure looking up the addresses
}

// WorstCaseLookups is the number of DNS-querying terms an evaluation reaches
// when the client matches nothing: every reachable term of the tree.
func (t *Tree) WorstCaseLookups() int { return t.Root.Lookups }

// WorstCaseVoidLookups is the number of void lookups in the worst case, as
// an IPv4 client sees them.
func (t *Tree) WorstCaseVoidLookups() int { return t.Root.VoidLookups }

// Walk calls fn for every node, depth first in term order, stopping early
// when fn returns false.
func (n *Node) Walk(fn func(*Node) bool) bool {
	if !fn(n) {
		return false
	}
	for _, c := range n.Children {
		if !c.Walk(fn) {
			return false
		}
	}
	return true
}

// Path returns the domains from the top down to n.
func (n *Node) Path() []string {
	var p []string
	for x := n; x != nil; x = x.parent {
		p = append([]string{x.Domain}, p...)
	}
	return p
}

// Parent returns the node whose include or redirect leads to n; nil for
// the top.
func (n *Node) Parent() *Node { return n.parent }

// Ignored returns the TXT records at n's domain that start like SPF
// ("v=spf1" run into what follows) but are not SPF records (RFC 7208 §4.5),
// as published (at most four).
func (n *Node) Ignored() []TXTRecord {
	out := make([]TXTRecord, len(n.ignored))
	for i, r := range n.ignored {
		out[i] = r.strs
	}
	return out
}

// SenderID returns the Sender ID records (RFC 4406, "spf2.0/...") at n's
// domain, which SPF receivers ignore (at most four).
func (n *Node) SenderID() []string { return n.senderID }

// VoidLimit is the void lookup limit the tree was built with
// (WithVoidLimit; RFC 7208 §4.6.4 recommends VoidLookupLimit).
func (t *Tree) VoidLimit() int { return t.cfg.voidLimit }
