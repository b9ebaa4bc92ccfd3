package tui

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
	"github.com/mxray/mxray/headers"
	"github.com/mxray/mxray/tui/kit"
)

// demoServer serves the demo zone; every other name is REFUSED.
func demoServer(t testing.TB) *zoneserver.Server { return zoneservertest.New(t, demo.ZoneText()) }

// inputModel is a model on the input screen (demo mode) at 80x24.
func inputModel(t *testing.T, srv *zoneserver.Server) *driver {
	cfg := testConfig(srv, "")
	cfg.Demo = true
	m := New(context.Background(), cfg)
	t.Cleanup(func() {
		if m.cancelSession != nil {
			m.cancelSession()
		}
	})
	d := newDriver(t, m, 80, 24)
	d.rewrite = stableLog
	return d
}

// TestEditorKeysAreText: in the header editor every key is text, enter
// and tab included; q, ?, e, r, y, / and the pane keys do nothing else;
// esc closes it keeping the text, ctrl+e opens it again as it was, and
// ctrl+c still quits.
func TestEditorKeysAreText(t *testing.T) {
	d := inputModel(t, demoServer(t))
	d.key("ctrl+e")
	if !d.m.input.editing {
		t.Fatal("ctrl+e did not open the editor")
	}
	d.typeText("X-Test: q?er/y")
	d.key("enter", "tab")
	d.typeText("jk w i")
	d.key("shift+tab")
	want := "X-Test: q?er/y\n\tjk w i"
	if got := string(d.m.input.editor.read()); got != want {
		t.Fatalf("editor holds %q, want %q", got, want)
	}
	if d.quit || d.m.showHelp || len(d.copied) > 0 || d.m.flash != "" || d.m.screen != screenInput {
		t.Fatalf("a key acted in the editor: quit=%v help=%v copied=%v flash=%q screen=%v", d.quit, d.m.showHelp, d.copied, d.m.flash, d.m.screen)
	}
	if s := d.screen(); !strings.Contains(s, "X-Test: q?er/y") || !strings.Contains(s, "ctrl+d read headers") {
		t.Fatalf("the editor does not show its text and keys:\n%s", s)
	}
	d.key("esc")
	if d.m.input.editing || d.m.screen != screenInput {
		t.Fatal("esc did not close the editor")
	}
	d.key("ctrl+e")
	if got := string(d.m.input.editor.read()); !d.m.input.editing || got != want {
		t.Fatalf("ctrl+e reopened the editor with %q, want %q", got, want)
	}
	d.key("ctrl+c")
	d.until("the quit", func(*Model) bool { return d.quit })
}

// TestEditorKeepsBytes: what is pasted (CR LF, tab folding, an escape
// sequence, invalid UTF-8) and then typed at the end is read byte for
// byte; the screen shows it made safe. An edit away from the end makes
// the text area's text the one read.
func TestEditorKeepsBytes(t *testing.T) {
	d := inputModel(t, demoServer(t))
	paste := "Received: from a.example (a.example [192.0.2.1])\r\n\tby mx.example; Mon, 1 Jan 2024 00:00:00 +0000\r\nSubject: caf\xe9 \x1b[2J\r\nFrom: <a@example.com>\r\n"
	d.update(tea.PasteMsg{Content: paste})
	if !d.m.input.editing {
		t.Fatal("a header paste did not open the editor")
	}
	d.typeText("To: b@example.com")
	want := paste + "To: b@example.com"
	if got := string(d.m.input.editor.read()); got != want {
		t.Fatalf("editor reads %q, want %q", got, want)
	}
	screen := d.screen()
	if strings.Contains(screen, "\x1b") || !strings.Contains(screen, `caf\xe9 \x1b[2J`) {
		t.Fatalf("the editor does not show the paste made safe:\n%q", screen)
	}
	d.key("ctrl+d")
	d.until("the run", func(m *Model) bool { return m.run != nil })
	d.idle()
	if got := d.m.run.hdr.msg.Raw; string(got) != want {
		t.Fatalf("the run read %q, want %q", got, want)
	}
	if d.m.run.hdr.msg.Source != pastedSource {
		t.Fatalf("source %q", d.m.run.hdr.msg.Source)
	}

	// Back in the editor: a key typed in the middle is an edit by hand.
	d.key("esc")
	d.key("ctrl+e")
	d.key("up")
	d.typeText("Z")
	if e := d.m.input.editor; e.synced || string(e.read()) != e.text.value() {
		t.Fatalf("after an edit in the middle: synced=%v text=%q", e.synced, e.read())
	}
}

