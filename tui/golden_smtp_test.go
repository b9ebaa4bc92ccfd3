package tui

import (
	"context"
	"fmt"
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
