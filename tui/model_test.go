package tui

import (
	"context"
	"image/color"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/miekg/dns"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
	"github.com/mxray/mxray/spf"
	"github.com/mxray/mxray/tui/kit"
)

// focusPane moves the focus with tab until id has it.
func (d *driver) focusPane(id finding.Part) {
	d.t.Helper()
	for range len(d.m.panes) {
		if d.m.focused().ID() == id {
			return
		}
		d.key("tab")
	}
	d.t.Fatalf("tab never reached %s", id)
}

// TestTextFieldKeys: while a text field has focus every printable key is
// text (q, ?, y, e, r, / do nothing else); tab leaves the field; esc
// leaves it; ctrl+c still quits.
func TestTextFieldKeys(t *testing.T) {
	srv := goldenServer(t)
	d := openTarget(t, srv, "good.example", 80, 24)
	d.focusPane(finding.PartSPF)
	d.key("i")
	if !d.m.editing() {
		t.Fatal("i did not give the IP field focus")
	}
	d.typeText("q?yer/w")
	p := spfOf(d.m)
	if s := d.screen(); !strings.Contains(s, "IP q?yer/w") {
		t.Fatalf("the field does not hold every key as text:\n%s", s)
	}
	if d.quit || d.m.showHelp || len(d.copied) > 0 || d.m.flash != "" {
		t.Fatalf("a key acted while the field had focus: quit=%v help=%v copied=%v flash=%q", d.quit, d.m.showHelp, d.copied, d.m.flash)
	}
	d.key("enter")
	if !strings.Contains(d.screen(), "not an IPv4 or IPv6 address") {
		t.Fatalf("a bad IP was not refused under the field:\n%s", d.screen())
	}
	d.key("tab")
	if d.m.focused().ID() != finding.PartDKIM || p.Editing() {
		t.Fatalf("tab left focus on %s (editing %v)", d.m.focused().ID(), p.Editing())
	}
	d.key("shift+tab", "i", "esc")
	if p.Editing() {
		t.Fatal("esc did not leave the field")
	}
	d.key("i", "ctrl+c")
	d.until("the quit", func(*Model) bool { return d.quit })
	if !d.quit {
		t.Fatal("ctrl+c did not quit from a text field")
	}
}

// TestInputScreenKeys: q is text on the input screen; a refused target
// keeps the text; esc clears; a demo domain opens with enter.
func TestInputScreenKeys(t *testing.T) {
	srv := goldenServer(t)
	cfg := testConfig(srv, "")
	cfg.Demo = true
	d := newDriver(t, New(context.Background(), cfg), 80, 24)
	d.typeText("q")
	if d.quit || d.m.input.field.Value() != "q" {
		t.Fatalf("q was not text: quit=%v field=%q", d.quit, d.m.input.field.Value())
	}
	d.key("backspace")
	d.update(tea.PasteMsg{Content: "bad target here"})
	d.key("enter")
	if d.m.screen != screenInput || d.m.input.field.Value() != "bad target here" || d.m.input.err == "" {
		t.Fatalf("refused target: screen=%v field=%q err=%q", d.m.screen, d.m.input.field.Value(), d.m.input.err)
	}
	d.key("esc")
	if d.m.input.field.Value() != "" || d.m.input.err != "" {
		t.Fatal("esc did not clear the field and the error")
	}
	d.typeText("Good.Example.")
	d.key("enter")
	d.until("the run to start", func(m *Model) bool { return m.run != nil })
	if d.m.screen != screenWorkbench || d.m.run.target.Domain != "good.example" {
		t.Fatalf("enter did not open good.example: %+v", d.m.run)
	}
	d.idle()
	d.key("esc")
	if d.m.screen != screenInput || d.m.input.field.Value() != "Good.Example." {
		t.Fatalf("esc on an idle workbench: screen=%v field=%q", d.m.screen, d.m.input.field.Value())
	}
	if items := d.m.input.items(); len(items) != 6 || items[5].target != "Good.Example." || items[3].kind != itemSample || items[4].kind != itemReports {
		t.Fatalf("recent targets missing from the list: %+v", items)
	}
	d.key("esc", "esc")
	if d.m.screen != screenWorkbench {
		t.Fatal("esc on an empty input screen did not go back to the workbench")
	}
}

