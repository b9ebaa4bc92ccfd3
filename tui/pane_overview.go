package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/dkim"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/spf"
)

// overviewPane is one line per check with a symbol, a verdict word and the
// facts behind it; enter opens the check's pane. The policy records
// (MTA-STS, TLS-RPT, BIMI) have no pane of their own: their record and
// problems show under the list. For a message, its SPF, DKIM and DMARC
// verdicts, as the receiver recorded them and as they are today, lead the
// list, beside the From domain's own.
type overviewPane struct {
	paneBase
	report  *diag.Report
	verdict *spf.Verdict // of the selected IP against the published tree
	lastReq int
	list    cursorList
	lines   []ovLine
}

// ovLine is one check's line.
type ovLine struct {
	label  string
	part   finding.Part // "" for the findings summary
	pane   PaneID       // where enter goes
	mark   string       // styled symbol
	word   string       // styled verdict word
	facts  string       // plain facts, already safe
	record string       // the record, raw (for the detail and for copying)
	detail []string     // raw extra lines (errors)
	notes  []string     // raw extra lines (explanations)
	msg    bool         // one of the message's lines
	gap    bool         // a blank line above it
}

func newOverviewPane(com *common) *overviewPane {
	return &overviewPane{paneBase: paneBase{com: com}}
}

// ID names the pane.
func (p *overviewPane) ID() PaneID { return PaneOverview }

// SetSize gives the pane its size in cells.
func (p *overviewPane) SetSize(w, h int) {
	p.paneBase.SetSize(w, h)
	p.list.setHeight(h)
}

// Help lists the pane's own keys.
func (p *overviewPane) Help() []key.Binding {
	k := p.com.keys
	return []key.Binding{withHelp(k.Open, "open pane"), k.Copy}
}

// withHelp returns a copy of b with other help text.
func withHelp(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

// Update takes the run's messages, and keys while the pane has focus.
func (p *overviewPane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case runStartMsg:
		p.report, p.verdict, p.lastReq = nil, nil, 0
		p.list.set(0)
	case partMsg:
		p.report = msg.report
	case runDoneMsg:
		p.report = msg.report
	case verdictMsg:
		if msg.req > p.lastReq {
			p.lastReq = msg.req
			p.verdict = msg.verdict
			if run := p.com.run; msg.verdict != nil && run != nil && normName(msg.verdict.Domain) != run.target.Domain {
				p.verdict = nil // the envelope domain's: the message's lines say it
			}
		}
	case tea.KeyPressMsg:
		if !p.focused {
			return p, nil
		}
		p.build()
		if p.list.handleKey(msg, p.com.keys) {
			return p, nil
		}
		if key.Matches(msg, p.com.keys.Open) && p.list.cursor < len(p.lines) {
			if l := p.lines[p.list.cursor]; l.pane != "" && l.pane != PaneOverview {
				return p, func() tea.Msg { return jumpMsg{pane: l.pane} }
			}
		}
		return p, nil
	}
	p.build()
	return p, nil
}

// Selected is nothing: the overview's lines are checks, not names to link.
func (p *overviewPane) Selected() Selection { return Selection{} }

// Select does nothing: the verdict of the IP under test arrives as a
// verdictMsg, and other selections do not change the summary.
func (p *overviewPane) Select(Selection) tea.Cmd { return nil }

// Copy copies the selected check's line and its record.
func (p *overviewPane) Copy() (string, bool) {
	if p.list.cursor >= len(p.lines) {
		return "", false
	}
	l := p.lines[p.list.cursor]
	text := l.label + ": " + ansi.Strip(l.mark+" "+l.word) + " " + l.facts
	if l.record != "" {
		text += "\n" + l.record
	}
	return text, true
}

// build works out the lines from the report.
func (p *overviewPane) build() {
	rep := p.report
	p.lines = p.lines[:0]
	if run := p.com.run; run != nil && run.hdr != nil {
		p.lines = append(p.lines, p.messageLines(run.hdr)...)
	}
	for i, part := range allParts() {
		l := p.partLine(part, rep)
		l.gap = i == 0 && len(p.lines) > 0
		p.lines = append(p.lines, l)
	}
	f := p.findingsLine(rep)
	f.gap = true
	p.lines = append(p.lines, f)
	p.list.setLen(len(p.lines))
}