// TestPasteRouting: a one-line paste is a target in the field; a header
// paste opens the editor, on the input screen and on the workbench alike.
func TestPasteRouting(t *testing.T) {
	srv := demoServer(t)
	d := inputModel(t, srv)
	d.update(tea.PasteMsg{Content: "healthy.example\n"})
	if d.m.input.editing || d.m.input.field.Value() != "healthy.example" {
		t.Fatalf("one-line paste: editing=%v field=%q", d.m.input.editing, d.m.input.field.Value())
	}
	d.key("enter")
	d.idle()
	if d.m.screen != screenWorkbench {
		t.Fatal("the target did not open")
	}
	d.update(tea.PasteMsg{Content: "From: a@example.com\nSubject: x\n"})
	if d.m.screen != screenInput || !d.m.input.editing {
		t.Fatalf("a header paste on the workbench: screen=%v editing=%v", d.m.screen, d.m.input.editing)
	}
	if got := string(d.m.input.editor.read()); got != "From: a@example.com\nSubject: x\n" {
		t.Fatalf("editor holds %q", got)
	}
}

// TestBadHeadersKeepText: input that cannot be read as headers stays in
// the editor, every byte, with the parser's own words under it.
func TestBadHeadersKeepText(t *testing.T) {
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, bytes.Repeat([]byte{0, 1, 2, 'x'}, 64)...)
	big := append([]byte("Subject: big\n"), bytes.Repeat([]byte("X-Fill: "+strings.Repeat("a", 90)+"\n"), headers.MaxInputSize/99+10)...)
	tests := []struct {
		name string
		raw  []byte
		want error
	}{
		{"outlook .msg", ole, headers.ErrOutlookMsg},
		{"too large", big, headers.ErrTooLarge},
		{"no header fields", []byte("hello there\nthis is a letter, not headers\n"), headers.ErrNoHeaders},
	}
	srv := demoServer(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, perr := headers.Parse(tt.raw)
			if !errors.Is(perr, tt.want) {
				t.Fatalf("headers.Parse: %v, want %v", perr, tt.want)
			}
			d := inputModel(t, srv)
			d.key("ctrl+e")
			d.update(tea.PasteMsg{Content: string(tt.raw)})
			d.key("ctrl+d")
			d.until("the parser's answer", func(m *Model) bool { return m.input.editor.err != "" })
			e := d.m.input.editor
			if !d.m.input.editing || d.m.screen != screenInput || d.m.run != nil {
				t.Fatalf("bad input left the editor: editing=%v screen=%v", d.m.input.editing, d.m.screen)
			}
			if !bytes.Equal(e.read(), tt.raw) {
				t.Fatalf("the editor lost text: %d bytes kept of %d", len(e.read()), len(tt.raw))
			}
			if e.err != inputErrorText(perr) {
				t.Fatalf("editor says %q, want the parser's %q", e.err, inputErrorText(perr))
			}
			first := strings.Fields(e.err)[0]
			if s := d.screen(); !strings.Contains(s, "✗ "+first) {
				t.Fatalf("the parser's message is not under the editor:\n%s", s)
			}
		})
	}
}

