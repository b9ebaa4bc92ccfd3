// Package hops is the workbench pane that shows a pasted message's Received
// chain (RFC 5321 §4.4) hop by hop, from the origin to the receiver.
package hops

import (
	"fmt"
	"math"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/headers"
	"github.com/mxray/mxray/tui/kit"
)

// Pane is the message's Received chain (RFC 5321 §4.4) as a table from
// the origin down to the receiver: index, from, by, client IP, HELO, the
// delay since the hop before, and the time in UTC and in local time. The
// hop the message entered the receiving organisation by (the sending hop,
// whose client IP SPF checks) is marked, the internal hops below a rule,
// clock skew said in words, an unparsed field shown as written. Moving
// the cursor selects the hop's IP in every pane.
type Pane struct {
	kit.Base
	an   *headers.Analysis
	list kit.List
	// boundary is the index (into an.Hops) of the first internal hop after
	// an external one: the rule is drawn above it. -1 when there is none.
	boundary int
}

// New returns the hops pane.
func New(com *kit.Common) *Pane {
	return &Pane{Base: kit.NewBase(com, finding.PartHops, "Hops", "Hops"), boundary: -1}
}

// SetSize gives the pane its size in cells.
func (p *Pane) SetSize(w, h int) {
	p.Base.SetSize(w, h)
	p.list.SetHeight(p.rowsHeight())
}

// detailHeight is the lines under the table for the selected hop.
func (p *Pane) detailHeight() int { return min(max(6, p.H*2/5), 12) }

// rowsHeight is the hops that show at once: the summary line, the column
// heads and the boundary rule take a line each.
func (p *Pane) rowsHeight() int {
	n := p.H - 2 - p.detailHeight()
	if p.boundary >= 0 {
		n--
	}
	return max(1, n)
}

// Help lists the pane's own keys.
func (p *Pane) Help() []key.Binding {
	k := p.Com.Keys
	keys := []key.Binding{kit.WithHelp(k.Open, "SPF"), k.TrustHop, k.SenderHop}
	if p.optionsSet() {
		keys = append(keys, k.ResetHops)
	}
	return append(keys, k.Copy)
}

// Update takes the run's messages, and keys while the pane has focus.
func (p *Pane) Update(msg tea.Msg) (kit.Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case kit.RunStartMsg:
		p.load()
	case tea.KeyPressMsg:
		if !p.Focused {
			return p, nil
		}
		if key.Matches(msg, p.Com.Keys.Open) {
			// enter opens the hop's SPF verdict.
			if sel := p.Selected(); sel.Kind == kit.SelectIP {
				sel.ViaPane = finding.PartHops
				return p, func() tea.Msg { return kit.JumpMsg{Pane: finding.PartSPF, Sel: sel} }
			}
			return p, nil
		}
		if cmd, ok := p.boundaryKey(msg); ok {
			return p, cmd
		}
		p.list.HandleKey(msg, p.Com.Keys)
	}
	return p, nil
}

// load takes the hops of the run's message, the cursor on the sending hop.
func (p *Pane) load() {
	p.an, p.boundary = nil, -1
	if run := p.Com.Run; run != nil && run.Message() != nil {
		p.an = run.Message().Analysis
	}
	if p.an == nil {
		p.list.SetLen(0)
		return
	}
	hops := p.an.Hops
	for i := 1; i < len(hops); i++ {
		if hops[i].Internal && !hops[i-1].Internal {
			p.boundary = i
			break
		}
	}
	p.list.SetLen(len(hops))
	p.list.SetHeight(p.rowsHeight())
	p.list.Set(max(0, p.an.SendingHop-1))
}

// current is the hop under the cursor.
func (p *Pane) current() (headers.Hop, bool) {
	if p.an == nil || p.list.Cursor() >= len(p.an.Hops) {
		return headers.Hop{}, false
	}
	return p.an.Hops[p.list.Cursor()], true
}

// Selected is the hop's client IP, or the hop itself when it recorded none.
func (p *Pane) Selected() kit.Selection {
	h, ok := p.current()
	switch {
	case !ok:
		return kit.Selection{}
	case h.IP != nil && h.IP.IsValid():
		sel := kit.IPSelection(*h.IP)
		sel.Hop = h.Index
		return sel
	}
	return kit.HopSelection(h.Index)
}

