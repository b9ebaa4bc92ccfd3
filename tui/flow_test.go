package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// flow runs the workbench in a real tea.Program (teatest) and watches the
// screen it draws through the vtScreen emulator.
type flow struct {
	t  *testing.T
	tm *teatest.TestModel
	vt *vtScreen
}

func startFlow(t *testing.T, srv *zoneserver.Server, target string, w, h int) *flow {
	t.Helper()
	return startFlowWith(t, testConfig(srv, target), w, h)
}

// startFlowWith is startFlow on cfg.
func startFlowWith(t *testing.T, cfg Config, w, h int) *flow {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	m := New(ctx, cfg)
	// teatest gives the program no terminal, so Bubble Tea writes as for
	// a tty that maps LF to CR LF.
	f := &flow{t: t, vt: newVTScreen(w, h, true)}
	f.tm = teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))
	t.Cleanup(func() {
		if err := f.tm.Quit(); err != nil {
			t.Log(err)
		}
		if u := f.vt.Unknown(); len(u) > 0 {
			t.Errorf("the emulator met sequences it does not know: %q", u)
		}
	})
	return f
}

// waitFor waits until the screen shows every one of the texts.
func (f *flow) waitFor(texts ...string) {
	f.t.Helper()
	fed := 0
	teatest.WaitFor(screenTB{f.t, f.vt, texts}, f.tm.Output(), func(b []byte) bool {
		_, _ = f.vt.Write(b[fed:])
		fed = len(b)
		screen := f.vt.String()
		for _, s := range texts {
			if !strings.Contains(screen, s) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(patience), teatest.WithCheckInterval(5*time.Millisecond))
}

// screenTB fails a WaitFor with the emulated screen rather than the raw
// bytes.
type screenTB struct {
	*testing.T
	vt   *vtScreen
	want []string
}

func (s screenTB) Fatal(args ...any) {
	s.T.Helper()
	s.T.Fatalf("the screen never showed %q; it shows:\n%s", s.want, s.vt.String())
}

// keys sends key presses by name.
func (f *flow) keys(names ...string) {
	for _, n := range names {
		f.tm.Send(keyPress(n))
	}
}

// resize tells the program (and the emulator) the terminal changed size.
func (f *flow) resize(w, h int) {
	f.vt.Resize(w, h)
	f.tm.Send(tea.WindowSizeMsg{Width: w, Height: h})
}

// TestFlowDomainToResults: type a domain on the input screen, get the
// results pane by pane.
func TestFlowDomainToResults(t *testing.T) {
	f := startFlow(t, goldenServer(t), "", 80, 24)
	f.waitFor(`Domain, address, URL, or "IP DOMAIN":`)
	f.tm.Type("good.example")
	f.keys("enter")
	f.waitFor("mxray  good.example", "✓ done", "DMARC    ✓ p=reject", "SPF      ✓ ok · 5/10 lookups")
}

// TestFlowIPPathAndWhatIf: an IP typed in the SPF pane gets its verdict
// with the deciding path marked; a what-if edit changes the verdict.
func TestFlowIPPathAndWhatIf(t *testing.T) {
	f := startFlow(t, goldenServer(t), "good.example", 80, 24)
	f.waitFor("✓ done")
	f.keys("tab", "tab", "i")
	f.tm.Type("203.0.113.10")
	f.keys("enter")
	f.waitFor("✓ pass · 5/10 lookups", "include:spf.esp.example ◀", "a:relay.esp.example ◀ matched: pass")
	f.keys("w", "ctrl+u")
	f.tm.Type("v=spf1 mx -all")
	f.waitFor("WHAT-IF ✗ fail", "-all ◀ matched: fail", "(published: pass)")
}

// TestFlowFindingJump: enter on a finding opens its pane at its node.
func TestFlowFindingJump(t *testing.T) {
	f := startFlow(t, goldenServer(t), "mixed.example", 80, 24)
	f.waitFor("✓ done")
	f.keys("shift+tab", "shift+tab", "/")
	f.tm.Type("spf.loop")
	f.keys("enter")
	f.waitFor("/spf.loop", "1/")
	f.keys("enter")
	f.waitFor("[SPF", "── _loop2.mixed.example")
}

// TestFlowResize: down to the minimum (abbreviated tabs), below it (the
// too-small message), up to two columns (full tab titles), and back.
func TestFlowResize(t *testing.T) {
	f := startFlow(t, goldenServer(t), "good.example", 80, 24)
	f.waitFor("✓ done", "[Ovw]│ MX │ SPF │")
	f.resize(60, 20)
	f.waitFor("[Ovw]│ MX │ SPF │ DKIM │ DMARC │ DNSBL │ SMTP │ Find │ Log")
	f.resize(59, 20)
	f.waitFor("Terminal too small", "59x20; mxray needs at least 60x20.")
	f.resize(120, 40)
	f.waitFor("[Overview]│ MX & PTR │ SPF tree", "╭─▸ Overview", "╭── Findings", "╭── SPF tree")
	f.resize(80, 24)
	f.waitFor("[Ovw]│ MX │ SPF │", "MX       ✓ 3 hosts")
}

// TestFlowHelpAndQuit: ? shows every key, esc closes it, q quits.
func TestFlowHelpAndQuit(t *testing.T) {
	f := startFlow(t, goldenServer(t), "good.example", 80, 24)
	f.waitFor("✓ done")
	f.keys("?")
	f.waitFor("── Keys ──", "shift+tab previous pane", "e      export .md", "esc closes")
	f.keys("esc")
	f.waitFor("MX       ✓ 3 hosts")
	f.keys("q")
	f.tm.WaitFinished(t, teatest.WithFinalTimeout(patience))
	if _, ok := f.tm.FinalModel(t).(*Model); !ok {
		t.Fatal("the program did not end with the workbench model")
	}
}

// TestFlowVerdictTable: several addresses typed in the SPF pane give a
// verdict table; moving to a row moves the tree's ◀ path to that address;
// v opens the row's verdict whole and esc closes it.
func TestFlowVerdictTable(t *testing.T) {
	f := startFlow(t, goldenServer(t), "good.example", 80, 24)
	f.waitFor("✓ done")
	f.keys("tab", "tab", "i")
	f.tm.Type("203.0.113.10, 198.51.100.99")
	f.keys("enter")
	f.waitFor("IP 2 addresses", "›203.0.113.10 ◀", "include:spf.esp.example ◀")
	f.keys("j")
	f.waitFor("›198.51.100.99 ◀", "-all ◀ matched: fail")
	f.keys("v")
	f.waitFor("── SPF verdict", "Verdict for 198.51.100.99", "Result      fail")
	f.keys("esc")
	f.waitFor("›198.51.100.99 ◀")
}

// TestFlowSMTP: the SMTP & TLS pane probes the demo's mail servers when
// the MX answers arrive and fills with each verdict; the cursor selects an
// address and enter opens it in the MX & PTR pane.
func TestFlowSMTP(t *testing.T) {
	srv := zoneservertest.New(t, demo.ZoneText())
	f := startFlowWith(t, withDemoSMTP(t, srv, testConfig(srv, "broken.example")), 80, 24)
	f.waitFor("✓ done")
	f.keys("tab", "tab", "tab", "tab", "tab", "tab")
	f.waitFor("[SMTP]", "! cert_invalid", "! no_starttls", "! tarpit", "3 addresses · 1 cert_invalid")
	f.keys("down", "down")
	f.waitFor("── mx2.broken.example · 198.51.100.26", "(slow on purpose)")
	f.keys("enter")
	f.waitFor("[MX]", "198.51.100.26 → no PTR record")
}
