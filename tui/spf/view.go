package spf

import (
	"fmt"
	"strings"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/spfcheck"
	"github.com/mxray/mxray/spf"
	"github.com/mxray/mxray/tui/kit"
)

// View draws the pane, exactly its size.
func (p *Pane) View() string { return p.Fit(p.content()) }

// content is the pane's text: the IP line, the verdict, the editor in
// what-if mode, the tree and the selected record.
func (p *Pane) content() string {
	st, g := p.Com.Styles, p.Com.Glyphs
	var lines []string
	lines = append(lines, p.ipLine())
	if text, waiting := p.NotLoaded(finding.PartSPF, "the SPF record tree"); waiting && p.base() == nil {
		second := ""
		if p.ipErr != "" {
			second = " " + st.Error.Render(g.Fail+" "+p.ipErr)
		}
		return strings.Join(append(lines, second, text), "\n")
	}
	if p.multi() {
		lines = append(lines, p.tableView()...)
	}
	if !p.multi() || p.whatIf {
		lines = append(lines, p.verdictLine())
	}
	if p.whatIf {
		label := st.Label.Render("What if  ")
		if p.field == fieldEditor {
			label = st.Prompt.Render("What if  ")
		}
		lines = append(lines, " "+label+p.editor.View())
	}
	tree, _ := p.shown()
	root := tree.Root
	head := "tree " + g.Dot + " lookups per record"
	if p.env != nil {
		// Two trees: say which one this is.
		head = "tree of " + kit.Safe(tree.Domain) + ", the From domain " + g.Dot + " t: envelope"
		if p.useEnv {
			head = "tree of " + kit.Safe(tree.Domain) + ", the envelope domain " + g.Dot + " t: From"
		}
	}
	lines = append(lines, p.Rule(head, p.W))
	if root.Status == spf.NodeNone && !p.whatIf {
		lines = append(lines,
			" "+st.Verdict.None.Render(g.Fail+" No SPF record at "+kit.Safe(tree.Domain)+": receivers get \"none\" for every IP."),
			" "+st.Muted.Render("w drafts one: the tree and verdicts follow as you type."))
		lines = append(lines, p.FindingLines(p.shownFindings(), p.W-1, true)...)
		return strings.Join(lines, "\n")
	}
	from, to := p.list.Visible()
	for i := from; i < to; i++ {
		lines = append(lines, p.rowView(p.rows[i], p.W, p.Focused && p.field == fieldNone && !(p.inTable && p.multi()) && i == p.list.Cursor()))
	}
	for len(lines) < p.H-p.detailHeight() {
		lines = append(lines, "")
	}
	lines = append(lines, p.detail()...)
	return strings.Join(lines, "\n")
}

// ipLine is the IP field, or how to open it, with the worst-case counts.
func (p *Pane) ipLine() string {
	st, g := p.Com.Styles, p.Com.Glyphs
	left, hint := " "+st.Label.Render("IP "), ""
	switch {
	case p.field == fieldIP:
		left = " " + st.Prompt.Render("IP ") + p.ipField.View()
	case p.multi():
		left += kit.Plural(len(p.ips), "address", "addresses")
		hint = " " + g.Dot + " i edits them"
	case p.ip.IsValid():
		left += p.ip.String()
	default:
		left += st.Muted.Render("i tests addresses")
	}
	right := ""
	if tree, _ := p.shown(); tree != nil && tree.Root.Status == spf.NodeOK {
		right = fmt.Sprintf("worst case %d/%d lookups %s %d/%d void", tree.WorstCaseLookups(), spf.LookupLimit, g.Dot, tree.WorstCaseVoidLookups(), spf.VoidLookupLimit)
		if base := p.base(); p.whatIf && base != nil {
			right += st.Muted.Render(fmt.Sprintf(" (published %d)", base.WorstCaseLookups()))
		}
		if tree.WorstCaseLookups() > spf.LookupLimit {
			right = st.Verdict.Fail.Render(g.Fail+" ") + right
		}
	}
	if kit.Width(left+hint)+kit.Width(right)+1 < p.W {
		left += st.Muted.Render(hint) // a hint only where it fits
	}
	if right == "" {
		return left
	}
	return kit.Pad(left, max(0, p.W-kit.Width(right)-1), g.Ellipsis) + right
}

// verdictLine is the shown verdict with its deciding path, in what-if
// mode beside the published one.
func (p *Pane) verdictLine() string {
	st, g := p.Com.Styles, p.Com.Glyphs
	_, v := p.shown()
	if p.ipErr != "" {
		return " " + st.Error.Render(g.Fail+" "+p.ipErr)
	}
	prefix := " "
	if p.whatIf {
		prefix = " " + st.Verdict.SoftFail.Render("WHAT-IF") + " "
		if p.wiTree == nil {
			return prefix + p.Com.Spinner + " computing" + g.Ellipsis
		}
	}
	switch {
	case !p.ip.IsValid():
		if p.whatIf {
			return prefix + st.Muted.Render("not published; i tests an address against it")
		}
		return prefix + st.Muted.Render("No IP tested yet.")
	case p.evaluating && (v == nil || v.IP != p.ip):
		return prefix + p.Com.Spinner + " evaluating " + p.ip.String() + g.Ellipsis
	case v == nil:
		return prefix + st.Muted.Render("No verdict yet.")
	}
	s := prefix + p.Outcome(diag.Outcome(v.Result))
	if p.whatIf && p.published != nil && p.published.IP == p.ip {
		// Beside the what-if verdict, first: does the edit change it?
		s += st.Muted.Render(" (published: " + string(p.published.Result) + ")")
	}
	s += " " + g.Dot + " " + fmt.Sprintf("%d/%d lookups", v.Lookups, spf.LookupLimit)
	if m := v.Matched; m != nil {
		var path []string
		for _, d := range m.Path {
			path = append(path, kit.Safe(d))
		}
		path = append(path, kit.Safe(m.Term))
		s += " " + g.Dot + " " + st.Path.Render(strings.Join(path, " "+g.Arrow+" "))
	} else if v.Err != nil {
		s += " " + g.Dot + " " + st.Error.Render(kit.Safe(spfcheck.DecidedBy(v)))
	} else {
		s += " " + g.Dot + " " + kit.Safe(spfcheck.DecidedBy(v))
	}
	if v.Explanation != "" {
		s += " " + g.Dot + " exp: " + kit.Safe(v.Explanation)
	}
	return s
}

