// Package verdicts is the workbench pane that shows what the receiving
// spam filters wrote into a pasted message's header, decoded (package
// headers/filters): the why sentence on top, then each filter's verdict
// with who wrote it, and each signal on a line with its raw value beside
// its meaning.
package verdicts

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/headers/filters"
	"github.com/mxray/mxray/tui/kit"
)

// Pane shows the message's filter verdicts. The why sentence leads (built
// by diag on the receiver's results, then on the re-check's once it is
// in); under it, each filter's verdict with its score against its
// threshold, the folder, and whether the receiving organisation wrote it
// (an untrusted one says so in words, with who added it); under each
// verdict, its signals, raw value beside meaning, a guess or an
// undocumented value labelled in words. The cursor moves over the why, the
// verdicts and the signals; the one under it is shown whole below, and y
// copies it.
type Pane struct {
	kit.Base
	msg    *diag.Message
	report filters.Report
	// rechecked says report rests on the re-check's results.
	rechecked bool
	items     []item
	list      kit.List
}

// item is one line the cursor can stand on.
type item struct {
	kind    itemKind
	verdict int // index in report.Verdicts (verdicts and signals)
	signal  int // index in its Signals (signals)
}

type itemKind int

const (
	whyItem itemKind = iota
	verdictItem
	signalItem
)

// New returns the verdicts pane.
func New(com *kit.Common) *Pane {
	return &Pane{Base: kit.NewBase(com, finding.PartVerdicts, "Verdicts", "Vrd")}
}

// SetSize gives the pane its size in cells.
func (p *Pane) SetSize(w, h int) {
	p.Base.SetSize(w, h)
	p.list.SetHeight(p.rowsHeight())
}

// whyHeight is the lines the why sentence may take on top; the rest of it
// shows below when the cursor is on it.
func (p *Pane) whyHeight() int { return max(2, min(5, p.H/6)) }

// detailHeight is the lines under the rows for the item under the cursor.
func (p *Pane) detailHeight() int { return min(max(5, p.H/3), 12) }

// rowsHeight is the verdict and signal rows that show at once: the why,
// its rule, and the detail take the rest.
func (p *Pane) rowsHeight() int { return max(1, p.H-p.whyHeight()-1-p.detailHeight()) }

// Help lists the pane's own keys.
func (p *Pane) Help() []key.Binding {
	k := p.Com.Keys
	return []key.Binding{kit.WithHelp(k.Down, "next signal"), kit.WithHelp(k.Copy, "copy")}
}

// Update takes the run's messages, and keys while the pane has focus.
func (p *Pane) Update(msg tea.Msg) (kit.Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case kit.RunStartMsg:
		p.msg, p.report, p.rechecked = nil, filters.Report{}, false
		if run := p.Com.Run; run != nil && run.Message() != nil {
			p.msg = run.Message()
			p.load(run.Recheck())
		}
		p.list.Set(0)
	case kit.RecheckMsg:
		if p.msg != nil {
			p.load(msg.Report)
		}
	case tea.KeyPressMsg:
		if p.Focused {
			p.list.HandleKey(msg, p.Com.Keys)
		}
	}
	return p, nil
}

// load takes the message's report (the re-check's when rep is given) and
// lays out the items: the why, then each verdict and its signals.
func (p *Pane) load(rep *diag.HeadersReport) {
	p.report = p.msg.FilterReport(rep)
	p.rechecked = rep != nil && rep.Recheck != nil
	p.items = []item{{kind: whyItem}}
	for i, v := range p.report.Verdicts {
		p.items = append(p.items, item{kind: verdictItem, verdict: i})
		for k := range v.Signals {
			p.items = append(p.items, item{kind: signalItem, verdict: i, signal: k})
		}
	}
	// The list runs over every item, the why first; the rows below the
	// why show the others.
	p.list.SetLen(len(p.items))
	p.list.SetHeight(p.rowsHeight())
}

// current is the item under the cursor.
func (p *Pane) current() (item, bool) {
	if p.msg == nil || len(p.items) == 0 {
		return item{}, false
	}
	return p.items[p.pos()], true
}

// pos is the index in items of the cursor.
func (p *Pane) pos() int { return min(p.list.Cursor(), max(0, len(p.items)-1)) }

// Selected is nothing: a verdict names no IP, domain or selector.
func (p *Pane) Selected() kit.Selection { return kit.Selection{} }

// Select does nothing: no other pane's choice changes the verdicts.
func (p *Pane) Select(kit.Selection) tea.Cmd { return nil }

