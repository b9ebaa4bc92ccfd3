package tui

import (
	"context"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/zoneserver"
)

// startHeadersFlow runs the workbench under teatest on cfg.
func startHeadersFlow(t *testing.T, cfg Config, w, h int) *flow {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	f := &flow{t: t, vt: newVTScreen(w, h, true)}
	f.tm = teatest.NewTestModel(t, New(ctx, cfg), teatest.WithInitialTermSize(w, h))
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

// demoFlowConfig is the demo zone's server behind a test config.
func demoFlowConfig(t *testing.T, srv *zoneserver.Server) Config {
	cfg := testConfig(srv, "")
	cfg.Demo = true
	return cfg
}

// TestFlowPasteToSPFPath: paste the sample's headers on the input screen,
// read them with ctrl+d, see the hops; choose the origin hop and then the
// sending hop; enter opens the SPF tree with the sending IP's deciding path
// marked.
func TestFlowPasteToSPFPath(t *testing.T) {
	f := startHeadersFlow(t, demoFlowConfig(t, demoServer(t)), 80, 24)
	f.waitFor(`Domain, address, URL, or "IP DOMAIN":`)
	f.tm.Send(tea.PasteMsg{Content: string(demo.SampleMessage())})
	f.waitFor("Message headers", "ctrl+d read headers")
	f.keys("ctrl+d")
	f.waitFor("healthy.example · pasted headers", "[Hops]", "›2 sending", "✓ done")
	f.keys("k")
	f.waitFor("›1", "hop 1 of 3", "app01.mailer.example [10.20.30.40]")
	f.keys("j", "enter")
	f.waitFor("[SPF]", "IP 203.0.113.10", "✓ pass", "include:spf.mailer.example ◀", "a:relay.mailer.example ◀ matched: pass")
}

// TestFlowSignatureKey: in then vs now, the rotated signature's row and
// enter show its key (gone) in the DKIM pane; the s1 row shows s1's key
// tag by tag.
func TestFlowSignatureKey(t *testing.T) {
	cfg := demoFlowConfig(t, demoServer(t))
	cfg = withMessage(t, cfg, demo.SampleMessage(), demo.SampleName)
	f := startHeadersFlow(t, cfg, 120, 40)
	f.waitFor("healthy.example · sample.eml", "✓ done")
	f.keys("tab")
	f.waitFor("[Then", "dkim d=mailer.example s=es2025 ✓ pass      ✗ permerror changed")
	f.keys("j", "j", "j", "enter")
	f.waitFor("[DKIM]", "signature d=mailer.example s=es2025 (from the message)", "No key record was read")
	f.keys("shift+tab", "shift+tab", "shift+tab", "shift+tab", "k", "k", "enter")
	f.waitFor("[DKIM]", "signature d=healthy.example s=s1 (from the message)", "public key: 2048-bit RSA")
}

// TestFlowEditorKeysAreText: ctrl+e opens the editor; q, ?, e, r and y
// typed there are text; esc closes it and q then quits.
func TestFlowEditorKeysAreText(t *testing.T) {
	f := startHeadersFlow(t, demoFlowConfig(t, demoServer(t)), 80, 24)
	f.waitFor(`Domain, address, URL, or "IP DOMAIN":`)
	f.keys("ctrl+e")
	f.waitFor("Message headers", "every key is text here")
	f.tm.Type("X-Keys: q?ery")
	f.keys("enter", "tab")
	f.tm.Type("q")
	f.waitFor("1 X-Keys: q?ery", "2  q", "ctrl+d read headers")
	f.keys("esc")
	f.waitFor(`Domain, address, URL, or "IP DOMAIN":`)
	f.keys("ctrl+c")
	f.tm.WaitFinished(t, teatest.WithFinalTimeout(patience))
}

// TestFlowHeadersFile: a message given on the command line (read by
// cmd/mxray) opens straight on its hops; a real one against a server that
// refuses its names says so in then vs now.
func TestFlowHeadersFile(t *testing.T) {
	raw := headerSamples(t)[2]
	cfg := testConfig(demoServer(t), "")
	cfg = withMessage(t, cfg, raw.raw, raw.name)
	f := startHeadersFlow(t, cfg, 80, 24)
	f.waitFor("newsletters.cnn.com · fastmail-cnn-arc.eml", "[Hops]", "›1 sending", "── inside messagingengine.com (internal)")
	f.keys("tab")
	f.waitFor("[Then]", "spf                             ✓ pass      ? temperror unknown")
}

// TestFlowVerdicts: the Verdicts pane of the demo's sample opens on the
// why sentence; moving down reaches the verdict and its signals, each shown
// whole below with its raw value; y copies the signal; G scrolls to the
// last signal and g back to the why.
func TestFlowVerdicts(t *testing.T) {
	cfg := demoFlowConfig(t, demoServer(t))
	cfg = withMessage(t, cfg, demo.SampleMessage(), demo.SampleName)
	f := startHeadersFlow(t, cfg, 80, 24)
	f.waitFor("healthy.example · sample.eml", "✓ done", "[Hops]")
	f.keys("tab", "tab")
	f.waitFor("[Vrd]", "›Why SpamAssassin judged it not spam: score -2.1", "✓ SpamAssassin: not spam, score -2.1 of 5 · the receiver's",
		"── why", "today's re-check")
	f.keys("j", "j", "j")
	f.waitFor("›  BAYES_00", "── BAYES_00 (X-Spam-Status)", "raw: -1.9", "BODY: Bayes spam probability is 0 to 1% [score: 0.0000]")
	f.keys("y")
	f.waitFor("Copied 72 characters (OSC 52)")
	f.keys("G")
	f.waitFor("›  autolearn", "── autolearn", "Bayes auto-learning learned it as ham")
	f.keys("g")
	f.waitFor("›Why SpamAssassin", "── why")
}