// TestHeadersLinkedSelection: moving through the hops makes each hop's IP
// the selected IP everywhere: the SPF pane evaluates it with its deciding
// path marked, the MX & PTR pane shows its PTR.
func TestHeadersLinkedSelection(t *testing.T) {
	d := openHeaders(t, demoServer(t), demo.SampleName, demo.SampleMessage(), 80, 24)
	if d.m.focused().ID() != finding.PartHops || d.m.sel.IP.String() != "203.0.113.10" {
		t.Fatalf("opened on %s with %v selected, want the hops and the sending IP", d.m.focused().ID(), d.m.sel)
	}
	p := spfOf(d.m)
	if v := p.Verdict(); v == nil || v.Result != "pass" || p.Tree().Domain != "healthy.example" {
		t.Fatalf("the sending IP's verdict: %+v (tree of %s)", v, p.Tree().Domain)
	}
	d.key("k") // hop 1, the sender's own relay: 10.20.30.40
	d.idle()
	if v := p.Verdict(); p.IP().String() != "10.20.30.40" || v == nil || v.Result != "fail" {
		t.Fatalf("hop 1: SPF pane on %v with %+v", p.IP(), v)
	}
	if ip, ptr := mxOf(d.m).SelectedIP(); ip.String() != "10.20.30.40" || ptr == nil {
		t.Fatalf("hop 1: MX & PTR pane on %v, PTR %+v", ip, ptr)
	}
	d.key("j") // hop 2: the sending hop
	d.idle()
	// The deciding path is marked in the tree, down to the matched term.
	view := paneView(d.m, finding.PartSPF)
	for _, want := range []string{"healthy.example ◀", "include:spf.mailer.example ◀", "a:relay.mailer.example ◀ matched: pass"} {
		if !strings.Contains(view, want) {
			t.Errorf("hop 2: the tree lacks %q:\n%s", want, view)
		}
	}
	if strings.Contains(view, "include:_spf.healthy.example ◀") || p.Verdict().Result != "pass" {
		t.Fatalf("hop 2: %s, a record off the path marked:\n%s", p.Verdict().Result, view)
	}
	if ip, ptr := mxOf(d.m).SelectedIP(); ip.String() != "203.0.113.10" || ptr == nil || len(ptr.PTR) == 0 || ptr.PTR[0] != "relay.mailer.example" {
		t.Fatalf("hop 2: MX & PTR pane on %v, PTR %+v", ip, ptr)
	}
	d.focusPane(finding.PartMX)
	if s := d.screen(); !strings.Contains(s, "selected IP 203.0.113.10") || !strings.Contains(s, "FCrDNS") {
		t.Fatalf("the MX & PTR pane does not show the hop's PTR:\n%s", s)
	}
}

// envelopeSample is the demo's sample sent with an envelope sender at
// mailer.example: SPF then checks mailer.example's tree, not the From
// domain's.
func envelopeSample() []byte {
	return bytes.ReplaceAll(demo.SampleMessage(), []byte("bounce@healthy.example"), []byte("bounce@mailer.example"))
}

// TestEnvelopeTree: a hop's IP is evaluated against the envelope domain's
// tree when it is not the investigated From domain; t switches to the From
// domain's tree, and an MX address is always evaluated against it.
func TestEnvelopeTree(t *testing.T) {
	d := openHeaders(t, demoServer(t), "envelope.eml", envelopeSample(), 120, 40)
	p := spfOf(d.m)
	if d.m.run.target.Domain != "healthy.example" || p.Tree().Domain != "mailer.example" {
		t.Fatalf("the SPF pane shows %v, want mailer.example's tree", p.Tree().Domain)
	}
	v := p.Verdict()
	if v == nil || v.Result != "pass" || v.Domain != "mailer.example" || v.Sender != "bounce@mailer.example" ||
		strings.Join(v.Matched.Path, " ") != "mailer.example spf.mailer.example" {
		t.Fatalf("verdict against the envelope tree: %+v", v)
	}
	d.focusPane(finding.PartSPF)
	if s := d.screen(); !strings.Contains(s, "tree of mailer.example, the envelope domain") || !strings.Contains(s, "t other tree") && !strings.Contains(s, "t From tree") {
		t.Fatalf("the SPF pane does not say which tree it shows:\n%s", s)
	}
	d.key("t")
	d.idle()
	if v := p.Verdict(); p.Tree().Domain != "healthy.example" || v == nil || v.Domain != "healthy.example" {
		t.Fatalf("t did not switch to the From domain's tree: %v, %+v", p.Tree().Domain, v)
	}
	d.key("t")
	d.idle()
	if p.Tree().Domain != "mailer.example" || p.Verdict().Domain != "mailer.example" {
		t.Fatal("t did not switch back to the envelope tree")
	}
	// An MX address is about receiving: the From domain's tree.
	d.focusPane(finding.PartMX)
	d.key("j")
	d.idle()
	if v := p.Verdict(); p.Tree().Domain != "healthy.example" || v == nil || v.Domain != "healthy.example" {
		t.Fatalf("an MX address was evaluated against %v", p.Tree().Domain)
	}
}

