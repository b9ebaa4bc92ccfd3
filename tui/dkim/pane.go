// Package dkim is the workbench pane of the DKIM keys (RFC 6376 §3.6.1, RFC
// 8301, RFC 8463) found for the domain, and of a message's signatures as
// the re-check found their keys.
package dkim

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/dkim"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/headers/taglist"
	"github.com/mxray/mxray/tui/kit"
)

// Pane lists the selectors where a key was found (and those named by
// --selector, found or not), with the selected key broken down tag by tag
// (RFC 6376 §3.6.1) and what is wrong with it. A message's DKIM-Signature
// selected in another pane shows the key it names, as the re-check found
// it, whatever its d=.
type Pane struct {
	kit.Base
	report   *dkim.Report
	findings []finding.Finding
	list     kit.List
	// sig is the re-check of the signature selected elsewhere; want is the
	// selection waiting for the re-check to arrive.
	sig  *dkim.Result
	want kit.Selection
}

// New returns the DKIM pane.
func New(com *kit.Common) *Pane {
	return &Pane{Base: kit.NewBase(com, finding.PartDKIM, "DKIM", "DKIM")}
}

// SetSize gives the pane its size in cells.
func (p *Pane) SetSize(w, h int) {
	p.Base.SetSize(w, h)
	p.list.SetHeight(p.rowsHeight())
}

func (p *Pane) rowsHeight() int {
	n := 1
	if p.report != nil {
		n = len(p.report.Keys)
	}
	return max(1, min(n, p.H/3))
}

// Help lists the pane's own keys.
func (p *Pane) Help() []key.Binding {
	k := p.Com.Keys
	return []key.Binding{kit.WithHelp(k.Down, "next key"), kit.WithHelp(k.Copy, "copy record")}
}

// Update takes the run's messages, and keys while the pane has focus.
func (p *Pane) Update(msg tea.Msg) (kit.Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case kit.RunStartMsg:
		p.report, p.findings = nil, nil
		p.sig, p.want = nil, kit.Selection{}
		p.list.Set(0)
	case kit.PartMsg:
		p.load(msg.Report)
	case kit.RunDoneMsg:
		p.load(msg.Report)
	case kit.RecheckMsg:
		if !p.want.IsZero() {
			p.Select(p.want)
		}
	case tea.KeyPressMsg:
		if !p.Focused {
			return p, nil
		}
		if p.list.HandleKey(msg, p.Com.Keys) {
			p.sig, p.want = nil, kit.Selection{} // back to the domain's keys
		}
		if key.Matches(msg, p.Com.Keys.Open) {
			if d, ok := p.Detail(); ok {
				return p, kit.ShowDetail(d)
			}
		}
	}
	return p, nil
}

func (p *Pane) load(rep *diag.Report) {
	if rep.DKIM == nil {
		return
	}
	p.report = rep.DKIM
	p.findings = rep.DKIM.Findings
	p.list.SetLen(len(rep.DKIM.Keys))
	p.list.SetHeight(p.rowsHeight())
	if p.sig != nil {
		p.moveToSelector(p.sig.Domain, p.sig.Selector)
	}
}

func (p *Pane) current() (dkim.KeyReport, bool) {
	if p.report == nil || p.list.Cursor() >= len(p.report.Keys) {
		return dkim.KeyReport{}, false
	}
	return p.report.Keys[p.list.Cursor()], true
}

// Selected is what the cursor is on.
func (p *Pane) Selected() kit.Selection {
	if k, ok := p.current(); ok {
		return kit.SelectorSelection(k.Selector)
	}
	return kit.Selection{}
}

// Select moves to a selected selector, or shows the key of a message's
// signature (once the re-check is in).
func (p *Pane) Select(sel kit.Selection) tea.Cmd {
	switch sel.Kind {
	case kit.SelectSelector:
		if p.report == nil {
			return nil
		}
		for i, k := range p.report.Keys {
			if strings.EqualFold(k.Selector, sel.Name) {
				p.list.Set(i)
			}
		}
	case kit.SelectSignature:
		p.sig, p.want = nil, sel
		var rc *diag.Recheck
		if run := p.Com.Run; run != nil && run.Recheck() != nil {
			rc = run.Recheck().Recheck
		}
		if rc == nil {
			return nil // the re-check is not in yet
		}
		p.want = kit.Selection{}
		for i, r := range rc.DKIM {
			if kit.NormName(r.Domain) == sel.Domain && strings.EqualFold(r.Selector, sel.Name) {
				p.sig = &rc.DKIM[i]
				p.moveToSelector(r.Domain, r.Selector)
				break
			}
		}
	}
	return nil
}

