package tui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	tea "charm.land/bubbletea/v2"
	uv "github.com/charmbracelet/ultraviolet"
)

// pasteIntroducers are the starts of string sequences that made the
// terminal's input decoder swallow the end of a paste, and the text the
// guard turns each into.
var pasteIntroducers = []struct{ name, raw, text string }{
	{"DCS", "\x1bP", `\x1bP`},
	{"OSC", "\x1b]0;title", `\x1b]0;title`},
	{"APC", "\x1b_", `\x1b_`},
	{"SOS", "\x1bX", `\x1bX`},
	{"PM", "\x1b^", `\x1b^`},
	{"C1 DCS", "\x90", `\x90`},
	{"C1 APC", "\x9f", `\x9f`},
	{"C1 OSC", "\x9d0;t", `\x9d0;t`},
	{"C1 SOS", "\x98", `\x98`},
	{"C1 PM", "\x9e", `\x9e`},
}

// TestPasteGuard: inside a paste every ESC but the end marker's, and every
// 8-bit control outside a UTF-8 character, becomes its escape text;
// outside a paste nothing changes; the result is the same however the
// input is split into reads.
func TestPasteGuard(t *testing.T) {
	type tc struct{ name, in, want string }
	cases := []tc{
		{"outside a paste", "a\x1bPq\x1b\\\x90\x1b]11;rgb:0/0/0\x07\x1b[A", "a\x1bPq\x1b\\\x90\x1b]11;rgb:0/0/0\x07\x1b[A"},
		{"utf-8 kept", "\x1b[200~caf\xc3\xa9 \xe2\x80\x90 \xf0\x9f\x98\x80\x1b[201~", "\x1b[200~caf\xc3\xa9 \xe2\x80\x90 \xf0\x9f\x98\x80\x1b[201~"},
		{"csi in a paste", "\x1b[200~a\x1b[2Jb\x1b[201~", "\x1b[200~a\\x1b[2Jb\x1b[201~"},
		{"marker prefix in a paste", "\x1b[200~a\x1b[20b\x1b[201~x\x1bP", "\x1b[200~a\\x1b[20b\x1b[201~x\x1bP"},
		{"two pastes", "\x1b[200~\x90\x1b[201~\x90\x1b[200~\x9f\x1b[201~", "\x1b[200~\\x90\x1b[201~\x90\x1b[200~\\x9f\x1b[201~"},
		{"invalid byte kept", "\x1b[200~\xff\xc3\x1b[201~", "\x1b[200~\xff\xc3\x1b[201~"},
		{"unterminated at the end", "\x1b[200~a\x1b", "\x1b[200~a\\x1b"},
	}
	for _, in := range pasteIntroducers {
		cases = append(cases, tc{in.name, "\x1b[200~a" + in.raw + "b\x1b[201~\x03", "\x1b[200~a" + in.text + "b\x1b[201~\x03"})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, r := range []io.Reader{strings.NewReader(c.in), iotest.OneByteReader(strings.NewReader(c.in)), iotest.HalfReader(strings.NewReader(c.in))} {
				got, err := io.ReadAll(newPasteGuard(r))
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != c.want {
					t.Fatalf("%T: got %q, want %q", r, got, c.want)
				}
			}
		})
	}
}

// TestPasteGuardDecoder: the terminal input decoder Bubble Tea uses,
// reading through the guard, delivers a paste holding each introducer as
// one paste, then the ctrl+c after it. Without the guard the paste never
// ends and the ctrl+c is swallowed into it.
func TestPasteGuardDecoder(t *testing.T) {
	for _, in := range pasteIntroducers {
		t.Run(in.name, func(t *testing.T) {
			input := "\x1b[200~ab" + in.raw + "cd\x1b[201~\x03"
			events := decode(t, newPasteGuard(strings.NewReader(input)))
			want := []string{"paste start", "paste ab" + in.text + "cd", "paste end", "key ctrl+c"}
			if fmt.Sprint(events) != fmt.Sprint(want) {
				t.Fatalf("events %q, want %q", events, want)
			}
		})
	}
}

