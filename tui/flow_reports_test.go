package tui

import "testing"

// TestFlowReportsToSPFVerdict: on the input screen under --demo, open the
// demo's reports; the Reports pane lists the sources failing first; the
// CRM source (healthy.example's, outside its SPF record) and enter show
// its SPF verdict in the SPF pane: fail today, pass with the include its
// fix names added in the what-if editor.
func TestFlowReportsToSPFVerdict(t *testing.T) {
	f := startHeadersFlow(t, demoFlowConfig(t, demoServer(t)), 120, 40)
	f.waitFor(`Domain, address, URL, or "IP DOMAIN":`, "reports/")
	f.keys("down", "down", "down", "down", "down", "enter")
	f.waitFor("[Reports]", "2 reports · 15,708 messages", "›✗ 203.0.113.10   broken.example", "crm.example", "✓ done")
	f.keys("j")
	f.waitFor("── 203.0.113.70 · healthy.example", "PTR out.crm.example ✓ confirmed · SPF today ✗ fail")
	f.keys("enter")
	f.waitFor("[SPF", "IP 203.0.113.70", "WHAT-IF ✓ pass (published: fail)", "include:_spf.crm.example ◀", "ip4:203.0.113.64/28 ◀ matched: pass")
}
