// Package dnslog is the workbench pane that lists every DNS question of the
// run (name, type, status, DNSSEC state, TTL, round trip, cache) as it is
// asked. The DNSSEC state is the resolver's word (its AD bit): mxray does
// not validate signatures itself, and the pane says so.
package dnslog

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/tui/kit"
)

// Pane lists every DNS question of the run as the client records it:
// name, type, status, DNSSEC state (secure, insecure or unknown, as the
// resolver's AD bit says), TTL, round trip, and whether it came from the
// cache, joined a question in flight, or went over TCP. It fills live
// while the run goes on; "/" filters it.
type Pane struct {
	kit.ListPane
	entries []dnsclient.LogEntry
	shown   []int // indexes into entries that pass the filter
	follow  bool  // the cursor stays on the newest entry
	dropped int64
	cmp     *compare // the "did it propagate?" view; nil when closed
	gen     int      // counts the comparisons started
}

// New returns the DNS log pane, following the newest question.
func New(com *kit.Common) *Pane {
	p := &Pane{follow: true}
	p.ListPane = kit.NewListPane(kit.NewBase(com, finding.PartDNSLog, "DNS log", "Log"), p.refilter)
	return p
}

// SetSize gives the pane its size in cells.
func (p *Pane) SetSize(w, h int) {
	p.ListPane.SetSize(w, h)
	p.List.SetHeight(p.rowsHeight())
}

// rowsHeight is the lines left for entries: a summary or filter line, the
// column heads, two detail lines and the DNSSEC note.
func (p *Pane) rowsHeight() int { return max(1, p.H-5) }

// Help lists the pane's own keys.
func (p *Pane) Help() []key.Binding {
	k := p.Com.Keys
	if p.cmp != nil {
		return []key.Binding{kit.WithHelp(k.Back, "close")}
	}
	if len(p.shown) == 0 {
		return []key.Binding{k.Filter, k.Copy}
	}
	return []key.Binding{k.Filter, p.compareHelp(), k.Copy}
}

// Update takes the run's messages, and keys while the pane has focus.
func (p *Pane) Update(msg tea.Msg) (kit.Pane, tea.Cmd) {
	if cmd, ok := p.RouteFilter(msg); ok {
		return p, cmd
	}
	switch msg := msg.(type) {
	case compareMsg:
		p.takeCompare(msg)
	case kit.RunStartMsg:
		p.stopCompare()
		p.entries, p.dropped, p.follow = nil, 0, true
		p.List.Set(0)
		p.refilter()
	case kit.QueryMsg:
		p.entries = append(p.entries, msg.Entries...)
		p.refilter()
	case kit.RunDoneMsg:
		p.dropped = msg.Dropped
		if msg.Dropped > 0 || len(p.entries) < len(msg.Report.Log) {
			p.entries = append([]dnsclient.LogEntry(nil), msg.Report.Log...)
			p.refilter()
		}
	case kit.RecheckMsg:
		// The re-check shares the run's client: its log is the whole
		// run's so far.
		if len(p.entries) < len(msg.Report.Log) {
			p.entries = append([]dnsclient.LogEntry(nil), msg.Report.Log...)
			p.refilter()
		}
	case tea.KeyPressMsg:
		if p.cmp != nil {
			p.compareKey(msg)
			return p, nil
		}
		if key.Matches(msg, p.Com.Keys.Propagate) {
			return p, p.startCompare()
		}
		if key.Matches(msg, p.Com.Keys.Open) {
			if d, ok := p.Detail(); ok {
				return p, kit.ShowDetail(d)
			}
		}
		if p.List.HandleKey(msg, p.Com.Keys) {
			p.follow = p.List.AtEnd()
		}
	}
	return p, nil
}

// refilter recomputes the rows shown and keeps the cursor in place (or on
// the newest row while following).
func (p *Pane) refilter() {
	p.shown = p.shown[:0]
	for i, e := range p.entries {
		if p.Filter.Matches(e.Name, e.Type, string(e.Status), string(e.DNSSEC), e.Server, e.Err) {
			p.shown = append(p.shown, i)
		}
	}
	p.List.SetLen(len(p.shown))
	if p.follow {
		p.List.Set(len(p.shown) - 1)
	}
}

func (p *Pane) current() (dnsclient.LogEntry, bool) {
	if p.List.Cursor() < len(p.shown) {
		return p.entries[p.shown[p.List.Cursor()]], true
	}
	return dnsclient.LogEntry{}, false
}

