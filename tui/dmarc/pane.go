// Package dmarc is the workbench pane that explains the DMARC policy that
// applies to the investigated domain (RFC 9989 and RFC 7489).
package dmarc

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/dmarc"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/tui/kit"
)

// Pane explains the DMARC policy that applies to the domain: the
// record and where it was found, the effective policies for the domain,
// its subdomains and non-existent subdomains, each tag with its meaning,
// how an RFC 7489 receiver would differ, the RFC 9989 tree walk, and the
// report destinations' authorization. It scrolls.
type Pane struct {
	kit.Base
	result *dmarc.CheckResult
	lines  []string
	scroll kit.Scroller
}

// New returns the DMARC pane.
func New(com *kit.Common) *Pane {
	return &Pane{Base: kit.NewBase(com, finding.PartDMARC, "DMARC", "DMARC")}
}

// SetSize gives the pane its size in cells.
func (p *Pane) SetSize(w, h int) {
	p.Base.SetSize(w, h)
	p.scroll.SetHeight(h)
	p.build()
}

// Help lists the pane's own keys.
func (p *Pane) Help() []key.Binding {
	k := p.Com.Keys
	return []key.Binding{kit.WithHelp(k.Down, "scroll"), kit.WithHelp(k.Copy, "copy record")}
}

// Update takes the run's messages, and keys while the pane has focus.
func (p *Pane) Update(msg tea.Msg) (kit.Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case kit.RunStartMsg:
		p.result, p.lines = nil, nil
		p.scroll.Top()
	case kit.PartMsg:
		p.load(msg.Report)
	case kit.RunDoneMsg:
		p.load(msg.Report)
	case tea.KeyPressMsg:
		if !p.Focused {
			return p, nil
		}
		if key.Matches(msg, p.Com.Keys.Open) {
			if d, ok := p.Detail(); ok {
				return p, kit.ShowDetail(d)
			}
		}
		p.scroll.HandleKey(msg, p.Com.Keys)
	}
	return p, nil
}

func (p *Pane) load(rep *diag.Report) {
	if rep.DMARC == nil || rep.DMARC == p.result {
		return
	}
	p.result = rep.DMARC
	p.build()
}

// Selected is nothing: the DMARC pane scrolls text and has no cursor.
func (p *Pane) Selected() kit.Selection { return kit.Selection{} }

// Select does nothing: nothing this pane shows follows a selection.
func (p *Pane) Select(kit.Selection) tea.Cmd { return nil }

// Copy copies the record with the name it was found at.
func (p *Pane) Copy() (string, bool) {
	if p.result == nil || p.result.Record == "" {
		return "", false
	}
	return "_dmarc." + p.result.SourceDomain + " TXT " + p.result.Record, true
}

// Detail is the record whole: where it was found, each tag with its whole
// value and meaning, the report destinations, and the problems with their
// fixes.
func (p *Pane) Detail() (kit.Detail, bool) {
	r := p.result
	if r == nil {
		return kit.Detail{}, false
	}
	d := kit.Detail{Title: "DMARC record"}
	if r.Record == "" {
		d.Add(kit.Problem("No DMARC record applies to " + r.Domain + "."))
	} else {
		d.Add(kit.Field("Found at", "_dmarc."+r.SourceDomain+" ("+sourceWords(r.Source)+")"), kit.RecordField("Record", r.Record))
		d.Add(kit.Heading("Tags"))
		for _, t := range r.Tags {
			l := kit.RecordField(t.Name, t.Value)
			l.Note = t.Meaning
			d.Add(l)
		}
	}
	for _, e := range r.Errors {
		d.Add(kit.Problem(p.Com.Glyphs.Fail + " " + e))
	}
	if len(r.ReportAuth) > 0 {
		d.Add(kit.Heading("Report destinations"))
		for _, a := range r.ReportAuth {
			l := kit.Field(a.Host, string(a.State)+" ("+strings.Join(a.Tags, ",")+")")
			if a.Name != "" && a.State != dmarc.AuthInternal {
				l.Note = "asked at " + a.Name
			}
			d.Add(l)
		}
	}
	if len(r.Findings) > 0 {
		d.Add(kit.Heading("Problems"))
		d.Findings(p.Com, r.Findings)
	}
	return d, true
}

// View draws the pane, exactly its size.
func (p *Pane) View() string { return p.Fit(p.content()) }

