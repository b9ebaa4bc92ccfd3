package tui

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/dkim"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/tui/hops"
	"github.com/mxray/mxray/tui/kit"
	"github.com/mxray/mxray/tui/thennow"
)

// FuzzHeaderPanes reads arbitrary bytes as a pasted header and draws the
// hops and then-vs-now panes at an arbitrary size, the re-check's rows
// carrying the fuzzed text too: every line stays within the pane, and
// nothing from the header reaches the screen as a control character, an
// escape sequence (other than the panes' own colours), a bidi control or a
// zero-width character.
func FuzzHeaderPanes(f *testing.F) {
	// Small seeds, each a few hundred bytes at most: every input the fuzzer
	// finds interesting is minimised before it goes on, and minimising a
	// seed of a few kilobytes (the demo's sample message) took the whole
	// fuzzing time (8 to 14 executions in 30 s). The seeds still reach a
	// hop, the receiver's results, a signature, an ARC set and hostile
	// bytes.
	f.Add([]byte("Received: from a.example (a.example [192.0.2.1]) by mx.example; Mon, 1 Jan 2024 00:00:00 +0000\nAuthentication-Results: mx.example; spf=pass smtp.mailfrom=a.example; dkim=fail header.d=a.example\nFrom: <x@a.example>\n"), "d=a.example s=s1", uint8(80), uint8(24), uint8(1))
	f.Add([]byte("Received: garbage \x1b[31m\n\tmore\u202e\u200b\x9b\nSubject: \x1b]52;c;YmFk\x07\nFrom: x\n"), "\x1b[2J", uint8(120), uint8(40), uint8(2))
	f.Add([]byte("DKIM-Signature: v=1; a=rsa-sha256; d=a.example; s=s1; h=from; bh=AA==; b=AA==\nARC-Seal: i=1; cv=none; d=f.example; s=a\nFrom: <x@a.example>\n"), "", uint8(30), uint8(8), uint8(0))
	f.Add([]byte(""), "", uint8(0), uint8(0), uint8(0))
	styles := kit.NewStyles(true, true)
	f.Fuzz(func(t *testing.T, raw []byte, text string, w8, h8, cursor uint8) {
		w, h := 20+int(w8)%181, 5+int(h8)%56
		p, err := diag.ReadMessage(text, raw, diag.HeaderOptions{Now: fixedNow()})
		if err != nil {
			return // the editor shows the parser's words; no panes
		}
		rep := diag.CheckMessage(context.Background(), nil, p, diag.MessageOptions{NoRecheck: true}, nil).Headers
		rep.Recheck = &diag.Recheck{DKIM: []dkim.Result{{Domain: text, Selector: text, Reason: text, KeyName: text}}}
		rep.ThenVsNow = []diag.ThenNow{
			{Check: "spf", Then: diag.Outcome(text), Now: "pass", Explanation: text},
			{Check: "dkim", Subject: finding.Signature(text, text), Then: "pass", Now: diag.Outcome(text), Changed: true, Explanation: text},
			{Check: finding.Part(text), Subject: finding.Text(text), Explanation: text},
		}
		com := &kit.Common{Styles: styles, Glyphs: kit.UnicodeGlyphs(), Keys: kit.DefaultKeyMap(), Now: fixedNow, Loc: testZone}
		hr := newHeaderRun(p)
		hr.report, hr.done = rep, true
		com.Run = &runInfo{hdr: hr, report: &diag.Report{}, done: true}
		hp, tvn := hops.New(com), thennow.New(com)
		for _, pane := range []kit.Pane{hp, tvn} {
			pane.SetSize(w, h)
			pane.Update(kit.RunStartMsg{})
			pane.Update(kit.RecheckMsg{Report: rep})
			pane.Focus()
			for range int(cursor) % 4 {
				pane.Update(keyPress("j"))
			}
			view := pane.View()
			lines := strings.Split(view, "\n")
			if len(lines) > h {
				t.Fatalf("%s: %d lines in a pane %d high", pane.ID(), len(lines), h)
			}
			for _, l := range lines {
				if ansi.StringWidth(l) > w {
					t.Fatalf("%s: line %q is %d wide in a pane %d wide", pane.ID(), ansi.Strip(l), ansi.StringWidth(l), w)
				}
			}
			assertOnlySGR(t, pane.ID(), view)
			if what, bad := rawControl(ansi.Strip(view)); bad {
				t.Fatalf("%s pane draws %s: %q", pane.ID(), what, ansi.Strip(view))
			}
		}
	})
}

// FuzzPasteEditor feeds the header editor pastes and key presses and
// checks that, as long as everything was added at the end, it reads back
// exactly the bytes given; that ctrl+d and esc are the only keys that end
// it; and that it draws within its size with nothing raw from the paste.
func FuzzPasteEditor(f *testing.F) {
	f.Add([]byte("From: a@example.com\r\nSubject: x\x1b[201~q?e"), "q?e\r\t", uint8(80), uint8(24))
	f.Add([]byte("\x1b]52;c;YmFk\x07\u202e\u200b\xff\r\r\n"), "ab", uint8(20), uint8(5))
	f.Add([]byte(""), "", uint8(0), uint8(0))
	f.Fuzz(func(t *testing.T, paste []byte, keys string, w8, h8 uint8) {
		w, h := 20+int(w8)%181, 5+int(h8)%56
		com := &kit.Common{Styles: kit.NewStyles(true, true), Glyphs: kit.UnicodeGlyphs(), Keys: kit.DefaultKeyMap(), Now: fixedNow, Loc: testZone}
		e := newPasteEditor(com)
		e.setSize(w, h)
		e.open(nil, "")
		want := string(paste)
		if done, closed, _ := e.update(tea.PasteMsg{Content: string(paste)}); done || closed {
			t.Fatal("a paste ended the editor")
		}
		for _, r := range keys {
			k := tea.KeyPressMsg{Code: r, Text: string(r)}
			switch r {
			case '\r':
				k, want = tea.KeyPressMsg{Code: tea.KeyEnter}, want+"\n"
			case '\t':
				k, want = tea.KeyPressMsg{Code: tea.KeyTab}, want+"\t"
			default:
				if r < 0x20 || r == 0x7f {
					continue // control keys are not text
				}
				want += string(r)
			}
			if done, closed, _ := e.update(k); done || closed {
				t.Fatalf("key %q ended the editor", r)
			}
		}
		if got := string(e.read()); got != want {
			t.Fatalf("the editor reads %q, want %q", got, want)
		}
		view := e.view()
		lines := strings.Split(view, "\n")
		if len(lines) > h {
			t.Fatalf("%d lines for an editor %d high", len(lines), h)
		}
		for _, l := range lines {
			if ansi.StringWidth(l) > w {
				t.Fatalf("line %q is %d wide in an editor %d wide", ansi.Strip(l), ansi.StringWidth(l), w)
			}
		}
		if what, bad := rawControl(ansi.Strip(view)); bad {
			t.Fatalf("the editor draws %s", what)
		}
	})
}
