package tui

import (
	"context"
	"os"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/demo"
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
	// Small seeds keep mutation and minimisation fast: the signatures'
	// long b= values add nothing the panes draw.
	f.Add(withoutField(demo.SampleMessage(), "DKIM-Signature"), "d=example.com s=s1", uint8(80), uint8(24), uint8(1))
	f.Add(withoutField(hostileMessage("\x1b]52;c;YmFk\x07\x1b[2J\u202e\u200b\x9b\u009b"), "DKIM-Signature"), "\x1b[2J", uint8(120), uint8(40), uint8(2))
	f.Add([]byte("Received: from a (a [192.0.2.1]) by b; Mon, 1 Jan 2024 00:00:00 +0000\nReceived: garbage \x1b[31m\n\tmore\nFrom: x\n"), "", uint8(30), uint8(8), uint8(0))
	f.Add([]byte(""), "", uint8(0), uint8(0), uint8(0))
	for _, name := range []string{"fifteen-received-hops.headers.eml", "kernel-org-arc-i3-gmail-via-webhosting-spf-dmarc-fail.eml", "outlook-express-7-hops-raw-utf8.eml"} {
		if raw, err := os.ReadFile("../testdata/headers/" + name); err == nil {
			f.Add(raw[:min(len(raw), 1000)], "d=a s=b", uint8(100), uint8(30), uint8(3))
		}
	}
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
		if got := string(e.text()); got != want {
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

// withoutField drops every field named name (and its folded lines) from a
// header block, and the body.
func withoutField(raw []byte, name string) []byte {
	var out []byte
	skip := false
	for line := range strings.Lines(string(raw)) {
		if strings.TrimRight(line, "\r\n") == "" {
			break // the body
		}
		if line[0] != ' ' && line[0] != '\t' {
			skip = strings.HasPrefix(strings.ToLower(line), strings.ToLower(name)+":")
		}
		if !skip {
			out = append(out, line...)
		}
	}
	return out
}