// TestStaleRepliesDropped: messages of an earlier run, and verdicts of an
// earlier request, change nothing.
func TestStaleRepliesDropped(t *testing.T) {
	srv := goldenServer(t)
	d := openTarget(t, srv, "good.example", 80, 24)
	oldRun := d.m.run.id
	oldReport := d.m.run.report
	d.update(openMsg{target: mustTarget(t, "mixed.example")})
	d.idle()
	cur := d.m.run.report
	if cur.Domain != "mixed.example" {
		t.Fatalf("run is on %s", cur.Domain)
	}
	d.update(kit.PartMsg{Run: oldRun, Part: "spf", Report: oldReport})
	d.update(kit.RunDoneMsg{Run: oldRun, Report: oldReport})
	if d.m.run.report != cur || spfOf(d.m).Tree() != cur.SPF.Tree {
		t.Fatal("a stale run's reply replaced the current report")
	}
	// A verdict of the earlier run, and one nobody asked for in this run
	// (the SPF pane's own test drops those of an earlier request).
	p := spfOf(d.m)
	stale := &spf.Verdict{IP: netip.MustParseAddr("192.0.2.99"), Result: spf.Pass}
	d.update(kit.VerdictMsg{Run: oldRun, Req: 1, IP: stale.IP, Verdict: stale})
	d.update(kit.VerdictMsg{Run: d.m.run.id, Req: 0, IP: stale.IP, Verdict: stale})
	if p.Verdict() != nil {
		t.Fatal("a stale verdict was taken")
	}
}

// TestSelectionLinksPanes: an MX address selected in the MX pane is
// evaluated in the SPF pane; an IP typed in the SPF pane gets a PTR check
// in the MX pane and its verdict on the overview.
func TestSelectionLinksPanes(t *testing.T) {
	srv := goldenServer(t)
	d := openTarget(t, srv, "good.example", 120, 40)
	d.focusPane(finding.PartMX)
	d.key("down") // mx2.good.example 192.0.2.20
	d.idle()
	p := spfOf(d.m)
	if v := p.Verdict(); p.IP() != netip.MustParseAddr("192.0.2.20") || v == nil || v.Result != spf.Pass {
		t.Fatalf("SPF pane after selecting 192.0.2.20: ip %v verdict %+v", p.IP(), v)
	}
	if m := p.Verdict().Matched; m == nil || m.Term != "mx" {
		t.Fatalf("192.0.2.20 should pass by the mx term: %+v", m)
	}
	d.focusPane(finding.PartSPF)
	d.key("i", "ctrl+u")
	d.typeText("203.0.113.10")
	d.key("enter")
	d.idle()
	if _, ptr := mxOf(d.m).SelectedIP(); ptr == nil || len(ptr.PTR) != 1 || ptr.PTR[0] != "relay.esp.example" || !ptr.FCrDNS {
		t.Fatalf("MX pane PTR check of 203.0.113.10: %+v", ptr)
	}
	screen := d.screen()
	for _, want := range []string{"pass · for 203.0.113.10", "a:relay.esp.example ◀ matched: pass", "include:spf.esp.example ◀"} {
		if !strings.Contains(screen, want) {
			t.Errorf("screen lacks %q:\n%s", want, screen)
		}
	}
}

