package tui

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/finding"
)

// mxPane is the MX table: hosts grouped by preference, each address with
// its PTR names and whether they resolve back to it (FCrDNS). Moving the
// cursor over an address selects it (its SPF verdict shows in the SPF
// pane); an IP selected elsewhere gets its own PTR check underneath.
type mxPane struct {
	paneBase
	report   *diag.MXReport
	findings []finding.Finding
	rows     []mxRow
	list     cursorList

	// An IP selected in another pane that is not in the table.
	selIP     netip.Addr
	ptr       *diag.PTRCheck
	ptrReq    int
	ptrCancel context.CancelFunc
}

// mxRow is one line of the table: an address of a host (or a host with
// none).
type mxRow struct {
	host       int // index into report.Hosts; -1 for the domain's own addresses
	addr       int // index into the host's Addresses; -1 for none
	firstOfPri bool
	firstOfHst bool
}

func newMXPane(com *common) *mxPane { return &mxPane{paneBase: paneBase{com: com}} }

// ID names the pane.
func (p *mxPane) ID() PaneID { return PaneMX }

// SetSize gives the pane its size in cells.
func (p *mxPane) SetSize(w, h int) {
	p.paneBase.SetSize(w, h)
	p.list.setHeight(p.rowsHeight())
}

// rowsHeight leaves room for the column heads and the detail underneath.
func (p *mxPane) rowsHeight() int { return max(1, min(len(p.rows), p.h-2-p.h/3)) }

// Help lists the pane's own keys.
func (p *mxPane) Help() []key.Binding {
	k := p.com.keys
	return []key.Binding{withHelp(k.Open, "SPF verdict"), k.Copy}
}

// Update takes the run's messages, and keys while the pane has focus.
func (p *mxPane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case runStartMsg:
		p.report, p.findings, p.rows = nil, nil, nil
		p.selIP, p.ptr = netip.Addr{}, nil
		p.list.set(0)
	case partMsg:
		p.load(msg.report)
	case runDoneMsg:
		p.load(msg.report)
	case ptrMsg:
		if msg.req == p.ptrReq && msg.check.IP == p.selIP {
			c := msg.check
			p.ptr = &c
		}
	case tea.KeyPressMsg:
		if !p.focused {
			return p, nil
		}
		if key.Matches(msg, p.com.keys.Open) {
			// enter opens the address's verdict in the SPF tree.
			if sel := p.Selected(); sel.Kind == SelectIP {
				return p, func() tea.Msg { return jumpMsg{pane: PaneSPF, sel: sel} }
			}
			return p, nil
		}
		p.list.handleKey(msg, p.com.keys)
	}
	return p, nil
}

// load takes the MX part of a snapshot.
func (p *mxPane) load(rep *diag.Report) {
	if rep.MX == nil || p.report == rep.MX {
		return
	}
	p.report = rep.MX
	p.findings = nil
	for _, f := range rep.Findings {
		if f.Part == "mx" || f.Part == "ptr" {
			p.findings = append(p.findings, f)
		}
	}
	p.rows = p.rows[:0]
	prevPref := -1
	for i, h := range rep.MX.Hosts {
		first := int(h.Preference) != prevPref
		prevPref = int(h.Preference)
		if len(h.Addresses) == 0 {
			p.rows = append(p.rows, mxRow{host: i, addr: -1, firstOfPri: first, firstOfHst: true})
			continue
		}
		for j := range h.Addresses {
			p.rows = append(p.rows, mxRow{host: i, addr: j, firstOfPri: first && j == 0, firstOfHst: j == 0})
		}
	}
	for j := range rep.MX.Implicit {
		p.rows = append(p.rows, mxRow{host: -1, addr: j, firstOfPri: j == 0, firstOfHst: j == 0})
	}
	p.list.setLen(len(p.rows))
	p.list.setHeight(p.rowsHeight())
	if p.selIP.IsValid() {
		p.Select(IPSelection(p.selIP))
	}
}

// rowIP is the address of a row, if it has one.
func (p *mxPane) rowIP(r mxRow) (netip.Addr, bool) {
	switch {
	case r.host < 0:
		return p.report.Implicit[r.addr], true
	case r.addr < 0:
		return netip.Addr{}, false
	}
	return p.report.Hosts[r.host].Addresses[r.addr].IP, true
}

// Selected is what the cursor is on.
func (p *mxPane) Selected() Selection {
	if p.list.cursor >= len(p.rows) {
		return Selection{}
	}
	r := p.rows[p.list.cursor]
	if ip, ok := p.rowIP(r); ok {
		return IPSelection(ip)
	}
	return DomainSelection(p.report.Hosts[r.host].Host)
}

// Select moves to a selected address or host; an address not in the
// table gets its own PTR check.
func (p *mxPane) Select(sel Selection) tea.Cmd {
	switch sel.Kind {
	case SelectIP:
		for i, r := range p.rows {
			if ip, ok := p.rowIP(r); ok && ip == sel.IP {
				p.list.set(i)
				p.selIP, p.ptr = netip.Addr{}, nil
				return nil
			}
		}
		if p.selIP == sel.IP && (p.ptr != nil || p.ptrCancel != nil) {
			return nil
		}
		return p.checkPTR(sel.IP)
	case SelectDomain:
		for i, r := range p.rows {
			if r.host >= 0 && normName(p.report.Hosts[r.host].Host) == sel.Name {
				p.list.set(i)
				return nil
			}
		}
	}
	return nil
}