// content is the pane's text before it is fitted to the pane.
func (p *Pane) content() string {
	if text, waiting := p.NotLoaded(finding.PartDMARC, "the DMARC policy"); waiting {
		return text
	}
	lines := p.scroll.Window(p.lines)
	if p.scroll.Len() > p.H && len(lines) > 0 {
		// Say there is more, on the last line.
		more := fmt.Sprintf(" %d/%d %s", p.scroll.Offset()+len(lines), p.scroll.Len(), p.Com.Glyphs.Arrow)
		last := len(lines) - 1
		lines = append(lines[:last:last], kit.Pad(lines[last], p.W-kit.Width(more), p.Com.Glyphs.Ellipsis)+p.Com.Styles.Muted.Render(more))
	}
	return strings.Join(lines, "\n")
}

// build lays the result out in lines for the pane's width.
func (p *Pane) build() {
	r := p.result
	if r == nil || p.W <= 0 {
		return
	}
	st, g := p.Com.Styles, p.Com.Glyphs
	w := p.W
	var out []string
	add := func(l ...string) { out = append(out, l...) }
	field := func(label, value string) {
		for i, l := range kit.WrapIndent(kit.Safe(value), w-17, 0) {
			if i == 0 {
				add(" " + st.Label.Render(kit.Pad(label, 16, "")) + l)
			} else {
				add(" " + strings.Repeat(" ", 16) + l)
			}
		}
	}
	if r.Record == "" {
		add(" " + st.Verdict.Fail.Render(g.Fail+" No DMARC record applies to "+kit.Safe(r.Domain)+"."))
		add(kit.WrapIndent(" Receivers apply no DMARC policy: anyone can send as this domain and no reports are sent.", w, 1)...)
	} else {
		add(wrapped(st.Label.Render("Record at _dmarc."+kit.Safe(r.SourceDomain))+st.Muted.Render(" ("+sourceWords(r.Source)+")"), w)...)
		for _, l := range kit.Wrap(kit.Safe(r.Record), w-3) {
			add("   " + st.Record.Render(l))
		}
		add("")
		pol := string(r.Policy) + " (" + r.PolicyTag + ")"
		if r.AppliedPolicy != "" && r.AppliedPolicy != r.Policy {
			pol += " " + g.Arrow + " applied as " + string(r.AppliedPolicy) + " (t=y)"
		}
		field("Policy", pol)
		field("Subdomains", string(r.SubdomainPolicy))
		field("Non-existent", string(r.NonexistentPolicy))
		field("Alignment", "DKIM "+r.ADKIM.Word()+" "+g.Dot+" SPF "+r.ASPF.Word())
		field("Org. domain", r.OrgDomain)
		if len(r.RUA) > 0 {
			field("Aggregate (rua)", strings.Join(r.RUA, ", "))
		}
		if len(r.RUF) > 0 {
			field("Failure (ruf)", strings.Join(r.RUF, ", "))
		}
		for _, e := range r.Errors {
			for _, l := range kit.WrapIndent(g.Fail+" "+kit.Safe(e), w-2, 2) {
				add(" " + st.Error.Render(l))
			}
		}
		if len(r.Tags) > 0 {
			add("", p.Rule("Tags", w))
			for _, t := range r.Tags {
				add(p.tagRow(t, w)...)
			}
		}
	}
	add("", p.Rule("RFC 7489 receivers", w))
	switch {
	case r.RFC7489.Incomplete:
		add(" " + st.Verdict.TempError.Render(g.Unknown+" Unknown: a lookup they need failed."))
	case !r.RFC7489.Differs:
		add(wrapped(st.Verdict.Pass.Render(g.Pass+" Decide the same")+st.Muted.Render(" (organizational domain "+kit.Safe(r.RFC7489.OrgDomain)+" from the Public Suffix List)"), w)...)
	default:
		add(" " + st.Verdict.SoftFail.Render(g.Warn+" Decide differently:"))
		for _, why := range r.RFC7489.Why {
			for _, l := range kit.WrapIndent(g.Dot+" "+kit.Safe(why), w-3, 2) {
				add("   " + l)
			}
		}
	}
	add("", p.Rule("Tree walk (RFC 9989 §4.10)", w))
	for _, lv := range r.Walk.Levels {
		mark := "  "
		switch {
		case !lv.Consulted:
			mark = st.Muted.Render(g.Dot + " ")
		case lv.Record != nil:
			mark = st.Verdict.Pass.Render(g.Pass + " ")
		case lv.Status.Temporary():
			mark = st.Verdict.TempError.Render(g.Unknown + " ")
		}
		what := string(lv.Status)
		switch {
		case lv.Multiple:
			what = "several DMARC records: none applies"
		case lv.Record != nil:
			what = "record"
		case len(lv.TXT) > 0 && len(lv.Records) == 0:
			what = "TXT, but not DMARC"
		}
		if !lv.Consulted {
			what += ", not consulted"
		}
		name := kit.Safe(lv.Name)
		if pad := max(24, w/2); kit.Width(name) < pad {
			name = kit.Pad(name, pad, "")
		}
		add(wrapped(mark+name+" "+st.Muted.Render(what), w)...)
	}
	for _, s := range r.Walk.Skipped {
		add(wrapped(st.Muted.Render(g.Dot+" "+kit.Safe(s)+" skipped (long name)"), w)...)
	}
	if r.Walk.ErrorAt != "" {
		add(wrapped(st.Verdict.TempError.Render(g.Unknown+" stopped at "+kit.Safe(r.Walk.ErrorAt)+": a lookup failed; what was found below it is kept"), w)...)
	}
	if len(r.ReportAuth) > 0 {
		add("", p.Rule("Report destinations", w))
		for _, a := range r.ReportAuth {
			mark := st.Verdict.Pass.Render(g.Pass)
			switch a.State {
			case dmarc.AuthMissing:
				mark = st.Verdict.Fail.Render(g.Fail)
			case dmarc.AuthUnknown:
				mark = st.Verdict.TempError.Render(g.Unknown)
			}
			line := fmt.Sprintf("%s %s (%s) %s %s", mark, kit.Safe(a.Host), strings.Join(a.Tags, ","), g.Dot, a.State)
			if a.Name != "" && a.State != dmarc.AuthInternal {
				line += st.Muted.Render(" at " + kit.Safe(a.Name))
			}
			add(wrapped(line, w)...)
		}
	}
	if len(r.Findings) > 0 {
		add("", p.Rule("Problems", w))
		add(p.FindingLines(r.Findings, w-1, true)...)
	}
	p.lines = out
	p.scroll.SetLen(len(out))
}

