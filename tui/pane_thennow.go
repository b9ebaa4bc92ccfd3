package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/dkim"
	"github.com/mxray/mxray/headers/authres"
	"github.com/mxray/mxray/spf"
)

// thenNowPane sets each check of the message as the receiver recorded it
// at delivery (RFC 8601 Authentication-Results) beside what DNS says today:
// one row for SPF (RFC 7208), one per DKIM-Signature (RFC 6376), DMARC
// (RFC 9989) and ARC (RFC 8617), with the difference explained under the
// table for the selected row. Selecting a DKIM row shows its key in the
// DKIM pane; the SPF row selects the IP the receiver checked.
type thenNowPane struct {
	paneBase
	hdr  *headerRun
	list cursorList
}

func newThenNowPane(com *common) *thenNowPane {
	return &thenNowPane{paneBase: paneBase{com: com}}
}

// ID names the pane.
func (p *thenNowPane) ID() PaneID { return PaneThenNow }

// SetSize gives the pane its size in cells.
func (p *thenNowPane) SetSize(w, h int) {
	p.paneBase.SetSize(w, h)
	p.list.setHeight(p.rowsHeight())
}

// factLines are the lines about the message above the table.
const factLines = 3

// detailHeight is the lines under the table for the selected row.
func (p *thenNowPane) detailHeight() int { return min(max(7, p.h/2), 14) }

// rowsHeight is the rows that show at once: the facts, the rule and the
// column heads take the lines above.
func (p *thenNowPane) rowsHeight() int { return max(1, p.h-factLines-2-p.detailHeight()) }

// Help lists the pane's own keys.
func (p *thenNowPane) Help() []key.Binding {
	k := p.com.keys
	return []key.Binding{withHelp(k.Down, "next check"), withHelp(k.Open, "open its pane"), k.Copy}
}

// rows are the re-check's rows; none before it is in.
func (p *thenNowPane) rows() []diag.ThenNow {
	if p.hdr == nil || p.hdr.report == nil {
		return nil
	}
	return p.hdr.report.ThenVsNow
}

// Update takes the run's messages, and keys while the pane has focus.
func (p *thenNowPane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case runStartMsg:
		p.hdr = nil
		if run := p.com.run; run != nil {
			p.hdr = run.hdr
		}
		p.list.setLen(0)
		p.list.set(0)
	case recheckMsg:
		p.list.setLen(len(p.rows()))
		p.list.setHeight(p.rowsHeight())
	case tea.KeyPressMsg:
		if !p.focused {
			return p, nil
		}
		if key.Matches(msg, p.com.keys.Open) {
			return p, p.open()
		}
		p.list.handleKey(msg, p.com.keys)
	}
	return p, nil
}

// open jumps to the pane of the selected check with it selected.
func (p *thenNowPane) open() tea.Cmd {
	r, ok := p.current()
	if !ok {
		return nil
	}
	sel := p.Selected()
	sel.ViaPane = PaneThenNow
	var pane PaneID
	switch r.Check {
	case "spf":
		pane = PaneSPF
	case "dkim":
		pane = PaneDKIM
	case "dmarc":
		pane = PaneDMARC
	default:
		return nil
	}
	return func() tea.Msg { return jumpMsg{pane: pane, sel: sel} }
}

// current is the row under the cursor.
func (p *thenNowPane) current() (diag.ThenNow, bool) {
	rows := p.rows()
	if p.list.cursor >= len(rows) {
		return diag.ThenNow{}, false
	}
	return rows[p.list.cursor], true
}

// dkimResult is the re-check of the DKIM signature on row i: the DKIM
// rows follow the re-check's signatures in order.
func (p *thenNowPane) dkimResult(i int) (*dkim.Result, bool) {
	rows := p.rows()
	if i >= len(rows) || rows[i].Check != "dkim" {
		return nil, false
	}
	k := 0
	for _, r := range rows[:i] {
		if r.Check == "dkim" {
			k++
		}
	}
	rc := p.hdr.report.Recheck
	if rc == nil || k >= len(rc.DKIM) {
		return nil, false
	}
	return &rc.DKIM[k], true
}

