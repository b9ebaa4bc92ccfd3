package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/dmarc"
	"github.com/mxray/mxray/diag/finding"
)

// dmarcPane explains the DMARC policy that applies to the domain: the
// record and where it was found, the effective policies for the domain,
// its subdomains and non-existent subdomains, each tag with its meaning,
// how an RFC 7489 receiver would differ, the RFC 9989 tree walk, and the
// report destinations' authorization. It scrolls.
type dmarcPane struct {
	paneBase
	result *dmarc.CheckResult
	lines  []string
	scroll scroller
}

func newDMARCPane(com *common) *dmarcPane { return &dmarcPane{paneBase: paneBase{com: com}} }

// ID names the pane.
func (p *dmarcPane) ID() PaneID { return PaneDMARC }

// SetSize gives the pane its size in cells.
func (p *dmarcPane) SetSize(w, h int) {
	p.paneBase.SetSize(w, h)
	p.scroll.setHeight(h)
	p.build()
}

// Help lists the pane's own keys.
func (p *dmarcPane) Help() []key.Binding {
	k := p.com.keys
	return []key.Binding{withHelp(k.Down, "scroll"), withHelp(k.Copy, "copy record")}
}

// Update takes the run's messages, and keys while the pane has focus.
func (p *dmarcPane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case runStartMsg:
		p.result, p.lines = nil, nil
		p.scroll.offset = 0
	case partMsg:
		p.load(msg.report)
	case runDoneMsg:
		p.load(msg.report)
	case tea.KeyPressMsg:
		if p.focused {
			p.scroll.handleKey(msg, p.com.keys)
		}
	}
	return p, nil
}

func (p *dmarcPane) load(rep *diag.Report) {
	if rep.DMARC == nil || rep.DMARC == p.result {
		return
	}
	p.result = rep.DMARC
	p.build()
}

// Selected is nothing: the DMARC pane scrolls text and has no cursor.
func (p *dmarcPane) Selected() Selection { return Selection{} }

// Select does nothing: nothing this pane shows follows a selection.
func (p *dmarcPane) Select(Selection) tea.Cmd { return nil }

// Copy copies the record with the name it was found at.
func (p *dmarcPane) Copy() (string, bool) {
	if p.result == nil || p.result.Record == "" {
		return "", false
	}
	return "_dmarc." + p.result.SourceDomain + " TXT " + p.result.Record, true
}

// View draws the pane, exactly its size.
func (p *dmarcPane) View() string { return p.fit(p.content()) }

// content is the pane's text before it is fitted to the pane.
func (p *dmarcPane) content() string {
	if text, waiting := p.notLoaded(finding.PartDMARC, "the DMARC policy"); waiting {
		return text
	}
	lines := p.scroll.window(p.lines)
	if p.scroll.n > p.h && len(lines) > 0 {
		// Say there is more, on the last line.
		more := fmt.Sprintf(" %d/%d %s", p.scroll.offset+len(lines), p.scroll.n, p.com.glyphs.Arrow)
		last := len(lines) - 1
		lines = append(lines[:last:last], pad(lines[last], p.w-width(more), p.com.glyphs.Ellipsis)+p.com.styles.Muted.Render(more))
	}
	return strings.Join(lines, "\n")
}