// foreignSig reports whether the signature shown is another domain's: the
// cursor in the domain's list then means nothing.
func (p *Pane) foreignSig() bool {
	return p.sig != nil && p.report != nil && kit.NormName(p.sig.Domain) != kit.NormName(p.report.Domain)
}

// moveToSelector puts the cursor on a selector of the investigated domain.
func (p *Pane) moveToSelector(domain, selector string) {
	if p.report == nil || kit.NormName(domain) != kit.NormName(p.report.Domain) {
		return
	}
	for i, k := range p.report.Keys {
		if strings.EqualFold(k.Selector, selector) {
			p.list.Set(i)
			return
		}
	}
}

// Copy copies the selected key record with its name.
func (p *Pane) Copy() (string, bool) {
	k, ok := p.current()
	if !ok || k.Record == "" {
		return "", false
	}
	return strings.TrimSuffix(k.Name, ".") + " TXT " + k.Record, true
}

// View draws the pane, exactly its size.
func (p *Pane) View() string { return p.Fit(p.content()) }

// content is the pane's text before it is fitted to the pane.
func (p *Pane) content() string {
	st, g := p.Com.Styles, p.Com.Glyphs
	if text, waiting := p.NotLoaded(finding.PartDKIM, "DKIM keys"); waiting {
		if p.sig != nil {
			return text + "\n" + strings.Join(p.signatureDetail(*p.sig), "\n")
		}
		return text
	}
	rep := p.report
	var lines []string
	lines = append(lines, " "+st.Muted.Render(kit.Truncate(fmt.Sprintf("%s %s %d common selectors probed",
		kit.Plural(len(rep.FoundKeys()), "key found", "keys found"), g.Dot, rep.Probed), p.W-1, g.Ellipsis)))
	if len(rep.Keys) == 0 && p.sig != nil {
		return strings.Join(append(lines, p.signatureDetail(*p.sig)...), "\n")
	}
	if len(rep.Keys) == 0 && rep.Unchecked() {
		lines = append(lines, "", " "+st.Verdict.TempError.Render(g.Unknown+" DKIM could not be checked: every lookup failed."), "")
		lines = append(lines, p.FindingLines(p.findings, p.W-1, false)...)
		return strings.Join(lines, "\n")
	}
	if len(rep.Keys) == 0 {
		lines = append(lines, "",
			" "+st.Verdict.None.Render(g.Unknown+" No DKIM key at any selector tried."))
		lines = append(lines, kit.WrapIndent(" A selector cannot be listed from DNS: take s= from a real message's DKIM-Signature and look it up with mxray check --selector S.", p.W, 1)...)
		lines = append(lines, "")
		lines = append(lines, p.FindingLines(p.findings, p.W-1, false)...)
		return strings.Join(lines, "\n")
	}
	const selW, byW, typeW, bitsW = 16, 8, 9, 6
	lines = append(lines, " "+st.Label.Render(kit.Truncate(kit.Pad("Selector", selW, "")+kit.Pad("Found by", byW+1, "")+kit.Pad("Key", typeW, "")+kit.PadLeft("Bits", bitsW-1)+"  Notes", p.W-1, g.Ellipsis)))
	from, to := p.list.Visible()
	for i := from; i < to; i++ {
		k := rep.Keys[i]
		bits := "-"
		if k.KeyBits > 0 {
			bits = kit.Itoa(k.KeyBits)
		}
		typ := string(k.KeyType)
		if k.Record == "" {
			typ = "-"
		}
		row := kit.Pad(kit.Safe(k.Selector), selW, g.Ellipsis) + kit.Pad(string(k.FoundBy), byW+1, "") + kit.Pad(typ, typeW, "") + kit.PadLeft(bits, bitsW-1) + "  " + p.notes(k)
		lines = append(lines, p.CursorRow(row, p.Focused && i == p.list.Cursor() && !p.foreignSig()))
	}
	switch k, ok := p.current(); {
	case p.sig != nil:
		lines = append(lines, p.signatureDetail(*p.sig)...)
	case ok:
		lines = append(lines, p.keyDetail(k)...)
	}
	if general := finding.About(p.findings, finding.PartDKIM, rep.Domain); len(general) > 0 {
		lines = append(lines, "")
		lines = append(lines, p.FindingLines(general, p.W-1, false)...)
	}
	return strings.Join(lines, "\n")
}

