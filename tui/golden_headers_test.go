package tui

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// headerSample is a message the header panes are compared on.
type headerSample struct {
	name string
	raw  []byte
}

// headerSamples are the demo's sample (answered by the demo zone: a
// rotated key, SPF decided two records deep) and two real messages from
// testdata/headers, whose names the demo zone does not serve: the server
// REFUSES them, so today's column is deterministic.
func headerSamples(t testing.TB) []headerSample {
	out := []headerSample{{"demo", demo.SampleMessage()}}
	for _, f := range []string{"gmail-forwarded-arc-i2-pass2.eml", "fastmail-cnn-arc.eml"} {
		raw, err := os.ReadFile("../testdata/headers/" + f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, headerSample{f, raw})
	}
	return out
}

// openHeaders opens a model straight on a message (as mxray FILE.eml
// does) at w×h and waits until the investigation, the re-check and every
// pane's lookups are done.
func openHeaders(t testing.TB, srv *zoneserver.Server, name string, raw []byte, w, h int) *driver {
	t.Helper()
	return openIdle(t, withMessage(t, testConfig(srv, ""), raw, name), w, h)
}

// openIdle starts a model on cfg at w×h, with stable DNS logs, and waits
// until everything it started is done.
func openIdle(t testing.TB, cfg Config, w, h int) *driver {
	t.Helper()
	m := New(context.Background(), cfg)
	d := newDriver(t, m, w, h)
	d.rewrite = stableLog
	t.Cleanup(func() {
		if m.cancelSession != nil {
			m.cancelSession()
		}
	})
	d.idle()
	return d
}

// TestGoldenHeaderPanes compares the hops and then-vs-now panes, and the
// Overview with the message's verdicts, at 80x24 and 120x40 for the demo's
// sample and two real messages (go test ./tui -update rewrites them).
func TestGoldenHeaderPanes(t *testing.T) {
	eachHeaderScreen(t, headerSamples(t), func(d *driver, name string, w, h int) {
		for _, id := range []finding.Part{finding.PartHops, finding.PartThenNow, finding.PartOverview} {
			t.Run(fmt.Sprintf("%s/%s/%dx%d", id, name, w, h), func(t *testing.T) {
				d.m.setFocus(d.m.indexOf(id))
				golden.RequireEqual(t, d.screen())
			})
		}
	})
}

// eachHeaderScreen opens each sample at each golden size (against the demo
// zone, which refuses the real samples' names) and hands the driver to do.
func eachHeaderScreen(t *testing.T, samples []headerSample, do func(d *driver, name string, w, h int)) {
	srv := zoneservertest.New(t, demo.ZoneText())
	for _, size := range goldenSizes {
		for _, s := range samples {
			do(openHeaders(t, srv, s.name, s.raw, size[0], size[1]), s.name, size[0], size[1])
		}
	}
}
