// Package mx is the workbench pane of the MX hosts (RFC 5321 §5.1, RFC 7505
// null MX) and the reverse DNS of their addresses, forward-confirmed.
package mx

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/ptrcheck"
	"github.com/mxray/mxray/tui/kit"
)

// Pane is the MX table: hosts grouped by preference, each address with
// its PTR names and whether they resolve back to it (FCrDNS). Moving the
// cursor over an address selects it (its SPF verdict shows in the SPF
// pane); an IP selected elsewhere gets its own PTR check underneath.
type Pane struct {
	kit.Base
	report   *diag.MXReport
	findings []finding.Finding
	rows     []mxRow
	list     kit.List

	// An IP selected in another pane that is not in the table.
	selIP     netip.Addr
	ptr       *ptrcheck.Result
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

// New returns the MX & PTR pane.
func New(com *kit.Common) *Pane {
	return &Pane{Base: kit.NewBase(com, finding.PartMX, "MX & PTR", "MX")}
}

// SetSize gives the pane its size in cells.
func (p *Pane) SetSize(w, h int) {
	p.Base.SetSize(w, h)
	p.list.SetHeight(p.rowsHeight())
}

// rowsHeight leaves room for the column heads and the detail underneath.
func (p *Pane) rowsHeight() int { return max(1, min(len(p.rows), p.H-2-p.H/3)) }

// Help lists the pane's own keys.
func (p *Pane) Help() []key.Binding {
	k := p.Com.Keys
	return []key.Binding{kit.WithHelp(k.Open, "SPF verdict"), k.Copy}
}

// Update takes the run's messages, and keys while the pane has focus.
func (p *Pane) Update(msg tea.Msg) (kit.Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case kit.RunStartMsg:
		p.report, p.findings, p.rows = nil, nil, nil
		p.selIP, p.ptr = netip.Addr{}, nil
		p.list.Set(0)
	case kit.PartMsg:
		p.load(msg.Report)
	case kit.RunDoneMsg:
		p.load(msg.Report)
	case ptrMsg:
		if msg.req == p.ptrReq && msg.check.IP == p.selIP {
			c := msg.check
			p.ptr = &c
		}
	case tea.KeyPressMsg:
		if !p.Focused {
			return p, nil
		}
		if key.Matches(msg, p.Com.Keys.Open) {
			// enter opens the address's verdict in the SPF tree.
			if sel := p.Selected(); sel.Kind == kit.SelectIP {
				return p, func() tea.Msg { return kit.JumpMsg{Pane: finding.PartSPF, Sel: sel} }
			}
			return p, nil
		}
		p.list.HandleKey(msg, p.Com.Keys)
	}
	return p, nil
}

// load takes the MX part of a snapshot.
func (p *Pane) load(rep *diag.Report) {
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
	p.list.SetLen(len(p.rows))
	p.list.SetHeight(p.rowsHeight())
	if p.selIP.IsValid() {
		p.Select(kit.IPSelection(p.selIP))
	}
}

// rowIP is the address of a row, if it has one.
func (p *Pane) rowIP(r mxRow) (netip.Addr, bool) {
	switch {
	case r.host < 0:
		return p.report.Implicit[r.addr], true
	case r.addr < 0:
		return netip.Addr{}, false
	}
	return p.report.Hosts[r.host].Addresses[r.addr].IP, true
}

// Selected is what the cursor is on.
func (p *Pane) Selected() kit.Selection {
	if p.list.Cursor() >= len(p.rows) {
		return kit.Selection{}
	}
	r := p.rows[p.list.Cursor()]
	if ip, ok := p.rowIP(r); ok {
		return kit.IPSelection(ip)
	}
	return kit.DomainSelection(p.report.Hosts[r.host].Host)
}

// Select moves to a selected address or host; an address not in the
// table gets its own PTR check.
func (p *Pane) Select(sel kit.Selection) tea.Cmd {
	switch sel.Kind {
	case kit.SelectIP:
		for i, r := range p.rows {
			if ip, ok := p.rowIP(r); ok && ip == sel.IP {
				p.list.Set(i)
				p.selIP, p.ptr = netip.Addr{}, nil
				return nil
			}
		}
		if p.selIP == sel.IP && (p.ptr != nil || p.ptrCancel != nil) {
			return nil
		}
		return p.checkPTR(sel.IP)
	case kit.SelectDomain:
		for i, r := range p.rows {
			if r.host >= 0 && kit.NormName(p.report.Hosts[r.host].Host) == sel.Name {
				p.list.Set(i)
				return nil
			}
		}
	}
	return nil
}