// TestWhatIfChangesVerdict: editing the top record recomputes the tree
// and the verdict; esc twice restores the published ones.
func TestWhatIfChangesVerdict(t *testing.T) {
	srv := goldenServer(t)
	d := openTarget(t, srv, "203.0.113.10 good.example", 80, 24)
	p := spfOf(d.m)
	if v := p.Verdict(); v == nil || v.Result != spf.Pass {
		t.Fatalf("IP DOMAIN target: verdict %+v", v)
	}
	d.focusPane(finding.PartSPF)
	d.key("w", "ctrl+u")
	d.typeText("v=spf1 mx include:_spf.good.example -all")
	d.idle()
	// The edited record: 3 lookups in the worst case (the published 4).
	if s := d.screen(); !strings.Contains(s, "WHAT-IF ✗ fail") || !strings.Contains(s, "(published: pass)") || !strings.Contains(s, "worst case 3/10 lookups") {
		t.Fatalf("what-if screen:\n%s", s)
	}
	d.key("esc", "esc")
	if s := d.screen(); strings.Contains(s, "WHAT-IF") || !strings.Contains(s, "✓ pass") {
		t.Fatalf("esc did not restore the published tree:\n%s", d.screen())
	}
}

// TestFindingJumps: enter on a finding focuses its pane and puts the
// cursor on its node.
func TestFindingJumps(t *testing.T) {
	srv := goldenServer(t)
	d := openTarget(t, srv, "mixed.example", 80, 24)
	d.focusPane(finding.PartFindings)
	d.key("/")
	d.typeText("spf.loop")
	d.key("enter", "enter")
	d.until("the jump", func(m *Model) bool { return m.focused().ID() != finding.PartFindings })
	if d.m.focused().ID() != finding.PartSPF {
		t.Fatalf("focus on %s after enter on spf.loop", d.m.focused().ID())
	}
	if s := d.screen(); !strings.Contains(s, "── _loop2.mixed.example") {
		t.Fatalf("the cursor is not on the _loop2.mixed.example record:\n%s", s)
	}
	d.focusPane(finding.PartFindings)
	d.key("esc") // clears the filter
	d.key("/")
	d.typeText("mx.cname")
	d.key("enter", "enter")
	d.until("the jump", func(m *Model) bool { return m.focused().ID() != finding.PartFindings })
	if d.m.focused().ID() != finding.PartMX || !strings.Contains(d.screen(), "── mx1.mixed.example") {
		t.Fatalf("mx.cname did not open the MX host:\n%s", d.screen())
	}
}

// TestEscCancelsThenBacksOut: esc while running cancels (what arrived
// stays, the rest says so); esc again goes to the input screen.
func TestEscCancelsThenBacksOut(t *testing.T) {
	srv := zoneservertest.New(t, workbenchZone)
	defer srv.Hold(dns.Fqdn("_dmarc.good.example"))()
	m := New(context.Background(), testConfig(srv, "good.example"))
	d := newDriver(t, m, 80, 24)
	d.until("the SPF part", func(m *Model) bool {
		return m.run != nil && m.run.report != nil && m.run.report.SPF != nil
	})
	d.key("esc")
	d.until("the cancelled run to end", func(m *Model) bool { return m.run.done })
	if !m.run.cancelled {
		t.Fatal("run not marked cancelled")
	}
	s := d.screen()
	for _, want := range []string{"cancelled", "DMARC    ? not finished", "SPF      ✓ ok"} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}
	d.key("esc")
	if m.screen != screenInput {
		t.Fatal("esc on a finished run did not go to the input screen")
	}
}

// TestRerunKeepsFocusAndIP: r investigates the same target again,
// keeping the focus and the IP under test.
func TestRerunKeepsFocusAndIP(t *testing.T) {
	srv := goldenServer(t)
	d := openTarget(t, srv, "good.example", 80, 24)
	d.focusPane(finding.PartSPF)
	d.key("i")
	d.typeText("192.0.2.10")
	d.key("enter")
	d.idle()
	first := d.m.run.id
	d.key("r")
	d.idle()
	p := spfOf(d.m)
	if d.m.run.id == first || d.m.focused().ID() != finding.PartSPF {
		t.Fatalf("re-run: run %d (was %d), focus %s", d.m.run.id, first, d.m.focused().ID())
	}
	if v := p.Verdict(); p.IP() != netip.MustParseAddr("192.0.2.10") || v == nil || v.Result != spf.Pass {
		t.Fatalf("re-run lost the IP or its verdict: %v %+v", p.IP(), v)
	}
}