// decode runs the decoder over r to its end and names the events.
func decode(t *testing.T, r io.Reader) []string {
	t.Helper()
	dec := uv.NewTerminalReader(r, "xterm-256color")
	evc := make(chan uv.Event, 64)
	done := make(chan error, 1)
	go func() { done <- dec.StreamEvents(context.Background(), evc); close(evc) }()
	var out []string
	for e := range evc {
		switch e := e.(type) {
		case uv.PasteStartEvent:
			out = append(out, "paste start")
		case uv.PasteEndEvent:
			out = append(out, "paste end")
		case uv.PasteEvent:
			out = append(out, "paste "+e.Content)
		case uv.KeyPressEvent:
			out = append(out, "key "+e.String())
		default:
			out = append(out, fmt.Sprintf("%T", e))
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return out
}

// TestProgramHostilePastes pastes a header line holding each introducer
// into the running workbench (through Run, as the terminal would): each
// arrives as text in the editor, shown as its escape, and ctrl+c still
// ends the program.
func TestProgramHostilePastes(t *testing.T) {
	cfg := testConfig(demoServer(t), "")
	cfg.Demo = true
	p := startProgram(t, cfg, 120, 40)
	p.waitFor(`Domain, address, URL, or "IP DOMAIN":`)
	p.send("\x1b[200~Received: from a.example by b.example;\r\n\tMon, 1 Jan 2024 00:00:00 +0000\r\n\x1b[201~")
	p.waitFor("Message headers")
	for i, in := range pasteIntroducers {
		p.send(fmt.Sprintf("\x1b[200~X-Intro-%d: a%sb\r\n\x1b[201~", i, in.raw))
		p.waitFor(fmt.Sprintf("X-Intro-%d: a%sb", i, in.text))
	}
	p.send("\x03")
	if err := p.wait(); err != nil {
		t.Fatalf("Run: %v", err)
	}
}

// TestProgramQuitsWithKeysQueued: with a 1 MiB paste in the editor, 300
// keys, ctrl+c and 300 more arrive at once. The program ends at the
// ctrl+c in its turn: the 300 keys before it are in the editor, none of
// those after it (a key queued behind a quit acts no more). (Each key costs the rows on screen, not the text: see
// TestEditorMeasuresOnlyTheScreen.)
func TestProgramQuitsWithKeysQueued(t *testing.T) {
	cfg := testConfig(demoServer(t), "")
	cfg.Demo = true
	m := New(context.Background(), cfg)
	p := runModel(t, m, cfg.Env, 80, 24)
	p.waitFor(`Domain, address, URL, or "IP DOMAIN":`)
	paste := bigPaste(1 << 20)
	p.send("\x1b[200~" + paste + "\x1b[201~")
	p.waitFor("Message headers", "all of it is read")
	p.send(strings.Repeat("x", 300) + "\x03" + strings.Repeat("y", 300))
	if err := p.wait(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	got := m.input.editor.raw
	if want := paste + strings.Repeat("x", 300); !bytes.Equal(got, []byte(want)) {
		t.Fatalf("the editor holds %d bytes ending %q; want the paste and 300 x", len(got), got[max(0, len(got)-20):])
	}
}

// TestEditorMeasuresOnlyTheScreen: a key and the redraw after it measure
// the lines on screen, not the text: with 1 MiB in the editor, typing,
// moving and jumping to either end wrap at most three screens of lines
// (finding the window walks at most a screen forward and one back, and
// drawing it one more).
func TestEditorMeasuresOnlyTheScreen(t *testing.T) {
	const w, h = 120, 40
	d := editorWithPaste(t, 1<<20, w, h)
	for _, k := range []tea.KeyPressMsg{
		{Code: 'x', Text: "x"}, {Code: tea.KeyLeft}, {Code: tea.KeyUp}, {Code: tea.KeyPgUp},
		{Code: tea.KeyHome, Mod: tea.ModCtrl}, {Code: tea.KeyDown}, {Code: tea.KeyPgDown},
		{Code: tea.KeyEnd, Mod: tea.ModCtrl}, {Code: 'e', Mod: tea.ModCtrl},
	} {
		d.m.Update(k)
		measured = 0
		_ = d.m.View()
		if measured == 0 || measured > 3*h {
			t.Fatalf("after %s the redraw measured %d lines; the screen has %d rows", k, measured, h)
		}
	}
}