// Select moves to a hop chosen elsewhere (a finding about it), or to the
// first hop with an IP chosen elsewhere, the sending hop first.
func (p *Pane) Select(sel kit.Selection) tea.Cmd {
	if p.an == nil || sel.ViaPane == finding.PartHops {
		return nil
	}
	switch sel.Kind {
	case kit.SelectHop:
		if sel.Hop >= 1 && sel.Hop <= len(p.an.Hops) {
			p.list.Set(sel.Hop - 1)
		}
	case kit.SelectIP:
		if s := p.an.SendingHop; s >= 1 && s <= len(p.an.Hops) && hopIP(p.an.Hops[s-1]) == sel.IP.String() {
			p.list.Set(s - 1)
			return nil
		}
		for i, h := range p.an.Hops {
			if hopIP(h) == sel.IP.String() {
				p.list.Set(i)
				return nil
			}
		}
	}
	return nil
}

// Copy copies the selected hop as a line of text, with the field as
// written when it could not be read.
func (p *Pane) Copy() (string, bool) {
	h, ok := p.current()
	if !ok {
		return "", false
	}
	if h.Raw != "" {
		return fmt.Sprintf("hop %d (unparsed): %s", h.Index, h.Raw), true
	}
	s := fmt.Sprintf("hop %d: from %s", h.Index, kit.OrNone(h.From))
	if ip := hopIP(h); ip != "" {
		s += " [" + ip + "]"
	}
	s += " by " + kit.OrNone(h.By)
	if h.With != "" {
		s += " with " + h.With
	}
	if h.ID != "" {
		s += " id " + h.ID
	}
	if h.Time != nil {
		s += "; " + h.Time.UTC().Format(time.RFC3339)
	}
	return s, true
}

// Detail is the selected hop whole: every clause, its times, why it is
// internal, what is irregular, and the Received field as written.
func (p *Pane) Detail() (kit.Detail, bool) {
	h, ok := p.current()
	if !ok {
		return kit.Detail{}, false
	}
	d := kit.Detail{Title: fmt.Sprintf("Hop %d of %d", h.Index, len(p.an.Hops))}
	d.Add(kit.Field("From", h.From), kit.Field("IP", hopIP(h)), kit.Field("HELO", h.HELO), kit.Field("Reverse DNS", h.RDNS),
		kit.Field("By", h.By), kit.Field("With", h.With), kit.Field("Id", h.ID), kit.Field("For", h.For), kit.Field("Via", h.Via),
		kit.Field("Envelope from", h.EnvelopeFrom))
	if h.Time != nil {
		d.Add(kit.Field("Time (UTC)", h.Time.UTC().Format("2006-01-02 15:04:05")), kit.Field("Time (local)", h.Time.In(p.Com.Loc).Format("2006-01-02 15:04:05 MST")))
	}
	if dl := h.DelaySeconds; dl != nil {
		if *dl >= 0 {
			d.Add(kit.Field("Delay", duration(*dl)+" after hop "+kit.Itoa(h.Index-1)))
		} else {
			d.Add(kit.Field("Delay", "clock skew: stamped "+duration(-*dl)+" before hop "+kit.Itoa(h.Index-1)))
		}
	}
	switch {
	case h.Index == p.an.SendingHop:
		d.Add(kit.Para("The sending hop: the message entered the receiving organisation here. Its client IP is the one SPF checks."))
	case h.Internal:
		d.Add(kit.Field("Internal", kit.OrNone(h.InternalReason)))
	}
	for _, n := range h.Notes {
		d.Add(kit.Note(n))
	}
	if run := p.Com.Run; run != nil && run.Message() != nil && run.Message().Header != nil {
		for _, f := range run.Message().Header.Fields {
			if f.Line == h.Line {
				d.Add(kit.Heading(fmt.Sprintf("As written, line %d", h.Line)), kit.DetailLine{Value: strings.ReplaceAll(f.Raw, "\r\n", "\n"), Kind: kit.DetailRecord})
				break
			}
		}
	} else if h.Raw != "" {
		d.Add(kit.RecordField("As written", h.Raw))
	}
	return d, true
}

// hopIP is a hop's client IP as text, "" when none was recorded.
func hopIP(h headers.Hop) string {
	if h.IP == nil || !h.IP.IsValid() {
		return ""
	}
	return h.IP.Unmap().String()
}

// View draws the pane, exactly its size.
func (p *Pane) View() string { return p.Fit(p.content()) }

