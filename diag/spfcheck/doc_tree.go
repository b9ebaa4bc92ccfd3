package spfcheck

import (
	"fmt"
	"strings"

	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/render"
	"github.com/mxray/mxray/spf"
)

// Doc draws the SPF part of a domain report: the record, the worst-case
// counts and the tree ("not finished" for a nil report).
func (r *Report) Doc(d *render.Doc) {
	d.Heading(2, "SPF")
	if r == nil || r.Tree == nil || r.Tree.Root == nil {
		d.Para("not finished")
		return
	}
	t := r.Tree
	if t.Root.Record == "" {
		d.Para(fmt.Sprintf("No SPF record (%s).", t.Root.Status))
		return
	}
	d.Code(t.Root.Record)
	d.Fields(
		[2]string{"DNS lookups (worst case)", lookupCount(t.WorstCaseLookups(), t.Root.Incomplete)},
		[2]string{"Void lookups", fmt.Sprintf("%d of %d allowed", t.WorstCaseVoidLookups(), spf.VoidLookupLimit)},
	)
	d.Tree(TreeDoc(t, nil))
}

func lookupCount(n int, incomplete bool) string {
	s := fmt.Sprintf("%d of %d allowed", n, spf.LookupLimit)
	if incomplete {
		s = "at least " + s
	}
	return s
}

// TreeDoc draws an SPF tree for the text and Markdown reports: each node
// with its lookups and problems, and the deciding path of m (when not nil)
// marked.
func TreeDoc(t *spf.Tree, m *spf.Match) *render.Node {
	decides := func(n *spf.Node) bool {
		if m == nil {
			return false
		}
		p := n.Path()
		if len(p) != len(m.Path) {
			return false
		}
		for i := range p {
			if !strings.EqualFold(p[i], m.Path[i]) {
				return false
			}
		}
		return true
	}
	var draw func(n *spf.Node) *render.Node
	draw = func(n *spf.Node) *render.Node {
		label := n.Domain
		if n.Via != "" {
			label = n.Via
		}
		switch {
		case n.Record != "":
			label += " — " + n.Record
		case n.Err != nil:
			label += " — " + spf.Cause(n.Err)
		default:
			label += " — " + string(n.Status)
		}
		label += fmt.Sprintf(" [%s", render.Plural(n.Lookups, "lookup"))
		if n.VoidLookups > 0 {
			label += fmt.Sprintf(", %d void", n.VoidLookups)
		}
		label += "]"
		out := &render.Node{Text: label, Marked: decides(n)}
		for _, p := range n.Problems {
			out.Children = append(out.Children, &render.Node{Text: fmt.Sprintf("%s: %s", strings.ToUpper(string(p.Severity)), p.Message)})
		}
		if out.Marked {
			out.Children = append(out.Children, &render.Node{Text: "matched " + m.Term, Marked: true})
		}
		for _, c := range n.Children {
			out.Children = append(out.Children, draw(c))
		}
		return out
	}
	return draw(t.Root)
}

// TreeReport lays out "mxray spf": a verdict table (one row per IP), the
// tree with the first verdict's deciding path marked, and the findings.
func TreeReport(t *spf.Tree, verdicts []*spf.Verdict, fs []finding.Finding) *render.Doc {
	d := &render.Doc{}
	domain := ""
	if t != nil {
		domain = t.Domain
	}
	d.Heading(1, "mxray spf "+domain)
	if len(verdicts) > 0 {
		var rows [][]string
		for _, v := range verdicts {
			decided := DecidedBy(v)
			helo := string(v.HELOResult)
			if helo == "" || v.HELO == "" {
				helo = "-"
			}
			rows = append(rows, []string{v.IP.String(), string(v.Result), helo, decided, fmt.Sprintf("%d/%d", v.Lookups, spf.LookupLimit), fmt.Sprint(v.VoidLookups)})
		}
		d.Table([]string{"IP", "Result", "HELO", "Decided by", "Lookups", "Void"}, rows)
		v := verdicts[0]
		d.Fields(
			[2]string{"Sender", v.Sender},
			[2]string{"HELO", v.HELO},
			[2]string{"Explanation", v.Explanation},
		)
	}
	if t != nil && t.Root != nil {
		d.Heading(2, "Record tree")
		d.Fields(
			[2]string{"DNS lookups (worst case)", lookupCount(t.WorstCaseLookups(), t.Root.Incomplete)},
			[2]string{"Void lookups", fmt.Sprintf("%d of %d allowed", t.WorstCaseVoidLookups(), spf.VoidLookupLimit)},
		)
		// The tree marks one verdict's path: with several addresses, say
		// whose (the first that a term decided).
		var m *spf.Match
		for _, v := range verdicts {
			if v.Matched != nil {
				m = v.Matched
				if len(verdicts) > 1 {
					d.Para("◀ marks how " + v.IP.String() + " was decided; the table says how each address was.")
				}
				break
			}
		}
		d.Tree(TreeDoc(t, m))
	}
	render.FindingsDoc(d, fs)
	return d
}
