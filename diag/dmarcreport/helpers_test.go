package dmarcreport

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
)

// Meta is a report_metadata block for crafted reports.
const Meta = `<report_metadata><org_name>receiver.example</org_name><email>dmarc@receiver.example</email>
<report_id>r1</report_id><date_range><begin>1700000000</begin><end>1700086399</end></date_range></report_metadata>`

// Doc builds a report: root is the opening root tag, pub the
// policy_published children.
func Doc(root, pub string, records ...string) string {
	close := "</feedback>"
	if strings.HasPrefix(root, "<d:") {
		close = "</d:feedback>"
	}
	return `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + root + "\n" + Meta + "\n<policy_published>" + pub + "</policy_published>\n" +
		strings.Join(records, "\n") + "\n" + close + "\n"
}

// Rec builds one record with a DKIM and an SPF result.
func Rec(ip, count, disp, pdkim, pspf, hf, dkimDomain, dkimRes, spfDomain, spfRes string) string {
	return fmt.Sprintf(`<record><row><source_ip>%s</source_ip><count>%s</count><policy_evaluated><disposition>%s</disposition><dkim>%s</dkim><spf>%s</spf></policy_evaluated></row>
<identifiers><header_from>%s</header_from></identifiers>
<auth_results><dkim><domain>%s</domain><selector>s1</selector><result>%s</result></dkim><spf><domain>%s</domain><result>%s</result></spf></auth_results></record>`,
		ip, count, disp, pdkim, pspf, hf, dkimDomain, dkimRes, spfDomain, spfRes)
}

// Plain is a small valid RFC 7489 report for example.com.
func Plain(id string) string {
	return strings.Replace(Doc("<feedback>", "<domain>example.com</domain><p>none</p><pct>100</pct>",
		Rec("192.0.2.1", "3", "none", "pass", "pass", "example.com", "example.com", "pass", "example.com", "pass"),
		Rec("198.51.100.7", "2", "none", "fail", "fail", "example.com", "example.com", "fail", "example.com", "fail")),
		"<report_id>r1</report_id>", "<report_id>"+id+"</report_id>", 1)
}

// Gz compresses b.
func Gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	_, _ = w.Write(b)
	_ = w.Close()
	return buf.Bytes()
}

// ZipOf archives members, given as name, content pairs.
func ZipOf(pairs ...string) []byte {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for i := 0; i+1 < len(pairs); i += 2 {
		f, _ := w.Create(pairs[i])
		_, _ = f.Write([]byte(pairs[i+1]))
	}
	_ = w.Close()
	return buf.Bytes()
}

// Part is one MIME attachment.
type Part struct {
	Type, Name string
	Body       []byte
}

// Eml builds a multipart/mixed message with a text part and base64
// attachments, the way receivers send reports.
func Eml(parts ...Part) []byte {
	var b strings.Builder
	b.WriteString("From: dmarc@receiver.example\r\nTo: rua@example.com\r\nSubject: Report Domain: example.com\r\nMIME-Version: 1.0\r\n")
	b.WriteString("Content-Type: multipart/mixed; boundary=\"BOUND\"\r\n\r\nThis is a MIME message.\r\n")
	b.WriteString("--BOUND\r\nContent-Type: text/plain\r\n\r\nThis is an aggregate report from receiver.example.\r\n")
	for _, p := range parts {
		fmt.Fprintf(&b, "--BOUND\r\nContent-Type: %s; name=\"%s\"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"%s\"\r\n\r\n", p.Type, p.Name, p.Name)
		enc := base64.StdEncoding.EncodeToString(p.Body)
		for len(enc) > 76 {
			b.WriteString(enc[:76] + "\r\n")
			enc = enc[76:]
		}
		b.WriteString(enc + "\r\n")
	}
	b.WriteString("--BOUND--\r\n")
	return []byte(b.String())
}

// Mbox joins messages into an mbox.
func Mbox(msgs ...[]byte) []byte {
	var b bytes.Buffer
	for _, m := range msgs {
		b.WriteString("From dmarc@receiver.example Mon Nov 20 00:00:00 2023\n")
		b.Write(bytes.ReplaceAll(m, []byte("\r\n"), []byte("\n")))
		b.WriteString("\n")
	}
	return b.Bytes()
}

// ReadAll reads named inputs with limits.
func ReadAll(t testing.TB, lim Limits, pairs ...any) *Set {
	t.Helper()
	var ins []Input
	for i := 0; i+1 < len(pairs); i += 2 {
		var data []byte
		switch v := pairs[i+1].(type) {
		case string:
			data = []byte(v)
		case []byte:
			data = v
		}
		ins = append(ins, BytesInput(pairs[i].(string), data))
	}
	return Read(context.Background(), ins, lim)
}

// diffSets compares what two reads of the same inputs found.
func diffSets(a, b *Set) string {
	ra, rb := a.Reports(), b.Reports()
	if len(ra) != len(rb) {
		return fmt.Sprintf("%d reports vs %d", len(ra), len(rb))
	}
	for i := range ra {
		if x, y := fmt.Sprintf("%+v", *ra[i]), fmt.Sprintf("%+v", *rb[i]); x != y {
			return fmt.Sprintf("report %d:\n%s\n%s", i, x, y)
		}
	}
	ea, eb := a.Errors(), b.Errors()
	if len(ea) != len(eb) {
		return fmt.Sprintf("errors %v vs %v", ea, eb)
	}
	for i := range ea {
		if ea[i].Error() != eb[i].Error() {
			return fmt.Sprintf("error %d: %v vs %v", i, ea[i], eb[i])
		}
	}
	sa, sb := a.Sources(), b.Sources()
	if len(sa) != len(sb) {
		return fmt.Sprintf("%d sources vs %d", len(sa), len(sb))
	}
	for i := range sa {
		x, y := *sa[i], *sb[i]
		for _, ns := range []*Names{&x.HeaderFrom, &x.EnvelopeFrom, &x.DKIMDomains, &y.HeaderFrom, &y.EnvelopeFrom, &y.DKIMDomains} {
			ns.idx = nil
		}
		if fmt.Sprintf("%+v", x) != fmt.Sprintf("%+v", y) {
			return fmt.Sprintf("source %d:\n%+v\n%+v", i, x, y)
		}
	}
	return ""
}

// SourceOf finds a source by IP text.
func SourceOf(s *Set, ip string) *Source {
	for _, src := range s.Sources() {
		if src.Text == ip {
			return src
		}
	}
	return nil
}

// Codes lists the problem codes of every report.
func Codes(s *Set) []string {
	var cs []string
	for _, r := range s.Reports() {
		for _, p := range r.Problems {
			cs = append(cs, p.Code)
		}
	}
	return cs
}

func b64enc(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
