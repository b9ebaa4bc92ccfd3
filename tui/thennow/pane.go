// Package thennow is the workbench pane that sets each check of a pasted
// message as the receiver recorded it at delivery (RFC 8601
// Authentication-Results) beside what DNS says today.
package thennow

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/dkim"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/headers/authres"
	"github.com/mxray/mxray/spf"
	"github.com/mxray/mxray/tui/kit"
)

// Pane sets each check of the message as the receiver recorded it
// at delivery (RFC 8601 Authentication-Results) beside what DNS says today:
// one row for SPF (RFC 7208), one per DKIM-Signature (RFC 6376), DMARC
// (RFC 9989) and ARC (RFC 8617), with the difference explained under the
// table for the selected row. Selecting a DKIM row shows its key in the
// DKIM pane; the SPF row selects the IP the receiver checked.
type Pane struct {
	kit.Base
	// msg is the run's message (nil for a domain alone) and about what
	// the panes say about it; report is its re-check, nil until it is in.
	msg    *diag.Message
	about  kit.MessageFacts
	report *diag.HeadersReport
	list   kit.List
}

// New returns the then-vs-now pane.
func New(com *kit.Common) *Pane {
	return &Pane{Base: kit.NewBase(com, finding.PartThenNow, "Then vs now", "Then")}
}

// SetSize gives the pane its size in cells.
func (p *Pane) SetSize(w, h int) {
	p.Base.SetSize(w, h)
	p.list.SetHeight(p.rowsHeight())
}

// factLines are the lines about the message above the table.
const factLines = 3

// detailHeight is the lines under the table for the selected row.
func (p *Pane) detailHeight() int { return min(max(7, p.H/2), 14) }

// rowsHeight is the rows that show at once: the facts, the rule and the
// column heads take the lines above.
func (p *Pane) rowsHeight() int { return max(1, p.H-factLines-2-p.detailHeight()) }

// Help lists the pane's own keys.
func (p *Pane) Help() []key.Binding {
	k := p.Com.Keys
	return []key.Binding{kit.WithHelp(k.Down, "next check"), kit.WithHelp(k.Open, "open its pane"), k.Copy}
}

// rows are the re-check's rows; none before it is in.
func (p *Pane) rows() []diag.ThenNow {
	if p.msg == nil || p.report == nil {
		return nil
	}
	return p.report.ThenVsNow
}

// Update takes the run's messages, and keys while the pane has focus.
func (p *Pane) Update(msg tea.Msg) (kit.Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case kit.RunStartMsg:
		p.msg, p.about, p.report = nil, kit.MessageFacts{}, nil
		if run := p.Com.Run; run != nil && run.Message() != nil {
			p.msg, p.about = run.Message(), run.Facts()
		}
		p.list.SetLen(0)
		p.list.Set(0)
	case kit.RecheckMsg:
		if p.msg != nil {
			p.report = msg.Report
		}
		p.list.SetLen(len(p.rows()))
		p.list.SetHeight(p.rowsHeight())
	case tea.KeyPressMsg:
		if !p.Focused {
			return p, nil
		}
		if key.Matches(msg, p.Com.Keys.Open) {
			return p, p.open()
		}
		p.list.HandleKey(msg, p.Com.Keys)
	}
	return p, nil
}

// open jumps to the pane of the selected check with it selected.
func (p *Pane) open() tea.Cmd {
	r, ok := p.current()
	if !ok {
		return nil
	}
	sel := p.Selected()
	sel.ViaPane = finding.PartThenNow
	var pane finding.Part
	switch r.Check {
	case "spf":
		pane = finding.PartSPF
	case "dkim":
		pane = finding.PartDKIM
	case "dmarc":
		pane = finding.PartDMARC
	default:
		return nil
	}
	return func() tea.Msg { return kit.JumpMsg{Pane: pane, Sel: sel} }
}

// current is the row under the cursor.
func (p *Pane) current() (diag.ThenNow, bool) {
	rows := p.rows()
	if p.list.Cursor() >= len(rows) {
		return diag.ThenNow{}, false
	}
	return rows[p.list.Cursor()], true
}

