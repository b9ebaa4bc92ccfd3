package readiness

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mxray/mxray/diag/dmarcreport"
	"github.com/mxray/mxray/diag/render"
	"github.com/mxray/mxray/diag/termsafe/termsafetest"
)

// plain is a small RFC 7489 report for example.com: one passing and one
// failing source.
const plain = `<?xml version="1.0" encoding="UTF-8"?>
<feedback>
<report_metadata><org_name>receiver.example</org_name><email>dmarc@receiver.example</email>
<report_id>r1</report_id><date_range><begin>1700000000</begin><end>1700086399</end></date_range></report_metadata>
<policy_published><domain>example.com</domain><p>none</p><pct>100</pct></policy_published>
<record><row><source_ip>192.0.2.1</source_ip><count>3</count><policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>pass</spf></policy_evaluated></row>
<identifiers><header_from>example.com</header_from></identifiers>
<auth_results><dkim><domain>example.com</domain><selector>s1</selector><result>pass</result></dkim><spf><domain>example.com</domain><result>pass</result></spf></auth_results></record>
<record><row><source_ip>198.51.100.7</source_ip><count>2</count><policy_evaluated><disposition>none</disposition><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row>
<identifiers><header_from>example.com</header_from></identifiers>
<auth_results><dkim><domain>example.com</domain><selector>s1</selector><result>fail</result></dkim><spf><domain>example.com</domain><result>fail</result></spf></auth_results></record>
</feedback>
`

// read reads name, content pairs.
func read(pairs ...string) *dmarcreport.Set {
	var ins []dmarcreport.Input
	for i := 0; i+1 < len(pairs); i += 2 {
		ins = append(ins, dmarcreport.BytesInput(pairs[i], []byte(pairs[i+1])))
	}
	return dmarcreport.Read(context.Background(), ins, dmarcreport.Limits{})
}

// TestJSONContract pins the field names DESIGN.md promises for "report".
func TestJSONContract(t *testing.T) {
	b, err := json.Marshal(Build(read("a.xml", plain, "bad.bin", "garbage"), Options{}))
	if err != nil {
		t.Fatal(err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		t.Fatal(err)
	}
	keys := func(raw json.RawMessage) []string {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		return ks
	}
	first := func(raw json.RawMessage) json.RawMessage {
		var l []json.RawMessage
		if err := json.Unmarshal(raw, &l); err != nil || len(l) == 0 {
			t.Fatalf("%s: %v", raw, err)
		}
		return l[0]
	}
	want := map[string][]string{
		"":        {"reports", "sources", "totals", "findings"},
		"reports": {"org_name", "report_id", "begin", "end", "domain", "schema", "policy"},
		"sources": {"ip", "ptr", "service", "messages", "dmarc_pass", "dkim_aligned", "spf_aligned", "dispositions", "header_from", "envelope_from", "dkim_domains", "authorised_by"},
		"totals":  {"messages", "dmarc_pass", "dmarc_fail"},
	}
	for obj, fields := range want {
		var have []string
		switch obj {
		case "":
			have = keys(b)
		case "totals":
			have = keys(top[obj])
		default:
			have = keys(first(top[obj]))
		}
		for _, f := range fields {
			if !slices.Contains(have, f) {
				t.Errorf("%s has no %q: %v", obj, f, have)
			}
		}
	}
	if !strings.Contains(string(top["reports"]), `"schema":"rfc7489"`) || !strings.Contains(string(top["sources"]), `"authorised_by":null`) {
		t.Errorf("values: %s %s", top["reports"], top["sources"])
	}
}

// TestRenderedReportIsSanitised: report text is attacker-controlled; none
// of it reaches a terminal or a ticket as a control sequence.
func TestRenderedReportIsSanitised(t *testing.T) {
	// XML 1.0 forbids C0 controls, so a report carries C1 ones (U+009B is
	// an 8-bit CSI), bidi overrides and invisible characters; file names
	// and error texts carry ESC itself.
	evil := "\u009b2J\u202eelpmaxe\u200b"
	x := strings.NewReplacer("receiver.example</org_name>", evil+"</org_name>", "<report_id>r1", "<report_id>r1"+evil,
		"<source_ip>198.51.100.7", "<source_ip>"+evil).Replace(plain)
	res := Build(read("a\x1b[31m.xml", x, "b\x1b[2J.bin", "\x1b[2Jjunk"), Options{Now: time.Unix(1700086399, 0)})
	for _, out := range renderings(t, res) {
		if !strings.Contains(out, `u009b2J`) || !strings.Contains(out, `x1b`) {
			t.Errorf("the hostile org_name is not shown escaped:\n%s", out)
		}
	}
}

// renderings writes res as text and as Markdown, failing t if either is
// not safe for a terminal.
func renderings(t testing.TB, res *Result) []string {
	t.Helper()
	var outs []string
	for _, write := range []func(*bytes.Buffer) error{
		func(b *bytes.Buffer) error { return render.Text(b, res.Doc(), render.Options{}) },
		func(b *bytes.Buffer) error { return render.Markdown(b, res.Doc(), render.Options{}) },
	} {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			t.Fatal(err)
		}
		if u := termsafetest.Unsafe(b.String()); u != "" {
			t.Fatalf("unsafe output: %s", u)
		}
		outs = append(outs, b.String())
	}
	return outs
}