// Selected is what the row is about: the IP SPF checked, a signature, the
// From domain.
func (p *thenNowPane) Selected() Selection {
	r, ok := p.current()
	if !ok {
		return Selection{}
	}
	rc := p.hdr.report.Recheck
	switch r.Check {
	case "spf":
		if rc != nil && rc.SPF != nil && rc.SPF.IP != nil {
			return IPSelection(*rc.SPF.IP)
		}
	case "dkim":
		if d, ok := p.dkimResult(p.list.cursor); ok {
			return SignatureSelection(d.Domain, d.Selector)
		}
	case "dmarc":
		if d := p.hdr.analysis.FromDomain; d != "" {
			return DomainSelection(d)
		}
	}
	return Selection{}
}

// Select moves to a signature chosen elsewhere.
func (p *thenNowPane) Select(sel Selection) tea.Cmd {
	if sel.Kind != SelectSignature || sel.ViaPane == PaneThenNow {
		return nil
	}
	for i := range p.rows() {
		if d, ok := p.dkimResult(i); ok && normName(d.Domain) == sel.Domain && strings.EqualFold(d.Selector, sel.Name) {
			p.list.set(i)
			return nil
		}
	}
	return nil
}

// Copy copies the selected row and its explanation.
func (p *thenNowPane) Copy() (string, bool) {
	r, ok := p.current()
	if !ok {
		return "", false
	}
	label := r.Check
	if r.Subject != "" {
		label += " " + r.Subject
	}
	return fmt.Sprintf("%s: then %s, now %s. %s", label, orNone(r.Then), orNone(r.Now), r.Explanation), true
}

// View draws the pane, exactly its size.
func (p *thenNowPane) View() string { return p.fit(p.content()) }

// content is the pane's text before it is fitted to the pane.
func (p *thenNowPane) content() string {
	st, g := p.com.styles, p.com.glyphs
	if p.hdr == nil {
		return " " + st.Muted.Render("No message headers in this run: paste some on the input screen (esc, then ctrl+e).")
	}
	lines := p.facts()
	lines = append(lines, p.rule("then (at delivery) vs now (DNS today)", p.w))
	if p.hdr.report == nil {
		lines = append(lines, " "+st.Muted.Render(truncate("The receiver recorded: "+p.recorded(), p.w-1, g.Ellipsis)))
		lines = append(lines, " "+p.com.spinner+" Re-checking SPF, DKIM and DMARC against today's DNS"+g.Ellipsis)
		return strings.Join(lines, "\n")
	}
	rows := p.rows()
	if len(rows) == 0 {
		lines = append(lines, " "+st.Muted.Render("Nothing to re-check."))
		return strings.Join(lines, "\n")
	}
	checkW, wordW := len("Check"), len("Then")
	for _, r := range rows {
		checkW = max(checkW, width(p.label(r)))
		wordW = max(wordW, width(orWord(r.Then, thenNone))+2, width(orWord(r.Now, nowNone))+2)
	}
	wordW = min(wordW, 18)
	checkW = min(checkW, max(12, p.w-1-2*(wordW+1)-8))
	head := pad("Check", checkW+1, "") + pad("Then", wordW+1, "") + pad("Now", wordW+1, "")
	lines = append(lines, " "+st.Label.Render(truncate(head, p.w-1, g.Ellipsis)))
	from, to := p.list.visible()
	for i := from; i < to; i++ {
		r := rows[i]
		row := pad(p.label(r), checkW, g.Ellipsis) + " " + pad(p.word(r.Then, thenNone), wordW, g.Ellipsis) + " " +
			pad(p.word(r.Now, nowNone), wordW, g.Ellipsis) + " " + p.change(r)
		lines = append(lines, p.cursorRow(row, p.focused && i == p.list.cursor))
	}
	for len(lines) < p.h-p.detailHeight() {
		lines = append(lines, "")
	}
	if r, ok := p.current(); ok {
		lines = append(lines, p.detail(r)...)
	}
	return strings.Join(lines, "\n")
}

