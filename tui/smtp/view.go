package smtp

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	probe "github.com/mxray/mxray/diag/smtp"
	"github.com/mxray/mxray/diag/tlscert"
	"github.com/mxray/mxray/tui/kit"
)

// View draws the pane, exactly its size.
func (p *Pane) View() string { return p.Fit(p.content()) }

// content is the pane's text before it is fitted to the pane.
func (p *Pane) content() string {
	st, g := p.Com.Styles, p.Com.Glyphs
	if p.Com.Run == nil {
		return " " + st.Muted.Render("No investigation yet.")
	}
	if p.Com.SMTP == nil {
		return p.para("The SMTP probe is off (--no-probe): mxray does not connect to the mail servers.", st.Muted)
	}
	if p.mx == nil {
		text, _ := p.NotLoaded(finding.PartMX, "MX records")
		return text
	}
	switch {
	case p.err != "":
		return p.para(g.Fail+" The probe could not start: "+kit.Safe(p.err), st.Error)
	case p.note != "":
		return p.para(g.Dot+" Nothing to probe: "+kit.Safe(p.note)+".", st.Verdict.None)
	}
	lines := []string{" " + p.summary()}
	lines = append(lines, p.table()...)
	if i := p.row(); i >= 0 {
		lines = append(lines, p.detail(i)...)
	}
	return strings.Join(lines, "\n")
}

// summary says how far the probes are and what they found.
func (p *Pane) summary() string {
	st, g := p.Com.Styles, p.Com.Glyphs
	n := len(p.targets)
	port := probe.DefaultPort
	if p.opts.Port > 0 {
		port = p.opts.Port
	}
	if p.pending > 0 {
		word := "addresses"
		if n == 1 {
			word = "address"
		}
		s := fmt.Sprintf("%s probing %d/%d %s on port %d", p.Com.Spinner, p.finished(), n, word, port)
		if p.stopped {
			s = p.Com.Spinner + " stopping" + g.Ellipsis
		}
		return s + st.Muted.Render("  (esc stops)")
	}
	counts := map[probe.Status]int{}
	var order []probe.Status
	for _, r := range p.results {
		if counts[r.Status] == 0 {
			order = append(order, r.Status)
		}
		counts[r.Status]++
	}
	var parts []string
	if p.stopped {
		parts = append(parts, st.Verdict.TempError.Render("stopped (r re-runs)"))
	}
	parts = append(parts, kit.Plural(n, "address", "addresses"))
	for _, s := range order {
		parts = append(parts, p.Word(diag.SMTPStatusTone(s), kit.Itoa(counts[s])+" "+string(s)))
	}
	parts = append(parts, fmt.Sprintf("port %d", port))
	if p.opts.EHLOName != "" {
		parts = append(parts, "EHLO "+kit.Safe(p.opts.EHLOName))
	}
	return strings.Join(parts, " "+g.Dot+" ")
}

// Column widths of the table.
const (
	statusW = 15 // mark, space, "cert_invalid" or "blocked_here", a space
	tlsW    = 8  // "TLS 1.3" or "none", a space
	daneW   = 10 // "✓ no match", "insecure"
)

// table draws the column heads and the rows that show.
func (p *Pane) table() []string {
	st, g := p.Com.Styles, p.Com.Glyphs
	addrW := 10
	for _, t := range p.targets {
		addrW = max(addrW, len(t.IP.String())+2)
	}
	addrW = min(addrW, 28)
	hostW := max(8, p.W-1-addrW-statusW-tlsW-daneW)
	head := kit.Pad("Host", hostW, "") + kit.Pad("Address", addrW, "") + kit.Pad("Status", statusW, "") + kit.Pad("TLS", tlsW, "") + "DANE"
	lines := []string{" " + st.Label.Render(kit.Truncate(head, p.W-1, g.Ellipsis))}
	from, to := p.list.Visible()
	for i := from; i < to; i++ {
		t := p.targets[i]
		host := kit.Safe(t.Host)
		if host == "" {
			host = st.Muted.Render("(address)")
		}
		status, tls, dane := p.Com.Spinner+" "+st.Muted.Render("probing"+g.Ellipsis), "", ""
		if p.done[i] {
			r := p.results[i]
			status = p.Mark(diag.SMTPStatusTone(r.Status)) + " " + p.Word(diag.SMTPStatusTone(r.Status), string(r.Status))
			tls, dane = p.tlsCell(r), p.daneCell(r)
		}
		row := kit.Pad(host, hostW-1, g.Ellipsis) + " " + kit.Pad(t.IP.String(), addrW-1, g.Ellipsis) + " " +
			kit.Pad(status, statusW, g.Ellipsis) + kit.Pad(tls, tlsW, g.Ellipsis) + dane
		lines = append(lines, p.CursorRow(row, p.Focused && i == p.list.Cursor()))
	}
	return lines
}

