package smtp

import (
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/mxray/mxray/diag/finding"
	probe "github.com/mxray/mxray/diag/smtp"
	"github.com/mxray/mxray/tui/kit"
)

// Detail is the selected address whole: what the pane cuts (the host and
// the address in the table, the banner's further lines, the TLSA records'
// association data) and the findings about it, for the root's detail view.
// Values are raw: the view sanitises them.
func (p *Pane) Detail() (kit.Detail, bool) {
	i := p.row()
	if i < 0 {
		return kit.Detail{}, false
	}
	t := p.targets[i]
	d := kit.Detail{Title: "SMTP & TLS: " + orIP(t.Host, t.IP)}
	d.Add(kit.Field("Host", t.Host), kit.Field("Address", t.IP.String()))
	// The summary line, which a narrow pane cuts: the counts, the port and
	// the name the probe said EHLO with.
	d.Add(kit.Field("Probe", ansi.Strip(p.summary())))
	if !p.done[i] {
		d.Add(kit.Note("Still probing: connect, greeting, EHLO, STARTTLS, TLS."))
		return d, true
	}
	r := p.results[i]
	d.Add(kit.Field("Status", string(r.Status)), kit.RecordField("Banner", r.Banner), kit.Field("Banner host", r.BannerHost))
	if r.EHLOHost != "" || len(r.EHLO) > 0 {
		d.Add(kit.Field("EHLO", r.EHLOHost), kit.Field("Extensions", strings.Join(r.EHLO, ", ")))
	}
	if r.TLS != nil {
		c := r.TLS.Cert
		d.Add(kit.Field("TLS", r.TLS.Version+" "+r.TLS.Cipher), kit.Field("Subject", c.Subject), kit.Field("Names", strings.Join(c.SANs, ", ")),
			kit.Field("Issuer", c.Issuer), kit.Field("Valid", c.NotBefore.Format(time.DateOnly)+" to "+c.NotAfter.Format(time.DateOnly)),
			kit.Field("MTA-STS", r.TLS.MTASTSPattern))
		if c.Error != "" {
			d.Add(kit.Problem(finding.Sentence(c.Error)))
		}
	}
	for _, rec := range r.DANE.TLSA {
		d.Add(kit.RecordField("TLSA", rec))
	}
	if len(r.DANE.TLSA) > 0 {
		d.Add(kit.Field("DNSSEC", string(r.DANE.DNSSEC)), kit.Field("Matched", r.DANE.Matched))
	}
	for _, n := range r.DANE.Notes {
		d.Add(kit.Note(n))
	}
	if r.DANE.Error != "" {
		d.Add(kit.Problem(finding.Sentence("TLSA lookup failed: " + r.DANE.Error)))
	}
	d.Add(kit.Field("Timing", timing(r.Timing, " "+p.Com.Glyphs.Dot+" ")))
	if r.Error != "" {
		text := r.Error
		if r.Evidence != "" {
			text += " (" + r.Evidence + ")"
		}
		d.Add(kit.Problem(finding.Sentence(text)))
	}
	if fs := finding.About(p.reportFindings(), finding.PartSMTP, probe.Subject(r.Host, r.IP).String()); len(fs) > 0 {
		d.Add(kit.Heading("Findings"))
		d.Findings(p.Com, fs)
	}
	return d, true
}

// para is a paragraph of the pane's text, wrapped to its width rather than
// cut: the notes that stand in for the table.
func (p *Pane) para(text string, style kit.Style) string {
	lines := kit.WrapIndent(text, max(1, p.W-1), 0)
	for i, l := range lines {
		lines[i] = " " + style.Render(l)
	}
	return strings.Join(lines, "\n")
}
