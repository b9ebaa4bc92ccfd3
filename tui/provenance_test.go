package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxray/mxray/diag"
)

// TestExportCarriesProvenance: the Markdown report e writes ends with which
// mxray made it, when the run began and from which DNS, as the command
// line's reports do.
func TestExportCarriesProvenance(t *testing.T) {
	srv := goldenServer(t)
	dir := t.TempDir()
	cfg := testConfig(srv, "good.example")
	cfg.ExportDir = dir
	cfg.Provenance = &diag.Provenance{Version: "v9.9.9", Mode: diag.ModeResolver, Resolvers: []string{"192.0.2.53:53"}}
	d := newDriver(t, New(context.Background(), cfg), 80, 24)
	d.idle()
	d.key("e")
	d.until("the export", func(m *Model) bool { return strings.Contains(m.flash, "mxray-good.example.md") })
	b, err := os.ReadFile(filepath.Join(dir, "mxray-good.example.md"))
	if err != nil {
		t.Fatal(err)
	}
	want := "mxray v9.9.9 · " + fixedNow().Format("2006-01-02T15:04:05Z") + " · DNS: 192.0.2.53:53\n"
	if !strings.HasSuffix(string(b), want) {
		t.Errorf("the export does not end with %q:\n%s", want, b)
	}
}