// partLine is the line of one part, or its loading state.
func (p *overviewPane) partLine(part finding.Part, rep *diag.Report) ovLine {
	st, g := p.com.styles, p.com.glyphs
	l := ovLine{label: partLabel(part), part: part, pane: partPane(part)}
	if text, waiting := p.notLoaded(part, partLabel(part)); waiting {
		l.mark, l.word = "", ""
		state := p.com.run.state(part)
		switch state {
		case stateLoading:
			l.mark, l.word = p.com.spinner, st.Muted.Render("checking"+g.Ellipsis)
		case stateCut:
			l.mark, l.word = st.Verdict.TempError.Render(g.Unknown), st.Verdict.TempError.Render("not finished")
			l.facts = p.com.run.cutReason(part)
		default:
			l.facts = strings.TrimSpace(ansi.Strip(text))
		}
		return l
	}
	sev := finding.Worst(rep.Findings, partFindingParts(part)...)
	ok := func(word string) { l.mark, l.word = p.sevMark(sev), p.sevStyle(sev).Render(word) }
	none := func(word string) {
		l.mark, l.word = st.Verdict.None.Render(g.Dot), st.Verdict.None.Render(word)
		if sev == finding.Error || sev == finding.Warning {
			l.mark, l.word = p.sevMark(sev), p.sevStyle(sev).Render(word)
		}
	}
	failed := func(status string) {
		l.mark, l.word = st.Verdict.TempError.Render(g.Unknown), st.Verdict.TempError.Render("lookup failed")
		l.facts = status
	}
	dot := " " + g.Dot + " "
	if lookupFailed(rep.Findings, part) {
		failed("the TXT lookup failed")
		return l
	}
	switch part {
	case finding.PartMX:
		mx := rep.MX
		switch {
		case mx.Status.Temporary():
			failed(string(mx.Status))
		case mx.NullMX:
			none("null MX")
			l.facts = "accepts no mail (RFC 7505)"
		case len(mx.Hosts) == 0 && len(mx.Implicit) > 0:
			ok("no MX")
			l.facts = "mail goes to the domain's own address"
		case len(mx.Hosts) == 0:
			none("none")
			l.facts = "no MX and no address: no mail"
		default:
			addrs, confirmed := 0, 0
			for _, h := range mx.Hosts {
				for _, a := range h.Addresses {
					addrs++
					if a.FCrDNS {
						confirmed++
					}
				}
			}
			ok(plural(len(mx.Hosts), "host", "hosts"))
			if confirmed == addrs {
				l.facts = "FCrDNS ok"
			} else {
				l.facts = fmt.Sprintf("FCrDNS %d/%d", confirmed, addrs)
			}
		}
	case finding.PartSPF:
		tree := rep.SPF.Tree
		root := tree.Root
		switch root.Status {
		case spf.NodeTempError:
			failed("the TXT lookup failed")
		case spf.NodeNone:
			none("none")
			l.facts = "no SPF record"
		case spf.NodeOK:
			word := "ok"
			if sev == finding.Error {
				word = "broken"
			}
			ok(word)
			l.facts = fmt.Sprintf("%d/%d lookups", tree.WorstCaseLookups(), spf.LookupLimit)
			if root.Incomplete {
				l.facts = fmt.Sprintf("%d+/%d lookups", tree.WorstCaseLookups(), spf.LookupLimit)
			}
			if all := allTerm(root); all != "" {
				l.facts += dot + "ends " + safe(all)
			}
		default:
			ok("permerror")
			l.facts = string(root.Status) + " record"
		}
		if v := p.verdict; v != nil && root.Status != spf.NodeTempError {
			l.mark = st.Verdict.For(v.Result).Render(resultGlyph(g, v.Result))
			l.word = st.Verdict.For(v.Result).Render(string(v.Result))
			l.facts = "for " + v.IP.String() + dot + fmt.Sprintf("%d/%d lookups", v.Lookups, spf.LookupLimit)
		}
		l.record = root.Record
	case finding.PartDKIM:
		found := foundKeys(rep.DKIM)
		if len(found) == 0 {
			l.mark, l.word = st.Verdict.None.Render(g.Unknown), st.Verdict.None.Render("no key found")
			l.facts = fmt.Sprintf("%d selectors probed", rep.DKIM.Probed)
			break
		}
		ok(plural(len(found), "key", "keys"))
		var ks []string
		for _, k := range found {
			ks = append(ks, safe(k.Selector)+" "+keyWords(k))
		}
		l.facts = strings.Join(ks, ", ")
	case finding.PartDMARC:
		d := rep.DMARC
		if d.Walk.Incomplete && d.Record == "" {
			failed("tree walk stopped at " + safe(d.Walk.ErrorAt))
			break
		}
		if d.Record == "" {
			none("none")
			l.facts = "no DMARC record applies"
			break
		}
		ok("p=" + string(d.Policy))
		var facts []string
		if d.SubdomainPolicy != d.Policy {
			facts = append(facts, "sp="+string(d.SubdomainPolicy))
		}
		if d.SourceDomain != "" && !strings.EqualFold(d.SourceDomain, rep.Domain) {
			facts = append(facts, "from "+safe(d.SourceDomain))
		}
		facts = append(facts, fmt.Sprintf("rua %d", len(d.RUA)))
		if d.RFC7489.Differs {
			facts = append(facts, "RFC 7489 differs")
		}
		l.facts = strings.Join(facts, dot)
		l.record = d.Record
		l.detail = d.Errors
	case finding.PartMTASTS:
		r := rep.MTASTS
		if r.Record == "" {
			none("none")
			l.facts = "not published (optional)"
			break
		}
		ok("id=" + safe(r.ID))
		switch {
		case r.Policy != nil:
			l.facts = "mode " + string(r.Policy.Mode)
		case r.NotFetched != "":
			l.facts = safe(r.NotFetched)
		}
		l.record = r.Record
		l.detail = r.Errors
	case finding.PartTLSRPT:
		r := rep.TLSRPT
		if r.Record == "" {
			none("none")
			l.facts = "not published (optional)"
			break
		}
		word := "ok"
		if len(r.Errors) > 0 {
			word = "invalid"
		}
		ok(word)
		l.facts = safe(r.Record)
		l.record = r.Record
		l.detail = r.Errors
	case finding.PartBIMI:
		r := rep.BIMI
		switch {
		case r.Record == "":
			none("none")
			l.facts = "not published (optional)"
		case r.Declined:
			none("declined")
		default:
			word := "ok"
			if len(r.Errors) > 0 {
				word = "invalid"
			}
			ok(word)
			l.facts = "l=" + safe(r.Location)
		}
		l.record = r.Record
		l.detail = r.Errors
	}
	return l
}