// TestExportNeverOverwrites: e writes a new file each time (-1, -2 ...)
// and leaves an existing one alone.
func TestExportNeverOverwrites(t *testing.T) {
	srv := goldenServer(t)
	dir := t.TempDir()
	keep := filepath.Join(dir, "mxray-good.example.md")
	if err := os.WriteFile(keep, []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(srv, "good.example")
	cfg.ExportDir = dir
	d := newDriver(t, New(context.Background(), cfg), 80, 24)
	d.idle()
	for _, want := range []string{"mxray-good.example-1.md", "mxray-good.example-2.md"} {
		d.key("e")
		d.until("the export", func(m *Model) bool { return strings.Contains(m.flash, want) })
		b, err := os.ReadFile(filepath.Join(dir, want))
		if err != nil || !strings.Contains(string(b), "good.example") || !strings.Contains(string(b), "v=spf1 mx include:_spf.good.example") {
			t.Fatalf("%s: %v\n%s", want, err, b)
		}
	}
	if b, _ := os.ReadFile(keep); string(b) != "mine" {
		t.Fatalf("the existing file was overwritten: %q", b)
	}
	if d.m.flash != "Report written to mxray-good.example-2.md in "+dir {
		t.Fatalf("path not shown: %q", d.m.flash)
	}
}

// TestExportNoticeNamesFile: the notice on the screen names the file even
// at 60 columns and in a deep directory (it used to give the whole path
// first, so the help bar cut the file's name off).
func TestExportNoticeNamesFile(t *testing.T) {
	srv := goldenServer(t)
	dir := filepath.Join(t.TempDir(), "a-rather-long-directory-name", "and-another-one-below-it")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(srv, "good.example")
	cfg.ExportDir = dir
	d := newDriver(t, New(context.Background(), cfg), 60, 20)
	d.idle()
	d.key("e")
	d.until("the export", func(m *Model) bool { return strings.Contains(m.flash, "written to") })
	lines := strings.Split(d.screen(), "\n")
	if last := lines[len(lines)-1]; !strings.Contains(last, "Report written to mxray-good.example.md") {
		t.Fatalf("the notice does not name the file: %q", last)
	}
}

// TestCopy: y copies the focused item (a finding with its fix, a record,
// a verdict) through OSC 52.
func TestCopy(t *testing.T) {
	srv := goldenServer(t)
	d := openTarget(t, srv, "203.0.113.10 good.example", 80, 24)
	copyNow := func() {
		n := len(d.copied)
		d.key("y")
		d.until("the copy", func(*Model) bool { return len(d.copied) == n+1 })
	}
	d.focusPane(finding.PartFindings)
	copyNow()
	d.focusPane(finding.PartDKIM)
	copyNow()
	d.focusPane(finding.PartSPF)
	copyNow()
	d.key("G") // the last row: the matched term
	copyNow()
	want := []string{"", "s1._domainkey.good.example TXT v=DKIM1; k=ed25519;", "good.example TXT v=spf1 mx", "203.0.113.10 pass for good.example via good.example > spf.esp.example: a:relay.esp.example"}
	want[0] = "INFO bimi.no_record (default._bimi.good.example): No BIMI record"
	for i, w := range want {
		if !strings.HasPrefix(d.copied[i], w) {
			t.Errorf("copy %d = %q, want prefix %q", i, d.copied[i], w)
		}
	}
	if !strings.Contains(d.copied[0], "\nFix: ") {
		t.Errorf("finding copied without its fix: %q", d.copied[0])
	}
}

// TestNothingOverflows draws every pane of a loaded run at many sizes and
// checks every line is exactly the terminal's width and there are exactly
// its height of lines, in Unicode and in ASCII.
func TestNothingOverflows(t *testing.T) {
	srv := goldenServer(t)
	for _, ascii := range []bool{false, true} {
		cfg := testConfig(srv, "203.0.113.10 mixed.example")
		cfg.ASCII = ascii
		m := New(context.Background(), cfg)
		d := newDriver(t, m, 80, 24)
		d.idle()
		for w := 60; w <= 200; w += 13 {
			for h := 20; h <= 60; h += 9 {
				d.update(teaSize(w, h))
				for i := range m.panes {
					m.setFocus(i)
					view := m.View().Content
					lines := strings.Split(view, "\n")
					if len(lines) != h {
						t.Fatalf("%dx%d %s: %d lines", w, h, m.focused().ID(), len(lines))
					}
					for n, l := range lines {
						if lw := ansi.StringWidth(l); lw != w {
							t.Fatalf("%dx%d %s line %d is %d wide: %q", w, h, m.focused().ID(), n, lw, ansi.Strip(l))
						}
					}
					if ascii {
						for _, r := range ansi.Strip(view) {
							if r > 0x7e {
								t.Fatalf("%dx%d %s: non-ASCII %q in ASCII mode:\n%s", w, h, m.focused().ID(), r, ansi.Strip(view))
							}
						}
					}
				}
			}
		}
		m.cancelSession()
	}
}

// TestTabStrip: full names when they fit, short ones below, never more
// than one line; the focused tab is bracketed.
func TestTabStrip(t *testing.T) {
	srv := goldenServer(t)
	d := openTarget(t, srv, "good.example", 80, 24)
	tests := []struct {
		w    int
		want string
	}{
		{120, "[Overview]│ MX & PTR │ SPF tree │ DKIM │ DMARC │ Blocklist │ SMTP & TLS │ Findings │ DNS log"},
		{94, "[Overview]│ MX & PTR │ SPF tree │ DKIM │ DMARC │ Blocklist │ SMTP & TLS │ Findings │ DNS log"},
		{80, "[Ovw]│ MX │ SPF │ DKIM │ DMARC │ DNSBL │ SMTP │ Find │ Log"},
		{60, "[Ovw]│ MX │ SPF │ DKIM │ DMARC │ DNSBL │ SMTP │ Find │ Log"},
	}
	for _, tt := range tests {
		d.update(teaSize(tt.w, 24))
		got := strings.TrimRight(strings.Split(d.screen(), "\n")[1], " ")
		if got != tt.want {
			t.Errorf("width %d: tabs %q, want %q", tt.w, got, tt.want)
		}
	}
}

// TestMouse: a click on a tab focuses its pane; the wheel moves the
// cursor.
func TestMouse(t *testing.T) {
	srv := goldenServer(t)
	d := openTarget(t, srv, "good.example", 80, 24)
	d.update(tea.MouseClickMsg{X: 13, Y: 1, Button: tea.MouseLeft}) // "SPF" (the short titles at 80 columns)
	if d.m.focused().ID() != finding.PartSPF {
		t.Fatalf("click focused %s", d.m.focused().ID())
	}
	d.update(tea.MouseWheelMsg{X: 10, Y: 8, Button: tea.MouseWheelDown})
	// The second row: the first include.
	if sel := d.m.focused().Selected(); sel.Kind != kit.SelectDomain || sel.Name != "_spf.good.example" {
		t.Fatalf("wheel did not move the cursor to the second row: %v", sel)
	}
}

// TestEnvironment: the locale picks Unicode or ASCII; NO_COLOR removes
// every colour but keeps the words and symbols.
func TestEnvironment(t *testing.T) {
	for _, tt := range []struct {
		env  []string
		utf8 bool
	}{
		{nil, false},
		{[]string{"LANG=C"}, false},
		{[]string{"LANG=en_US.UTF-8"}, true},
		{[]string{"LANG=en_US.utf8"}, true},
		{[]string{"LANG=en_US.UTF-8", "LC_ALL=C"}, false},
		{[]string{"LANG=C", "LC_CTYPE=de_DE.UTF-8"}, true},
		{[]string{"LC_ALL=C.UTF-8", "LC_CTYPE=POSIX"}, true},
	} {
		if got := kit.UTF8Locale(tt.env); got != tt.utf8 {
			t.Errorf("kit.UTF8Locale(%q) = %v", tt.env, got)
		}
	}
	if kit.NoColor([]string{"NO_COLOR="}) || !kit.NoColor([]string{"NO_COLOR=1"}) {
		t.Error("NO_COLOR: set and non-empty means no colour")
	}
	srv := goldenServer(t)
	cfg := testConfig(srv, "mixed.example")
	cfg.Env = append(cfg.Env, "NO_COLOR=1")
	d := newDriver(t, New(context.Background(), cfg), 120, 40)
	d.idle()
	view := d.m.View().Content
	for _, sgr := range []string{"38;", "48;", "\x1b[3", "\x1b[9"} {
		if strings.Contains(view, sgr) {
			t.Fatalf("colour sequence %q under NO_COLOR", sgr)
		}
	}
	if !strings.Contains(ansi.Strip(view), "✗ broken") {
		t.Fatal("meaning lost under NO_COLOR")
	}
}

// TestUnreachableAndIDN: with no server answering, the header says so and
// the panes say why they are empty; an IDN is shown both ways.
func TestUnreachableAndIDN(t *testing.T) {
	cfg := testConfig(nil, "bücher.example")
	cfg.NewClient = func(onQuery func(dnsclient.LogEntry)) *dnsclient.Client {
		// Nothing listens on port 1: every question fails at once.
		return dnsclient.New(dnsclient.Config{Servers: []string{"127.0.0.1:1"}, Timeout: 200 * time.Millisecond, OnQuery: onQuery})
	}
	d := newDriver(t, New(context.Background(), cfg), 100, 30)
	d.idle()
	s := d.screen()
	for _, want := range []string{"bücher.example (xn--bcher-kva.example)", "✗ no DNS server answered", "MX       ? lookup failed"} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}
	d.focusPane(finding.PartFindings)
	for _, want := range []string{"mx.lookup_failed", "spf.dns_error", "connection refused"} {
		if s := d.screen(); !strings.Contains(s, want) {
			t.Errorf("findings lack %q:\n%s", want, s)
		}
	}
}

