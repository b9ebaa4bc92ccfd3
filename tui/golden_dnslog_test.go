package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// withDemoNameservers is a config on the demo zone whose client reaches
// the demo's nameservers as mxray --demo does: ns1.changed.example is the
// demo's server, ns2 the stale one (both stopped when the test ends).
func withDemoNameservers(t testing.TB, target string) Config {
	t.Helper()
	srv := zoneservertest.New(t, demo.ZoneText())
	ns, err := demo.StartNameservers()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ns.Close() })
	cfg := testConfig(srv, target)
	cfg.NewClient = func(onQuery func(dnsclient.LogEntry)) *dnsclient.Client {
		return dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: time.Second, OnQuery: onQuery,
			ServerNames:    map[string]string{srv.Addr(): "the demo zone"},
			NameserverAddr: ns.NameserverAddr(srv.Addr())})
	}
	return cfg
}

// TestGoldenDNSLogPropagation compares the DNS log pane's "did it
// propagate?" view (p) of _dmarc.changed.example TXT at 80x24 and 120x40:
// ns2 serves yesterday's record and serial (go test ./tui -update rewrites
// them).
func TestGoldenDNSLogPropagation(t *testing.T) {
	for _, size := range goldenSizes {
		w, h := size[0], size[1]
		t.Run(fmt.Sprintf("%dx%d", w, h), func(t *testing.T) {
			m := New(context.Background(), withDemoNameservers(t, "changed.example"))
			t.Cleanup(func() { m.cancelSession() })
			d := newDriver(t, m, w, h)
			d.rewrite = stableLog
			d.idle()
			d.m.setFocus(d.m.indexOf(finding.PartDNSLog))
			d.key("/")
			d.typeText("_dmarc.changed")
			d.key("enter", "p")
			d.idle()
			golden.RequireEqual(t, d.screen())
			d.key("esc")
			if got := d.screen(); !containsAll(got, "_dmarc.changed.example", "p propagated?") {
				t.Errorf("esc did not return to the log:\n%s", got)
			}
		})
	}
}

// containsAll reports whether s holds every one of subs.
func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
