package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/dnsclient"
)

// TestDemoFetchesItsMTASTSPolicy: as mxray --demo sets it up (the demo's
// policy server behind the fetch's dial, its CA the only root), the
// workbench fetches healthy.example's MTA-STS policy and the overview says
// its mode, instead of "not fetched".
func TestDemoFetchesItsMTASTSPolicy(t *testing.T) {
	srv := blocklistDemo(t)
	pol := demo.NewPolicies()
	t.Cleanup(func() { pol.Close() })
	cfg := demoConfig(srv, "healthy.example", false)
	cfg.Offline = false
	cfg.PolicyRoots = pol.Roots()
	cfg.Dial = func(c *dnsclient.Client) diag.DialFunc { return diag.ResolvingDialer(c, pol.Dial) }
	d := openIdle(t, cfg, 80, 24)
	screen := ansi.Strip(d.screen())
	var line string
	for l := range strings.SplitSeq(screen, "\n") {
		if strings.Contains(l, "MTA-STS") {
			line = l
			break
		}
	}
	if !strings.Contains(line, "enforce") || strings.Contains(line, "not fetched") {
		t.Errorf("the overview's MTA-STS line = %q, want the fetched policy's mode", line)
	}
}
