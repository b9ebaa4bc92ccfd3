package spf

import (
	"strings"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/spf"
	"github.com/mxray/mxray/tui/kit"
)

// spfRow is one line of the drawn tree: a record (node), or the term that
// decided a verdict (node nil).
type spfRow struct {
	node     *spf.Node
	key      string // identifies the node for folding: term indexes from the top
	prefix   string // the tree's drawing before the label
	onPath   bool   // on the deciding path of the shown verdict
	children bool   // has rows under it (folded or not)
	term     string // for the matched-term row: the term as written
	result   spf.Result
}

// deciding is the nodes on a verdict's deciding path and the node and term
// that matched, when the verdict was evaluated against t.
func deciding(t *spf.Tree, v *spf.Verdict) (map[*spf.Node]bool, *spf.Node, string) {
	if t == nil || v == nil || v.Tree() != t {
		return nil, nil, ""
	}
	d, ok := v.Deciding()
	if !ok {
		return nil, nil, ""
	}
	on := make(map[*spf.Node]bool, len(d.Path))
	for _, n := range d.Path {
		on[n] = true
	}
	return on, d.Matched, d.Term
}

// buildRows flattens the shown tree into rows, folded nodes closed, the
// matched term placed among its record's children in term order.
func (p *Pane) buildRows() {
	tree, v := p.shown()
	var curKey string
	if r, ok := p.currentRow(); ok {
		curKey = r.key
	}
	p.rows = p.rows[:0]
	if tree == nil {
		p.list.SetLen(0)
		return
	}
	on, matchNode, matchTerm := deciding(tree, v)
	g := p.Com.Glyphs
	var walk func(n *spf.Node, prefix, childPrefix, key string)
	walk = func(n *spf.Node, prefix, childPrefix, key string) {
		type item struct {
			child *spf.Node
			term  string
			key   string
		}
		var items []item
		for i, ti := range n.Terms {
			if ti.Child != nil {
				items = append(items, item{child: ti.Child, key: key + "/" + kit.Itoa(i)})
			}
			if n == matchNode && ti.Term != nil && ti.Term.Text == matchTerm && ti.Child == nil {
				items = append(items, item{term: matchTerm, key: key + "/" + kit.Itoa(i) + "m"})
			}
		}
		p.rows = append(p.rows, spfRow{node: n, key: key, prefix: prefix, onPath: on[n], children: len(items) > 0})
		if p.collapsed[key] {
			return
		}
		for i, it := range items {
			branch, next := g.Branch, g.Pipe
			if i == len(items)-1 {
				branch, next = g.Last, g.Blank
			}
			if it.child != nil {
				walk(it.child, childPrefix+branch, childPrefix+next, it.key)
				continue
			}
			p.rows = append(p.rows, spfRow{key: it.key, prefix: childPrefix + branch, onPath: true, term: it.term, result: v.Result})
		}
	}
	walk(tree.Root, "", "", "0")
	p.list.SetLen(len(p.rows))
	for i, r := range p.rows {
		if r.key == curKey {
			p.list.Set(i)
			break
		}
	}
}

func (p *Pane) currentRow() (spfRow, bool) {
	if p.list.Cursor() < len(p.rows) {
		return p.rows[p.list.Cursor()], true
	}
	return spfRow{}, false
}

// toggle folds or unfolds the node under the cursor.
func (p *Pane) toggle() {
	if r, ok := p.currentRow(); ok && r.children {
		p.collapsed[r.key] = !p.collapsed[r.key]
		p.buildRows()
	}
}

// collapse folds the node under the cursor, or moves to its parent.
func (p *Pane) collapse() {
	r, ok := p.currentRow()
	if !ok {
		return
	}
	if r.children && !p.collapsed[r.key] {
		p.collapsed[r.key] = true
		p.buildRows()
		return
	}
	parent := r.key[:max(0, strings.LastIndex(r.key, "/"))]
	for i, row := range p.rows {
		if row.key == parent {
			p.list.Set(i)
			return
		}
	}
}

// expand unfolds the node under the cursor.
func (p *Pane) expand() {
	if r, ok := p.currentRow(); ok && p.collapsed[r.key] {
		delete(p.collapsed, r.key)
		p.buildRows()
	}
}