// Selected is what the cursor is on.
func (p *Pane) Selected() kit.Selection {
	if e, ok := p.current(); ok && p.Focused {
		return kit.DomainSelection(e.Name)
	}
	return kit.Selection{}
}

// Select moves to the newest question about a selected name.
func (p *Pane) Select(sel kit.Selection) tea.Cmd {
	if sel.Kind != kit.SelectDomain || !sel.Explicit {
		return nil
	}
	for i := len(p.shown) - 1; i >= 0; i-- {
		if kit.NormName(p.entries[p.shown[i]].Name) == sel.Name {
			p.List.Set(i)
			p.follow = false
			break
		}
	}
	return nil
}

// Copy copies the selected question as one line.
func (p *Pane) Copy() (string, bool) {
	e, ok := p.current()
	if !ok {
		return "", false
	}
	return logLine(e), true
}

// dnssecNote says what the DNSSEC column shows; the detail holds it whole.
const dnssecNote = "DNSSEC: the resolver's AD bit; mxray trusts the resolver's validation"

// Detail is the selected question whole.
func (p *Pane) Detail() (kit.Detail, bool) {
	if p.cmp != nil && p.cmp.res != nil {
		return p.compareDetail(), true
	}
	e, ok := p.current()
	if !ok {
		return kit.Detail{}, false
	}
	d := kit.Detail{Title: "DNS question"}
	d.Add(kit.Field("Name", e.Name), kit.Field("Type", e.Type), kit.Field("Status", string(e.Status)), kit.Field("DNSSEC", dnssecWord(e.DNSSEC)),
		kit.Field("TTL", kit.Itoa(int(e.TTL))+" s"), kit.Field("Round trip", rttText(e.RTT)), kit.Field("Asked at", "+"+kit.Elapsed(e.Start)),
		kit.Field("Server", e.Server), kit.Field("Flags", logFlags(e)))
	if e.Err != "" {
		d.Add(kit.Problem(p.Com.Glyphs.Fail + " " + e.Err))
	}
	d.Add(kit.Note(dnssecNote))
	return d, true
}

// logLine is a log entry as one line of text.
func logLine(e dnsclient.LogEntry) string {
	s := fmt.Sprintf("%s %s %s dnssec=%s ttl=%d rtt=%s", e.Type, e.Name, e.Status, dnssecWord(e.DNSSEC), e.TTL, rttText(e.RTT))
	if f := logFlags(e); f != "" {
		s += " " + f
	}
	if e.Server != "" {
		s += " server=" + e.Server
	}
	if e.Err != "" {
		s += " error=" + e.Err
	}
	return s
}

// logFlags says where an answer came from besides the wire.
func logFlags(e dnsclient.LogEntry) string {
	var f []string
	if e.Cached {
		f = append(f, "cached")
	}
	if e.Merged {
		f = append(f, "merged")
	}
	if e.TCP {
		f = append(f, "tcp")
	}
	return strings.Join(f, ",")
}

// dnssecWord is an entry's DNSSEC state; "unknown" when none was recorded.
func dnssecWord(d dnsclient.DNSSEC) string {
	if d == "" {
		return string(dnsclient.DNSSECUnknown)
	}
	return string(d)
}

// dnssecText draws the DNSSEC state: secure stands out, unknown is muted;
// the word itself always shows.
func (p *Pane) dnssecText(d dnsclient.DNSSEC) string {
	st := p.Com.Styles
	switch w := dnssecWord(d); w {
	case string(dnsclient.DNSSECSecure):
		return st.Verdict.Pass.Render(w)
	case string(dnsclient.DNSSECUnknown):
		return st.Muted.Render(w)
	default:
		return w
	}
}

