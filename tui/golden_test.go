package tui

import (
	"context"
	"fmt"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/miekg/dns"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
	"github.com/mxray/mxray/tui/kit"
)

// goldenSizes are the terminal sizes every screen is compared at.
var goldenSizes = [][2]int{{80, 24}, {120, 40}}

// paneIDs lists the panes in focus order.
func paneIDs() []finding.Part {
	return []finding.Part{finding.PartOverview, finding.PartMX, finding.PartSPF, finding.PartDKIM, finding.PartDMARC, finding.PartFindings, finding.PartDNSLog}
}

// errorNames are the names the error zone answers SERVFAIL for.
func errorNames(domain string) []string {
	names := []string{domain, "_dmarc." + domain, "_mta-sts." + domain, "_smtp._tls." + domain, "default._bimi." + domain}
	for _, s := range []string{"s1", "google", "selector1", "default", "k1"} {
		names = append(names, s+"._domainkey."+domain)
	}
	return names
}

// goldenServer serves the workbench zone with the error domain broken.
func goldenServer(t testing.TB) *zoneserver.Server {
	srv := zoneservertest.New(t, workbenchZone)
	for _, n := range errorNames("error.example") {
		srv.SetFault(dns.Fqdn(n), 0, zoneserver.FaultServFail)
	}
	return srv
}

// TestGoldenPanes compares every pane in each state (loading, loaded,
// error, empty) at 80x24 and 120x40 with the reviewed screens under
// testdata/TestGoldenPanes (go test ./tui -update rewrites them).
func TestGoldenPanes(t *testing.T) {
	srv := goldenServer(t)
	states := []struct{ name, target string }{
		{"loaded", "good.example"},
		{"problems", "mixed.example"},
		{"empty", "empty.example"},
		{"error", "error.example"},
	}
	for _, size := range goldenSizes {
		w, h := size[0], size[1]
		for _, st := range states {
			m := New(context.Background(), testConfig(srv, st.target))
			d := newDriver(t, m, w, h)
			d.rewrite = stableLog
			d.idle()
			for _, id := range paneIDs() {
				t.Run(fmt.Sprintf("%s/%s/%dx%d", id, st.name, w, h), func(t *testing.T) {
					d.m.setFocus(d.m.indexOf(id))
					golden.RequireEqual(t, d.screen())
				})
			}
			m.cancelSession()
		}
		// Loading: the run has started and nothing has arrived.
		m := New(context.Background(), testConfig(srv, "good.example"))
		m.Update(teaSize(w, h))
		m.Update(openMsg{target: mustTarget(t, "good.example")})
		for _, id := range paneIDs() {
			t.Run(fmt.Sprintf("%s/loading/%dx%d", id, w, h), func(t *testing.T) {
				m.setFocus(m.indexOf(id))
				golden.RequireEqual(t, screenOf(m))
			})
		}
		m.cancelSession()
	}
}

func mustTarget(t testing.TB, s string) diag.Target {
	t.Helper()
	tg, err := diag.ParseTarget(s)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// TestGoldenScreens compares the screens around the panes: the input
// screen (plain, with the demo list and a recent target, with a refused
// target), the full help, the too-small message, and the Findings and DNS
// log panes with nothing in them.
func TestGoldenScreens(t *testing.T) {
	srv := goldenServer(t)
	for _, size := range goldenSizes {
		w, h := size[0], size[1]
		sz := fmt.Sprintf("%dx%d", w, h)
		t.Run("input/plain/"+sz, func(t *testing.T) {
			d := newDriver(t, New(context.Background(), testConfig(srv, "")), w, h)
			golden.RequireEqual(t, d.screen())
		})
		t.Run("input/demo/"+sz, func(t *testing.T) {
			cfg := testConfig(srv, "good.example")
			cfg.Demo = true
			d := newDriver(t, New(context.Background(), cfg), w, h)
			d.rewrite = stableLog
			d.idle()
			d.key("esc") // back to the input screen, the target in the field
			d.key("down", "down")
			golden.RequireEqual(t, d.screen())
		})
		t.Run("input/refused/"+sz, func(t *testing.T) {
			d := newDriver(t, New(context.Background(), testConfig(srv, "")), w, h)
			d.typeText("not a domain!")
			d.key("enter")
			golden.RequireEqual(t, d.screen())
		})
		t.Run("help/"+sz, func(t *testing.T) {
			d := openTarget(t, srv, "good.example", w, h)
			d.key("tab", "tab", "?")
			golden.RequireEqual(t, d.screen())
		})
		t.Run("findings/none/"+sz, func(t *testing.T) {
			d := newDriver(t, New(context.Background(), testConfig(srv, "good.example")), w, h)
			d.rewrite = func(msg tea.Msg) tea.Msg {
				if done, ok := msg.(kit.RunDoneMsg); ok {
					rep := *done.Report
					rep.Findings = nil
					done.Report = &rep
					return stableLog(done)
				}
				return stableLog(msg)
			}
			d.idle()
			d.m.setFocus(d.m.indexOf(finding.PartFindings))
			golden.RequireEqual(t, d.screen())
		})
		t.Run("dnslog/none/"+sz, func(t *testing.T) {
			d := newDriver(t, New(context.Background(), testConfig(srv, "good.example")), w, h)
			d.rewrite = func(msg tea.Msg) tea.Msg {
				if done, ok := msg.(kit.RunDoneMsg); ok {
					rep := *done.Report
					rep.Log = nil
					done.Report = &rep
					return done
				}
				return stableLog(msg)
			}
			d.idle()
			d.m.setFocus(d.m.indexOf(finding.PartDNSLog))
			golden.RequireEqual(t, d.screen())
		})
	}
	for _, size := range [][2]int{{59, 24}, {80, 19}, {40, 10}} {
		t.Run(fmt.Sprintf("toosmall/%dx%d", size[0], size[1]), func(t *testing.T) {
			d := openTarget(t, srv, "good.example", size[0], size[1])
			golden.RequireEqual(t, d.screen())
		})
	}
}