// facts are the lines about the message: who it is from, its subject, the
// envelope sender, the sending IP and the receiver.
func (p *thenNowPane) facts() []string {
	st, g := p.com.styles, p.com.glyphs
	f, a := p.hdr.facts, p.hdr.analysis
	line := func(label, text string) string {
		return " " + st.Label.Render(label) + truncate(text, max(0, p.w-1-width(label)), g.Ellipsis)
	}
	var env []string
	if f.envelope != "" {
		env = append(env, f.envelope)
	} else if a.NullSender {
		env = append(env, "<> (a bounce)")
	}
	if f.sending != "" {
		env = append(env, "sent from "+f.sending)
	}
	if id := a.Receiver.AuthServID; id != "" {
		env = append(env, "checked by "+safe(id))
	}
	return []string{
		line("From     ", orNone(f.from)),
		line("Subject  ", orNone(f.subject)),
		line("Envelope ", strings.Join(env, " "+g.Dot+" ")),
	}
}

// recorded sums up what the receiver recorded, for the line shown while
// the re-check runs.
func (p *thenNowPane) recorded() string {
	v := p.hdr.analysis.Receiver
	var parts []string
	for _, m := range []struct {
		name string
		r    authres.Result
	}{{"spf", v.SPF}, {"dkim", v.DKIM}, {"dmarc", v.DMARC}, {"arc", v.ARC}} {
		if m.r != "" {
			parts = append(parts, m.name+" "+safe(string(m.r)))
		}
	}
	if len(parts) == 0 {
		return "no results"
	}
	return strings.Join(parts, " "+p.com.glyphs.Dot+" ")
}

// label names a row's check: "dkim d=… s=…".
func (p *thenNowPane) label(r diag.ThenNow) string {
	if r.Subject == "" {
		return safe(r.Check)
	}
	return safe(r.Check + " " + r.Subject)
}

// What the table says for a verdict not recorded at delivery, or not
// checked today.
const (
	thenNone = "not recorded"
	nowNone  = "not checked"
)

// orWord is w, or none when w is empty.
func orWord(w, none string) string {
	if w == "" {
		return none
	}
	return w
}

// word draws a result word with its symbol and style; none when empty.
func (p *thenNowPane) word(w, none string) string {
	st, g := p.com.styles, p.com.glyphs
	if w == "" {
		return st.Muted.Render(g.Dot + " " + none)
	}
	r := spf.Result(w)
	switch w {
	case "structure ok":
		r = spf.Pass
	case "structure broken":
		r = spf.Fail
	}
	return st.Verdict.For(r).Render(resultGlyph(g, r) + " " + safe(w))
}

// change says whether the verdict changed since delivery, in a word.
func (p *thenNowPane) change(r diag.ThenNow) string {
	st := p.com.styles
	switch {
	case r.Check == "arc":
		return "" // today's column is the chain's structure, not a verdict
	case r.Now == "temperror":
		return st.Muted.Render("unknown") // DNS trouble today: nothing to compare
	case r.Changed:
		return st.Verdict.SoftFail.Render("changed")
	case r.Then != "" && r.Now != "":
		return st.Muted.Render("same")
	}
	return ""
}

