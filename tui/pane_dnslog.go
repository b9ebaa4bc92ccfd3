package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag/dnsclient"
)

// dnsLogPane lists every DNS question of the run as the client records it:
// name, type, status, TTL, round trip, and whether it came from the cache,
// joined a question in flight, or went over TCP. It fills live while the
// run goes on; "/" filters it.
type dnsLogPane struct {
	listPane
	entries []dnsclient.LogEntry
	shown   []int // indexes into entries that pass the filter
	follow  bool  // the cursor stays on the newest entry
	dropped int64
}

func newDNSLogPane(com *common) *dnsLogPane {
	return &dnsLogPane{listPane: newListPane(com), follow: true}
}

// ID names the pane.
func (p *dnsLogPane) ID() PaneID { return PaneDNSLog }

// SetSize gives the pane its size in cells.
func (p *dnsLogPane) SetSize(w, h int) {
	p.listPane.setSize(w, h)
	p.list.setHeight(p.rowsHeight())
}

// rowsHeight is the lines left for entries: a summary or filter line, the
// column heads, and two detail lines.
func (p *dnsLogPane) rowsHeight() int { return max(1, p.h-4) }

// Help lists the pane's own keys.
func (p *dnsLogPane) Help() []key.Binding {
	k := p.com.keys
	return []key.Binding{k.Filter, k.Copy}
}

// Back clears the filter.
func (p *dnsLogPane) Back() bool {
	if p.filter.clear() {
		p.refilter()
		return true
	}
	return false
}

// Update takes the run's messages, and keys while the pane has focus.
func (p *dnsLogPane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case runStartMsg:
		p.entries, p.dropped, p.follow = nil, 0, true
		p.list.set(0)
		p.refilter()
	case queryMsg:
		p.entries = append(p.entries, msg.entries...)
		p.refilter()
	case runDoneMsg:
		p.dropped = msg.dropped
		if msg.dropped > 0 || len(p.entries) < len(msg.report.Log) {
			p.entries = append([]dnsclient.LogEntry(nil), msg.report.Log...)
			p.refilter()
		}
	case recheckMsg:
		// The re-check shares the run's client: its log is the whole
		// run's so far.
		if len(p.entries) < len(msg.report.Log) {
			p.entries = append([]dnsclient.LogEntry(nil), msg.report.Log...)
			p.refilter()
		}
	case tea.PasteMsg:
		if cmd, ok := p.filter.route(msg, p.refilter); ok {
			return p, cmd
		}
	case tea.KeyPressMsg:
		if !p.focused {
			return p, nil
		}
		if cmd, ok := p.filter.route(msg, p.refilter); ok {
			return p, cmd
		}
		switch {
		case key.Matches(msg, p.com.keys.Filter):
			return p, p.filter.open()
		case p.list.handleKey(msg, p.com.keys):
			p.follow = p.list.atEnd()
		}
	}
	return p, nil
}

// refilter recomputes the rows shown and keeps the cursor in place (or on
// the newest row while following).
func (p *dnsLogPane) refilter() {
	p.shown = p.shown[:0]
	for i, e := range p.entries {
		if p.filter.matches(e.Name, e.Type, string(e.Status), e.Server, e.Err) {
			p.shown = append(p.shown, i)
		}
	}
	p.list.setLen(len(p.shown))
	if p.follow {
		p.list.set(len(p.shown) - 1)
	}
}

func (p *dnsLogPane) current() (dnsclient.LogEntry, bool) {
	if p.list.cursor < len(p.shown) {
		return p.entries[p.shown[p.list.cursor]], true
	}
	return dnsclient.LogEntry{}, false
}

// Selected is what the cursor is on.
func (p *dnsLogPane) Selected() Selection {
	if e, ok := p.current(); ok && p.focused {
		return DomainSelection(e.Name)
	}
	return Selection{}
}

// Select moves to the newest question about a selected name.
func (p *dnsLogPane) Select(sel Selection) tea.Cmd {
	if sel.Kind != SelectDomain || !sel.Explicit {
		return nil
	}
	for i := len(p.shown) - 1; i >= 0; i-- {
		if normName(p.entries[p.shown[i]].Name) == sel.Name {
			p.list.set(i)
			p.follow = false
			break
		}
	}
	return nil
}

