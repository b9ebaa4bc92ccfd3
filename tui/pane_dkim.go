package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/dkim"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/headers/taglist"
	"github.com/mxray/mxray/spf"
)

// dkimPane lists the selectors where a key was found (and those named by
// --selector, found or not), with the selected key broken down tag by tag
// (RFC 6376 §3.6.1) and what is wrong with it. A message's DKIM-Signature
// selected in another pane shows the key it names, as the re-check found
// it, whatever its d=.
type dkimPane struct {
	paneBase
	report   *dkim.Report
	findings []finding.Finding
	list     cursorList
	// sig is the re-check of the signature selected elsewhere; want is the
	// selection waiting for the re-check to arrive.
	sig  *dkim.Result
	want Selection
}

func newDKIMPane(com *common) *dkimPane { return &dkimPane{paneBase: paneBase{com: com}} }

// ID names the pane.
func (p *dkimPane) ID() PaneID { return PaneDKIM }

// SetSize gives the pane its size in cells.
func (p *dkimPane) SetSize(w, h int) {
	p.paneBase.SetSize(w, h)
	p.list.setHeight(p.rowsHeight())
}

func (p *dkimPane) rowsHeight() int {
	n := 1
	if p.report != nil {
		n = len(p.report.Keys)
	}
	return max(1, min(n, p.h/3))
}

// Help lists the pane's own keys.
func (p *dkimPane) Help() []key.Binding {
	k := p.com.keys
	return []key.Binding{withHelp(k.Down, "next key"), withHelp(k.Copy, "copy record")}
}

// Update takes the run's messages, and keys while the pane has focus.
func (p *dkimPane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case runStartMsg:
		p.report, p.findings = nil, nil
		p.sig, p.want = nil, Selection{}
		p.list.set(0)
	case partMsg:
		p.load(msg.report)
	case runDoneMsg:
		p.load(msg.report)
	case recheckMsg:
		if !p.want.IsZero() {
			p.Select(p.want)
		}
	case tea.KeyPressMsg:
		if p.focused && p.list.handleKey(msg, p.com.keys) {
			p.sig, p.want = nil, Selection{} // back to the domain's keys
		}
	}
	return p, nil
}

func (p *dkimPane) load(rep *diag.Report) {
	if rep.DKIM == nil {
		return
	}
	p.report = rep.DKIM
	p.findings = rep.DKIM.Findings
	p.list.setLen(len(rep.DKIM.Keys))
	p.list.setHeight(p.rowsHeight())
	if p.sig != nil {
		p.moveToSelector(p.sig.Domain, p.sig.Selector)
	}
}

func (p *dkimPane) current() (dkim.KeyReport, bool) {
	if p.report == nil || p.list.cursor >= len(p.report.Keys) {
		return dkim.KeyReport{}, false
	}
	return p.report.Keys[p.list.cursor], true
}

// Selected is what the cursor is on.
func (p *dkimPane) Selected() Selection {
	if k, ok := p.current(); ok {
		return SelectorSelection(k.Selector)
	}
	return Selection{}
}

// Select moves to a selected selector, or shows the key of a message's
// signature (once the re-check is in).
func (p *dkimPane) Select(sel Selection) tea.Cmd {
	switch sel.Kind {
	case SelectSelector:
		if p.report == nil {
			return nil
		}
		for i, k := range p.report.Keys {
			if strings.EqualFold(k.Selector, sel.Name) {
				p.list.set(i)
			}
		}
	case SelectSignature:
		p.sig, p.want = nil, sel
		run := p.com.run
		if run == nil || run.hdr == nil || run.hdr.report == nil || run.hdr.report.Recheck == nil {
			return nil // the re-check is not in yet
		}
		p.want = Selection{}
		for i, r := range run.hdr.report.Recheck.DKIM {
			if normName(r.Domain) == sel.Domain && strings.EqualFold(r.Selector, sel.Name) {
				p.sig = &run.hdr.report.Recheck.DKIM[i]
				p.moveToSelector(r.Domain, r.Selector)
				break
			}
		}
	}
	return nil
}

// foreignSig reports whether the signature shown is another domain's: the
// cursor in the domain's list then means nothing.
func (p *dkimPane) foreignSig() bool {
	return p.sig != nil && p.report != nil && normName(p.sig.Domain) != normName(p.report.Domain)
}

// moveToSelector puts the cursor on a selector of the investigated domain.
func (p *dkimPane) moveToSelector(domain, selector string) {
	if p.report == nil || normName(domain) != normName(p.report.Domain) {
		return
	}
	for i, k := range p.report.Keys {
		if strings.EqualFold(k.Selector, selector) {
			p.list.set(i)
			return
		}
	}
}

// Copy copies the selected key record with its name.
func (p *dkimPane) Copy() (string, bool) {
	k, ok := p.current()
	if !ok || k.Record == "" {
		return "", false
	}
	return strings.TrimSuffix(k.Name, ".") + " TXT " + k.Record, true
}

