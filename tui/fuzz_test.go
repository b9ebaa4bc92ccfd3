package tui

import (
	"context"
	"net/netip"
	"os"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/dkim"
	"github.com/mxray/mxray/spf"
	"github.com/mxray/mxray/spf/advice"
)

// fakeSPFResolver answers the SPF engine from a map, in memory.
type fakeSPFResolver map[string][]spf.TXTRecord

func (r fakeSPFResolver) LookupTXT(_ context.Context, name string) ([]spf.TXTRecord, error) {
	if txt, ok := r[strings.TrimSuffix(strings.ToLower(name), ".")]; ok {
		return txt, nil
	}
	return nil, spf.ErrNXDomain
}

func (r fakeSPFResolver) LookupA(_ context.Context, name string) ([]netip.Addr, error) {
	if strings.HasPrefix(name, "a.") {
		return []netip.Addr{netip.MustParseAddr("192.0.2.1")}, nil
	}
	return nil, spf.ErrNXDomain
}

func (r fakeSPFResolver) LookupAAAA(context.Context, string) ([]netip.Addr, error) {
	return nil, nil
}

func (r fakeSPFResolver) LookupMX(context.Context, string) ([]string, error) { return nil, nil }

func (r fakeSPFResolver) LookupPTR(context.Context, netip.Addr) ([]string, error) {
	return []string{"a.example.com\x1b[2J"}, nil
}

// FuzzSPFPaneView edits the top record (as the what-if editor does) with
// arbitrary text and draws the SPF pane at an arbitrary size: every line
// stays within the width and the height, and nothing from the record
// reaches the screen as a control character, an escape sequence (other
// than the pane's own colours), a bidi control or a zero-width character.
func FuzzSPFPaneView(f *testing.F) {
	for _, seed := range []string{
		"v=spf1 include:_spf.example.com -all",
		"v=spf1 ip4:192.0.2.0/24 a:a.example.com ~all",
		"v=spf1 \x1b]52;c;aGFja2Vk\x07 \x1b[2J include:\u202emoc.elpmaxe\u200b -all",
		"v=spf1 include:loop.example.com include:nx.example.com redirect=_spf.example.com",
		"v=spf1 exists:%{i}.%{l}._spf.example.com ptr -all",
		"v=spf1 " + strings.Repeat("include:_spf.example.com ", 12) + "-all",
		"",
		"日本語 v=spf1 ip6:2001:db8::/32 -all",
	} {
		f.Add(seed, uint8(80), uint8(24))
	}
	res := fakeSPFResolver{
		"example.com":      {{"v=spf1 include:_spf.example.com -all"}},
		"_spf.example.com": {{"v=spf1 ip4:192.0.2.0/24 -all"}},
		"loop.example.com": {{"v=spf1 include:loop.example.com -all"}},
	}
	ctx := context.Background()
	published := spf.Prefetch(ctx, res, "example.com", spf.WithAdvisor(advice.Advisor{}))
	f.Fuzz(func(t *testing.T, text string, w8, h8 uint8) {
		w, h := 20+int(w8)%181, 5+int(h8)%56
		tree := published.WhatIf(ctx, text)
		verdict := tree.CheckHost(ctx, netip.MustParseAddr("192.0.2.1"), "postmaster@example.com", "")
		com := &common{styles: NewStyles(true, true), glyphs: UnicodeGlyphs(), keys: DefaultKeyMap()}
		rep := &diag.SPFReport{Tree: tree}
		com.run = &runInfo{report: &diag.Report{SPF: rep}, done: true}
		p := newSPFPane(com)
		p.SetSize(w, h)
		p.report, p.ip, p.published = rep, verdict.IP, verdict
		p.focused = true
		p.buildRows()
		for range 3 {
			p.list.move(1)
		}
		view := p.View()
		lines := strings.Split(view, "\n")
		if len(lines) > h {
			t.Fatalf("%d lines in a pane %d high", len(lines), h)
		}
		for _, l := range lines {
			if ansi.StringWidth(l) > w {
				t.Fatalf("line %q is %d wide in a pane %d wide", ansi.Strip(l), ansi.StringWidth(l), w)
			}
		}
		assertOnlySGR(t, PaneSPF, view)
		if plain := ansi.Strip(view); strings.ContainsAny(plain, "\x07\x1b\u202e\u200b\u2066\u00ad") {
			t.Fatalf("raw control text on screen: %q", plain)
		}
	})
}

// FuzzTextFit: for any text made safe to draw, the fast width agrees with
// ansi.StringWidth, and wrap, pad and fit keep to the width asked for.
func FuzzTextFit(f *testing.F) {
	for _, seed := range []string{
		"v=spf1 include:_spf.example.com -all",
		"日本語のドメイン名.example",
		"e\u0301 👍🏽 🇩🇪 ✓ ✗ · → …",
		"\x1b[2J\x1b]52;c;aGk=\x07\u202e\u200b",
		"a-b-c-d-e-f-g-h",
		"\u00ad\u180e\ufeff",
	} {
		f.Add(seed, uint8(10))
	}
	f.Fuzz(func(t *testing.T, s string, w8 uint8) {
		s = safe(s)
		w := 1 + int(w8)%120
		if got, want := width(s), ansi.StringWidth(s); got != want {
			t.Fatalf("width(%q) = %d, ansi.StringWidth = %d", s, got, want)
		}
		for _, l := range wrap(s, w) {
			if ansi.StringWidth(l) > w {
				t.Fatalf("wrap(%q, %d): line %q is %d wide", s, w, l, ansi.StringWidth(l))
			}
		}
		if got := ansi.StringWidth(pad(s, w, "…")); got != w {
			t.Fatalf("pad(%q, %d) is %d wide", s, w, got)
		}
		if got := asciiFold(s); ansi.StringWidth(got) != ansi.StringWidth(s) {
			t.Fatalf("asciiFold(%q) = %q changes the width", s, got)
		}
	})
}

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
	styles := NewStyles(true, true)
	f.Fuzz(func(t *testing.T, raw []byte, text string, w8, h8, cursor uint8) {
		w, h := 20+int(w8)%181, 5+int(h8)%56
		p, err := parseHeaders(&headerInput{raw: raw, source: text}, fixedNow())
		if err != nil {
			return // the editor shows the parser's words; no panes
		}
		rep := diag.AnalyzeHeaders(text, p.msg, p.analysis)
		rep.Recheck = &diag.Recheck{DKIM: []dkim.Result{{Domain: text, Selector: text, Reason: text, KeyName: text}}}
		rep.ThenVsNow = []diag.ThenNow{
			{Check: "spf", Then: text, Now: "pass", Explanation: text},
			{Check: "dkim", Subject: text, Then: "pass", Now: text, Changed: true, Explanation: text},
			{Check: text, Explanation: text},
		}
		com := &common{styles: styles, glyphs: UnicodeGlyphs(), keys: DefaultKeyMap(), now: fixedNow, loc: testZone}
		com.run = &runInfo{hdr: &headerRun{parsedHeaders: p, report: rep, done: true}, report: &diag.Report{}, done: true}
		hops, tvn := newHopsPane(com), newThenNowPane(com)
		for _, pane := range []Pane{hops, tvn} {
			pane.SetSize(w, h)
			pane.Update(runStartMsg{})
			pane.Update(recheckMsg{})
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
		com := &common{styles: NewStyles(true, true), glyphs: UnicodeGlyphs(), keys: DefaultKeyMap(), now: fixedNow, loc: testZone}
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
