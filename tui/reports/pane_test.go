package reports

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/dmarcreport"
	"github.com/mxray/mxray/diag/dmarcreport/readiness"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/tui/kit"
	"github.com/mxray/mxray/tui/kit/kittest"
)

// hostile is a report whose every text is an attack on the terminal.
const hostile = `<feedback><report_metadata><org_name>evil&#x9d;0;pwned&#x9c;</org_name><report_id>r&#x9b;2J</report_id>
<date_range><begin>1700000000</begin><end>1700086399</end></date_range></report_metadata>
<policy_published><domain>example.com&#x9b;31m</domain><p>none</p></policy_published>
<record><row><source_ip>192.0.2.1</source_ip><count>5</count><policy_evaluated><disposition>none&#x9d;8;;http://x&#x9c;</disposition><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row>
<identifiers><header_from>a&#x9b;1;1Hb.example</header_from><envelope_from>&#x9b;6n.example</envelope_from></identifiers>
<auth_results><dkim><domain>&#x90;1;2|x&#x202e;\.example</domain><result>pass</result></dkim><spf><domain>x.example</domain><result>fail</result></spf></auth_results></record>
<record><row><source_ip>not&#x9b;5man ip</source_ip><count>1</count><policy_evaluated><disposition>none</disposition><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row>
<identifiers><header_from>example.com</header_from></identifiers></record></feedback>`

// loaded is the pane with the answer for xml in, w×h, focused.
func loaded(t *testing.T, xml string, w, h int) *Pane {
	t.Helper()
	set := dmarcreport.Read(context.Background(), []dmarcreport.Input{dmarcreport.BytesInput("r.xml", []byte(xml))}, dmarcreport.Limits{})
	if len(set.Reports()) == 0 {
		t.Fatalf("not read: %v", set.Errors())
	}
	res := readiness.Build(set, readiness.Options{})
	target, _ := diag.ParseTarget("example.com")
	p := New(kittest.Common(&kittest.Run{RunID: 1, Domain: target, Readiness: res}))
	p.SetSize(w, h)
	p.Focus()
	p.Update(kit.ReportsMsg{Run: 1, Result: res, Done: true})
	return p
}

// TestHostileReportIsSanitised: nothing a report says reaches the
// terminal as anything but text, at any size, on any row.
func TestHostileReportIsSanitised(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}, {30, 8}} {
		p := loaded(t, hostile, size[0], size[1])
		for range 3 {
			v := p.View()
			if seq := kittest.NonSGR(v); seq != "" {
				t.Fatalf("%dx%d: escape sequence %q reached the screen:\n%s", size[0], size[1], seq, v)
			}
			if strings.ContainsAny(ansi.Strip(v), "\x07\u009b\u009d\u202e") {
				t.Fatalf("%dx%d: a control character reached the screen", size[0], size[1])
			}
			for i, l := range strings.Split(v, "\n") {
				if ansi.StringWidth(l) != size[0] {
					t.Fatalf("%dx%d: line %d is %d cells wide", size[0], size[1], i, ansi.StringWidth(l))
				}
			}
			p.Update(kittest.Key("down"))
		}
	}
}

// TestEnterSelectsTheSourceWithItsInclude: enter on a failing source of
// the domain investigated jumps to the SPF pane with its IP selected and
// the include its fix names; a source of another domain gets no include.
func TestEnterSelectsTheSourceWithItsInclude(t *testing.T) {
	p := loaded(t, strings.ReplaceAll(hostile, "&#x9b;31m", ""), 80, 24)
	// Give the failing source a suggestion, as DNS would.
	res := *p.res
	res.Sources = append([]readiness.SourceJSON(nil), res.Sources...)
	for i := range res.Sources {
		if res.Sources[i].IP == "192.0.2.1" {
			res.Sources[i].SuggestInclude = "include:_spf.crm.example"
			p.list.Set(i)
		}
	}
	p.res = &res
	_, cmd := p.Update(kittest.Key("enter"))
	if cmd == nil {
		t.Fatal("enter did nothing")
	}
	jump, ok := cmd().(kit.JumpMsg)
	want := netip.MustParseAddr("192.0.2.1")
	if !ok || jump.Pane != finding.PartSPF || jump.Sel.IP != want || !jump.Sel.Explicit || jump.Sel.Suggest != "include:_spf.crm.example" {
		t.Fatalf("enter sent %+v", jump)
	}
	if got := p.Selected(); got.IP != want {
		t.Errorf("selected %+v", got)
	}
	// The same source reported for another domain: no include into
	// example.com's record.
	for i := range res.Sources {
		res.Sources[i].Domain = "other.example"
	}
	_, cmd = p.Update(kittest.Key("enter"))
	if jump := cmd().(kit.JumpMsg); jump.Sel.Suggest != "" {
		t.Errorf("include suggested into another domain's record: %+v", jump.Sel)
	}
}

// TestSelectFromAFinding: a finding's IP moves the cursor to its source.
func TestSelectFromAFinding(t *testing.T) {
	p := loaded(t, strings.ReplaceAll(hostile, "&#x9b;31m", ""), 80, 24)
	p.list.Set(len(p.res.Sources) - 1)
	ip := netip.MustParseAddr("192.0.2.1")
	p.Select(kit.Selection{Kind: kit.SelectIP, IP: ip, ViaPane: finding.PartFindings})
	if s, ok := p.current(); !ok || s.IP != "192.0.2.1" {
		t.Errorf("cursor on %+v", s)
	}
}