// View draws the pane, exactly its size.
func (p *dkimPane) View() string { return p.fit(p.content()) }

// content is the pane's text before it is fitted to the pane.
func (p *dkimPane) content() string {
	st, g := p.com.styles, p.com.glyphs
	if text, waiting := p.notLoaded(diag.PartDKIM, "DKIM keys"); waiting {
		if p.sig != nil {
			return text + "\n" + strings.Join(p.signatureDetail(*p.sig), "\n")
		}
		return text
	}
	rep := p.report
	var lines []string
	lines = append(lines, " "+st.Muted.Render(truncate(fmt.Sprintf("%s %s %d common selectors probed",
		plural(len(foundKeys(rep)), "key found", "keys found"), g.Dot, rep.Probed), p.w-1, g.Ellipsis)))
	if len(rep.Keys) == 0 && p.sig != nil {
		return strings.Join(append(lines, p.signatureDetail(*p.sig)...), "\n")
	}
	if len(rep.Keys) == 0 {
		lines = append(lines, "",
			" "+st.Verdict.None.Render(g.Unknown+" No DKIM key at any selector tried."))
		lines = append(lines, wrapIndent(" A selector cannot be listed from DNS: take s= from a real message's DKIM-Signature and look it up with mxray check --selector S.", p.w, 1)...)
		lines = append(lines, "")
		lines = append(lines, p.findingLines(p.findings, p.w-1, false)...)
		return strings.Join(lines, "\n")
	}
	const selW, byW, typeW, bitsW = 16, 8, 9, 6
	lines = append(lines, " "+st.Label.Render(truncate(pad("Selector", selW, "")+pad("Found by", byW+1, "")+pad("Key", typeW, "")+padLeft("Bits", bitsW-1)+"  Notes", p.w-1, g.Ellipsis)))
	from, to := p.list.visible()
	for i := from; i < to; i++ {
		k := rep.Keys[i]
		bits := "-"
		if k.KeyBits > 0 {
			bits = itoa(k.KeyBits)
		}
		typ := string(k.KeyType)
		if k.Record == "" {
			typ = "-"
		}
		row := pad(safe(k.Selector), selW, g.Ellipsis) + pad(string(k.FoundBy), byW+1, "") + pad(typ, typeW, "") + padLeft(bits, bitsW-1) + "  " + p.notes(k)
		lines = append(lines, p.cursorRow(row, p.focused && i == p.list.cursor && !p.foreignSig()))
	}
	switch k, ok := p.current(); {
	case p.sig != nil:
		lines = append(lines, p.signatureDetail(*p.sig)...)
	case ok:
		lines = append(lines, p.keyDetail(k)...)
	}
	if general := findingsAbout(p.findings, "dkim", rep.Domain); len(general) > 0 {
		lines = append(lines, "")
		lines = append(lines, p.findingLines(general, p.w-1, false)...)
	}
	return strings.Join(lines, "\n")
}

// notes are the few words that say what is special about a key.
func (p *dkimPane) notes(k dkim.KeyReport) string {
	st, g := p.com.styles, p.com.glyphs
	var n []string
	switch {
	case k.Record == "" && k.Status.Temporary():
		n = append(n, st.Verdict.TempError.Render(g.Unknown+" lookup "+string(k.Status)))
	case k.Record == "":
		n = append(n, st.Verdict.Fail.Render(g.Fail+" not found ("+string(k.Status)+")"))
	case k.Revoked:
		n = append(n, st.Verdict.None.Render("revoked"))
	}
	sev := worstSeverity(findingsAbout(p.findings, "dkim", k.Selector), "dkim")
	if k.Record != "" && !k.Revoked {
		switch sev {
		case finding.Error:
			n = append(n, st.Verdict.Fail.Render(g.Fail+" unusable"))
		case finding.Warning:
			n = append(n, st.Verdict.SoftFail.Render(g.Warn+" weak"))
		default:
			n = append(n, st.Verdict.Pass.Render(g.Pass+" ok"))
		}
	}
	if k.Testing {
		n = append(n, "testing (t=y)")
	}
	if k.Strict {
		n = append(n, "strict (t=s)")
	}
	if k.CNAME != "" {
		via := "CNAME " + safe(k.CNAME)
		if k.Provider != "" {
			via = safe(k.Provider) + " (" + via + ")"
		}
		n = append(n, via)
	}
	return strings.Join(n, " "+g.Dot+" ")
}