// hopColumns are the table's column widths in cells (0: not shown), each
// including the space after it.
type hopColumns struct {
	idx, tag, from, by, ip, helo, delay, utc, local int
	timeLayout                                      string
}

// columns fits the table to w cells: the fixed columns take what their
// widest cell needs, From and By share the rest; local time and HELO show
// when there is room for them (the detail always says both).
func (p *Pane) columns(w int) hopColumns {
	hops := p.an.Hops
	c := hopColumns{idx: len(kit.Itoa(len(hops))) + 1, tag: len("internal") + 1, ip: len("IP") + 1, delay: len("Delay") + 1}
	c.timeLayout = p.timeLayout()
	c.utc, c.local = len(c.timeLayout)+1, len(c.timeLayout)
	for _, h := range hops {
		c.ip = max(c.ip, min(kit.Width(hopIP(h)), 24)+1)
		c.delay = max(c.delay, kit.Width(delayText(h))+1)
	}
	flex := w - (c.idx + c.tag + c.ip + c.delay + c.utc + c.local)
	if flex < 2*12 {
		flex += c.local
		c.local = 0
	}
	if flex >= 3*16 {
		c.helo = flex / 3
		flex -= c.helo
	}
	c.from = max(4, flex/2)
	c.by = max(4, flex-c.from)
	return c
}

// timeLayout is how the table writes times: the time of day when every
// hop is on the same day (UTC and local), else the date too.
func (p *Pane) timeLayout() string {
	day := func(t time.Time) string { return t.Format(time.DateOnly) }
	first, firstLocal := "", ""
	for _, h := range p.an.Hops {
		if h.Time == nil {
			continue
		}
		u, l := day(h.Time.UTC()), day(h.Time.In(p.Com.Loc))
		if first == "" {
			first, firstLocal = u, l
		}
		if u != first || l != firstLocal {
			return "01-02 15:04"
		}
	}
	return time.TimeOnly
}

// zoneName names the local zone: its abbreviation now.
func (p *Pane) zoneName() string {
	return p.Com.Now().In(p.Com.Loc).Format("MST")
}

// content is the pane's text before it is fitted to the pane.
func (p *Pane) content() string {
	st, g := p.Com.Styles, p.Com.Glyphs
	if p.an == nil {
		return " " + st.Muted.Render("No message headers in this run: paste some on the input screen (esc, then ctrl+e).")
	}
	hops := p.an.Hops
	if len(hops) == 0 {
		lines := []string{" " + st.Verdict.None.Render(g.Unknown+" No Received fields: the message shows no hops (a draft, or headers cut short).")}
		return strings.Join(lines, "\n")
	}
	lines := []string{" " + st.Muted.Render(p.summary())}
	c := p.columns(p.W - 1)
	head := kit.Pad("#", c.idx, "") + kit.Pad("", c.tag, "") + kit.Pad("From", c.from, "") + kit.Pad("By", c.by, "") + kit.Pad("IP", c.ip, "")
	if c.helo > 0 {
		head += kit.Pad("HELO", c.helo, "")
	}
	head += kit.Pad("Delay", c.delay, "") + kit.Pad("UTC", c.utc, "")
	if c.local > 0 {
		head += kit.Pad("Local", c.local, "")
	}
	lines = append(lines, " "+st.Label.Render(kit.Truncate(head, p.W-1, g.Ellipsis)))
	from, to := p.list.Visible()
	for i := from; i < to; i++ {
		if i == p.boundary {
			lines = append(lines, p.Rule(p.boundaryLabel(), p.W))
		}
		lines = append(lines, p.CursorRow(p.row(hops[i], c), p.Focused && i == p.list.Cursor()))
	}
	for len(lines) < p.H-p.detailHeight() {
		lines = append(lines, "")
	}
	if h, ok := p.current(); ok {
		lines = append(lines, p.detail(h)...)
	}
	return strings.Join(lines, "\n")
}

