package tui

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
	"github.com/mxray/mxray/tui/kit"
)

// auditLog is an Auditor that keeps what it hears, one line per call.
type auditLog struct {
	mu    sync.Mutex
	lines []string
}

func (a *auditLog) add(format string, args ...any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.lines = append(a.lines, fmt.Sprintf(format, args...))
}

func (a *auditLog) TargetChecked(target string)         { a.add("target %s", target) }
func (a *auditLog) HeadersPasted(size int, from string) { a.add("headers %d from=%s", size, from) }
func (a *auditLog) Copied(what string, size int)        { a.add("copy %s %d", what, size) }
func (a *auditLog) Exported(size int)                   { a.add("export %d", size) }
func (a *auditLog) all() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.lines...)
}
func (a *auditLog) text() string           { return strings.Join(a.all(), "\n") }
func (a *auditLog) has(prefix string) bool { return strings.Contains("\n"+a.text(), "\n"+prefix) }
func (a *auditLog) count(prefix string) (n int) {
	for _, l := range a.all() {
		if strings.HasPrefix(l, prefix) {
			n++
		}
	}
	return n
}

// servedModel is the workbench as mxray serve builds it: the report shown
// instead of written (into an empty export directory, to prove it), and
// an Auditor.
func servedModel(t *testing.T, target string, w, h int) (*driver, *auditLog, string) {
	t.Helper()
	cfg := testConfig(goldenServer(t), target)
	cfg.ExportToView = true
	cfg.ExportDir = t.TempDir()
	audit := &auditLog{}
	cfg.Audit = audit
	m := New(context.Background(), cfg)
	t.Cleanup(func() {
		if m.cancelSession != nil {
			m.cancelSession()
		}
	})
	d := newDriver(t, m, w, h)
	d.rewrite = stableLog
	d.idle()
	return d, audit, cfg.ExportDir
}

// TestGoldenReportView: e shows the Markdown report in the session, at
// its top and scrolled to its end, at 80x24 and 120x40.
func TestGoldenReportView(t *testing.T) {
	for _, size := range goldenSizes {
		w, h := size[0], size[1]
		d, _, _ := servedModel(t, "good.example", w, h)
		d.key("e")
		t.Run(fmt.Sprintf("top/%dx%d", w, h), func(t *testing.T) { golden.RequireEqual(t, d.screen()) })
		d.key("G")
		t.Run(fmt.Sprintf("end/%dx%d", w, h), func(t *testing.T) { golden.RequireEqual(t, d.screen()) })
	}
}