// Copy copies the selected question as one line.
func (p *dnsLogPane) Copy() (string, bool) {
	e, ok := p.current()
	if !ok {
		return "", false
	}
	return logLine(e), true
}

// logLine is a log entry as one line of text.
func logLine(e dnsclient.LogEntry) string {
	s := fmt.Sprintf("%s %s %s ttl=%d rtt=%s", e.Type, e.Name, e.Status, e.TTL, rttText(e.RTT))
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
func (p *dnsLogPane) statusText(s dnsclient.Status) string {
	st := p.com.styles
	switch {
	case s.Temporary() || s == dnsclient.StatusError:
		return st.Verdict.Fail.Render(string(s))
	case s == dnsclient.StatusNXDomain || s == dnsclient.StatusNoData:
		return st.Verdict.None.Render(string(s))
	}
	return string(s)
}

// View draws the pane, exactly its size.
func (p *dnsLogPane) View() string { return p.fit(p.content()) }

// content is the pane's text before it is fitted to the pane.
func (p *dnsLogPane) content() string {
	st, g := p.com.styles, p.com.glyphs
	if p.com.run == nil {
		return " " + st.Muted.Render("No investigation yet.")
	}
	var lines []string
	if p.filter.shown() {
		lines = append(lines, p.filter.view(len(p.shown), len(p.entries), p.w))
	} else {
		lines = append(lines, " "+p.summary())
	}
	if len(p.entries) == 0 {
		if p.com.run.busy() {
			lines = append(lines, "", " "+p.com.spinner+" Waiting for the first answer"+g.Ellipsis)
		} else {
			lines = append(lines, "", " "+st.Muted.Render("No DNS questions were asked."))
		}
		return strings.Join(lines, "\n")
	}
	const typeW, statusW, ttlW, rttW, flagsW = 6, 9, 7, 6, 13
	nameW := max(10, p.w-1-typeW-statusW-ttlW-rttW-flagsW-1)
	head := pad("Type", typeW, "") + pad("Name", nameW, "") + " " + pad("Status", statusW, "") +
		padLeft("TTL", ttlW-1) + " " + padLeft("RTT", rttW-1) + "  " + "Flags"
	lines = append(lines, " "+st.Label.Render(truncate(head, p.w-1, g.Ellipsis)))
	from, to := p.list.visible()
	for i := from; i < to; i++ {
		e := p.entries[p.shown[i]]
		row := pad(safe(e.Type), typeW, g.Ellipsis) + pad(safe(strings.TrimSuffix(e.Name, ".")), nameW, g.Ellipsis) + " " +
			pad(p.statusText(e.Status), statusW, g.Ellipsis) + padLeft(itoa(int(e.TTL)), ttlW-1) + " " +
			padLeft(rttText(e.RTT), rttW-1) + "  " + st.Muted.Render(logFlags(e))
		lines = append(lines, p.cursorRow(row, p.focused && i == p.list.cursor))
	}
	for len(lines) < p.h-2 {
		lines = append(lines, "")
	}
	if e, ok := p.current(); ok {
		detail := fmt.Sprintf("%s %s %s asked at +%s", safe(e.Type), safe(e.Name), g.Dot, elapsed(e.Start))
		if e.Server != "" {
			detail += " " + g.Dot + " server " + safe(e.Server)
		}
		lines = append(lines, " "+st.Muted.Render(truncate(detail, p.w-1, g.Ellipsis)))
		if e.Err != "" {
			lines = append(lines, " "+st.Error.Render(truncate(g.Fail+" "+safe(e.Err), p.w-1, g.Ellipsis)))
		}
	}
	return strings.Join(lines, "\n")
}

// summary counts the questions: on the wire, from the cache, failed.
func (p *dnsLogPane) summary() string {
	st, g := p.com.styles, p.com.glyphs
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
	s := plural(len(p.entries), "question", "questions") + " " + g.Dot + " " + itoa(cached) + " cached " + g.Dot + " " + itoa(merged) + " merged"
	if failed > 0 {
		s += " " + g.Dot + " " + st.Verdict.Fail.Render(itoa(failed)+" failed")
	}
	if p.dropped > 0 {
		s += " " + g.Dot + " live view missed " + itoa(int(p.dropped)) + ", shown from the final log"
	}
	if !p.filter.shown() {
		s += st.Muted.Render("  (/ filters)")
	}
	return s
}
