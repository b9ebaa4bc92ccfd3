package tui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

var (
	// probeTiming is the Timing line of a probed address: its
	// milliseconds differ from run to run.
	probeTiming = regexp.MustCompile(`ms: connect [\d-]+ · greeting [\d-]+ · EHLO [\d-]+ · TLS [\d-]+`)
	// certUntil is a demo certificate's notAfter: made at start.
	certUntil = regexp.MustCompile(`until \d{4}-\d\d-\d\d`)
)

// stableProbeScreen blanks what differs from run to run in a probe's
// screen, keeping every line's width: the milliseconds and the dates of
// the certificates the demo makes at start.
func stableProbeScreen(s string) string {
	s = certUntil.ReplaceAllString(s, "until 2026-01-01")
	return probeTiming.ReplaceAllStringFunc(s, func(m string) string {
		const fixed = "ms: connect N · greeting N · EHLO N · TLS N"
		return fixed + strings.Repeat(" ", max(0, utf8.RuneCountInString(m)-utf8.RuneCountInString(fixed)))
	})
}

// TestGoldenSMTP compares the SMTP & TLS pane on the demo at 80x24 and
// 120x40: healthy.example (every address ok, DANE matching, DNSSEC
// secure) and broken.example (the certificate name mismatch, the missing
// STARTTLS and the tarpit), its first row and its tarpit row selected;
// then the pane with the probe off (--no-probe), and before the MX
// answers (go test ./tui -update rewrites them).
func TestGoldenSMTP(t *testing.T) {
	srv := zoneservertest.New(t, demo.ZoneText())
	for _, size := range goldenSizes {
		w, h := size[0], size[1]
		for _, target := range []string{"healthy.example", "broken.example"} {
			cfg := withDemoSMTP(t, srv, testConfig(srv, target))
			cfg.Demo = true
			m := New(context.Background(), cfg)
			d := newDriver(t, m, w, h)
			d.rewrite = stableLog
			d.idle()
			d.m.setFocus(d.m.indexOf(finding.PartSMTP))
			t.Run(fmt.Sprintf("%s/%dx%d", target, w, h), func(t *testing.T) {
				golden.RequireEqual(t, stableProbeScreen(d.screen()))
			})
			if target == "broken.example" {
				d.key("down", "down")
				d.idle() // the address is selected everywhere: the SPF verdict of it arrives
				t.Run(fmt.Sprintf("%s-tarpit/%dx%d", target, w, h), func(t *testing.T) {
					golden.RequireEqual(t, stableProbeScreen(d.screen()))
				})
			}
			m.cancelSession()
		}
		t.Run(fmt.Sprintf("off/%dx%d", w, h), func(t *testing.T) {
			d := openTarget(t, srv, "healthy.example", w, h)
			d.m.setFocus(d.m.indexOf(finding.PartSMTP))
			golden.RequireEqual(t, d.screen())
		})
		t.Run(fmt.Sprintf("loading/%dx%d", w, h), func(t *testing.T) {
			m := New(context.Background(), withDemoSMTP(t, srv, testConfig(srv, "healthy.example")))
			m.Update(teaSize(w, h))
			m.Update(openMsg{target: mustTarget(t, "healthy.example")})
			m.setFocus(m.indexOf(finding.PartSMTP))
			golden.RequireEqual(t, screenOf(m))
			m.cancelSession()
		})
	}
}

// TestSMTPReachesTheRun: what the pane's probe found joins the run: the
// findings list has its findings, and the exported report its section;
// y copies the selected address's verdict.
func TestSMTPReachesTheRun(t *testing.T) {
	srv := zoneservertest.New(t, demo.ZoneText())
	cfg := withDemoSMTP(t, srv, testConfig(srv, "broken.example"))
	cfg.ExportDir = t.TempDir()
	d := newDriver(t, New(context.Background(), cfg), 80, 24)
	d.idle()
	codes := map[string]bool{}
	for _, f := range d.m.run.Findings() {
		codes[f.Code+" "+f.Subject.String()] = true
	}
	for _, want := range []string{"smtp.cert_name_mismatch mx1.broken.example/198.51.100.10", "smtp.no_starttls mx2.broken.example/198.51.100.25", "smtp.tarpit mx2.broken.example/198.51.100.26", "mx.cname mx1.broken.example"} {
		if !codes[want] {
			t.Errorf("the run's findings lack %q", want)
		}
	}
	d.focusPane(finding.PartSMTP)
	d.key("y")
	d.until("the copy", func(*Model) bool { return len(d.copied) == 1 })
	if !strings.HasPrefix(d.copied[0], "SMTP mx1.broken.example 198.51.100.10 port 25: cert_invalid banner real.broken.example TLS 1.3") {
		t.Errorf("copied %q", d.copied[0])
	}
	d.key("e")
	d.until("the export", func(m *Model) bool { return strings.Contains(m.flash, "Report written") })
	b, err := os.ReadFile(filepath.Join(cfg.ExportDir, "mxray-broken.example.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## SMTP and TLS", "| mx2.broken.example | 198.51.100.26 | tarpit | TLS 1.3 |", "WARNING smtp.tarpit"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the export lacks %q:\n%s", want, b)
		}
	}
}