// findingsLine sums the findings up by severity.
func (p *overviewPane) findingsLine(rep *diag.Report) ovLine {
	st, g := p.com.styles, p.com.glyphs
	l := ovLine{label: "Findings", pane: PaneFindings}
	if rep == nil && (p.com.run == nil || p.com.run.hdr == nil) {
		l.mark, l.word = st.Muted.Render(g.Dot), st.Muted.Render("none yet")
		return l
	}
	n := map[finding.Severity]int{}
	for _, f := range runFindings(p.com.run) {
		n[f.Severity]++
	}
	switch {
	case n[finding.Error] > 0:
		l.mark, l.word = st.Severity.Error.Render(g.Fail), st.Severity.Error.Render(plural(n[finding.Error], "error", "errors"))
	default:
		l.mark, l.word = st.Verdict.Pass.Render(g.Pass), st.Verdict.Pass.Render("no errors")
	}
	l.facts = plural(n[finding.Warning], "warning", "warnings") + " " + g.Dot + " " + plural(n[finding.Info], "note", "notes")
	if !p.com.run.busy() {
		return l
	}
	l.facts += " so far"
	return l
}

func (p *overviewPane) sevMark(sev finding.Severity) string {
	st, g := p.com.styles, p.com.glyphs
	switch sev {
	case finding.Error:
		return st.Verdict.Fail.Render(g.Fail)
	case finding.Warning:
		return st.Verdict.SoftFail.Render(g.Warn)
	default:
		return st.Verdict.Pass.Render(g.Pass)
	}
}

func (p *overviewPane) sevStyle(sev finding.Severity) interface{ Render(...string) string } {
	st := p.com.styles
	switch sev {
	case finding.Error:
		return st.Verdict.Fail
	case finding.Warning:
		return st.Verdict.SoftFail
	default:
		return st.Verdict.Pass
	}
}

// View draws the pane, exactly its size.
func (p *overviewPane) View() string { return p.fit(p.content()) }

