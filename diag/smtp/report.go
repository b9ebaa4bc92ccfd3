package smtp

import (
	"fmt"
	"strings"
	"time"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/render"
)

// Doc adds the "SMTP and TLS" section of a text or Markdown report: one
// table row per address, then a line per address with what it said and
// how long each step took, and what failed where. The render writers pass
// every cell through diag/termsafe, so banners and certificate names are
// shown harmlessly.
func Doc(d *render.Doc, rs []Result) {
	d.Heading(2, "SMTP and TLS")
	if len(rs) == 0 {
		d.Para("No MX address was probed.")
		return
	}
	rows := make([][]string, 0, len(rs))
	details := make([]string, 0, len(rs))
	dane := false
	for _, r := range rs {
		rows = append(rows, []string{r.Host, r.IP.String(), string(r.Status), tlsCell(r), certCell(r), daneCell(r)})
		details = append(details, detailLine(r))
		dane = dane || len(r.DANE.TLSA) > 0
	}
	d.Table([]string{"Host", "Address", "Status", "TLS", "Certificate", "DANE"}, rows)
	d.List(details...)
	if dane {
		d.Para("DNSSEC: mxray does not validate signatures itself; it trusts the resolver's validation (the AD bit).")
	}
}

// detailLine says what one address said and how long each step took,
// then what failed.
func detailLine(r Result) string {
	parts := []string{"no greeting"}
	if r.BannerHost != "" {
		parts[0] = "banner " + bannerCell(r)
	}
	if r.EHLOHost != "" {
		parts = append(parts, "EHLO as "+r.EHLOHost)
	}
	if r.TLS != nil {
		parts = append(parts, r.TLS.Cipher)
		c := r.TLS.Cert
		if c.Subject != "" {
			parts = append(parts, "certificate "+c.Subject)
		}
		if len(c.SANs) > 0 {
			parts = append(parts, "names "+strings.Join(c.SANs, ", "))
		}
		if c.Issuer != "" {
			parts = append(parts, "issued by "+c.Issuer)
		}
	}
	parts = append(parts, "ms connect/greeting/EHLO/TLS "+timingCell(r.Timing))
	s := Subject(r.Host, r.IP).String() + ": " + strings.Join(parts, "; ")
	if r.Error != "" {
		s += ". " + r.Error
		if r.Evidence != "" {
			s += " (" + r.Evidence + ")"
		}
	}
	return s
}

func bannerCell(r Result) string {
	if r.BannerHost == "" {
		return "-"
	}
	s := r.BannerHost
	switch {
	case r.BannerMatchesPTR != nil && !*r.BannerMatchesPTR && r.noPTR:
		s += " (no PTR)"
	case r.BannerMatchesPTR != nil && !*r.BannerMatchesPTR:
		s += " (not the PTR)"
	}
	if r.Tarpit {
		s += " (slow greeting)"
	}
	return s
}

func tlsCell(r Result) string {
	switch {
	case r.TLS != nil:
		return r.TLS.Version
	case r.Status == StatusNoSTARTTLS:
		return "no STARTTLS"
	}
	return "-"
}

func certCell(r Result) string {
	if r.TLS == nil || r.CertCheck == nil {
		return "-"
	}
	var bad []string
	if r.CertCheck.Chain != nil {
		bad = append(bad, "untrusted")
	}
	if r.CertCheck.Period != nil {
		bad = append(bad, "expired or not yet valid")
	}
	if r.CertCheck.Name != nil {
		bad = append(bad, "wrong name")
	}
	if m := r.TLS.NamesMatchMTASTS; m != nil && !*m {
		bad = append(bad, "not MTA-STS")
	}
	state := "valid"
	if len(bad) > 0 {
		state = strings.Join(bad, ", ")
	}
	return fmt.Sprintf("%s, until %s", state, r.TLS.Cert.NotAfter.Format(time.DateOnly))
}

func daneCell(r Result) string {
	d := r.DANE
	if len(d.TLSA) == 0 {
		return "-"
	}
	s := fmt.Sprintf("%d TLSA", len(d.TLSA))
	switch {
	case d.Match != nil && *d.Match:
		s += ", match"
	case d.Match != nil:
		s += ", no match"
	}
	if d.DNSSEC != dnsclient.DNSSECSecure {
		s += ", " + string(d.DNSSEC)
	} else {
		s += ", secure"
	}
	return s
}

func timingCell(t Timing) string {
	parts := make([]string, 0, 4)
	for _, d := range []time.Duration{t.Connect, t.Greeting, t.EHLO, t.TLS} {
		if d < 0 {
			parts = append(parts, "-")
		} else {
			parts = append(parts, fmt.Sprint(d.Milliseconds()))
		}
	}
	return strings.Join(parts, "/")
}