// moveTo puts the cursor on the first record of domain, unfolding the
// nodes above it.
func (p *Pane) moveTo(domain string) {
	tree, _ := p.shown()
	if tree == nil {
		return
	}
	var path []string
	var find func(n *spf.Node, key string) bool
	find = func(n *spf.Node, key string) bool {
		if kit.NormName(n.Domain) == domain {
			path = append(path, key)
			return true
		}
		for i, ti := range n.Terms {
			if ti.Child != nil && find(ti.Child, key+"/"+kit.Itoa(i)) {
				path = append(path, key)
				return true
			}
		}
		return false
	}
	if !find(tree.Root, "0") {
		return
	}
	for _, k := range path[1:] {
		delete(p.collapsed, k)
	}
	p.buildRows()
	for i, r := range p.rows {
		if r.key == path[0] {
			p.list.Set(i)
			return
		}
	}
}

// nodeLabel is how a record is named in the tree: the top by its domain,
// the others by the term that leads to them.
func nodeLabel(n *spf.Node) string {
	if n.Via == "" {
		return n.Domain
	}
	return n.Via
}

// statusWords says what is wrong with a record that is not one valid SPF
// record, with its symbol.
func statusWords(g kit.Glyphs, n *spf.Node) string {
	switch n.Status {
	case spf.NodeNone:
		return g.Fail + " no SPF record"
	case spf.NodeMultiple:
		return g.Fail + " " + kit.Itoa(len(n.Records)) + " records"
	case spf.NodeInvalid:
		return g.Fail + " syntax error"
	case spf.NodeTempError:
		return g.Unknown + " lookup failed"
	case spf.NodeLoop:
		return g.Fail + " loop"
	case spf.NodeCut:
		return g.Ellipsis + " not fetched (tree limit)"
	case spf.NodeDynamic:
		return g.Dot + " depends on the message"
	}
	return ""
}

// lookupsText is a node's worst-case lookups ("3", "3+" when incomplete).
func lookupsText(n *spf.Node) string {
	s := kit.Itoa(n.Lookups)
	if n.Incomplete {
		s += "+"
	}
	return s
}

// rowView draws one row of the tree in w cells.
func (p *Pane) rowView(r spfRow, w int, selected bool) string {
	st, g := p.Com.Styles, p.Com.Glyphs
	if r.node == nil {
		mark := p.Mark(diag.Outcome(r.result).Tone())
		text := st.Muted.Render(r.prefix) + mark + " " + st.Highlight.Render(kit.Safe(r.term)) + " " + st.Path.Render(g.Marker+" matched: "+string(r.result))
		return p.CursorRow(text, selected)
	}
	n := r.node
	fold := g.Leaf
	if r.children {
		fold = g.Expanded
		if p.collapsed[r.key] {
			fold = g.Collapsed
		}
	}
	label := kit.Safe(nodeLabel(n))
	if r.onPath {
		label = st.Path.Render(label + " " + g.Marker)
	}
	left := st.Muted.Render(r.prefix) + fold + " " + label
	if s := statusWords(g, n); s != "" {
		style := st.Verdict.Fail
		if n.Status == spf.NodeTempError {
			style = st.Verdict.TempError
		} else if n.Status == spf.NodeCut || n.Status == spf.NodeDynamic {
			style = st.Muted
		}
		left += " " + style.Render(s)
	}
	errs, warns := 0, 0
	for _, f := range n.Problems {
		switch f.Severity {
		case spf.SeverityError:
			errs++
		case spf.SeverityWarning:
			warns++
		}
	}
	right := ""
	if errs > 0 {
		right += st.Severity.Error.Render(g.Fail+kit.Itoa(errs)) + " "
	}
	if warns > 0 {
		right += st.Severity.Warning.Render(g.Warn+kit.Itoa(warns)) + " "
	}
	right += kit.PadLeft(lookupsText(n), 3)
	text := kit.Pad(left, max(1, w-1-kit.Width(right)-1), g.Ellipsis) + " " + right
	return p.CursorRow(text, selected)
}