// checkPTR starts the PTR check of an address selected elsewhere.
func (p *Pane) checkPTR(ip netip.Addr) tea.Cmd {
	run := p.Com.Run
	if run == nil || run.Client() == nil {
		return nil
	}
	if p.ptrCancel != nil {
		p.ptrCancel()
	}
	ctx, cancel := context.WithCancel(run.Context())
	p.ptrCancel = cancel
	p.ptrReq++
	p.selIP, p.ptr = ip, nil
	return ptrCmd(ctx, run.ID(), p.ptrReq, run.Client(), ip, p.Com.Timeout)
}

// Copy copies the selected row as a line of text.
func (p *Pane) Copy() (string, bool) {
	if p.list.Cursor() >= len(p.rows) {
		return "", false
	}
	r := p.rows[p.list.Cursor()]
	if r.host < 0 {
		c := p.report.Implicit[r.addr]
		return "implicit MX (no MX records): " + c.String(), true
	}
	h := p.report.Hosts[r.host]
	s := fmt.Sprintf("MX %d %s", h.Preference, h.Host)
	if r.addr >= 0 {
		a := h.Addresses[r.addr]
		s += fmt.Sprintf(" %s PTR %s FCrDNS %s", a.IP, kit.OrNone(strings.Join(a.PTR, ",")), kit.YesNo(a.FCrDNS))
	}
	return s, true
}

// View draws the pane, exactly its size.
func (p *Pane) View() string { return p.Fit(p.content()) }