// tlsCell is the TLS version, "none" without STARTTLS.
func (p *Pane) tlsCell(r probe.Result) string {
	switch {
	case r.TLS != nil:
		return kit.Safe(r.TLS.Version)
	case r.Status == probe.StatusNoSTARTTLS:
		return p.Word(diag.ToneWarn, "none")
	}
	return p.Com.Styles.Muted.Render("-")
}

// daneCell says whether the TLSA records match, or why they do not count.
func (p *Pane) daneCell(r probe.Result) string {
	d, g := r.DANE, p.Com.Glyphs
	switch {
	case len(d.TLSA) == 0:
		return p.Com.Styles.Muted.Render("-")
	case d.DNSSEC != dnsclient.DNSSECSecure:
		return p.Word(diag.ToneWarn, string(d.DNSSEC))
	case d.Match == nil:
		return p.Com.Styles.Muted.Render("not tried")
	case *d.Match:
		return p.Word(diag.TonePass, g.Pass+" match")
	}
	return p.Word(diag.ToneFail, g.Fail+" no match")
}

// detail describes the selected address in full, with the findings about
// it.
func (p *Pane) detail(i int) []string {
	st, g := p.Com.Styles, p.Com.Glyphs
	t := p.targets[i]
	title := t.IP.String()
	if t.Host != "" {
		title = kit.Safe(t.Host) + " " + g.Dot + " " + title
	}
	lines := []string{"", p.Rule(title, p.W)}
	if !p.done[i] {
		return append(lines, " "+p.Com.Spinner+" Probing: connect, greeting, EHLO, STARTTLS, TLS"+g.Ellipsis)
	}
	r := p.results[i]
	field := func(label, text string) {
		for j, l := range kit.WrapIndent(text, p.W-10, 0) {
			if j == 0 {
				lines = append(lines, " "+st.Label.Render(kit.Pad(label, 9, ""))+l)
			} else {
				lines = append(lines, " "+kit.Pad("", 9, "")+l)
			}
		}
	}
	dot := " " + g.Dot + " "
	if r.Banner != "" {
		banner := strings.Split(r.Banner, "\n")
		text := kit.Safe(banner[0])
		if len(banner) > 1 {
			text += st.Muted.Render(fmt.Sprintf(" (+%d lines)", len(banner)-1))
		}
		field("Banner", text)
		notPTR := "not the PTR"
		if t.PTR != nil && len(t.PTR.Names) == 0 {
			notPTR = "no PTR to match"
		}
		field("", p.check(r.BannerMatchesPTR, "matches the PTR", notPTR, "PTR unknown")+dot+p.check(&r.BannerMatchesMX, "is the MX name", "not the MX name", ""))
	}
	if r.EHLOHost != "" || len(r.EHLO) > 0 {
		ext := make([]string, len(r.EHLO))
		for j, e := range r.EHLO {
			ext[j] = kit.Safe(e)
		}
		field("EHLO", kit.Safe(r.EHLOHost)+dot+kit.OrNone(strings.Join(ext, ", ")))
	}
	if r.TLS != nil {
		field("TLS", kit.Safe(r.TLS.Version)+dot+kit.Safe(r.TLS.Cipher))
		p.certLines(r, field)
	}
	if len(r.DANE.TLSA) > 0 || r.DANE.Error != "" {
		p.daneLines(r, field)
	}
	field("Timing", timing(r.Timing, dot))
	if r.Error != "" {
		text := kit.Safe(r.Error)
		if r.Evidence != "" {
			text += " (" + kit.Safe(r.Evidence) + ")"
		}
		for _, l := range kit.WrapIndent(g.Fail+" "+text, p.W-1, 2) {
			lines = append(lines, " "+st.Error.Render(l))
		}
	}
	fs := finding.About(p.reportFindings(), finding.PartSMTP, probe.Subject(r.Host, r.IP).String())
	return append(lines, p.FindingLines(fs, p.W-1, false)...)
}