// TestMXEnterOpensVerdict: enter on an MX address opens its SPF verdict.
func TestMXEnterOpensVerdict(t *testing.T) {
	srv := goldenServer(t)
	d := openTarget(t, srv, "good.example", 80, 24)
	d.focusPane(finding.PartMX)
	d.key("down", "down", "enter")
	d.until("the jump", func(m *Model) bool { return m.focused().ID() == finding.PartSPF })
	d.idle()
	p := spfOf(d.m)
	if v := p.Verdict(); p.IP() != netip.MustParseAddr("192.0.2.30") || v == nil || v.Result != spf.Pass {
		t.Fatalf("SPF pane after enter on 192.0.2.30: %v %+v", p.IP(), v)
	}
}

// TestBackgroundColour: the styles follow the terminal's background.
func TestBackgroundColour(t *testing.T) {
	srv := goldenServer(t)
	d := openTarget(t, srv, "good.example", 80, 24)
	dark := d.m.com.Styles.Verdict.Pass.GetForeground()
	d.update(tea.BackgroundColorMsg{Color: color.White})
	light := d.m.com.Styles.Verdict.Pass.GetForeground()
	if dark == light {
		t.Fatal("a light background kept the dark palette")
	}
	if want := kit.NewStyles(false, true).Verdict.Pass.GetForeground(); light != want {
		t.Fatalf("light Pass colour %v, want %v", light, want)
	}
	d.update(tea.BackgroundColorMsg{Color: color.Black})
	if got := d.m.com.Styles.Verdict.Pass.GetForeground(); got != dark {
		t.Fatalf("dark again: %v, want %v", got, dark)
	}
}
