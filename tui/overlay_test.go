package tui

import (
	"strings"
	"testing"

	"github.com/mxray/mxray/diag/finding"
)

// TestHelpScrollsAt60x20: the full help at the smallest size shows its
// first lines and scrolls to its last; nothing of it is cut. Before, the
// help was cut at the body's height and its last lines never showed.
func TestHelpScrollsAt60x20(t *testing.T) {
	d := openTarget(t, goldenServer(t), "good.example", 60, 20)
	d.key("?")
	last := "never overwriting a file."
	if s := d.screen(); !strings.Contains(s, "── Keys") || strings.Contains(s, last) {
		t.Fatalf("the help's top:\n%s", s)
	}
	d.key("G")
	s := d.screen()
	if !strings.Contains(s, last) {
		t.Fatalf("G did not scroll the help to its end:\n%s", s)
	}
	for _, l := range strings.Split(s, "\n") {
		if strings.HasSuffix(strings.TrimRight(l, " "), "…") {
			t.Errorf("the help cuts a line: %q", l)
		}
	}
	d.key("esc")
	if d.m.overlay != nil || !strings.Contains(d.screen(), "MX       ✓") {
		t.Fatal("esc did not close the help")
	}
}

// TestDetailOverlay: v opens the focused item whole over the body (enter
// too where a pane has no other use for it), it scrolls, and esc, v or
// enter close it; the key's record is shown whole, never cut with "…".
func TestDetailOverlay(t *testing.T) {
	d := openTarget(t, blocklistDemo(t), "healthy.example", 60, 20)
	d.focusPane(finding.PartDKIM)
	d.key("enter")
	d.until("enter to open the key", func(m *Model) bool { return m.overlay != nil })
	s := d.screen()
	if !strings.Contains(s, "── DKIM key s1") || strings.Contains(s, "…") {
		t.Fatalf("the key's detail:\n%s", s)
	}
	d.key("G")
	if !strings.Contains(d.screen(), "public key: 2048-bit RSA") && !strings.Contains(d.screen(), "public key: Ed25519") {
		t.Fatalf("the detail did not scroll to the key's meaning:\n%s", d.screen())
	}
	d.key("esc")
	for _, k := range []string{"esc", "v", "enter"} {
		d.key("v")
		if d.m.overlay == nil {
			t.Fatal("v did not open the detail")
		}
		d.key(k)
		if d.m.overlay != nil {
			t.Fatalf("%s did not close the detail", k)
		}
	}
	// Other keys do not act under it.
	d.key("v")
	d.key("r")
	if d.m.overlay == nil || d.m.run.Busy() {
		t.Fatal("r acted under the detail")
	}
	d.key("q")
	d.until("q to quit from the detail", func(*Model) bool { return d.quit })
}