// TestReportViewWritesNothing: e opens the report in the session and
// writes no file; y copies the whole Markdown with OSC 52; the keys
// scroll it; esc closes it; the Auditor hears the export and the copy by
// size only.
func TestReportViewWritesNothing(t *testing.T) {
	d, audit, dir := servedModel(t, "mixed.example", 80, 24)
	d.key("e")
	if d.m.report == nil {
		t.Fatalf("e did not open the report; screen:\n%s", d.screen())
	}
	s := d.screen()
	if !strings.Contains(s, "Report of mixed.example") || !strings.Contains(s, "esc close") {
		t.Fatalf("the report view does not show:\n%s", s)
	}
	md := d.m.report.text
	if !strings.HasPrefix(md, "# ") || !strings.Contains(md, "mixed.example") {
		t.Fatalf("the view holds no Markdown report: %.200q", md)
	}
	if !audit.has(fmt.Sprintf("export %d", len(md))) {
		t.Errorf("audit = %q, want the export's size", audit.text())
	}
	top := d.m.report.scroll.Offset()
	d.key("j", "j", "pgdown")
	if d.m.report.scroll.Offset() <= top {
		t.Error("the keys did not scroll the report")
	}
	d.key("y")
	d.until("the copy", func(*Model) bool { return len(d.copied) > 0 })
	if len(d.copied) != 1 || d.copied[0] != md {
		t.Fatalf("y copied %d texts; want the report whole", len(d.copied))
	}
	if !audit.has(fmt.Sprintf("copy report %d", len(md))) {
		t.Errorf("audit = %q, want the copy's size", audit.text())
	}
	d.key("esc")
	if d.m.report != nil || strings.Contains(d.screen(), "Report of mixed.example") {
		t.Fatal("esc did not close the report")
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 0 {
		t.Fatalf("the export directory holds %v (%v): the report view must write nothing", entries, err)
	}
	for _, l := range audit.all() {
		if strings.Contains(l, "#") {
			t.Errorf("an audit line holds report text: %q", l)
		}
	}
}

// TestReportViewOfMessage: for a message the view holds the message's
// report and its From domain's, and the pasted header is audited by its
// size and From domain, never its content.
func TestReportViewOfMessage(t *testing.T) {
	cfg := testConfig(demoServer(t), "")
	cfg.Demo, cfg.ExportToView = true, true
	audit := &auditLog{}
	cfg.Audit = audit
	m := New(context.Background(), cfg)
	t.Cleanup(func() {
		if m.cancelSession != nil {
			m.cancelSession()
		}
	})
	d := newDriver(t, m, 120, 40)
	d.rewrite = stableLog
	raw := demo.SampleMessage()
	d.update(tea.PasteMsg{Content: string(raw)})
	d.drain()
	if !d.m.input.editing {
		t.Fatalf("the paste did not open the editor; screen:\n%s", d.screen())
	}
	d.key("ctrl+d")
	d.idle()
	msg, err := diag.ReadMessage("paste", raw, diag.HeaderOptions{Now: fixedNow()})
	if err != nil {
		t.Fatal(err)
	}
	from, err := msg.Target()
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("headers %d from=%s", len(raw), from.Domain); audit.count(want) != 1 {
		t.Errorf("audit = %q, want %q once", audit.text(), want)
	}
	if audit.count("target ") != 0 {
		t.Errorf("a message's From domain was audited as a target typed in: %q", audit.text())
	}
	d.key("e")
	if d.m.report == nil {
		t.Fatal("e did not open the report")
	}
	if md := d.m.report.text; strings.Count(md, "\n# ") < 1 || !strings.Contains(md, from.Domain) {
		t.Errorf("the report is not the message's and its domain's: %.300q", md)
	}
	for _, l := range audit.all() {
		if strings.Contains(l, "Subject") || strings.Contains(l, "Received") {
			t.Errorf("an audit line holds header content: %q", l)
		}
	}
}

// TestAuditHooks: a target typed in and a re-run are each audited; a copy
// is audited with the focused pane and the size; a copy over the OSC 52
// cap is refused with a message and neither copied nor audited.
func TestAuditHooks(t *testing.T) {
	d, audit, _ := servedModel(t, "good.example", 120, 40)
	if audit.count("target good.example") != 1 {
		t.Fatalf("audit = %q, want the target checked", audit.text())
	}
	d.key("r")
	d.idle()
	if audit.count("target good.example") != 2 {
		t.Errorf("audit = %q, want the re-run too", audit.text())
	}
	d.key("y")
	d.until("the copy", func(*Model) bool { return len(d.copied) > 0 })
	if len(d.copied) != 1 || !audit.has(fmt.Sprintf("copy overview %d", len(d.copied[0]))) {
		t.Errorf("copied %q; audit = %q", d.copied, audit.text())
	}
	before := len(audit.all())
	if cmd := d.m.copyText("report", strings.Repeat("x", MaxClipboardBytes+1)); cmd != nil {
		t.Error("text over the cap was copied")
	}
	if !strings.Contains(d.screen(), "Too long to copy") || len(audit.all()) != before {
		t.Errorf("over the cap: flash %q, audit %q", d.m.flash, audit.text())
	}
}

// TestDialHook: an investigation that fetches (not offline) dials through
// Config.Dial, given the run's own DNS client; the refusal it returns is
// what the report says.
func TestDialHook(t *testing.T) {
	srv := zoneservertest.New(t, `$ORIGIN fetch.example.
@        300 IN SOA ns hostmaster 1 7200 3600 1209600 60
@            IN NS  ns
ns           IN A   192.0.2.53
_mta-sts     IN TXT "v=STSv1; id=1"
mta-sts      IN A   127.0.0.1
`)
	cfg := testConfig(srv, "fetch.example")
	cfg.Offline = false
	refusal := errors.New("refused by the test's dial")
	var mu sync.Mutex
	var clients []*dnsclient.Client
	cfg.Dial = func(c *dnsclient.Client) diag.DialFunc {
		mu.Lock()
		clients = append(clients, c)
		mu.Unlock()
		return func(context.Context, string, string) (net.Conn, error) { return nil, refusal }
	}
	m := New(context.Background(), cfg)
	t.Cleanup(func() {
		if m.cancelSession != nil {
			m.cancelSession()
		}
	})
	d := newDriver(t, m, 120, 40)
	d.idle()
	mu.Lock()
	defer mu.Unlock()
	if len(clients) != 1 || clients[0] != d.m.run.client {
		t.Fatalf("Dial was given %d clients, want the run's one", len(clients))
	}
	if pol := d.m.run.report.MTASTS; pol == nil || !strings.Contains(pol.NotFetched, refusal.Error()) {
		t.Errorf("the MTA-STS fetch did not go through the dial: %+v", pol)
	}
}

// TestFlowReportView: through the real program, e shows the report, y
// sends it whole to the terminal's clipboard (OSC 52, base64) and esc
// goes back to the panes.
func TestFlowReportView(t *testing.T) {
	cfg := testConfig(goldenServer(t), "good.example")
	cfg.ExportToView = true
	cfg.ExportDir = t.TempDir()
	f := startFlowWith(t, cfg, 80, 24)
	f.waitFor("✓ done")
	f.keys("e")
	f.waitFor("Report of good.example", "# mxray check of good.example", "y copy report")
	f.keys("G")
	f.waitFor("100% shown", "## Findings")
	f.keys("y")
	var osc52 string
	fed := 0
	teatest.WaitFor(t, f.tm.Output(), func(b []byte) bool {
		_, _ = f.vt.Write(b[fed:])
		fed = len(b)
		const intro = "\x1b]52;c;"
		_, rest, ok := strings.Cut(string(b), intro)
		if !ok {
			return false
		}
		end := strings.IndexAny(rest, "\x07\x1b") // BEL or ST
		if end < 0 {
			return false
		}
		osc52 = rest[:end]
		return true
	}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
	text, err := base64.StdEncoding.DecodeString(osc52)
	if err != nil || !strings.HasPrefix(string(text), "# mxray check of good.example") || !strings.Contains(string(text), "## Findings") {
		t.Fatalf("OSC 52 carried %.80q (%v), want the report", text, err)
	}
	f.keys("esc")
	f.waitFor("[Ov", "enter opens MX & PTR")
}

// TestReportViewWraps: long lines wrap to the width, keeping their
// indentation, and control characters in the report are made visible.
func TestReportViewWraps(t *testing.T) {
	v := newReportView("x", "# Title\n\n   - "+strings.Repeat("word ", 20)+"\n\x1b[2Jbad")
	v.setSize(30, 10)
	if len(v.lines) < 6 {
		t.Fatalf("lines = %q", v.lines)
	}
	for i, l := range v.lines {
		if w := kit.Width(l); w > 28 {
			t.Errorf("line %d is %d cells wide: %q", i, w, l)
		}
	}
	for _, l := range v.lines[3 : len(v.lines)-1] {
		if !strings.HasPrefix(l, "   ") {
			t.Errorf("a wrapped line lost its indentation: %q", l)
		}
	}
	if last := v.lines[len(v.lines)-1]; strings.Contains(last, "\x1b") || !strings.Contains(last, `\x1b[2Jbad`) {
		t.Errorf("the escape was not made visible: %q", last)
	}
}
