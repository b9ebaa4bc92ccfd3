package reports

import (
	"sort"
	"strings"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/dmarcreport/readiness"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/tui/kit"
)

// View draws the pane, exactly its size.
func (p *Pane) View() string { return p.Fit(p.content()) }

// content is the summary, the sources table and the selected source.
func (p *Pane) content() string {
	st, g := p.Com.Styles, p.Com.Glyphs
	if p.res == nil {
		if p.Com.Busy() {
			return " " + p.Com.Spinner + " Asking DNS about the reports' sources" + g.Ellipsis
		}
		return " " + st.Muted.Render("No DMARC aggregate reports opened.")
	}
	lines := p.topLines()
	multi := len(p.res.Readiness) > 1
	cols := p.columns(multi)
	lines = append(lines, p.Rule("sources "+g.Dot+" failing first, by volume", p.W))
	if len(p.res.Sources) == 0 {
		lines = append(lines, " "+st.Muted.Render("The reports hold no rows."))
		return strings.Join(lines, "\n")
	}
	lines = append(lines, st.Muted.Render(p.header(cols)))
	from, to := p.list.Visible()
	for i := from; i < to; i++ {
		lines = append(lines, p.row(p.res.Sources[i], cols, p.Focused && i == p.list.Cursor()))
	}
	for len(lines) < p.H-p.detailHeight() {
		lines = append(lines, "")
	}
	return strings.Join(append(lines, p.detail()...), "\n")
}

// columns are the widths of the table's columns for the pane's width:
// the IP, the domain (with several), the service, and whether the action
// fits (the detail says it too).
type columns struct {
	ip, domain, service int
	action              bool
}

const (
	markW    = 2 // the verdict mark and a space
	numW     = 8 // "Messages", "Failing"
	actionW  = 11
	minSvcW  = 12
	maxIPW   = 39
	maxDomW  = 24
	maxSvcW  = 28
	countGap = 2
)

func (p *Pane) columns(multi bool) columns {
	ipW, domW := 13, 0
	for _, s := range p.res.Sources {
		ipW = max(ipW, kit.Width(kit.Safe(s.IP)))
		if multi {
			domW = max(domW, kit.Width(kit.Safe(s.Domain)))
		}
	}
	c := columns{ip: min(ipW, maxIPW), domain: min(domW, maxDomW), action: true}
	fixed := func() int {
		n := 1 + markW + c.ip + 1 + 2*(numW+countGap)
		if c.domain > 0 {
			n += c.domain + 1
		}
		if c.action {
			n += actionW
		}
		return n
	}
	if p.W-fixed()-1 < minSvcW {
		c.action = false
	}
	if left := p.W - fixed() - 1 - minSvcW; left < 0 && c.domain > 0 {
		c.domain = max(8, c.domain+left)
	}
	c.service = min(maxSvcW, max(6, p.W-fixed()-1))
	return c
}

// header is the table's column heads.
func (p *Pane) header(c columns) string {
	g := p.Com.Glyphs
	s := " " + strings.Repeat(" ", markW) + kit.Pad("IP", c.ip, g.Ellipsis) + " "
	if c.domain > 0 {
		s += kit.Pad("Domain", c.domain, g.Ellipsis) + " "
	}
	s += kit.Pad("Service", c.service, g.Ellipsis) + " " + kit.PadLeft("Messages", numW) + strings.Repeat(" ", countGap) +
		kit.PadLeft("Failing", numW)
	if c.action {
		s += strings.Repeat(" ", countGap) + "Action"
	}
	return s
}

// row draws one source.
func (p *Pane) row(s readiness.SourceJSON, c columns, selected bool) string {
	st, g := p.Com.Styles, p.Com.Glyphs
	tone := diag.TonePass
	switch {
	case s.DMARCFail == 0:
	case s.Action.NeedsFix():
		tone = diag.ToneFail
	default:
		tone = diag.ToneWarn
	}
	service := kit.Safe(serviceName(s))
	if service == "-" && !p.done {
		service = p.Com.Spinner
	}
	text := p.Mark(tone) + " " + kit.Pad(kit.Safe(s.IP), c.ip, g.Ellipsis) + " "
	if c.domain > 0 {
		text += kit.Pad(kit.Safe(s.Domain), c.domain, g.Ellipsis) + " "
	}
	failing := kit.PadLeft(readiness.Thousands(s.DMARCFail), numW)
	if s.DMARCFail > 0 {
		failing = p.Word(tone, failing)
	}
	action := string(s.Action)
	if s.DMARCFail == 0 {
		action = "-"
	}
	text += kit.Pad(service, c.service, g.Ellipsis) + " " + kit.PadLeft(readiness.Thousands(s.Messages), numW) + strings.Repeat(" ", countGap) + failing
	if c.action {
		text += strings.Repeat(" ", countGap) + st.Muted.Render(action)
	}
	return p.CursorRow(text, selected)
}