// dkimResult is the re-check of the DKIM signature on row i: the DKIM
// rows follow the re-check's signatures in order.
func (p *Pane) dkimResult(i int) (*dkim.Result, bool) {
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
	rc := p.report.Recheck
	if rc == nil || k >= len(rc.DKIM) {
		return nil, false
	}
	return &rc.DKIM[k], true
}

// Selected is what the row is about: the IP SPF checked, a signature, the
// From domain.
func (p *Pane) Selected() kit.Selection {
	r, ok := p.current()
	if !ok {
		return kit.Selection{}
	}
	rc := p.report.Recheck
	switch r.Check {
	case "spf":
		if rc != nil && rc.SPF != nil && rc.SPF.IP != nil {
			return kit.IPSelection(*rc.SPF.IP)
		}
	case "dkim":
		if d, ok := p.dkimResult(p.list.Cursor()); ok {
			return kit.SignatureSelection(d.Domain, d.Selector)
		}
	case "dmarc":
		if d := p.msg.Analysis.FromDomain; d != "" {
			return kit.DomainSelection(d)
		}
	}
	return kit.Selection{}
}

// Select moves to a signature chosen elsewhere.
func (p *Pane) Select(sel kit.Selection) tea.Cmd {
	if sel.Kind != kit.SelectSignature || sel.ViaPane == finding.PartThenNow {
		return nil
	}
	for i := range p.rows() {
		if d, ok := p.dkimResult(i); ok && kit.NormName(d.Domain) == sel.Domain && strings.EqualFold(d.Selector, sel.Name) {
			p.list.Set(i)
			return nil
		}
	}
	return nil
}

// Copy copies the selected row and its explanation.
func (p *Pane) Copy() (string, bool) {
	r, ok := p.current()
	if !ok {
		return "", false
	}
	label := string(r.Check)
	if !r.Subject.IsZero() {
		label += " " + r.Subject.String()
	}
	return fmt.Sprintf("%s: then %s, now %s. %s", label, kit.OrNone(string(r.Then)), kit.OrNone(string(r.Now)), r.Explanation), true
}

// View draws the pane, exactly its size.
func (p *Pane) View() string { return p.Fit(p.content()) }

// content is the pane's text before it is fitted to the pane.
func (p *Pane) content() string {
	st, g := p.Com.Styles, p.Com.Glyphs
	if p.msg == nil {
		return " " + st.Muted.Render("No message headers in this run: paste some on the input screen (esc, then ctrl+e).")
	}
	lines := p.facts()
	lines = append(lines, p.Rule("then (at delivery) vs now (DNS today)", p.W))
	if p.report == nil {
		lines = append(lines, " "+st.Muted.Render(kit.Truncate("The receiver recorded: "+p.recorded(), p.W-1, g.Ellipsis)))
		lines = append(lines, " "+p.Com.Spinner+" Re-checking SPF, DKIM and DMARC against today's DNS"+g.Ellipsis)
		return strings.Join(lines, "\n")
	}
	rows := p.rows()
	if len(rows) == 0 {
		lines = append(lines, " "+st.Muted.Render("Nothing to re-check."))
		return strings.Join(lines, "\n")
	}
	checkW, wordW := len("Check"), len("Then")
	for _, r := range rows {
		checkW = max(checkW, kit.Width(p.label(r)))
		wordW = max(wordW, kit.Width(orWord(string(r.Then), thenNone))+2, kit.Width(orWord(string(r.Now), nowNone))+2)
	}
	wordW = min(wordW, 18)
	checkW = min(checkW, max(12, p.W-1-2*(wordW+1)-8))
	head := kit.Pad("Check", checkW+1, "") + kit.Pad("Then", wordW+1, "") + kit.Pad("Now", wordW+1, "")
	lines = append(lines, " "+st.Label.Render(kit.Truncate(head, p.W-1, g.Ellipsis)))
	from, to := p.list.Visible()
	for i := from; i < to; i++ {
		r := rows[i]
		row := kit.Pad(p.label(r), checkW, g.Ellipsis) + " " + kit.Pad(p.word(r.Then, thenNone), wordW, g.Ellipsis) + " " +
			kit.Pad(p.word(r.Now, nowNone), wordW, g.Ellipsis) + " " + p.change(r)
		lines = append(lines, p.CursorRow(row, p.Focused && i == p.list.Cursor()))
	}
	for len(lines) < p.H-p.detailHeight() {
		lines = append(lines, "")
	}
	if r, ok := p.current(); ok {
		lines = append(lines, p.detail(r)...)
	}
	return strings.Join(lines, "\n")
}