// summary is the line above the table.
func (p *Pane) summary() string {
	g := p.Com.Glyphs
	parts := []string{kit.Plural(len(p.an.Hops), "hop", "hops") + ", origin first"}
	switch {
	case p.an.SendingIP != nil && p.an.SendingHop > 0 && p.an.SendingIPSource == "option":
		parts = append(parts, fmt.Sprintf("sent from %s (hop %d, your choice)", p.an.SendingIP, p.an.SendingHop))
	case p.an.SendingIP != nil && p.an.SendingHop > 0:
		parts = append(parts, fmt.Sprintf("sent from %s (hop %d)", p.an.SendingIP, p.an.SendingHop))
	case p.an.SendingIP != nil:
		parts = append(parts, "sent from "+p.an.SendingIP.String())
	default:
		parts = append(parts, "no public sending IP")
	}
	parts = append(parts, "local time "+kit.Safe(p.zoneName()))
	return kit.JoinFit(parts, " "+g.Dot+" ", p.W-1, g.Ellipsis)
}

// boundaryLabel is the rule between the last external and the first
// internal hop.
func (p *Pane) boundaryLabel() string {
	label := "inside the receiving organisation (internal)"
	if len(p.an.ReceivingOrg) > 0 {
		label = "inside " + kit.Safe(strings.Join(p.an.ReceivingOrg, ", ")) + " (internal)"
	}
	if n := len(p.options().TrustedHosts); n > 0 {
		label += " · you trust " + kit.Plural(n, "host", "hosts") + " (u undoes)"
	}
	return label
}

// tag is the word that says what is special about a hop.
func (p *Pane) tag(h headers.Hop) string {
	st := p.Com.Styles
	switch {
	case h.Raw != "":
		return st.Verdict.SoftFail.Render("unparsed")
	case h.Index == p.an.SendingHop:
		return st.Path.Render("sending")
	case h.ChainBreak:
		return st.Verdict.Fail.Render("forged?")
	case h.Internal:
		return st.Muted.Render("internal")
	}
	return ""
}

// row draws one hop in the table's columns.
func (p *Pane) row(h headers.Hop, c hopColumns) string {
	st, g := p.Com.Styles, p.Com.Glyphs
	cell := func(s string, w int) string {
		if w <= 0 {
			return ""
		}
		return kit.Pad(s, w-1, g.Ellipsis) + " "
	}
	s := cell(kit.Itoa(h.Index), c.idx) + cell(p.tag(h), c.tag)
	if h.Raw != "" {
		// Nothing could be read: the field as written, cut to the row.
		return s + st.Muted.Render(kit.Safe(strings.Join(strings.Fields(h.Raw), " ")))
	}
	ip := hopIP(h)
	if ip == "" {
		ip = st.Muted.Render("-")
	} else if h.Index == p.an.SendingHop {
		ip = st.Path.Render(ip)
	}
	s += cell(kit.Safe(h.From), c.from) + cell(kit.Safe(h.By), c.by) + cell(ip, c.ip)
	if c.helo > 0 {
		s += cell(kit.Safe(h.HELO), c.helo)
	}
	delay := delayText(h)
	switch {
	case p.aboveBreak(h):
		delay = st.Verdict.Fail.Render("-" + duration(-*h.DelaySeconds))
	case skewed(h):
		delay = st.Verdict.SoftFail.Render(delay)
	}
	s += cell(delay, c.delay) + cell(timeIn(h.Time, time.UTC, c.timeLayout), c.utc)
	if c.local > 0 {
		s += timeIn(h.Time, p.Com.Loc, c.timeLayout)
	}
	return s
}

// timeIn writes t in loc with layout; "-" when there is no time.
func timeIn(t *time.Time, loc *time.Location, layout string) string {
	if t == nil {
		return "-"
	}
	return t.In(loc).Format(layout)
}

// skewed reports whether a hop is stamped before the hop below it by more
// than the few seconds of disorder that say nothing
// (headers.ClockSkewTolerance).
func skewed(h headers.Hop) bool {
	return h.DelaySeconds != nil && -*h.DelaySeconds > headers.ClockSkewTolerance.Seconds()
}

// aboveBreak reports whether the hop below h is one the chain does not
// connect to (headers.Hop.ChainBreak): the jump in time between them is
// not clock skew.
func (p *Pane) aboveBreak(h headers.Hop) bool {
	return h.Index >= 2 && h.Index-2 < len(p.an.Hops) && p.an.Hops[h.Index-2].ChainBreak && h.DelaySeconds != nil
}

// delayText is a hop's delay since the hop before it, with "skew" when it
// is negative beyond the tolerance (the clocks disagree); "-" for the
// origin or without dates.
func delayText(h headers.Hop) string {
	if h.DelaySeconds == nil {
		return "-"
	}
	d := *h.DelaySeconds
	switch {
	case skewed(h):
		return "-" + duration(-d) + " skew"
	case d < 0:
		return "-" + duration(-d)
	}
	return duration(d)
}