// keyDetail breaks the selected key down: the name, the record, each tag,
// and the problems.
func (p *dkimPane) keyDetail(k dkim.KeyReport) []string {
	st, g := p.com.styles, p.com.glyphs
	lines := []string{"", p.rule(safe(strings.TrimSuffix(k.Name, ".")), p.w)}
	facts := []string{"status " + string(k.Status)}
	if k.TTL > 0 {
		facts = append(facts, fmt.Sprintf("TTL %d", k.TTL))
	}
	if k.CNAME != "" {
		facts = append(facts, "CNAME "+g.Arrow+" "+safe(k.CNAME))
	}
	lines = append(lines, " "+st.Muted.Render(truncate(strings.Join(facts, " "+g.Dot+" "), p.w-1, g.Ellipsis)))
	if k.Record == "" {
		return append(lines, p.findingLines(findingsAbout(p.findings, "dkim", k.Selector), p.w-1, false)...)
	}
	if k.Key != nil && len(k.Key.Tags) > 0 {
		lines = append(lines, p.tagLines(k.Key.Tags, k)...)
	} else {
		for _, l := range wrapIndent(safe(k.Record), p.w-2, 0) {
			lines = append(lines, " "+st.Record.Render(l))
		}
	}
	for _, e := range k.Errors {
		for _, l := range wrapIndent(g.Fail+" "+safe(e), p.w-2, 2) {
			lines = append(lines, " "+st.Error.Render(l))
		}
	}
	about := findingsAbout(p.findings, "dkim", k.Selector)
	return append(lines, p.findingLines(about, p.w-1, false)...)
}

// tagLines are a key record's tags in aligned columns, each with what it
// means; p= is shortened.
func (p *dkimPane) tagLines(tags []taglist.Tag, k dkim.KeyReport) []string {
	st, g := p.com.styles, p.com.glyphs
	vals := make([]string, len(tags))
	valW := 0
	for i, t := range tags {
		vals[i] = safe(t.Value)
		if t.Name == "p" && width(vals[i]) > 24 {
			vals[i] = truncate(vals[i], 16, "") + g.Ellipsis + fmt.Sprintf(" (%d chars)", len(t.Value))
		}
		valW = max(valW, width(vals[i]))
	}
	valW = min(valW, 32)
	lines := make([]string, 0, len(tags))
	for i, t := range tags {
		row := pad(safe(t.Name)+"=", 4, "") + pad(vals[i], valW, g.Ellipsis) + st.Muted.Render("  "+tagMeaning(t.Name, k))
		lines = append(lines, " "+truncate(row, p.w-1, g.Ellipsis))
	}
	return lines
}

// signatureDetail shows a message's signature as the re-check saw it: the
// verdict, where the key was asked, and the key record tag by tag.
func (p *dkimPane) signatureDetail(r dkim.Result) []string {
	st, g := p.com.styles, p.com.glyphs
	head := "signature d=" + safe(r.Domain) + " s=" + safe(r.Selector) + " (from the message)"
	lines := []string{"", p.rule(head, p.w)}
	add := func(text string, style Style) {
		for _, l := range wrapIndent(text, p.w-1, 2) {
			lines = append(lines, " "+style.Render(l))
		}
	}
	res := spf.Result(r.Result)
	verdict := st.Verdict.For(res).Render(resultGlyph(g, res)+" "+safe(string(r.Result))) + " today"
	facts := []string{"key " + safe(strings.TrimSuffix(r.KeyName, ".")), "body hash " + safe(string(r.BodyHash))}
	lines = append(lines, " "+truncate(verdict+st.Muted.Render(" "+g.Dot+" "+strings.Join(facts, " "+g.Dot+" ")), p.w-1, g.Ellipsis))
	if r.Reason != "" {
		add(safe(r.Reason), st.Muted)
	}
	if r.Key == nil {
		add(g.Unknown+" No key record was read at "+safe(strings.TrimSuffix(r.KeyName, "."))+".", st.Verdict.None)
		return lines
	}
	kr := dkim.KeyReport{KeyType: r.Key.Type, KeyBits: r.Key.Bits, Revoked: r.Key.Revoked}
	if len(r.Key.Tags) > 0 {
		lines = append(lines, p.tagLines(r.Key.Tags, kr)...)
	} else {
		add(safe(r.Key.Record), st.Record)
	}
	for _, e := range r.Key.Errors {
		add(g.Fail+" "+safe(e.Error()), st.Error)
	}
	return lines
}

// tagMeaning says in a few words what a key record tag holds (RFC 6376
// §3.6.1, RFC 8463).
func tagMeaning(name string, k dkim.KeyReport) string {
	switch name {
	case "v":
		return "version"
	case "k":
		return "key type"
	case "p":
		switch {
		case k.Revoked:
			return "public key: empty, so revoked"
		case k.KeyBits > 0 && k.KeyType == dkim.KeyEd25519:
			return "public key: Ed25519 (RFC 8463)"
		case k.KeyBits > 0:
			return fmt.Sprintf("public key: %d-bit %s", k.KeyBits, strings.ToUpper(string(k.KeyType)))
		}
		return "public key: unreadable"
	case "h":
		return "hash algorithms allowed"
	case "s":
		return "service types"
	case "t":
		return "flags: y testing, s strict identity"
	case "n":
		return "notes"
	}
	return "unknown tag, ignored"
}