// certLines describe the certificate and its checks, each apart.
func (p *Pane) certLines(r probe.Result, field func(string, string)) {
	g := p.Com.Glyphs
	c := r.TLS.Cert
	dot := " " + g.Dot + " "
	what := kit.Safe(c.Subject)
	if len(c.SANs) > 0 {
		what += dot + "names " + kit.Safe(strings.Join(c.SANs, ", "))
	}
	field("Cert", what)
	field("", "issued by "+kit.Safe(c.Issuer))
	if v := r.CertCheck; v != nil {
		checks := []string{
			"until " + c.NotAfter.Format(time.DateOnly),
			p.check(ptrTo(v.Chain == nil), "trusted chain", "untrusted chain", ""),
			p.check(ptrTo(v.Period == nil), "in date", periodWord(v.Period), ""),
		}
		if r.Host != "" {
			checks = append(checks, p.check(ptrTo(v.Name == nil), "names the MX", "not for the MX name", ""))
		}
		mtasts := p.Com.Styles.Muted.Render("MTA-STS: no policy")
		if m := r.TLS.NamesMatchMTASTS; m != nil {
			mtasts = p.check(m, "MTA-STS "+kit.Safe(r.TLS.MTASTSPattern), "MTA-STS refuses it", "")
		}
		field("", strings.Join(checks, dot))
		field("", mtasts)
	}
}

// periodWord says why the dates fail.
func periodWord(err error) string {
	if errors.Is(err, tlscert.ErrNotYetValid) {
		return "not yet valid"
	}
	return "expired"
}

// daneLines show the TLSA records, their DNSSEC state and the match, and
// say plainly whose validation that state is.
func (p *Pane) daneLines(r probe.Result, field func(string, string)) {
	g, d := p.Com.Glyphs, r.DANE
	dot := " " + g.Dot + " "
	for _, t := range d.TLSA {
		field("DANE", kit.Safe(shortTLSA(t, g.Ellipsis)))
	}
	state := "DNSSEC " + string(d.DNSSEC) + dot + p.daneCell(r)
	if d.Error != "" {
		state = p.Word(diag.ToneUnknown, "TLSA lookup failed: "+kit.Safe(d.Error))
	}
	field("", state)
	field("", p.Com.Styles.Muted.Render("mxray trusts the resolver's validation (its AD bit)"))
}

// check draws a yes/no fact with its mark; nil is unknown.
func (p *Pane) check(ok *bool, yes, no, unknown string) string {
	g := p.Com.Glyphs
	switch {
	case ok == nil:
		return p.Word(diag.ToneUnknown, g.Unknown+" "+unknown)
	case *ok:
		return p.Word(diag.TonePass, g.Pass+" "+yes)
	}
	return p.Word(diag.ToneFail, g.Fail+" "+no)
}

func ptrTo(b bool) *bool { return &b }

// shortTLSA shortens a TLSA record's association data for the table:
// "3 1 1 8c8b5ee66788…46d13f88d5" (y copies the address's line; the
// report has the records whole).
func shortTLSA(rec, ellipsis string) string {
	f := strings.Fields(rec)
	if len(f) != 4 || len(f[3]) <= 24 {
		return rec
	}
	return strings.Join(f[:3], " ") + " " + f[3][:12] + ellipsis + f[3][len(f[3])-10:]
}

// timing is how long each step took, in milliseconds; "-" for a step not
// reached.
func timing(t probe.Timing, dot string) string {
	parts := make([]string, 0, 4)
	for _, s := range []struct {
		name string
		d    time.Duration
	}{{"connect", t.Connect}, {"greeting", t.Greeting}, {"EHLO", t.EHLO}, {"TLS", t.TLS}} {
		v := "-"
		if s.d >= 0 {
			v = kit.Itoa(int(s.d.Milliseconds()))
		}
		parts = append(parts, s.name+" "+v)
	}
	return "ms: " + strings.Join(parts, dot)
}

// reportFindings are the findings of what is finished.
func (p *Pane) reportFindings() []finding.Finding {
	if p.report == nil {
		return nil
	}
	return p.report.Findings
}
