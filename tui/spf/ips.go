package spf

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/spfcheck"
	"github.com/mxray/mxray/spf"
	"github.com/mxray/mxray/tui/kit"
)

// The IP field takes several addresses at once (spaces or commas between
// them): each is evaluated against the tree, and a verdict table (IP,
// result, decided by, lookups) stands above the tree. The row under the
// table's cursor is the IP whose deciding path the tree marks (◀), and it
// is the IP the other panes follow; enter on a row puts the tree's cursor
// on its deciding term.

const (
	// maxIPs bounds the addresses the field takes at once.
	maxIPs = 32
	// maxTableRows is the most table rows shown at once; the table
	// scrolls.
	maxTableRows = 5
)

// parseIPs reads the IP field: addresses separated by spaces or commas,
// each optionally in [brackets], IPv4-mapped IPv6 read as IPv4, repeats
// dropped. The first entry that is not an address is the error.
func parseIPs(text string) ([]netip.Addr, error) {
	fields := strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ' ' || r == ';' || r == '\t' })
	var out []netip.Addr
	for _, f := range fields {
		ip, err := netip.ParseAddr(strings.Trim(f, "[]"))
		if err != nil || ip.Zone() != "" {
			return nil, fmt.Errorf("%q is not an IPv4 or IPv6 address", f)
		}
		if ip = ip.Unmap(); !slices.Contains(out, ip) {
			out = append(out, ip)
		}
	}
	if len(out) > maxIPs {
		return nil, fmt.Errorf("%d addresses: at most %d at once", len(out), maxIPs)
	}
	return out, nil
}

// multi reports whether several addresses are evaluated: the verdict
// table shows.
func (p *Pane) multi() bool { return len(p.ips) > 1 }

// tableHeight is the lines the verdict table takes: its head and the rows
// that show; 0 for one address.
func (p *Pane) tableHeight() int {
	if !p.multi() {
		return 0
	}
	return 1 + min(len(p.ips), maxTableRows)
}

// setIPs makes ips the addresses evaluated, the first one chosen.
func (p *Pane) setIPs(ips []netip.Addr) {
	p.ips = ips
	p.verdicts = map[netip.Addr]*spf.Verdict{}
	p.published, p.wiVerdict = nil, nil
	p.ipErr = ""
	p.ip = netip.Addr{}
	if len(ips) > 0 {
		p.ip = ips[0]
	}
	texts := make([]string, len(ips))
	for i, ip := range ips {
		texts[i] = ip.String()
	}
	p.ipField.SetValue(strings.Join(texts, ", "))
	p.ipList.SetLen(len(ips))
	p.ipList.SetHeight(maxTableRows)
	p.ipList.Set(0)
	p.inTable = p.multi()
	p.list.SetHeight(p.rowsHeight())
}

// chooseRow makes the table's row i the chosen IP: the tree marks its
// path, the other panes follow it.
func (p *Pane) chooseRow(i int) tea.Cmd {
	if i < 0 || i >= len(p.ips) {
		return nil
	}
	p.ipList.Set(i)
	p.ip = p.ips[i]
	p.published = p.verdicts[p.ip]
	p.wiVerdict = nil
	p.selection = kit.IPSelection(p.ip)
	p.buildRows()
	if p.whatIf {
		return p.evaluateWhatIf()
	}
	return nil
}

// tableKey handles a key while the table has the cursor: the navigation
// keys choose a row (down from the last goes into the tree), enter puts
// the tree's cursor on the row's deciding term.
func (p *Pane) tableKey(k tea.KeyPressMsg) (tea.Cmd, bool) {
	keys := p.Com.Keys
	switch {
	case key.Matches(k, keys.Down) && p.ipList.AtEnd():
		p.inTable = false
		return nil, true
	case key.Matches(k, keys.Open):
		p.inTable = false
		p.moveToDeciding()
		return nil, true
	case p.ipList.HandleKey(k, keys):
		return p.chooseRow(p.ipList.Cursor()), true
	}
	return nil, false
}

// moveToDeciding puts the tree's cursor on the chosen IP's matched term,
// else on the deepest record of its path.
func (p *Pane) moveToDeciding() {
	last := -1
	for i, r := range p.rows {
		if r.onPath {
			last = i
		}
		if r.node == nil {
			p.list.Set(i)
			return
		}
	}
	if last >= 0 {
		p.list.Set(last)
	}
}

// verdictsIn reports whether every address's verdict has arrived.
func (p *Pane) verdictsIn() bool { return len(p.verdicts) >= len(p.ips) }

// tableView draws the verdict table: one row per address, the chosen one
// marked as the tree's paths are.
func (p *Pane) tableView() []string {
	st, g := p.Com.Styles, p.Com.Glyphs
	ipW := len("IP")
	for _, ip := range p.ips {
		ipW = max(ipW, len(ip.String()))
	}
	ipW += 1 + kit.Width(g.Marker) + 1
	const resW, lkW = 12, 8
	decW := max(6, p.W-1-ipW-resW-lkW)
	head := kit.Pad("IP", ipW, "") + kit.Pad("Result", resW, "") + kit.Pad("Lookups", lkW, "") + "Decided by"
	lines := []string{" " + st.Label.Render(kit.Truncate(head, p.W-1, g.Ellipsis))}
	from, to := p.ipList.Visible()
	for i := from; i < to; i++ {
		ip := p.ips[i]
		cell := ip.String()
		if ip == p.ip {
			cell += " " + st.Path.Render(g.Marker)
		}
		row := kit.Pad(cell, ipW, "")
		switch v := p.verdicts[ip]; {
		case v == nil:
			row += p.Com.Spinner + " evaluating" + g.Ellipsis
		default:
			row += kit.Pad(p.Outcome(diag.Outcome(v.Result)), resW, "") + kit.Pad(fmt.Sprintf("%d/%d", v.Lookups, spf.LookupLimit), lkW, "") +
				kit.Truncate(kit.Safe(spfcheck.DecidedBy(v)), decW, g.Ellipsis)
		}
		lines = append(lines, p.CursorRow(row, p.Focused && p.field == fieldNone && p.inTable && i == p.ipList.Cursor()))
	}
	return lines
}

// verdictDetail is a verdict whole, for the detail view.
func verdictDetail(v *spf.Verdict) []kit.DetailLine {
	var d kit.Detail
	d.Add(
		kit.Heading("Verdict for "+v.IP.String()),
		kit.Field("Result", string(v.Result)),
		kit.Field("Domain", v.Domain),
		kit.Field("Sender", v.Sender),
		kit.Field("HELO", v.HELO),
		kit.Field("Decided by", spfcheck.DecidedBy(v)),
		kit.Field("Lookups", fmt.Sprintf("%d of %d (void %d of %d)", v.Lookups, spf.LookupLimit, v.VoidLookups, spf.VoidLookupLimit)),
	)
	if m := v.Matched; m != nil {
		steps := make([]string, len(m.Path))
		for i, d := range m.Path {
			steps[i] = d
			if i < len(m.Terms) {
				steps[i] += " " + m.Terms[i]
			}
		}
		d.Add(kit.Field("Path", strings.Join(steps, " → ")))
	}
	d.Add(kit.Field("Explanation", v.Explanation))
	return d.Lines
}