// detail explains the selected row: why then and now differ (or not), and
// what the re-check saw and the receiver wrote.
func (p *thenNowPane) detail(r diag.ThenNow) []string {
	st, g := p.com.styles, p.com.glyphs
	lines := []string{p.rule(p.label(r), p.w)}
	add := func(text string, style Style) {
		for _, l := range wrapIndent(text, p.w-1, 2) {
			lines = append(lines, " "+style.Render(l))
		}
	}
	add(safe(r.Explanation), st.Input)
	rc := p.hdr.report.Recheck
	dot := " " + g.Dot + " "
	switch r.Check {
	case "spf":
		if rc != nil && rc.SPF != nil && rc.SPF.Skipped == "" {
			s := rc.SPF
			facts := []string{}
			if s.IP != nil {
				facts = append(facts, "IP "+s.IP.String()+" ("+ipSourceWords(s.IPSource)+")")
			}
			facts = append(facts, "domain "+safe(s.Domain), "sender "+safe(s.Sender))
			if s.HELO != "" {
				facts = append(facts, "HELO "+safe(s.HELO)+": "+orNone(safe(string(s.HELOResult))))
			}
			facts = append(facts, fmt.Sprintf("%d/%d lookups", s.Lookups, spf.LookupLimit))
			add(strings.Join(facts, dot), st.Muted)
			if m := s.Matched; m != nil {
				path := make([]string, 0, len(m.Path)+1)
				for _, d := range m.Path {
					path = append(path, safe(d))
				}
				add("deciding path: "+strings.Join(append(path, safe(m.Term)), " "+g.Arrow+" "), st.Path)
			}
			if s.Error != "" {
				add(g.Fail+" "+safe(s.Error), st.Error)
			}
		}
	case "dkim":
		if d, ok := p.dkimResult(p.list.cursor); ok {
			facts := []string{"key " + safe(strings.TrimSuffix(d.KeyName, ".")), "body hash " + safe(string(d.BodyHash))}
			if d.SignatureVerified {
				facts = append(facts, "signature verifies")
			}
			add(strings.Join(facts, dot), st.Muted)
			if d.Reason != "" && !strings.Contains(r.Explanation, d.Reason) {
				add(safe(d.Reason), st.Muted)
			}
			for _, n := range d.Notes {
				add(g.Info+" "+safe(n), st.Muted)
			}
		}
	case "dmarc":
		if rc != nil && rc.DMARC != nil {
			ev := rc.DMARC
			facts := []string{"policy " + orNone(safe(string(ev.Policy)))}
			if ev.PolicyDomain != "" {
				facts = append(facts, "record at "+safe(ev.PolicyDomain))
			}
			facts = append(facts, "SPF aligned "+yesNo(ev.SPFAligned), "DKIM aligned "+yesNo(ev.DKIMAligned))
			add(strings.Join(facts, dot), st.Muted)
		}
	}
	for _, w := range p.wrote(r) {
		add(w, st.Muted)
	}
	switch r.Check {
	case "spf":
		add("enter: the SPF tree with this IP's deciding path", st.Muted)
	case "dkim":
		add("enter: the key in the DKIM pane", st.Muted)
	case "dmarc":
		add("enter: the DMARC pane", st.Muted)
	}
	return lines
}

// ipSourceWords says where the re-checked IP was read.
func ipSourceWords(src string) string {
	if src == "receiver" {
		return "as the receiver recorded it"
	}
	return "from the Received chain"
}

// wrote lists what the receiver wrote for the row's method in its own
// Authentication-Results: result, comment and reason, each made safe.
func (p *thenNowPane) wrote(r diag.ThenNow) []string {
	var out []string
	d, isDKIM := p.dkimResult(p.list.cursor)
	for _, e := range p.hdr.analysis.AuthenticationResults {
		if !e.Trusted || e.Method != r.Check {
			continue
		}
		if isDKIM && d != nil {
			if hd := e.Properties["header.d"]; hd != "" && !strings.EqualFold(hd, d.Domain) {
				continue
			}
			if hs := e.Properties["header.s"]; hs != "" && !strings.EqualFold(hs, d.Selector) {
				continue
			}
		}
		s := "The receiver wrote: " + e.Method + "=" + string(e.Result)
		if e.Comment != "" {
			s += " (" + e.Comment + ")"
		}
		if e.Reason != "" {
			s += " reason=\"" + e.Reason + "\""
		}
		out = append(out, safe(s))
	}
	return out
}