// notes are the few words that say what is special about a key.
func (p *Pane) notes(k dkim.KeyReport) string {
	st, g := p.Com.Styles, p.Com.Glyphs
	var n []string
	switch {
	case k.Record == "" && k.Status.Temporary():
		n = append(n, st.Verdict.TempError.Render(g.Unknown+" lookup "+string(k.Status)))
	case k.Record == "":
		n = append(n, st.Verdict.Fail.Render(g.Fail+" not found ("+string(k.Status)+")"))
	case k.Revoked:
		n = append(n, st.Verdict.None.Render("revoked"))
	}
	sev := finding.Worst(finding.About(p.findings, finding.PartDKIM, k.Selector))
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
		via := "CNAME " + kit.Safe(k.CNAME)
		if k.Provider != "" {
			via = kit.Safe(k.Provider) + " (" + via + ")"
		}
		n = append(n, via)
	}
	return strings.Join(n, " "+g.Dot+" ")
}

// keyDetail breaks the selected key down: the name, the record, each tag,
// and the problems.
func (p *Pane) keyDetail(k dkim.KeyReport) []string {
	st, g := p.Com.Styles, p.Com.Glyphs
	lines := []string{"", p.Rule(kit.Safe(strings.TrimSuffix(k.Name, ".")), p.W)}
	facts := []string{"status " + string(k.Status)}
	if k.TTL > 0 {
		facts = append(facts, fmt.Sprintf("TTL %d", k.TTL))
	}
	if k.CNAME != "" {
		facts = append(facts, "CNAME "+g.Arrow+" "+kit.Safe(k.CNAME))
	}
	lines = append(lines, " "+st.Muted.Render(kit.Truncate(strings.Join(facts, " "+g.Dot+" "), p.W-1, g.Ellipsis)))
	if k.Record == "" {
		return append(lines, p.FindingLines(finding.About(p.findings, finding.PartDKIM, k.Selector), p.W-1, false)...)
	}
	if k.Key != nil && len(k.Key.Tags) > 0 {
		lines = append(lines, p.tagLines(k.Key.Tags, k)...)
	} else {
		for _, l := range kit.WrapIndent(kit.Safe(k.Record), p.W-2, 0) {
			lines = append(lines, " "+st.Record.Render(l))
		}
	}
	for _, e := range k.Errors {
		for _, l := range kit.WrapIndent(g.Fail+" "+kit.Safe(e), p.W-2, 2) {
			lines = append(lines, " "+st.Error.Render(l))
		}
	}
	about := finding.About(p.findings, finding.PartDKIM, k.Selector)
	return append(lines, p.FindingLines(about, p.W-1, false)...)
}

// tagLines are a key record's tags in aligned columns, each with what it
// means; p= is shortened.
func (p *Pane) tagLines(tags []taglist.Tag, k dkim.KeyReport) []string {
	st, g := p.Com.Styles, p.Com.Glyphs
	vals := make([]string, len(tags))
	valW := 0
	for i, t := range tags {
		vals[i] = kit.Safe(t.Value)
		if t.Name == "p" && kit.Width(vals[i]) > 24 {
			vals[i] = kit.Truncate(vals[i], 16, "") + g.Ellipsis + fmt.Sprintf(" (%d chars)", len(t.Value))
		}
		valW = max(valW, kit.Width(vals[i]))
	}
	valW = min(valW, 32)
	lines := make([]string, 0, len(tags))
	for i, t := range tags {
		row := kit.Pad(kit.Safe(t.Name)+"=", 4, "") + kit.Pad(vals[i], valW, g.Ellipsis) + st.Muted.Render("  "+tagMeaning(t.Name, k))
		lines = append(lines, " "+kit.Truncate(row, p.W-1, g.Ellipsis))
	}
	return lines
}