// checkPTR starts the PTR check of an address selected elsewhere.
func (p *mxPane) checkPTR(ip netip.Addr) tea.Cmd {
	run := p.com.run
	if run == nil || run.client == nil {
		return nil
	}
	if p.ptrCancel != nil {
		p.ptrCancel()
	}
	ctx, cancel := context.WithCancel(run.ctx)
	p.ptrCancel = cancel
	p.ptrReq++
	p.selIP, p.ptr = ip, nil
	return ptrCmd(ctx, run.id, p.ptrReq, run.client, ip, p.com.timeout)
}

// Copy copies the selected row as a line of text.
func (p *mxPane) Copy() (string, bool) {
	if p.list.cursor >= len(p.rows) {
		return "", false
	}
	r := p.rows[p.list.cursor]
	if r.host < 0 {
		c := p.report.Implicit[r.addr]
		return "implicit MX (no MX records): " + c.String(), true
	}
	h := p.report.Hosts[r.host]
	s := fmt.Sprintf("MX %d %s", h.Preference, h.Host)
	if r.addr >= 0 {
		a := h.Addresses[r.addr]
		s += fmt.Sprintf(" %s PTR %s FCrDNS %s", a.IP, orNone(strings.Join(a.PTR, ",")), yesNo(a.FCrDNS))
	}
	return s, true
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// View draws the pane, exactly its size.
func (p *mxPane) View() string { return p.fit(p.content()) }

// content is the pane's text before it is fitted to the pane.
func (p *mxPane) content() string {
	st, g := p.com.styles, p.com.glyphs
	if text, waiting := p.notLoaded(finding.PartMX, "MX records"); waiting {
		return text + p.selectedIPView()
	}
	rep := p.report
	var lines []string
	switch {
	case rep.Status.Temporary() || rep.Status == "error":
		lines = append(lines, " "+st.Verdict.TempError.Render(g.Unknown+" The MX lookup failed ("+string(rep.Status)+"): the receiving servers are unknown."))
	case rep.NullMX:
		lines = append(lines, " "+st.Verdict.None.Render(g.Dot+" Null MX (RFC 7505): this domain accepts no mail."))
	case len(rep.Hosts) == 0 && len(rep.Implicit) == 0:
		lines = append(lines, " "+st.Verdict.None.Render(g.Dot+" No MX records and no address: this domain receives no mail."))
	case len(rep.Hosts) == 0:
		lines = append(lines, " "+st.Muted.Render("No MX records: mail goes to the domain's own addresses (RFC 5321 §5.1)."))
	}
	if len(p.rows) > 0 {
		lines = append(lines, p.table()...)
	}
	if len(p.rows) > 0 && p.list.cursor < len(p.rows) {
		lines = append(lines, p.detail()...)
	}
	if len(p.rows) == 0 {
		lines = append(lines, p.findingLines(p.findings, p.w-1, false)...)
	}
	return strings.Join(lines, "\n") + p.selectedIPView()
}

// table draws the column heads and the rows that show.
func (p *mxPane) table() []string {
	st, g := p.com.styles, p.com.glyphs
	const prefW, fcW = 5, 9
	addrW := 10
	for _, r := range p.rows {
		if ip, ok := p.rowIP(r); ok {
			addrW = max(addrW, len(ip.String())+2)
		}
	}
	rest := p.w - 1 - prefW - fcW - min(addrW, 28)
	addrW = min(addrW, 28)
	hostW := max(8, rest/2)
	ptrW := max(6, rest-hostW)
	lines := []string{" " + st.Label.Render(truncate(pad("Pref", prefW, "")+pad("Host", hostW, "")+pad("Address", addrW, "")+pad("PTR", ptrW, "")+"FCrDNS", p.w-1, g.Ellipsis))}
	from, to := p.list.visible()
	for i := from; i < to; i++ {
		r := p.rows[i]
		pref, host := "", ""
		if r.host >= 0 {
			h := p.report.Hosts[r.host]
			if r.firstOfPri {
				pref = itoa(int(h.Preference))
			}
			if r.firstOfHst {
				host = safe(h.Host)
				if h.CNAME != "" {
					host += " " + g.Arrow + " " + safe(h.CNAME)
				}
			}
		} else if r.firstOfHst {
			host = st.Muted.Render("(the domain)")
		}
		addr, ptr, fc := "", "", ""
		switch {
		case r.host < 0:
			addr = p.report.Implicit[r.addr].String()
			fc = st.Muted.Render("-")
		case r.addr < 0:
			addr = st.Muted.Render("(no address)")
		default:
			a := p.report.Hosts[r.host].Addresses[r.addr]
			addr = a.IP.String()
			ptr, fc = p.ptrCells(a)
		}
		row := pad(pref, prefW, "") + pad(host, hostW-1, g.Ellipsis) + " " + pad(addr, addrW-1, g.Ellipsis) + " " + pad(ptr, ptrW-1, g.Ellipsis) + " " + fc
		lines = append(lines, p.cursorRow(row, p.focused && i == p.list.cursor))
	}
	return lines
}

// ptrCells are the PTR and FCrDNS cells of an address.
func (p *mxPane) ptrCells(a diag.PTRCheck) (string, string) {
	st, g := p.com.styles, p.com.glyphs
	ptr := safe(strings.Join(a.PTR, ", "))
	switch {
	case a.Status.Temporary():
		return st.Verdict.TempError.Render("lookup " + string(a.Status)), st.Verdict.TempError.Render(g.Unknown + " unknown")
	case len(a.PTR) == 0:
		ptr = st.Muted.Render("(no PTR)")
	}
	if a.FCrDNS {
		return ptr, st.Verdict.Pass.Render(g.Pass + " yes")
	}
	return ptr, st.Verdict.Fail.Render(g.Fail + " no")
}

// detail describes the selected row: the host's notes, the address's
// reverse DNS, and the findings about either.
func (p *mxPane) detail() []string {
	st, g := p.com.styles, p.com.glyphs
	r := p.rows[p.list.cursor]
	var lines []string
	var subjects []string
	if r.host >= 0 {
		h := p.report.Hosts[r.host]
		subjects = append(subjects, h.Host)
		lines = append(lines, "", p.rule(safe(h.Host), p.w))
		facts := []string{fmt.Sprintf("preference %d", h.Preference)}
		if h.LoadBalanced {
			facts = append(facts, "load-balanced with the other hosts of this preference")
		}
		if h.CNAME != "" {
			facts = append(facts, "alias (CNAME) for "+safe(h.CNAME))
		}
		if h.Filter != "" {
			facts = append(facts, "filtering service: "+safe(h.Filter))
		}
		lines = append(lines, wrapIndent(" "+strings.Join(facts, " "+g.Dot+" "), p.w, 1)...)
		for _, e := range h.Errors {
			lines = append(lines, " "+st.Error.Render(truncate(g.Fail+" "+safe(e), p.w-1, g.Ellipsis)))
		}
		if r.addr >= 0 {
			a := h.Addresses[r.addr]
			subjects = append(subjects, a.IP.String())
			lines = append(lines, p.ptrLines(a)...)
		}
	} else {
		lines = append(lines, "", p.rule("implicit MX", p.w))
		lines = append(lines, " "+st.Muted.Render("No MX records, so senders deliver to "+p.report.Implicit[r.addr].String()+", the domain's own address."))
	}
	lines = append(lines, p.findingLines(finding.About(p.findings, finding.PartMX, subjects...), p.w-1, false)...)
	lines = append(lines, p.findingLines(finding.About(p.findings, finding.PartPTR, subjects...), p.w-1, false)...)
	return lines
}

// ptrLines say what an address's reverse DNS is.
func (p *mxPane) ptrLines(a diag.PTRCheck) []string {
	st, g := p.com.styles, p.com.glyphs
	var s string
	switch {
	case a.Status.Temporary():
		s = st.Verdict.TempError.Render(g.Unknown+" PTR lookup failed: "+string(a.Status)) + " " + g.Dot + " FCrDNS unknown"
	case len(a.PTR) == 0:
		s = "no PTR record (" + string(a.Status) + ")"
	default:
		s = "PTR " + safe(strings.Join(a.PTR, ", "))
		if a.FCrDNS {
			s += " " + g.Dot + " " + st.Verdict.Pass.Render(g.Pass+" FCrDNS") + ": " + safe(a.ConfirmedBy) + " resolves back to " + a.IP.String()
		} else {
			s += " " + g.Dot + " " + st.Verdict.Fail.Render(g.Fail+" FCrDNS") + ": no PTR name resolves back to " + a.IP.String()
		}
		if a.Generic {
			s += " " + g.Dot + " looks like a generic access-network name"
		}
	}
	lines := wrapIndent(a.IP.String()+" "+g.Arrow+" "+s, p.w-1, 2)
	for i := range lines {
		lines[i] = " " + lines[i]
	}
	if a.Error != "" {
		lines = append(lines, " "+st.Error.Render(truncate(g.Fail+" "+safe(a.Error), p.w-1, g.Ellipsis)))
	}
	return lines
}

// selectedIPView shows the PTR check of an IP selected in another pane.
func (p *mxPane) selectedIPView() string {
	if !p.selIP.IsValid() {
		return ""
	}
	lines := []string{"", p.rule("selected IP "+p.selIP.String(), p.w)}
	if p.ptr == nil {
		lines = append(lines, " "+p.com.spinner+" Looking up its PTR"+p.com.glyphs.Ellipsis)
	} else {
		lines = append(lines, p.ptrLines(*p.ptr)...)
		lines = append(lines, p.findingLines(p.ptr.Findings("ptr", "selected address"), p.w-1, false)...)
	}
	return "\n" + strings.Join(lines, "\n")
}