// tagRow is a tag with its value and meaning: in columns while the value
// fits its column, else the value on its own lines across the pane and
// the meaning under it. Nothing is cut.
func (p *Pane) tagRow(t dmarc.ExplainedTag, w int) []string {
	st, g := p.Com.Styles, p.Com.Glyphs
	const nameW, valW = 6, 14
	meaning := kit.Safe(t.Meaning)
	if t.Removed || t.Unknown {
		meaning = st.Verdict.SoftFail.Render(g.Warn+" ") + meaning
	}
	name, value := kit.Pad(kit.Safe(t.Name), nameW, ""), kit.Safe(t.Value)
	var out []string
	indent := strings.Repeat(" ", 1+nameW+valW+1)
	if kit.Width(value) < valW && kit.Width(t.Name) < nameW {
		for i, l := range kit.Wrap(meaning, max(1, w-len(indent))) {
			if i == 0 {
				out = append(out, " "+name+kit.Pad(value, valW, "")+" "+l)
			} else {
				out = append(out, indent+l)
			}
		}
		return out
	}
	for i, l := range kit.Wrap(value, max(1, w-1-nameW)) {
		if i == 0 {
			out = append(out, " "+name+l)
		} else {
			out = append(out, " "+strings.Repeat(" ", nameW)+l)
		}
	}
	for _, l := range kit.Wrap(meaning, max(1, w-len(indent))) {
		out = append(out, indent+l)
	}
	return out
}

// wrapped is a line wrapped to the pane, its continuation indented.
func wrapped(line string, w int) []string {
	out := kit.WrapIndent(line, w-1, 2)
	for i := range out {
		out[i] = " " + out[i]
	}
	return out
}

// sourceWords says where a DMARC record was found.
func sourceWords(s dmarc.Source) string {
	switch s {
	case dmarc.SourceDomain:
		return "the domain's own"
	case dmarc.SourceOrganizational:
		return "its organizational domain's"
	case dmarc.SourcePublicSuffix:
		return "its public suffix domain's"
	}
	return string(s)
}