// TestSignatureShowsKey: selecting a DKIM-Signature in then-vs-now shows
// the key it names in the DKIM pane, for the investigated domain's
// signatures and another domain's alike; enter opens the DKIM pane.
func TestSignatureShowsKey(t *testing.T) {
	d := openHeaders(t, demoServer(t), demo.SampleName, demo.SampleMessage(), 120, 40)
	d.focusPane(finding.PartThenNow)
	k := dkimOf(d.m)
	d.key("j") // dkim d=healthy.example s=s1
	if k.Signature() == nil || k.Signature().Selector != "s1" || k.Signature().Key == nil || len(k.Signature().Key.Tags) == 0 {
		t.Fatalf("s1: DKIM pane shows %+v", k.Signature())
	}
	if cur := k.Selected(); cur.Name != "s1" {
		t.Fatalf("the DKIM list is on %q, want s1", cur.Name)
	}
	d.key("j", "j") // dkim d=mailer.example s=es2025: rotated away
	if k.Signature() == nil || k.Signature().Domain != "mailer.example" || k.Signature().Key != nil {
		t.Fatalf("es2025: DKIM pane shows %+v", k.Signature())
	}
	d.key("enter")
	d.idle()
	s := d.screen()
	if d.m.focused().ID() != finding.PartDKIM || !strings.Contains(s, "signature d=mailer.example s=es2025") || !strings.Contains(s, "No key record was read at es2025._domainkey.mailer.example") {
		t.Fatalf("enter on es2025 did not show its key in the DKIM pane:\n%s", s)
	}
	d.key("shift+tab", "shift+tab", "shift+tab", "shift+tab", "k", "k") // then-vs-now, s1
	d.key("tab", "tab", "tab", "tab")
	if s := d.screen(); !strings.Contains(s, "signature d=healthy.example s=s1") || !strings.Contains(s, "public key: 2048-bit RSA") {
		t.Fatalf("the s1 key is not broken down tag by tag:\n%s", s)
	}
	d.key("j") // moving in the DKIM list goes back to the domain's keys
	if k.Signature() != nil {
		t.Fatal("moving in the DKIM list kept the signature")
	}
}

// TestHeadersExport: e writes the report (the message's, then the
// domain's) and the message byte for byte, never overwriting a file.
func TestHeadersExport(t *testing.T) {
	dir := t.TempDir()
	raw := demo.SampleMessage()
	cfg := testConfig(demoServer(t), "")
	cfg = withMessage(t, cfg, raw, demo.SampleName)
	cfg.ExportDir = dir
	m := New(context.Background(), cfg)
	t.Cleanup(func() { m.cancelSession() })
	d := newDriver(t, m, 80, 24)
	d.idle()
	// A file of the first pair's name is already there: both move on.
	taken := filepath.Join(dir, "mxray-healthy.example-headers.eml")
	if err := os.WriteFile(taken, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"mxray-healthy.example-headers-1", "mxray-healthy.example-headers-2"} {
		d.key("e")
		d.until("the export", func(m *Model) bool { return strings.Contains(m.flash, "written to") })
		if !strings.Contains(d.m.flash, want+".md and .eml") {
			t.Fatalf("export %d: %q", i, d.m.flash)
		}
		md, err := os.ReadFile(filepath.Join(dir, want+".md"))
		if err != nil {
			t.Fatal(err)
		}
		for _, part := range []string{"Then (at delivery) vs now", "es2025", "mxray check of healthy.example"} {
			if !strings.Contains(string(md), part) {
				t.Errorf("export %d: the report lacks %q", i, part)
			}
		}
		eml, err := os.ReadFile(filepath.Join(dir, want+".eml"))
		if err != nil || !bytes.Equal(eml, raw) {
			t.Fatalf("export %d: the message was not written byte for byte (%v)", i, err)
		}
		d.m.flash = ""
	}
	if b, _ := os.ReadFile(taken); string(b) != "mine" {
		t.Fatal("an existing file was overwritten")
	}
	if _, err := os.Stat(filepath.Join(dir, "mxray-healthy.example-headers.md")); err == nil {
		t.Fatal("a report was left without its message")
	}
}