// content is the pane's text before it is fitted to the pane.
func (p *Pane) content() string {
	st, g := p.Com.Styles, p.Com.Glyphs
	if text, waiting := p.NotLoaded(finding.PartMX, "MX records"); waiting {
		return text + p.selectedIPView()
	}
	rep := p.report
	var lines []string
	switch {
	case rep.Status.Temporary() || rep.Status == "error":
		for _, l := range kit.WrapIndent(g.Unknown+" The MX lookup failed ("+string(rep.Status)+"): the receiving servers are unknown.", p.W-1, 2) {
			lines = append(lines, " "+st.Verdict.TempError.Render(l))
		}
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
	if len(p.rows) > 0 && p.list.Cursor() < len(p.rows) {
		lines = append(lines, p.detail()...)
	}
	if len(p.rows) == 0 {
		lines = append(lines, p.FindingLines(p.findings, p.W-1, false)...)
	}
	return strings.Join(lines, "\n") + p.selectedIPView()
}

// table draws the column heads and the rows that show.
func (p *Pane) table() []string {
	st, g := p.Com.Styles, p.Com.Glyphs
	const prefW, fcW = 5, 9
	addrW := 10
	for _, r := range p.rows {
		if ip, ok := p.rowIP(r); ok {
			addrW = max(addrW, len(ip.String())+2)
		}
	}
	rest := p.W - 1 - prefW - fcW - min(addrW, 28)
	addrW = min(addrW, 28)
	hostW := max(8, rest/2)
	ptrW := max(6, rest-hostW)
	lines := []string{" " + st.Label.Render(kit.Truncate(kit.Pad("Pref", prefW, "")+kit.Pad("Host", hostW, "")+kit.Pad("Address", addrW, "")+kit.Pad("PTR", ptrW, "")+"FCrDNS", p.W-1, g.Ellipsis))}
	from, to := p.list.Visible()
	for i := from; i < to; i++ {
		r := p.rows[i]
		pref, host := "", ""
		if r.host >= 0 {
			h := p.report.Hosts[r.host]
			if r.firstOfPri {
				pref = kit.Itoa(int(h.Preference))
			}
			if r.firstOfHst {
				host = kit.Safe(h.Host)
				if h.CNAME != "" {
					host += " " + g.Arrow + " " + kit.Safe(h.CNAME)
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
		row := kit.Pad(pref, prefW, "") + kit.Pad(host, hostW-1, g.Ellipsis) + " " + kit.Pad(addr, addrW-1, g.Ellipsis) + " " + kit.Pad(ptr, ptrW-1, g.Ellipsis) + " " + fc
		lines = append(lines, p.CursorRow(row, p.Focused && i == p.list.Cursor()))
	}
	return lines
}

// ptrCells are the PTR and FCrDNS cells of an address.
func (p *Pane) ptrCells(a ptrcheck.Result) (string, string) {
	st, g := p.Com.Styles, p.Com.Glyphs
	ptr := kit.Safe(strings.Join(a.PTR, ", "))
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
func (p *Pane) detail() []string {
	st, g := p.Com.Styles, p.Com.Glyphs
	r := p.rows[p.list.Cursor()]
	var lines []string
	var subjects []string
	if r.host >= 0 {
		h := p.report.Hosts[r.host]
		subjects = append(subjects, h.Host)
		lines = append(lines, "", p.Rule(kit.Safe(h.Host), p.W))
		facts := []string{fmt.Sprintf("preference %d", h.Preference)}
		if h.LoadBalanced {
			facts = append(facts, "load-balanced with the other hosts of this preference")
		}
		if h.CNAME != "" {
			facts = append(facts, "alias (CNAME) for "+kit.Safe(h.CNAME))
		}
		if h.Filter != "" {
			facts = append(facts, "filtering service: "+kit.Safe(h.Filter))
		}
		lines = append(lines, kit.WrapIndent(" "+strings.Join(facts, " "+g.Dot+" "), p.W, 1)...)
		for _, e := range h.Errors {
			for _, l := range kit.WrapIndent(g.Fail+" "+kit.Safe(e), p.W-1, 2) {
				lines = append(lines, " "+st.Error.Render(l))
			}
		}
		if r.addr >= 0 {
			a := h.Addresses[r.addr]
			subjects = append(subjects, a.IP.String())
			lines = append(lines, p.ptrLines(a)...)
		}
	} else {
		lines = append(lines, "", p.Rule("implicit MX", p.W))
		lines = append(lines, " "+st.Muted.Render("No MX records, so senders deliver to "+p.report.Implicit[r.addr].String()+", the domain's own address."))
	}
	lines = append(lines, p.FindingLines(finding.About(p.findings, finding.PartMX, subjects...), p.W-1, false)...)
	lines = append(lines, p.FindingLines(finding.About(p.findings, finding.PartPTR, subjects...), p.W-1, false)...)
	return lines
}

// ptrLines say what an address's reverse DNS is.
func (p *Pane) ptrLines(a ptrcheck.Result) []string {
	st, g := p.Com.Styles, p.Com.Glyphs
	var s string
	switch {
	case a.Status.Temporary():
		s = st.Verdict.TempError.Render(g.Unknown+" PTR lookup failed: "+string(a.Status)) + " " + g.Dot + " FCrDNS unknown"
	case len(a.PTR) == 0:
		s = "no PTR record (" + string(a.Status) + ")"
	default:
		s = "PTR " + kit.Safe(strings.Join(a.PTR, ", "))
		if a.FCrDNS {
			s += " " + g.Dot + " " + st.Verdict.Pass.Render(g.Pass+" FCrDNS") + ": " + kit.Safe(a.ConfirmedBy) + " resolves back to " + a.IP.String()
		} else {
			s += " " + g.Dot + " " + st.Verdict.Fail.Render(g.Fail+" FCrDNS") + ": no PTR name resolves back to " + a.IP.String()
		}
		if a.Generic {
			s += " " + g.Dot + " looks like a generic access-network name"
		}
	}
	lines := kit.WrapIndent(a.IP.String()+" "+g.Arrow+" "+s, p.W-1, 2)
	for i := range lines {
		lines[i] = " " + lines[i]
	}
	if a.Error != "" {
		for _, l := range kit.WrapIndent(g.Fail+" "+kit.Safe(a.Error), p.W-1, 2) {
			lines = append(lines, " "+st.Error.Render(l))
		}
	}
	return lines
}

// selectedIPView shows the PTR check of an IP selected in another pane.
func (p *Pane) selectedIPView() string {
	if !p.selIP.IsValid() {
		return ""
	}
	lines := []string{"", p.Rule("selected IP "+p.selIP.String(), p.W)}
	if p.ptr == nil {
		lines = append(lines, " "+p.Com.Spinner+" Looking up its PTR"+p.Com.Glyphs.Ellipsis)
	} else {
		lines = append(lines, p.ptrLines(*p.ptr)...)
		lines = append(lines, p.FindingLines(p.ptr.Findings(finding.PartPTR, "selected address"), p.W-1, false)...)
	}
	return "\n" + strings.Join(lines, "\n")
}

// SelectedIP is an address selected in another pane that is not in the
// table, and its PTR check once it is in (zero and nil when none).
func (p *Pane) SelectedIP() (netip.Addr, *ptrcheck.Result) { return p.selIP, p.ptr }

// Waiting reports whether the PTR check of a selected address is running.
func (p *Pane) Waiting() bool { return p.selIP.IsValid() && p.ptr == nil }

// ptrMsg is the reverse DNS of a selected IP.
type ptrMsg struct {
	run, req int
	check    ptrcheck.Result
}

// RunID names the message's run.
func (m ptrMsg) RunID() int { return m.run }

// ptrCmd looks up the reverse DNS of ip and confirms it, within timeout.
func ptrCmd(ctx context.Context, run, req int, client *dnsclient.Client, ip netip.Addr, timeout time.Duration) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		return ptrMsg{run: run, req: req, check: ptrcheck.Check(ctx, client, ip)}
	}
}

// Detail is the selected row whole: the host with every fact and error,
// the address's reverse DNS, and the findings about either with their
// fixes.
func (p *Pane) Detail() (kit.Detail, bool) {
	if p.report == nil || p.list.Cursor() >= len(p.rows) {
		return kit.Detail{}, false
	}
	r := p.rows[p.list.Cursor()]
	if r.host < 0 {
		d := kit.Detail{Title: "Implicit MX"}
		d.Add(kit.Field("Address", p.report.Implicit[r.addr].String()),
			kit.Para("No MX records, so senders deliver to the domain's own address (RFC 5321 §5.1)."))
		return d, true
	}
	h := p.report.Hosts[r.host]
	d := kit.Detail{Title: "MX host"}
	d.Add(kit.Field("Host", h.Host), kit.Field("Preference", kit.Itoa(int(h.Preference))), kit.Field("Alias (CNAME) for", h.CNAME), kit.Field("Filtering service", h.Filter))
	if h.LoadBalanced {
		d.Add(kit.Para("Load-balanced with the other hosts of this preference."))
	}
	for _, e := range h.Errors {
		d.Add(kit.Problem(p.Com.Glyphs.Fail + " " + e))
	}
	subjects := []string{h.Host}
	if r.addr >= 0 {
		a := h.Addresses[r.addr]
		subjects = append(subjects, a.IP.String())
		d.Add(kit.Heading(a.IP.String()))
		d.Add(ptrDetail(a)...)
	}
	d.Findings(p.Com, finding.About(p.findings, finding.PartMX, subjects...))
	d.Findings(p.Com, finding.About(p.findings, finding.PartPTR, subjects...))
	return d, true
}

// ptrDetail is an address's reverse DNS in full.
func ptrDetail(a ptrcheck.Result) []kit.DetailLine {
	out := []kit.DetailLine{kit.Field("PTR", strings.Join(a.PTR, ", ")), kit.Field("PTR status", string(a.Status))}
	switch {
	case a.Status.Temporary():
		out = append(out, kit.Field("FCrDNS", "unknown: the PTR lookup failed"))
	case a.FCrDNS:
		out = append(out, kit.Field("FCrDNS", "yes: "+a.ConfirmedBy+" resolves back to "+a.IP.String()))
	default:
		out = append(out, kit.Field("FCrDNS", "no: no PTR name resolves back to "+a.IP.String()))
	}
	if a.Generic {
		out = append(out, kit.Para("The PTR name looks like a generic access-network name."))
	}
	if a.Error != "" {
		out = append(out, kit.Problem(a.Error))
	}
	return out
}