// Copy copies the item under the cursor: the why sentence, a verdict with
// who wrote it, or a signal with its raw value and meaning.
func (p *Pane) Copy() (string, bool) {
	it, ok := p.current()
	if !ok {
		return "", false
	}
	switch it.kind {
	case verdictItem:
		v := p.report.Verdicts[it.verdict]
		return filters.VerdictLine(v) + "\n" + trustWords(v), true
	case signalItem:
		v := p.report.Verdicts[it.verdict]
		return filters.SignalLine(v.Signals[it.signal], 0), true
	}
	return p.report.Why, true
}

// trustWords says who wrote a verdict, in words.
func trustWords(v filters.FilterVerdict) string {
	if v.Trusted {
		return "Trusted: " + v.TrustReason
	}
	s := "NOT TRUSTED (" + string(v.Trust) + "): " + v.TrustReason
	if v.AddedBy != "" && !strings.Contains(v.TrustReason, v.AddedBy) {
		s += "; added by " + v.AddedBy
	}
	return s
}

// View draws the pane, exactly its size.
func (p *Pane) View() string { return p.Fit(p.content()) }

// content is the pane's text before it is fitted to the pane.
func (p *Pane) content() string {
	st := p.Com.Styles
	if p.msg == nil {
		return " " + st.Muted.Render("No message headers in this run: paste some on the input screen (esc, then ctrl+e).")
	}
	lines := p.why()
	lines = append(lines, p.Rule(p.ruleLabel(), p.W))
	if len(p.report.Verdicts) == 0 {
		lines = append(lines, " "+st.Muted.Render("No spam filter recorded a verdict in this header."))
	}
	from, to := p.list.Visible()
	for i := max(1, from); i < to; i++ { // item 0, the why, is drawn above
		lines = append(lines, p.row(p.items[i], p.Focused && i == p.pos()))
	}
	for len(lines) < p.H-p.detailHeight() {
		lines = append(lines, "")
	}
	lines = append(lines, p.detail()...)
	return strings.Join(lines, "\n")
}

// ruleLabel heads the rows: how many verdicts, how many are not the
// receiver's, and whether the why waits for the re-check.
func (p *Pane) ruleLabel() string {
	n, untrusted := len(p.report.Verdicts), 0
	for _, v := range p.report.Verdicts {
		if !v.Trusted {
			untrusted++
		}
	}
	label := kit.Plural(n, "filter verdict", "filter verdicts")
	if untrusted > 0 {
		label += " " + p.Com.Glyphs.Dot + " " + kit.Itoa(untrusted) + " not the receiver's"
	}
	if !p.rechecked && p.Com.Busy() {
		label += " " + p.Com.Glyphs.Dot + " re-checking" + p.Com.Glyphs.Ellipsis
	}
	return label
}

// whyLabel stands before the why sentence.
const whyLabel = "Why "

// whyLines is the why sentence wrapped beside its label.
func (p *Pane) whyLines() []string {
	return kit.Wrap(kit.Safe(p.report.Why), max(1, p.W-1-len(whyLabel)))
}

// whyCut reports whether the why sentence is longer than its lines on top.
func (p *Pane) whyCut() bool { return len(p.whyLines()) > p.whyHeight() }

// why draws the why sentence, cut to its lines (shown whole below when
// the cursor is on it).
func (p *Pane) why() []string {
	st, g := p.Com.Styles, p.Com.Glyphs
	label := whyLabel
	text := p.whyLines()
	h := p.whyHeight()
	if len(text) > h {
		text = text[:h]
		text[h-1] = kit.Truncate(text[h-1]+" "+g.Ellipsis, max(1, p.W-1-len(label)), g.Ellipsis)
	}
	mark := " "
	if p.Focused && p.pos() == 0 {
		mark = g.Cursor
	}
	out := make([]string, len(text))
	for i, l := range text {
		lead := strings.Repeat(" ", len(label))
		if i == 0 {
			lead = st.Label.Render(label)
		}
		out[i] = mark + lead + st.Input.Render(l)
		mark = " "
	}
	return out
}

