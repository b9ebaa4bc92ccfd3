package tui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/dmarcreport"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// openReports opens a model straight on the demo's reports (as mxray FILE
// does with a report file) at w×h and waits until the investigation, the
// naming of every source and every pane's lookups are done.
func openReports(t testing.TB, srv *zoneserver.Server, w, h int) *driver {
	t.Helper()
	cfg := testConfig(srv, "")
	cfg.Reports = demo.ReportInputs()
	return openIdle(t, cfg, w, h)
}

// TestGoldenReportsPane compares the Reports pane on the demo's reports
// (loading, loaded, a source chosen further down) and the SPF pane after
// enter on the failing CRM source, at 80x24 and 120x40 (go test ./tui
// -update rewrites them).
func TestGoldenReportsPane(t *testing.T) {
	srv := zoneservertest.New(t, demo.ZoneText())
	for _, size := range goldenSizes {
		w, h := size[0], size[1]
		sz := fmt.Sprintf("%dx%d", w, h)
		t.Run("reports/loading/"+sz, func(t *testing.T) {
			// Read, and nothing named yet.
			m := New(context.Background(), testConfig(srv, ""))
			m.Update(teaSize(w, h))
			m.Update(reportsReadMsg{set: dmarcreport.Read(context.Background(), demo.ReportInputs(), dmarcreport.Limits{})})
			defer m.cancelSession()
			golden.RequireEqual(t, screenOf(m))
		})
		d := openReports(t, srv, w, h)
		t.Run("reports/loaded/"+sz, func(t *testing.T) {
			golden.RequireEqual(t, d.screen())
		})
		t.Run("reports/crm/"+sz, func(t *testing.T) {
			d.key("down")
			d.idle() // the SPF verdict of the IP selected, in the overview
			golden.RequireEqual(t, d.screen())
		})
		t.Run("spf/crm-what-if/"+sz, func(t *testing.T) {
			d.key("enter")
			d.idle()
			golden.RequireEqual(t, d.screen())
		})
	}
}

// TestReportsExport: e on a run of reports writes their readiness answer
// as Markdown, named after the domain investigated.
func TestReportsExport(t *testing.T) {
	srv := zoneservertest.New(t, demo.ZoneText())
	cfg := testConfig(srv, "")
	cfg.Reports = demo.ReportInputs()
	cfg.ExportDir = t.TempDir()
	d := openIdle(t, cfg, 80, 24)
	d.key("e")
	want := filepath.Join(cfg.ExportDir, "mxray-reports-healthy.example.md")
	d.until("the export", func(m *Model) bool {
		return strings.Contains(m.flash, "mxray-reports-healthy.example.md in "+cfg.ExportDir)
	})
	b, err := os.ReadFile(want)
	if err != nil || !strings.Contains(string(b), "## Readiness of healthy.example") || !strings.Contains(string(b), "include:\\_spf.crm.example") {
		t.Fatalf("%v\n%s", err, b)
	}
}
