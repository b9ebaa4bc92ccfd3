package tui

import "testing"

// TestFlowDNSPropagation: in the DNS log, p on a question compares its
// name and type at every nameserver and the resolver, in the real
// program: changed.example's second nameserver is stale; esc goes back to
// the log; v shows the comparison in full.
func TestFlowDNSPropagation(t *testing.T) {
	f := startFlowWith(t, withDemoNameservers(t, "changed.example"), 120, 40)
	f.waitFor("✓ done")
	f.keys("shift+tab", "/")
	f.tm.Type("_dmarc.changed")
	f.keys("enter", "p")
	f.waitFor("Did it propagate? TXT _dmarc.changed.example", "#2 differs", "ns2.changed.example (192.0.2.55)", "2026120201",
		`#2 TXT "v=DMARC1; p=none; rua=mailto:dmarc@changed.example"`)
	// v opens the comparison in full in the detail view.
	f.keys("v")
	f.waitFor("SOA serial", "2026120201", "differs from #1")
	f.keys("esc", "esc")
	f.waitFor("p propagated?", "_dmarc.changed.example")
}