// row draws one verdict or signal row.
func (p *Pane) row(it item, selected bool) string {
	st, g := p.Com.Styles, p.Com.Glyphs
	v := p.report.Verdicts[it.verdict]
	if it.kind == verdictItem {
		tone := diag.VerdictTone(v)
		text := p.Mark(tone) + " " + p.Word(tone, kit.Safe(filters.VerdictHeading(v)))
		if v.Trusted {
			text += st.Muted.Render(" " + g.Dot + " the receiver's")
		} else {
			text += " " + st.Verdict.TempError.Render(g.Dot+" NOT TRUSTED: "+addedBy(v))
		}
		return p.CursorRow(text, selected)
	}
	s := v.Signals[it.signal]
	nameW, rawW := p.columns(v)
	text := "  " + kit.Pad(kit.Safe(s.Name), nameW, g.Ellipsis) + " " + st.Record.Render(kit.Pad(rawText(s), rawW, g.Ellipsis)) + " "
	if tag := signalTag(s); tag != "" {
		text += st.Verdict.SoftFail.Render(tag) + " "
	}
	text += kit.Safe(s.Meaning)
	if !v.Trusted {
		text = st.Muted.Render(text)
	}
	return p.CursorRow(text, selected)
}

// addedBy names who added an untrusted verdict's fields, in a few words.
func addedBy(v filters.FilterVerdict) string {
	switch {
	case v.AddedBy != "":
		return "added by " + kit.Safe(v.AddedBy)
	case v.Trust == filters.TrustUnknown:
		return "origin unknown"
	}
	return "written before the message arrived"
}

// rawText is a signal's raw value as a row shows it, "(empty)" for none.
func rawText(s filters.Signal) string {
	if s.Raw == "" {
		return "(empty)"
	}
	return kit.Safe(s.Raw)
}

// signalTag labels a meaning that is not the vendor's documented one, in
// words (never by colour alone).
func signalTag(s filters.Signal) string {
	switch {
	case s.Guess:
		return "[guess]"
	case s.Undocumented:
		return "[undocumented]"
	}
	return ""
}

// columns are the widths of a verdict's name and raw columns: as wide as
// their widest entry, within a share of the pane.
func (p *Pane) columns(v filters.FilterVerdict) (nameW, rawW int) {
	for _, s := range v.Signals {
		nameW = max(nameW, kit.Width(kit.Safe(s.Name)))
		rawW = max(rawW, kit.Width(rawText(s)))
	}
	return min(nameW, max(10, p.W/4)), min(rawW, max(8, p.W/5))
}

// detail shows the item under the cursor whole.
func (p *Pane) detail() []string {
	st, g := p.Com.Styles, p.Com.Glyphs
	it, ok := p.current()
	if !ok {
		return nil
	}
	var lines []string
	add := func(text string, style kit.Style) {
		for _, l := range kit.WrapIndent(text, p.W-1, 2) {
			lines = append(lines, " "+style.Render(l))
		}
	}
	switch it.kind {
	case whyItem:
		lines = append(lines, p.Rule("why", p.W))
		if p.whyCut() {
			add(kit.Safe(p.report.Why), st.Input)
		}
		if e := p.report.Forwarding.Explanation; e != "" {
			add(kit.Safe(e)+".", st.Muted)
		}
		if p.rechecked {
			add("The authentication results are today's re-check's; the filters' verdicts were recorded at delivery.", st.Muted)
		} else {
			add("The authentication results are what the receiver recorded; once the re-check is in, today's.", st.Muted)
		}
	case verdictItem:
		v := p.report.Verdicts[it.verdict]
		lines = append(lines, p.Rule(kit.Safe(v.Filter.Name()), p.W))
		read := "read from " + filters.FieldLine(v)
		if v.Summary != "" {
			read += ": " + v.Summary
		}
		add(kit.Safe(read), st.Input)
		style := st.Muted
		if !v.Trusted {
			style = st.Verdict.TempError
		}
		add(kit.Safe(trustWords(v)), style)
		if v.Note != "" {
			add(g.Info+" "+kit.Safe(v.Note), st.Muted)
		}
	case signalItem:
		v := p.report.Verdicts[it.verdict]
		s := v.Signals[it.signal]
		head := kit.Safe(s.Name)
		if s.Field != "" && s.Field != s.Name {
			head += " (" + kit.Safe(s.Field) + ")"
		}
		lines = append(lines, p.Rule(head, p.W))
		add("raw: "+rawText(s), st.Record)
		add(kit.Safe(s.Meaning), st.Input)
		switch {
		case s.Guess:
			add("[guess] a widely reported reading: "+kit.Safe(v.Filter.Name())+" does not document it", st.Verdict.SoftFail)
		case s.Undocumented:
			add("[undocumented] "+kit.Safe(v.Filter.Name())+" publishes no meaning for this value", st.Verdict.SoftFail)
		}
	}
	return lines
}