// signatureDetail shows a message's signature as the re-check saw it: the
// verdict, where the key was asked, and the key record tag by tag.
func (p *Pane) signatureDetail(r dkim.Result) []string {
	st, g := p.Com.Styles, p.Com.Glyphs
	head := "signature d=" + kit.Safe(r.Domain) + " s=" + kit.Safe(r.Selector) + " (from the message)"
	lines := []string{"", p.Rule(head, p.W)}
	add := func(text string, style kit.Style) {
		for _, l := range kit.WrapIndent(text, p.W-1, 2) {
			lines = append(lines, " "+style.Render(l))
		}
	}
	verdict := p.Outcome(diag.Outcome(r.Result)) + " today"
	facts := []string{"key " + kit.Safe(strings.TrimSuffix(r.KeyName, ".")), "body hash " + kit.Safe(string(r.BodyHash))}
	lines = append(lines, " "+kit.Truncate(verdict+st.Muted.Render(" "+g.Dot+" "+strings.Join(facts, " "+g.Dot+" ")), p.W-1, g.Ellipsis))
	if r.Reason != "" {
		add(kit.Safe(r.Reason), st.Muted)
	}
	if r.Key == nil {
		add(g.Unknown+" No key record was read at "+kit.Safe(strings.TrimSuffix(r.KeyName, "."))+".", st.Verdict.None)
		return lines
	}
	kr := dkim.KeyReport{KeyType: r.Key.Type, KeyBits: r.Key.Bits, Revoked: r.Key.Revoked}
	if len(r.Key.Tags) > 0 {
		lines = append(lines, p.tagLines(r.Key.Tags, kr)...)
	} else {
		add(kit.Safe(r.Key.Record), st.Record)
	}
	for _, e := range r.Key.Errors {
		add(g.Fail+" "+kit.Safe(e.Error()), st.Error)
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

// Signature is the re-check of the message's signature selected in
// another pane, whose key the pane shows; nil when none is.
func (p *Pane) Signature() *dkim.Result { return p.sig }

// Detail is the key shown whole: its name and DNS answer, the record, each
// tag with its full value (p= too) and meaning, and the problems with
// their fixes; for a message's signature, what the re-check found.
func (p *Pane) Detail() (kit.Detail, bool) {
	if p.sig != nil {
		return p.signatureFull(*p.sig), true
	}
	k, ok := p.current()
	if !ok {
		return kit.Detail{}, false
	}
	d := kit.Detail{Title: "DKIM key " + k.Selector}
	d.Add(kit.Field("Name", strings.TrimSuffix(k.Name, ".")), kit.Field("Found by", string(k.FoundBy)), kit.Field("DNS answer", string(k.Status)))
	if k.TTL > 0 {
		d.Add(kit.Field("TTL", kit.Itoa(int(k.TTL))))
	}
	d.Add(kit.Field("CNAME to", k.CNAME), kit.Field("Hosted by", k.Provider))
	if len(k.Records) > 1 {
		for i, r := range k.Records {
			d.Add(kit.RecordField(fmt.Sprintf("Record %d", i+1), r))
		}
	} else {
		d.Add(kit.RecordField("Record", k.Record))
	}
	if k.Key != nil {
		d.Add(tagDetail(k.Key.Tags, k)...)
	}
	for _, e := range k.Errors {
		d.Add(kit.Problem(p.Com.Glyphs.Fail + " " + e))
	}
	d.Findings(p.Com, finding.About(p.findings, finding.PartDKIM, k.Selector))
	return d, true
}

// tagDetail is each tag of a key record with its whole value and meaning.
func tagDetail(tags []taglist.Tag, k dkim.KeyReport) []kit.DetailLine {
	if len(tags) == 0 {
		return nil
	}
	out := []kit.DetailLine{kit.Heading("Tags")}
	for _, t := range tags {
		l := kit.RecordField(t.Name+"=", t.Value)
		l.Note = tagMeaning(t.Name, k)
		out = append(out, l)
	}
	return out
}

// signatureFull is a message's signature as the re-check saw it, whole.
func (p *Pane) signatureFull(r dkim.Result) kit.Detail {
	d := kit.Detail{Title: "DKIM signature d=" + r.Domain + " s=" + r.Selector}
	d.Add(kit.Field("Today", string(r.Result)), kit.Field("Key asked at", strings.TrimSuffix(r.KeyName, ".")),
		kit.Field("Body hash", string(r.BodyHash)), kit.Field("Algorithm", r.Algorithm), kit.Para(r.Reason))
	for _, n := range r.Notes {
		d.Add(kit.Note(n))
	}
	if r.Key == nil {
		return d
	}
	d.Add(kit.RecordField("Key record", r.Key.Record))
	d.Add(tagDetail(r.Key.Tags, dkim.KeyReport{KeyType: r.Key.Type, KeyBits: r.Key.Bits, Revoked: r.Key.Revoked})...)
	for _, e := range r.Key.Errors {
		d.Add(kit.Problem(p.Com.Glyphs.Fail + " " + e.Error()))
	}
	return d
}
