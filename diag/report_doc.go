package diag

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mxray/mxray/diag/dkim"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/render"
)

// Doc lays the report out for the text and Markdown writers.
func (r *Report) Doc() *render.Doc {
	d := &render.Doc{}
	title := "mxray check of " + r.Domain
	if r.Unicode != r.Domain {
		title += " (" + r.Unicode + ")"
	}
	d.Heading(1, title)
	d.Para(summaryLine(r.Findings, r.Queries))
	r.mxDoc(d)
	r.spfDoc(d)
	r.dkimDoc(d)
	r.dmarcDoc(d)
	r.policyDoc(d)
	blocklistDoc(d, r.Blocklists)
	if r.SMTP != nil {
		r.SMTP.Section(d)
	}
	render.FindingsDoc(d, r.Findings)
	return d
}

// summaryLine counts findings by severity.
func summaryLine(fs []finding.Finding, queries int) string {
	n := map[finding.Severity]int{}
	for _, f := range fs {
		n[f.Severity]++
	}
	return fmt.Sprintf("%s, %s, %s · %d DNS queries",
		render.Plural(n[finding.Error], "error"), render.Plural(n[finding.Warning], "warning"), render.Plural(n[finding.Info], "note"), queries)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func (r *Report) mxDoc(d *render.Doc) { MXSection(d, r.MX) }

// MXSection writes the "MX and PTR" section: the MX table with each
// address's reverse DNS; nil is a part not finished.
func MXSection(d *render.Doc, mx *MXReport) {
	d.Heading(2, "MX and PTR")
	switch {
	case mx == nil:
		d.Para("not finished")
		return
	case mx.NullMX:
		d.Para("Null MX (RFC 7505): the domain accepts no mail.")
		return
	case len(mx.Hosts) == 0 && len(mx.Implicit) > 0:
		d.Para("No MX records: mail goes to the domain's own address " + joinAddrs(mx.Implicit) + " (RFC 5321 §5.1).")
		return
	case len(mx.Hosts) == 0:
		d.Para("No MX records (" + string(mx.Status) + ").")
		return
	}
	var rows [][]string
	for _, h := range mx.Hosts {
		pref := strconv.Itoa(int(h.Preference))
		if h.LoadBalanced {
			pref += " (shared)"
		}
		host := h.Host
		if h.CNAME != "" {
			host += " → CNAME " + h.CNAME
		}
		if h.Filter != "" {
			host += " [" + h.Filter + "]"
		}
		if len(h.Addresses) == 0 {
			rows = append(rows, []string{pref, host, "-", strings.Join(h.Errors, "; "), "-"})
		}
		for i, a := range h.Addresses {
			if i > 0 {
				pref, host = "", ""
			}
			ptr := strings.Join(a.PTR, ", ")
			if ptr == "" {
				ptr = "(no PTR)"
			}
			if a.Error != "" {
				ptr = a.Error
			}
			if a.Generic {
				ptr += " (generic)"
			}
			rows = append(rows, []string{pref, host, a.IP.String(), ptr, yesNo(a.FCrDNS)})
		}
	}
	d.Table([]string{"Pref", "Host", "Address", "PTR", "FCrDNS"}, rows)
}

func (r *Report) dkimDoc(d *render.Doc) {
	d.Heading(2, "DKIM")
	if r.DKIM == nil {
		d.Para("not finished")
		return
	}
	var rows [][]string
	for _, k := range r.DKIM.Keys {
		if k.Record == "" && k.FoundBy == dkim.FoundByProbe {
			continue
		}
		var flags []string
		if k.Revoked {
			flags = append(flags, "revoked")
		}
		if k.Testing {
			flags = append(flags, "testing")
		}
		if k.Strict {
			flags = append(flags, "strict")
		}
		if k.CNAME != "" {
			flags = append(flags, "CNAME "+k.CNAME)
		}
		if k.Provider != "" {
			flags = append(flags, k.Provider)
		}
		bits := "-"
		if k.KeyBits > 0 {
			bits = strconv.Itoa(k.KeyBits)
		}
		keyType := string(k.KeyType)
		if k.Record == "" {
			keyType = "not found (" + string(k.Status) + ")"
		}
		rows = append(rows, []string{k.Selector, string(k.FoundBy), keyType, bits, strings.Join(flags, ", ")})
	}
	if len(rows) > 0 {
		d.Table([]string{"Selector", "Found by", "Key", "Bits", "Notes"}, rows)
	}
	d.Para(fmt.Sprintf("%d common selectors probed.", r.DKIM.Probed))
}

func (r *Report) dmarcDoc(d *render.Doc) {
	d.Heading(2, "DMARC (RFC 9989)")
	m := r.DMARC
	if m == nil {
		d.Para("not finished")
		return
	}
	if m.Record == "" {
		d.Para("No DMARC record applies to " + r.Domain + ".")
	} else {
		d.Code(m.Record)
	}
	d.Fields(
		[2]string{"Found at", m.SourceDomain},
		[2]string{"Organizational domain", m.OrgDomain},
		[2]string{"Policy", string(m.Policy)},
		[2]string{"Subdomains", string(m.SubdomainPolicy)},
		[2]string{"Non-existent subdomains", string(m.NonexistentPolicy)},
		[2]string{"Alignment", m.AlignmentWords()},
		[2]string{"Aggregate reports (rua)", strings.Join(m.RUA, ", ")},
		[2]string{"Failure reports (ruf)", strings.Join(m.RUF, ", ")},
	)
	var rows [][]string
	for _, t := range m.Tags { // a removed tag's meaning says so (dmarc.Explain)
		rows = append(rows, []string{t.Name, t.Value, t.Meaning})
	}
	if len(rows) > 0 {
		d.Table([]string{"Tag", "Value", "Meaning"}, rows)
	}
	v := m.RFC7489
	if v.Differs {
		d.Para("A receiver still on RFC 7489 decides differently: " + strings.Join(v.Why, " "))
	} else if m.Record != "" {
		d.Para("A receiver still on RFC 7489 decides the same.")
	}
}

func (r *Report) policyDoc(d *render.Doc) {
	d.Heading(2, "MTA-STS, TLS-RPT, BIMI")
	var rows [][]string
	if m := r.MTASTS; m != nil {
		state := orNone(m.Record)
		switch {
		case m.Fetched && m.Policy != nil:
			state += fmt.Sprintf(" · policy mode %s, max_age %d", m.Policy.Mode, m.Policy.MaxAge)
		case m.Record != "" && m.NotFetched != "":
			state += " · " + m.NotFetched
		}
		rows = append(rows, []string{"MTA-STS", state})
	}
	if t := r.TLSRPT; t != nil {
		rows = append(rows, []string{"TLS-RPT", orNone(t.Record)})
	}
	if b := r.BIMI; b != nil {
		rows = append(rows, []string{"BIMI", orNone(b.Record)})
	}
	if len(rows) == 0 {
		d.Para("not finished")
		return
	}
	d.Table([]string{"Record", "Value"}, rows)
}

// SummaryLine is a report's first line: its findings counted by severity
// and the DNS questions asked.
func SummaryLine(fs []finding.Finding, queries int) string { return summaryLine(fs, queries) }