// build lays the result out in lines for the pane's width.
func (p *dmarcPane) build() {
	r := p.result
	if r == nil || p.w <= 0 {
		return
	}
	st, g := p.com.styles, p.com.glyphs
	w := p.w
	var out []string
	add := func(l ...string) { out = append(out, l...) }
	field := func(label, value string) {
		for i, l := range wrapIndent(safe(value), w-17, 0) {
			if i == 0 {
				add(" " + st.Label.Render(pad(label, 16, "")) + l)
			} else {
				add(" " + strings.Repeat(" ", 16) + l)
			}
		}
	}
	if r.Record == "" {
		add(" " + st.Verdict.Fail.Render(g.Fail+" No DMARC record applies to "+safe(r.Domain)+"."))
		add(wrapIndent(" Receivers apply no DMARC policy: anyone can send as this domain and no reports are sent.", w, 1)...)
	} else {
		add(" " + st.Label.Render("Record at _dmarc."+safe(r.SourceDomain)) + st.Muted.Render(" ("+sourceWords(r.Source)+")"))
		for _, l := range wrap(safe(r.Record), w-3) {
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
		field("Alignment", "DKIM "+alignWord(r.ADKIM)+" "+g.Dot+" SPF "+alignWord(r.ASPF))
		field("Org. domain", r.OrgDomain)
		if len(r.RUA) > 0 {
			field("Aggregate (rua)", strings.Join(r.RUA, ", "))
		}
		if len(r.RUF) > 0 {
			field("Failure (ruf)", strings.Join(r.RUF, ", "))
		}
		for _, e := range r.Errors {
			for _, l := range wrapIndent(g.Fail+" "+safe(e), w-2, 2) {
				add(" " + st.Error.Render(l))
			}
		}
		if len(r.Tags) > 0 {
			add("", p.rule("Tags", w))
			for _, t := range r.Tags {
				head := pad(safe(t.Name), 6, g.Ellipsis) + pad(safe(t.Value), 14, g.Ellipsis) + " "
				meaning := safe(t.Meaning)
				if t.Removed || t.Unknown {
					meaning = st.Verdict.SoftFail.Render(g.Warn+" ") + meaning
				}
				for i, l := range wrapIndent(meaning, w-22, 0) {
					if i == 0 {
						add(" " + head + l)
					} else {
						add(" " + strings.Repeat(" ", 21) + l)
					}
				}
			}
		}
	}
	add("", p.rule("RFC 7489 receivers", w))
	switch {
	case r.RFC7489.Incomplete:
		add(" " + st.Verdict.TempError.Render(g.Unknown+" Unknown: a lookup they need failed."))
	case !r.RFC7489.Differs:
		add(" " + st.Verdict.Pass.Render(g.Pass+" Decide the same") + st.Muted.Render(" (organizational domain "+safe(r.RFC7489.OrgDomain)+" from the Public Suffix List)"))
	default:
		add(" " + st.Verdict.SoftFail.Render(g.Warn+" Decide differently:"))
		for _, why := range r.RFC7489.Why {
			for _, l := range wrapIndent(g.Dot+" "+safe(why), w-3, 2) {
				add("   " + l)
			}
		}
	}
	add("", p.rule("Tree walk (RFC 9989 §4.10)", w))
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
		add(" " + truncate(mark+pad(safe(lv.Name), max(24, w/2), g.Ellipsis)+" "+st.Muted.Render(what), w-1, g.Ellipsis))
	}
	for _, s := range r.Walk.Skipped {
		add(" " + st.Muted.Render(truncate(g.Dot+" "+safe(s)+" skipped (long name)", w-1, g.Ellipsis)))
	}
	if r.Walk.ErrorAt != "" {
		add(" " + st.Verdict.TempError.Render(truncate(g.Unknown+" stopped at "+safe(r.Walk.ErrorAt)+": a lookup failed; what was found below it is kept", w-1, g.Ellipsis)))
	}
	if len(r.ReportAuth) > 0 {
		add("", p.rule("Report destinations", w))
		for _, a := range r.ReportAuth {
			mark := st.Verdict.Pass.Render(g.Pass)
			switch a.State {
			case dmarc.AuthMissing:
				mark = st.Verdict.Fail.Render(g.Fail)
			case dmarc.AuthUnknown:
				mark = st.Verdict.TempError.Render(g.Unknown)
			}
			line := fmt.Sprintf("%s %s (%s) %s %s", mark, safe(a.Host), strings.Join(a.Tags, ","), g.Dot, a.State)
			if a.Name != "" && a.State != dmarc.AuthInternal {
				line += st.Muted.Render(" at " + safe(a.Name))
			}
			add(" " + truncate(line, w-1, g.Ellipsis))
		}
	}
	if len(r.Findings) > 0 {
		add("", p.rule("Problems", w))
		add(p.findingLines(r.Findings, w-1, true)...)
	}
	p.lines = out
	p.scroll.setLen(len(out))
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

// alignWord spells an alignment mode.
func alignWord(a dmarc.Alignment) string {
	if a == dmarc.Strict {
		return "strict"
	}
	return "relaxed"
}
