package tui

import (
	"context"
	"sync/atomic"
	"testing"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag/finding"
)

// TestIdleNoTicks: the spinner ticks while something is in flight (the run,
// and a pane's own lookup after it) and an idle workbench asks for no
// timer at all: a tick that arrives once everything is in returns no
// command, and keys on an idle workbench start none. Before, a pane's own
// lookup after the run (an IP's verdict) froze the spinner: nothing
// ticked while it ran.
func TestIdleNoTicks(t *testing.T) {
	srv := goldenServer(t)
	m := New(context.Background(), testConfig(srv, "good.example"))
	d := newDriver(t, m, 80, 24)
	var ticked atomic.Int64
	d.rewrite = func(msg tea.Msg) tea.Msg {
		if _, ok := msg.(spinner.TickMsg); ok {
			ticked.Add(1)
		}
		return msg
	}
	t.Cleanup(func() { m.cancelSession() })
	d.idle()
	if ticked.Load() == 0 {
		t.Fatal("the spinner never ticked while the run was in flight")
	}
	// The tick already asked for comes back once, and asks for no other.
	d.until("the spinner to stop", func(m *Model) bool { return !m.spinning })
	if _, cmd := m.Update(m.spin.Tick()); cmd != nil {
		t.Fatal("a tick on an idle workbench asked for another")
	}
	for _, k := range []string{"j", "k", "v", "j", "esc", "?", "esc"} {
		if _, cmd := m.Update(keyPress(k)); ticks(cmd) {
			t.Fatalf("%s on an idle workbench started the spinner", k)
		}
	}

	// A pane's own lookup after the run: the spinner runs until it is in.
	d.focusPane(finding.PartSPF)
	d.key("i")
	d.typeText("192.0.2.10")
	d.update(keyPress("enter"))
	if !m.spinning {
		t.Fatal("the SPF pane's verdict is in flight and the spinner does not tick")
	}
	d.idle()
	d.until("the spinner to stop", func(m *Model) bool { return !m.spinning })
	if _, cmd := m.Update(m.spin.Tick()); cmd != nil {
		t.Fatal("a tick after the verdict asked for another")
	}
}

// ticks reports whether a command (a batch unpacked) asks for a spinner
// tick. Only commands that answer at once may be given.
func ticks(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	switch msg := cmd().(type) {
	case spinner.TickMsg:
		return true
	case tea.BatchMsg:
		for _, c := range msg {
			if ticks(c) {
				return true
			}
		}
	}
	return false
}

// TestIdleNoTicksAfterProbes: once the SMTP & TLS pane's probes (which
// may outlast the run) are all in, the spinner stops: a tick asks for no
// other.
func TestIdleNoTicksAfterProbes(t *testing.T) {
	srv := goldenServer(t)
	m := New(context.Background(), withDemoSMTP(t, srv, testConfig(srv, "broken.example")))
	d := newDriver(t, m, 80, 24)
	t.Cleanup(func() { m.cancelSession() })
	d.idle()
	if !m.quiet() {
		t.Fatal("idle returned with something in flight")
	}
	d.until("the spinner to stop", func(m *Model) bool { return !m.spinning })
	if _, cmd := m.Update(m.spin.Tick()); cmd != nil {
		t.Fatal("a tick after the probes asked for another")
	}
}