// duration writes seconds briefly: 3s, 1m05s, 2h03m, 3d04h.
func duration(sec float64) string {
	s := int64(math.Round(sec))
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	case s < 86400:
		return fmt.Sprintf("%dh%02dm", s/3600, s%3600/60)
	}
	return fmt.Sprintf("%dd%02dh", s/86400, s%86400/3600)
}

// detail says everything about the selected hop, wrapped: who handed it
// to whom, when (UTC and local), why it is internal, what is irregular, and
// the field as written when it could not be read.
func (p *Pane) detail(h headers.Hop) []string {
	st, g := p.Com.Styles, p.Com.Glyphs
	head := fmt.Sprintf("hop %d of %d", h.Index, len(p.an.Hops))
	switch {
	case h.Index == p.an.SendingHop:
		head += " " + g.Dot + " sending"
	case h.Internal:
		head += " " + g.Dot + " internal"
	}
	lines := []string{p.Rule(head, p.W)}
	add := func(text string, style kit.Style) {
		for _, l := range kit.WrapIndent(text, p.W-1, 2) {
			lines = append(lines, " "+style.Render(l))
		}
	}
	plain := st.Input
	dot := " " + g.Dot + " "
	if h.Raw != "" {
		add(g.Warn+" This Received field could not be read; as written:", st.Verdict.SoftFail)
		add(kit.Safe(strings.Join(strings.Fields(h.Raw), " ")), st.Record)
	} else {
		from := "from " + kit.OrNone(kit.Safe(h.From))
		if ip := hopIP(h); ip != "" {
			from += " [" + ip + "]"
		}
		if h.HELO != "" && h.HELO != h.From {
			from += dot + "HELO " + kit.Safe(h.HELO)
		}
		if h.RDNS != "" {
			from += dot + "reverse DNS " + kit.Safe(h.RDNS)
		}
		add(from, plain)
		by := []string{"by " + kit.OrNone(kit.Safe(h.By))}
		if h.With != "" {
			by = append(by, "with "+kit.Safe(h.With))
		}
		if h.ID != "" {
			by = append(by, "id "+kit.Safe(h.ID))
		}
		if h.For != "" {
			by = append(by, "for "+kit.Safe(h.For))
		}
		add(strings.Join(by, dot), plain)
	}
	if h.Time != nil {
		when := h.Time.UTC().Format("2006-01-02 15:04:05") + " UTC" + dot + h.Time.In(p.Com.Loc).Format("15:04:05 MST") + " local"
		if h.DelaySeconds != nil && *h.DelaySeconds >= 0 {
			when += dot + duration(*h.DelaySeconds) + " after hop " + kit.Itoa(h.Index-1)
		}
		add(when, plain)
	}
	if d := h.DelaySeconds; skewed(h) && !p.aboveBreak(h) {
		add(fmt.Sprintf("%s Clock skew: stamped %s before hop %d, the hop before it. One of the two servers' clocks is wrong; the delays around it mean little.",
			g.Warn, duration(-*d), h.Index-1), st.Verdict.SoftFail)
	}
	if h.ChainBreak {
		add(fmt.Sprintf("%s Likely inserted or forged: this hop's receiving host is not the client of hop %d above it, and the time jumps too far for clock skew. Read it, and the hops below it, as the sender's claims.",
			g.Fail, h.Index+1), st.Verdict.Fail)
	}
	switch {
	case h.Index == p.an.SendingHop && p.an.SendingIPSource == "option":
		add(g.Marker+" The sending hop, as you chose it (s): its client IP is the one SPF is re-checked for. u undoes it.", st.Path)
	case h.Index == p.an.SendingHop:
		add(g.Marker+" The sending hop: the message entered the receiving organisation here. Its client IP is the one SPF checks.", st.Path)
	case h.Internal:
		reason := "inside the receiving organisation"
		if h.InternalReason != "" {
			reason = kit.Safe(h.InternalReason)
		}
		add("Internal: "+reason+".", st.Muted)
	}
	for _, n := range h.Notes {
		add(g.Info+" "+kit.Safe(n), st.Muted)
	}
	add(fmt.Sprintf("Received field on line %d of the header.", h.Line), st.Muted)
	return lines
}