// detail describes the selected row: a record with its counts and
// problems, or the verdict's explanation for the matched term.
func (p *Pane) detail() []string {
	st, g := p.Com.Styles, p.Com.Glyphs
	r, ok := p.currentRow()
	if !ok {
		return nil
	}
	if r.node == nil {
		_, v := p.shown()
		lines := []string{p.Rule("deciding term", p.W)}
		if v != nil {
			lines = append(lines, kit.WrapIndent(" "+kit.Safe(verdictText(v)), p.W, 1)...)
		}
		return lines
	}
	n := r.node
	lines := []string{p.Rule(kit.Safe(n.Domain), p.W)}
	if n.Record != "" {
		for _, l := range kit.WrapIndent(kit.Safe(n.Record), p.W-2, 0) {
			lines = append(lines, " "+st.Record.Render(l))
		}
	}
	counts := fmt.Sprintf("lookups: %d here, %s with everything under it (worst case) %s void: %d", n.OwnLookups, lookupsText(n), g.Dot, n.VoidLookups)
	lines = append(lines, " "+st.Muted.Render(kit.Truncate(counts, p.W-1, g.Ellipsis)))
	if n.Err != nil && n.Status != spf.NodeOK {
		for _, l := range kit.WrapIndent(g.Fail+" "+kit.Safe(spf.Cause(n.Err)), p.W-2, 2) {
			lines = append(lines, " "+st.Error.Render(l))
		}
	}
	var fs []finding.Finding
	for _, f := range n.Problems {
		fs = append(fs, finding.Finding{Severity: finding.Severity(f.Severity), Message: f.Message, Fix: f.Fix})
	}
	return append(lines, p.FindingLines(fs, p.W-1, false)...)
}

// Detail is what the cursor is on, whole: a verdict table's row (the
// verdict with its path), or a record (its name, the whole record wrapped
// between terms, counts, why it is broken, its problems with their fixes)
// after the verdict of the address chosen.
func (p *Pane) Detail() (kit.Detail, bool) {
	_, v := p.shown()
	if p.inTable && p.multi() {
		v = p.verdicts[p.ip]
		if v == nil {
			return kit.Detail{}, false
		}
		return kit.Detail{Title: "SPF verdict", Lines: verdictDetail(v)}, true
	}
	r, ok := p.currentRow()
	if !ok {
		return kit.Detail{}, false
	}
	d := kit.Detail{Title: "SPF record"}
	if v != nil {
		d.Add(verdictDetail(v)...)
	}
	n := r.node
	if n == nil {
		if v == nil {
			return kit.Detail{}, false
		}
		d.Title = "SPF verdict"
		return d, true
	}
	d.Add(kit.Heading("Record at " + n.Domain))
	d.Add(kit.Field("Reached by", n.Via), kit.RecordField("Record", n.Record))
	if s := statusWords(p.Com.Glyphs, n); s != "" {
		d.Add(kit.Field("Status", s))
	}
	if len(n.Records) > 1 {
		for i, rec := range n.Records {
			d.Add(kit.RecordField(fmt.Sprintf("Record %d", i+1), rec))
		}
	}
	d.Add(kit.Field("Lookups", fmt.Sprintf("%d here, %s with everything under it (worst case); void: %d", n.OwnLookups, lookupsText(n), n.VoidLookups)))
	for _, r := range n.SenderID() {
		d.Add(kit.DetailLine{Label: "Sender ID", Value: r, Kind: kit.DetailRecord, Note: "ignored by receivers (RFC 6686)"})
	}
	if n.Parent() == nil && p.report != nil && !p.useEnv {
		for _, r := range p.report.ObsoleteRR {
			d.Add(kit.DetailLine{Label: "Type SPF (99)", Value: r, Kind: kit.DetailRecord, Note: "obsolete, ignored by receivers (RFC 7208 §3.1)"})
		}
	}
	if n.Err != nil && n.Status != spf.NodeOK {
		d.Add(kit.Problem(p.Com.Glyphs.Fail + " " + spf.Cause(n.Err)))
	}
	var fs []finding.Finding
	for _, f := range n.Problems {
		fs = append(fs, finding.Finding{Severity: finding.Severity(f.Severity), Message: f.Message, Fix: f.Fix})
	}
	d.Findings(p.Com, fs)
	return d, true
}