// content is the pane's text before it is fitted to the pane.
func (p *overviewPane) content() string {
	st, g := p.com.styles, p.com.glyphs
	if p.com.run == nil {
		return " " + st.Muted.Render("No investigation yet.")
	}
	labelW := 9
	if p.com.run.hdr != nil {
		labelW = 10 // "Msg DMARC"
	}
	var rows []string
	for i, l := range p.lines {
		mark := l.mark
		if mark == "" {
			mark = " "
		}
		text := pad(l.label, labelW, g.Ellipsis) + mark + " " + l.word
		if l.facts != "" {
			text += st.Muted.Render(" " + g.Dot + " " + l.facts)
		}
		if l.gap {
			rows = append(rows, "")
		}
		rows = append(rows, p.cursorRow(text, p.focused && i == p.list.cursor))
	}
	// Under the list: what the selected line holds.
	if p.list.cursor < len(p.lines) && len(rows)+3 < p.h {
		l := p.lines[p.list.cursor]
		var detail []string
		if l.record != "" {
			for _, w := range wrapIndent(safe(l.record), p.w-2, 2) {
				detail = append(detail, " "+st.Record.Render(w))
			}
		}
		for _, e := range l.detail {
			for _, w := range wrapIndent(g.Fail+" "+safe(e), p.w-2, 2) {
				detail = append(detail, " "+st.Error.Render(w))
			}
		}
		for _, n := range l.notes {
			for _, w := range wrapIndent(safe(n), p.w-2, 2) {
				detail = append(detail, " "+st.Muted.Render(w))
			}
		}
		loading := p.com.run.state(l.part) == stateLoading
		if l.msg {
			loading = !p.com.run.hdr.done
		}
		if l.pane != "" && l.pane != PaneOverview && !loading {
			detail = append(detail, " "+st.Muted.Render("enter opens "+paneTitle(l.pane)))
		}
		if len(detail) > 0 {
			rows = append(rows, "", p.rule(l.label, p.w))
			rows = append(rows, detail...)
		}
	}
	return strings.Join(rows, "\n")
}

// partLabel names a part on the overview.
func partLabel(p finding.Part) string {
	switch p {
	case finding.PartMX:
		return "MX"
	case finding.PartSPF:
		return "SPF"
	case finding.PartDKIM:
		return "DKIM"
	case finding.PartDMARC:
		return "DMARC"
	case finding.PartMTASTS:
		return "MTA-STS"
	case finding.PartTLSRPT:
		return "TLS-RPT"
	case finding.PartBIMI:
		return "BIMI"
	}
	return string(p)
}

// partPane is the pane that shows a part.
func partPane(p finding.Part) PaneID {
	switch p {
	case finding.PartMX:
		return PaneMX
	case finding.PartSPF:
		return PaneSPF
	case finding.PartDKIM:
		return PaneDKIM
	case finding.PartDMARC:
		return PaneDMARC
	}
	return PaneOverview
}

// partFindingParts are the finding parts (finding.Finding.Part) of a part.
func partFindingParts(p finding.Part) []finding.Part {
	if p == finding.PartMX {
		return []finding.Part{finding.PartMX, finding.PartPTR}
	}
	return []finding.Part{p}
}

// findingPane is the pane that shows a finding: where it belongs, when
// that has a pane, else the overview.
func findingPane(f finding.Finding) PaneID {
	switch w := f.Where(); w {
	case PaneMX, PaneSPF, PaneDKIM, PaneDMARC, PaneHops, PaneThenNow, PaneDNSLog:
		return w
	}
	return PaneOverview
}

// resultGlyph is the symbol of an SPF result.
func resultGlyph(g Glyphs, r spf.Result) string {
	switch r {
	case spf.Pass:
		return g.Pass
	case spf.Fail, spf.PermError:
		return g.Fail
	case spf.SoftFail:
		return g.Warn
	case spf.TempError:
		return g.Unknown
	default:
		return g.Dot
	}
}

// allTerm returns the record's "all" term as written, or its redirect.
func allTerm(n *spf.Node) string {
	for _, t := range n.Terms {
		if t.Term != nil && t.Term.Mechanism == spf.All {
			return t.Term.Text
		}
	}
	for _, t := range n.Terms {
		if t.Term != nil && t.Term.Modifier == spf.Redirect {
			return t.Term.Text
		}
	}
	return ""
}

// foundKeys are the selectors where a key record was published.
func foundKeys(r *dkim.Report) []dkim.KeyReport {
	var out []dkim.KeyReport
	for _, k := range r.Keys {
		if k.Record != "" {
			out = append(out, k)
		}
	}
	return out
}

// keyWords describes a key in a few words: "rsa-2048", "revoked".
func keyWords(k dkim.KeyReport) string {
	switch {
	case k.Revoked:
		return "revoked"
	case k.KeyType == dkim.KeyEd25519 && k.KeyBits > 0:
		return string(k.KeyType)
	case k.KeyBits > 0:
		return fmt.Sprintf("%s-%d", k.KeyType, k.KeyBits)
	case k.KeyType != "":
		return string(k.KeyType) + " unreadable"
	}
	return "unreadable"
}

// lookupFailed reports whether a policy record's lookup failed (its
// "<part>.lookup_error" finding; the MTA-STS, TLS-RPT and BIMI results
// carry no DNS status of their own).
func lookupFailed(fs []finding.Finding, part finding.Part) bool {
	switch part {
	case finding.PartMTASTS, finding.PartTLSRPT, finding.PartBIMI:
	default:
		return false
	}
	for _, f := range fs {
		if f.Part == part && f.Code == string(part)+".lookup_error" {
			return true
		}
	}
	return false
}