func TestThousandsAndCount(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 12400: "12,400", 1234567: "1,234,567", -1500: "-1,500"} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q", n, got)
		}
	}
	if Count(1, "message") != "1 message" || Count(2, "row") != "2 rows" {
		t.Error("count")
	}
}

func TestPolicyDiff(t *testing.T) {
	tests := []struct {
		p    dmarcreport.Published
		t    Today
		want string
	}{
		{dmarcreport.Published{P: "none", Pct: -1}, Today{Found: true, P: "none", Pct: -1}, ""},
		{dmarcreport.Published{P: "none", Pct: 50}, Today{Found: true, P: "none", Pct: -1}, "pct was 50, now 100"},
		{dmarcreport.Published{P: "quarantine", SP: "none", ADKIM: "s", Testing: "y", Pct: -1}, Today{Found: true, P: "reject", SP: "reject", ADKIM: "r", Pct: -1},
			"p was quarantine, now reject, sp was none, now reject, adkim was s, now r, t was y, now n"},
		{dmarcreport.Published{P: "reject", Pct: -1}, Today{}, "no DMARC record applies today"},
	}
	for _, tt := range tests {
		if got := policyDiff(tt.p, tt.t); got != tt.want {
			t.Errorf("policyDiff(%+v, %+v) = %q, want %q", tt.p, tt.t, got, tt.want)
		}
	}
}

func TestKnownService(t *testing.T) {
	for name, want := range map[string]string{"o1.ptr1234.sendgrid.net.": "SendGrid", "_spf.google.com": "Google Workspace", "mail-ed1-f41.google.com": "Google",
		"a.b.outbound.protection.outlook.com": "Microsoft 365", "spf.protection.outlook.com": "Microsoft 365", "example.com": ""} {
		s, _ := KnownService(name)
		if s.Name != want {
			t.Errorf("KnownService(%q) = %q, want %q", name, s.Name, want)
		}
	}
}

// TestLyingReportFindings: what a report got wrong becomes a finding of
// the reports part, grouped per report and code.
func TestLyingReportFindings(t *testing.T) {
	x := strings.NewReplacer("<count>3</count>", "<count>-3</count>", "<count>2</count>", "<count>-2</count>",
		"<end>1700086399</end>", "<end>1600000000</end>").Replace(plain)
	res := Build(read("lies.xml", x), Options{Now: time.Unix(1700086399, 0)})
	var got []string
	for _, f := range res.Findings {
		if f.Part != "reports" {
			t.Errorf("part %q", f.Part)
		}
		got = append(got, f.Code)
		if f.Code == "reports.negative_count" && !strings.Contains(f.Message, "2 times in this report") {
			t.Errorf("not grouped: %s", f.Message)
		}
	}
	if !slices.Contains(got, "reports.negative_count") || !slices.Contains(got, "reports.end_before_begin") {
		t.Errorf("findings %v", got)
	}
	if res.Totals.Messages != 0 {
		t.Errorf("lying rows counted: %+v", res.Totals)
	}
}