// TestHeadersKeptForSession: r re-runs the message; esc goes back to the
// input screen with the message first in the list; enter runs it again,
// and ctrl+e opens it in the editor, byte for byte.
func TestHeadersKeptForSession(t *testing.T) {
	raw := demo.SampleMessage()
	d := openHeaders(t, demoServer(t), demo.SampleName, raw, 80, 24)
	first := d.m.run.id
	d.key("r")
	d.idle()
	if run := d.m.run; run.id == first || run.hdr == nil || !bytes.Equal(run.hdr.msg.Raw, raw) || d.m.indexOf(finding.PartHops) < 0 {
		t.Fatalf("r did not re-run the message: %+v", run)
	}
	d.key("esc")
	items := d.m.input.items()
	if d.m.screen != screenInput || len(items) == 0 || items[0].kind != itemHeaders || d.m.input.cursor != 0 {
		t.Fatalf("back on the input screen: %v, cursor %d", items, d.m.input.cursor)
	}
	if s := d.screen(); !strings.Contains(s, "This session's headers") || !strings.Contains(s, "From Alice Example <alice@healthy.example>") {
		t.Fatalf("the input screen does not offer the session's headers:\n%s", s)
	}
	d.key("ctrl+e")
	if !bytes.Equal(d.m.input.editor.read(), raw) {
		t.Fatal("ctrl+e did not open the session's headers")
	}
	d.key("esc", "enter")
	d.until("the re-run", func(m *Model) bool { return m.screen == screenWorkbench })
	d.idle()
	if !bytes.Equal(d.m.run.hdr.msg.Raw, raw) {
		t.Fatal("enter on the session's headers ran something else")
	}
	// A domain after the message: the header panes leave.
	d.key("esc", "esc")
	d.typeText("broken.example")
	d.key("enter")
	d.idle()
	if d.m.indexOf(finding.PartHops) >= 0 || d.m.run.hdr != nil || d.m.input.headers == nil {
		t.Fatal("a domain run kept the header panes, or the session lost its headers")
	}
}

// TestDemoSampleEntry: under --demo the input screen offers the sample
// message; enter runs it.
func TestDemoSampleEntry(t *testing.T) {
	d := inputModel(t, demoServer(t))
	for d.m.input.cursor < 0 || d.m.input.items()[d.m.input.cursor].kind != itemSample {
		d.key("down")
	}
	d.key("enter")
	d.until("the run", func(m *Model) bool { return m.run != nil })
	d.idle()
	if run := d.m.run; run.hdr == nil || run.hdr.msg.Source != demo.SampleName || run.target.Domain != "healthy.example" {
		t.Fatalf("the sample did not run: %+v", run)
	}
	if s := d.screen(); !strings.Contains(s, "mxray  healthy.example · sample.eml") || !strings.Contains(s, "[Hops]") {
		t.Fatalf("the workbench does not show the sample:\n%s", s)
	}
}

// TestNoFromDomain: a message without a From domain is still shown and
// re-checked; the domain panes say why nothing was investigated.
func TestNoFromDomain(t *testing.T) {
	raw := []byte("Received: from a.example (a.example [192.0.2.1])\n\tby mx.example; Mon, 1 Jan 2024 00:00:00 +0000\nSubject: no sender\n")
	d := openHeaders(t, demoServer(t), "nofrom.eml", raw, 80, 24)
	run := d.m.run
	if run.noDomain == "" || run.hdr == nil || !run.hdr.done {
		t.Fatalf("run: noDomain %q, hdr %+v", run.noDomain, run.hdr)
	}
	d.focusPane(finding.PartDMARC)
	if s := d.screen(); !strings.Contains(s, "names no From domain") {
		t.Fatalf("the DMARC pane does not say why it is empty:\n%s", s)
	}
	d.focusPane(finding.PartHops)
	if s := d.screen(); !strings.Contains(s, "a.example") || !strings.Contains(s, "192.0.2.1") {
		t.Fatalf("the hop is not shown:\n%s", s)
	}
	d.focusPane(finding.PartThenNow)
	if s := d.screen(); !strings.Contains(s, "spf   · not recorded ") {
		t.Fatalf("then vs now does not say what was not recorded:\n%s", s)
	}
}