// detail describes the source under the cursor: what DNS says of it
// today, what the reports say, and the fix.
func (p *Pane) detail() []string {
	st, g := p.Com.Styles, p.Com.Glyphs
	s, ok := p.current()
	if !ok {
		return nil
	}
	lines := []string{p.Rule(kit.Safe(s.IP)+" "+g.Dot+" "+kit.Safe(s.Domain), p.W)}
	var dns []string
	switch {
	case s.PTR != nil && s.FCrDNS:
		dns = append(dns, "PTR "+kit.Safe(*s.PTR)+" "+st.Verdict.Pass.Render(g.Pass+" confirmed"))
	case s.PTR != nil:
		dns = append(dns, "PTR "+kit.Safe(*s.PTR)+" "+st.Verdict.SoftFail.Render(g.Warn+" not confirmed"))
	case p.done:
		dns = append(dns, "no PTR")
	default:
		dns = append(dns, "PTR "+p.Com.Spinner)
	}
	if s.SPFToday != "" {
		spf := "SPF today " + p.Outcome(diag.Outcome(s.SPFToday))
		if s.AuthorisedBy != nil {
			spf += " via " + kit.Safe(*s.AuthorisedBy)
		}
		dns = append(dns, spf)
	}
	add := func(text string, style kit.Style) {
		for _, l := range kit.WrapIndent(text, p.W-1, 2) {
			lines = append(lines, " "+style.Render(l))
		}
	}
	add(strings.Join(dns, " "+g.Dot+" "), kit.Style{})
	add("DMARC pass "+share(s.DMARCPass, s.Messages)+" "+g.Dot+" DKIM aligned "+share(s.DKIMAligned, s.Messages)+
		" "+g.Dot+" SPF aligned "+share(s.SPFAligned, s.Messages)+" "+g.Dot+" "+dispositions(s.Dispositions), kit.Style{})
	add("From "+names(s.HeaderFrom)+" "+g.Dot+" MAIL FROM "+names(s.EnvelopeFrom)+" "+g.Dot+" DKIM d= "+names(s.DKIMDomains), st.Muted)
	action := ""
	if s.DMARCFail > 0 {
		action = "action " + string(s.Action) + " " + g.Dot + " "
	}
	switch investigated := p.investigated(); {
	case investigated != "" && s.Domain != investigated:
		action += "enter: its SPF verdict in " + kit.Safe(investigated) + "'s record, the domain investigated"
	case p.suggestion(s) != "":
		action += "enter: its SPF verdict today, and with " + kit.Safe(p.suggestion(s)) + " added (what-if)"
	default:
		action += "enter: its SPF verdict against today's record"
	}
	add(action, st.Muted)
	if s.Fix != "" && s.DMARCFail > 0 {
		sev := finding.Warning
		if !s.Action.NeedsFix() {
			sev = finding.Info
		}
		for i, l := range kit.WrapIndent(kit.Safe(s.Fix), p.W-3, 2) {
			if i == 0 {
				l = p.SeverityMark(sev) + " " + l
			}
			lines = append(lines, " "+l)
		}
	}
	return lines
}

// Detail is the source under the cursor whole: what DNS says of it today,
// what the reports say, every identity, and the action and its fix.
func (p *Pane) Detail() (kit.Detail, bool) {
	s, ok := p.current()
	if !ok {
		return kit.Detail{}, false
	}
	d := kit.Detail{Title: "Report source"}
	d.Add(kit.Field("IP", s.IP), kit.Field("Policy domain", s.Domain))
	if s.PTR != nil {
		d.Add(kit.Field("PTR", *s.PTR+" ("+map[bool]string{true: "confirmed", false: "not confirmed"}[s.FCrDNS]+")"))
	}
	d.Add(kit.Field("Service", serviceName(s)), kit.Field("SPF today", s.SPFToday))
	if s.AuthorisedBy != nil {
		d.Add(kit.Field("Authorised by", *s.AuthorisedBy))
	}
	d.Add(kit.Field("Messages", readiness.Thousands(s.Messages)), kit.Field("DMARC pass", share(s.DMARCPass, s.Messages)),
		kit.Field("DKIM aligned", share(s.DKIMAligned, s.Messages)), kit.Field("SPF aligned", share(s.SPFAligned, s.Messages)),
		kit.Field("Receivers did", dispositions(s.Dispositions)),
		kit.Field("From", names(s.HeaderFrom)), kit.Field("MAIL FROM", names(s.EnvelopeFrom)), kit.Field("DKIM d=", names(s.DKIMDomains)))
	if s.DMARCFail > 0 {
		d.Add(kit.Field("Action", string(s.Action)))
		if s.Fix != "" {
			d.Add(kit.Note("Fix: " + s.Fix))
		}
	}
	return d, true
}

// names lists domains, "-" for none.
func names(ns []string) string {
	if len(ns) == 0 {
		return "-"
	}
	safe := make([]string, len(ns))
	for i, n := range ns {
		safe[i] = kit.Safe(n)
	}
	return strings.Join(safe, ", ")
}

// dispositions writes what receivers did: "none 2,600, reject 12".
func dispositions[K ~string](m map[K]int64) string {
	keys := make([]string, 0, len(m))
	for k, n := range m {
		if n > 0 {
			keys = append(keys, string(k))
		}
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, kit.Safe(k)+" "+readiness.Thousands(m[K(k)]))
	}
	if len(parts) == 0 {
		return "no disposition"
	}
	return "disposition " + strings.Join(parts, ", ")
}