// rttText formats a round trip: "-" when none was made (cached), "<1ms",
// whole milliseconds, or seconds.
func rttText(d time.Duration) string {
	switch {
	case d <= 0:
		return "-"
	case d < time.Millisecond:
		return "<1ms"
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
}

// statusStyle is how a DNS status is drawn: failures stand out, the two
// "no answer" cases are muted; the word itself always shows.
func (p *Pane) statusText(s dnsclient.Status) string {
	st := p.Com.Styles
	switch {
	case s.Temporary() || s == dnsclient.StatusError:
		return st.Verdict.Fail.Render(string(s))
	case s == dnsclient.StatusNXDomain || s == dnsclient.StatusNoData:
		return st.Verdict.None.Render(string(s))
	}
	return string(s)
}

// View draws the pane, exactly its size.
func (p *Pane) View() string { return p.Fit(p.content()) }

// content is the pane's text before it is fitted to the pane.
func (p *Pane) content() string {
	st, g := p.Com.Styles, p.Com.Glyphs
	if p.Com.Run == nil {
		return " " + st.Muted.Render("No investigation yet.")
	}
	if p.cmp != nil {
		return p.compareView()
	}
	var lines []string
	if p.Filter.Shown() {
		lines = append(lines, p.Filter.View(len(p.shown), len(p.entries), p.W))
	} else {
		lines = append(lines, " "+p.summary())
	}
	if len(p.entries) == 0 {
		if p.Com.Busy() {
			lines = append(lines, "", " "+p.Com.Spinner+" Waiting for the first answer"+g.Ellipsis)
		} else {
			lines = append(lines, "", " "+st.Muted.Render("No DNS questions were asked."))
		}
		return strings.Join(lines, "\n")
	}
	const typeW, statusW, dnssecW, ttlW, rttW, flagsW = 6, 9, 9, 7, 6, 13
	nameW := max(10, p.W-1-typeW-statusW-dnssecW-ttlW-rttW-flagsW-1)
	head := kit.Pad("Type", typeW, "") + kit.Pad("Name", nameW, "") + " " + kit.Pad("Status", statusW, "") + kit.Pad("DNSSEC", dnssecW, "") +
		kit.PadLeft("TTL", ttlW-1) + " " + kit.PadLeft("RTT", rttW-1) + "  " + "Flags"
	lines = append(lines, " "+st.Label.Render(kit.Truncate(head, p.W-1, g.Ellipsis)))
	from, to := p.List.Visible()
	for i := from; i < to; i++ {
		e := p.entries[p.shown[i]]
		row := kit.Pad(kit.Safe(e.Type), typeW, g.Ellipsis) + kit.Pad(kit.Safe(strings.TrimSuffix(e.Name, ".")), nameW, g.Ellipsis) + " " +
			kit.Pad(p.statusText(e.Status), statusW, g.Ellipsis) + kit.Pad(p.dnssecText(e.DNSSEC), dnssecW, g.Ellipsis) + kit.PadLeft(kit.Itoa(int(e.TTL)), ttlW-1) + " " +
			kit.PadLeft(rttText(e.RTT), rttW-1) + "  " + st.Muted.Render(logFlags(e))
		lines = append(lines, p.CursorRow(row, p.Focused && i == p.List.Cursor()))
	}
	for len(lines) < p.H-3 {
		lines = append(lines, "")
	}
	if e, ok := p.current(); ok {
		parts := []string{kit.Safe(e.Type) + " " + kit.Safe(e.Name), "asked at +" + kit.Elapsed(e.Start)}
		if e.Server != "" {
			parts = append(parts, "server "+kit.Safe(e.Server))
		}
		lines = append(lines, " "+st.Muted.Render(kit.JoinFit(parts, " "+g.Dot+" ", p.W-1, g.Ellipsis)))
		if e.Err != "" {
			lines = append(lines, " "+st.Error.Render(kit.Truncate(g.Fail+" "+kit.Safe(e.Err), p.W-1, g.Ellipsis)))
		}
	}
	lines = append(lines, " "+st.Muted.Render(kit.Truncate(dnssecNote, p.W-1, g.Ellipsis)))
	return strings.Join(lines, "\n")
}

// summary counts the questions: on the wire, from the cache, failed.
func (p *Pane) summary() string {
	st, g := p.Com.Styles, p.Com.Glyphs
	cached, merged, failed := 0, 0, 0
	for _, e := range p.entries {
		switch {
		case e.Cached:
			cached++
		case e.Merged:
			merged++
		}
		if e.Status.Temporary() || e.Status == dnsclient.StatusError {
			failed++
		}
	}
	s := kit.Plural(len(p.entries), "question", "questions") + " " + g.Dot + " " + kit.Itoa(cached) + " cached " + g.Dot + " " + kit.Itoa(merged) + " merged"
	if failed > 0 {
		s += " " + g.Dot + " " + st.Verdict.Fail.Render(kit.Itoa(failed)+" failed")
	}
	if p.dropped > 0 {
		s += " " + g.Dot + " live view missed " + kit.Itoa(int(p.dropped)) + ", shown from the final log"
	}
	if hint := "  (/ filters)"; !p.Filter.Shown() && kit.Width(s+hint) < p.W {
		s += st.Muted.Render(hint)
	}
	return s
}