// facts are the lines about the message: who it is from, its subject, the
// envelope sender, the sending IP and the receiver.
func (p *Pane) facts() []string {
	st, g := p.Com.Styles, p.Com.Glyphs
	f := p.about
	line := func(label, text string) string {
		return " " + st.Label.Render(label) + kit.Truncate(text, max(0, p.W-1-kit.Width(label)), g.Ellipsis)
	}
	return []string{
		line("From     ", kit.OrNone(f.From)),
		line("Subject  ", kit.OrNone(f.Subject)),
		line("Envelope ", kit.Safe(p.envelope())),
	}
}

// envelope is the envelope sender, where the message was sent from and
// who checked it, in a line.
func (p *Pane) envelope() string {
	f, a := p.about, p.msg.Analysis
	var env []string
	if f.Envelope != "" {
		env = append(env, f.Envelope)
	} else if a.NullSender {
		env = append(env, "<> (a bounce)")
	}
	if f.Sending != "" {
		env = append(env, "sent from "+f.Sending)
	}
	if id := a.Receiver.AuthServID; id != "" {
		env = append(env, "checked by "+id)
	}
	return strings.Join(env, " "+p.Com.Glyphs.Dot+" ")
}

// recorded sums up what the receiver recorded, for the line shown while
// the re-check runs.
func (p *Pane) recorded() string {
	v := p.msg.Analysis.Receiver
	var parts []string
	for _, m := range []struct {
		name string
		r    authres.Result
	}{{"spf", v.SPF}, {"dkim", v.DKIM}, {"dmarc", v.DMARC}, {"arc", v.ARC}} {
		if m.r != "" {
			parts = append(parts, m.name+" "+kit.Safe(string(m.r)))
		}
	}
	if len(parts) == 0 {
		return "no results"
	}
	return strings.Join(parts, " "+p.Com.Glyphs.Dot+" ")
}