// TestFindingJumpsToHop: enter on a finding about a hop (clock skew)
// opens the hops pane on that hop.
func TestFindingJumpsToHop(t *testing.T) {
	raw, err := os.ReadFile("../testdata/headers/gmail-newline-in-to-header.eml")
	if err != nil {
		t.Fatal(err)
	}
	d := openHeaders(t, demoServer(t), "skew.eml", raw, 80, 24)
	d.focusPane(finding.PartFindings)
	d.key("/")
	d.typeText("clock_skew")
	d.key("enter")
	// The filter leaves the clock skew findings, the first under the cursor.
	i := slices.IndexFunc(d.m.run.Findings(), func(f finding.Finding) bool { return f.Code == string(headers.CodeClockSkew) })
	if i < 0 {
		t.Fatal("no clock skew finding to jump from")
	}
	f := d.m.run.Findings()[i]
	d.key("enter")
	d.idle()
	if f.Subject.Kind != finding.SubjectHop {
		t.Fatalf("the clock skew finding is not about a hop: %+v", f.Subject)
	}
	hop := f.Subject.N
	if sel := d.m.focused().Selected(); d.m.focused().ID() != finding.PartHops || sel.Hop != hop {
		t.Fatalf("enter on %q went to %s, hop %d", f.Subject, d.m.focused().ID(), sel.Hop)
	}
	if s := d.screen(); !strings.Contains(s, "skew") || !strings.Contains(s, "Clock skew: stamped") {
		t.Fatalf("the skewed hop is not flagged in words:\n%s", s)
	}
}

// TestHopsTable: the hops read from origin to receiver, the sending hop
// marked and its IP the one selected, a rule above the internal hops, a
// HELO that differs from the from-name in the detail (and in a column of
// its own when there is room), an unparsed field as written (cut to the
// row, whole and made safe in the detail), times in UTC and local time.
func TestHopsTable(t *testing.T) {
	raw := []byte("Received: from mx.receiver.example (mx.receiver.example [203.0.113.200])\n" +
		"\tby store.receiver.example with LMTP id 1; Sun, 22 Nov 2026 19:08:31 +0000\n" +
		"Received: (qmail 4242 invoked by alias); not a trace field at all \x1b[2J and long enough to be cut at the width of the table, with its end in the detail only\n" +
		"Received: from client.example ([198.51.100.7] helo=odd-helo.example)\n" +
		"\tby mx.receiver.example with ESMTP id 2; Sun, 22 Nov 2026 19:08:32 +0000\n" +
		"From: a@healthy.example\nSubject: hops\n")
	d := openHeaders(t, demoServer(t), "hops.eml", raw, 80, 24)
	s := d.screen()
	for _, want := range []string{
		"3 hops, origin first · sent from 198.51.100.7 (hop 1) · local time CET",
		"›1 sending  client.example mx.receiver.ex… 198.51.100.7  -     19:08:32 20:08:32",
		"── inside receiver.example (internal) ──",
		" 2 unparsed (qmail 4242 invoked by alias); not a trace field at all \\x1b[2J and…",
		" 3 internal mx.receiver.e",
		"from client.example [198.51.100.7] · HELO odd-helo.example",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the hops pane lacks %q:\n%s", want, s)
		}
	}
	if strings.Index(s, "── inside") > strings.Index(s, " 2 unparsed") {
		t.Error("the rule is not above the first internal hop")
	}
	d.key("j") // the unparsed hop: its whole text, safe, in the detail
	s = d.screen()
	if !strings.Contains(s, "could not be read; as written:") || !strings.Contains(unwrapped(s), "with its end in the detail only") || strings.Contains(s, "\x1b[2J") {
		t.Fatalf("the unparsed hop's detail:\n%s", s)
	}
	if got, want := d.m.sel, kit.HopSelection(2); !got.Same(want) {
		t.Fatalf("a hop without an IP selects %v, want %v", got, want)
	}
	// Wide enough, HELO has a column of its own.
	d.update(teaSize(220, 40))
	if s := d.screen(); !strings.Contains(s, " IP            HELO ") || !strings.Contains(s, " 198.51.100.7  odd-helo.example ") {
		t.Fatalf("no HELO column at 220 columns:\n%s", s)
	}
}