// label names a row's check: "dkim d=… s=…".
func (p *Pane) label(r diag.ThenNow) string {
	if r.Subject.IsZero() {
		return kit.Safe(string(r.Check))
	}
	return kit.Safe(string(r.Check) + " " + r.Subject.String())
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
func (p *Pane) word(o diag.Outcome, none string) string {
	if o == "" {
		return p.Com.Styles.Muted.Render(p.Com.Glyphs.Dot + " " + none)
	}
	return p.Outcome(o)
}

// change says whether the verdict changed since delivery, in a word.
func (p *Pane) change(r diag.ThenNow) string {
	st := p.Com.Styles
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
func (p *Pane) detail(r diag.ThenNow) []string {
	lines := []string{p.Rule(p.label(r), p.W)}
	for _, it := range p.items(r) {
		for _, l := range kit.WrapIndent(kit.Safe(it.text), p.W-1, 2) {
			lines = append(lines, " "+it.style.Render(l))
		}
	}
	switch r.Check {
	case "spf":
		lines = append(lines, " "+p.Com.Styles.Muted.Render("enter: the SPF tree with this IP's deciding path"))
	case "dkim":
		lines = append(lines, " "+p.Com.Styles.Muted.Render("enter: the key in the DKIM pane"))
	case "dmarc":
		lines = append(lines, " "+p.Com.Styles.Muted.Render("enter: the DMARC pane"))
	}
	return lines
}

// Detail is the selected row whole: the explanation, what the re-check
// saw, and what the receiver wrote.
func (p *Pane) Detail() (kit.Detail, bool) {
	r, ok := p.current()
	if !ok {
		return kit.Detail{}, false
	}
	d := kit.Detail{Title: "Then vs now: " + ansi.Strip(p.label(r))}
	d.Add(kit.Field("Then", orWord(string(r.Then), "not recorded")), kit.Field("Now", orWord(string(r.Now), "not checked")))
	for _, it := range p.items(r) {
		d.Add(kit.DetailLine{Value: it.text, Kind: it.kind})
	}
	// The message's facts, which the lines above the table may cut.
	d.Add(kit.Heading("The message"), kit.Field("From", p.about.From), kit.Field("Subject", p.about.Subject), kit.Field("Envelope", p.envelope()))
	return d, true
}

// item is a paragraph of a row's explanation, raw, with how it is drawn.
type item struct {
	text  string
	style kit.Style
	kind  kit.DetailKind
}

// items are the paragraphs that explain a row, raw.
func (p *Pane) items(r diag.ThenNow) []item {
	st, g := p.Com.Styles, p.Com.Glyphs
	var out []item
	add := func(text string, style kit.Style, kind kit.DetailKind) {
		out = append(out, item{text: text, style: style, kind: kind})
	}
	add(r.Explanation, st.Input, kit.DetailText)
	rc := p.report.Recheck
	dot := " " + g.Dot + " "
	switch r.Check {
	case "spf":
		if rc != nil && rc.SPF != nil && rc.SPF.Skipped == "" {
			s := rc.SPF
			facts := []string{}
			if s.IP != nil {
				facts = append(facts, "IP "+s.IP.String()+" ("+ipSourceWords(s.IPSource)+")")
			}
			facts = append(facts, "domain "+s.Domain, "sender "+s.Sender)
			if s.HELO != "" {
				facts = append(facts, "HELO "+s.HELO+": "+kit.OrNone(string(s.HELOResult)))
			}
			facts = append(facts, fmt.Sprintf("%d/%d lookups", s.Lookups, spf.LookupLimit))
			add(strings.Join(facts, dot), st.Muted, kit.DetailNote)
			if m := s.Matched; m != nil {
				add("deciding path: "+strings.Join(append(slices.Clone(m.Path), m.Term), " "+g.Arrow+" "), st.Path, kit.DetailText)
			}
			if s.Error != "" {
				add(g.Fail+" "+s.Error, st.Error, kit.DetailBad)
			}
		}
	case "dkim":
		if d, ok := p.dkimResult(p.list.Cursor()); ok {
			facts := []string{"key " + strings.TrimSuffix(d.KeyName, "."), "body hash " + string(d.BodyHash)}
			if d.SignatureVerified {
				facts = append(facts, "signature verifies")
			}
			add(strings.Join(facts, dot), st.Muted, kit.DetailNote)
			// The explanation may hold the reason made a sentence.
			if reason := strings.ToLower(strings.TrimSuffix(d.Reason, ".")); reason != "" && !strings.Contains(strings.ToLower(r.Explanation), reason) {
				add(d.Reason, st.Muted, kit.DetailNote)
			}
			for _, n := range d.Notes {
				add(g.Info+" "+n, st.Muted, kit.DetailNote)
			}
		}
	case "dmarc":
		if rc != nil && rc.DMARC != nil {
			ev := rc.DMARC
			facts := []string{"policy " + kit.OrNone(string(ev.Policy))}
			if ev.PolicyDomain != "" {
				facts = append(facts, "record at "+ev.PolicyDomain)
			}
			facts = append(facts, "SPF aligned "+kit.YesNo(ev.SPFAligned), "DKIM aligned "+kit.YesNo(ev.DKIMAligned))
			add(strings.Join(facts, dot), st.Muted, kit.DetailNote)
		}
	}
	for _, w := range p.wrote(r) {
		add(w, st.Muted, kit.DetailNote)
	}
	for _, w := range p.othersWrote(r) {
		add(w, st.Verdict.SoftFail, kit.DetailBad)
	}
	return out
}

// ipSourceWords says where the re-checked IP was read.
func ipSourceWords(src string) string {
	if src == "receiver" {
		return "as the receiver recorded it"
	}
	return "from the Received chain"
}

// wrote lists what the receiver wrote for the row's method in its own
// Authentication-Results: result, comment and reason, raw.
func (p *Pane) wrote(r diag.ThenNow) []string {
	var out []string
	d, isDKIM := p.dkimResult(p.list.Cursor())
	for _, e := range p.msg.Analysis.AuthenticationResults {
		if !e.Trusted || e.Method != string(r.Check) {
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
		out = append(out, s)
	}
	return out
}
