package tui

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// bigPaste is about n bytes of header-like text: Received fields of
// 76-column lines, as a mail client wraps them.
func bigPaste(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		b.WriteString("Received: from relay.example (relay.example [192.0.2.1]) by mx.example\r\n")
		b.WriteString("\twith ESMTPS id 0123456789abcdef for <someone@example.com>; Mon, 1 Jan\r\n")
	}
	return b.String()
}

// editorWithPaste is the workbench's header editor at w×h holding a paste
// of about n bytes, the cursor at its end.
func editorWithPaste(tb testing.TB, n, w, h int) *driver {
	cfg := testConfig(demoServer(tb), "")
	cfg.Demo = true
	m := New(context.Background(), cfg)
	tb.Cleanup(func() {
		if m.cancelSession != nil {
			m.cancelSession()
		}
	})
	d := newDriver(tb, m, w, h)
	d.update(tea.PasteMsg{Content: bigPaste(n)})
	if !d.m.input.editing {
		tb.Fatal("the paste did not open the editor")
	}
	return d
}

// BenchmarkEditorKey1MiB is one key press in the header editor holding a
// 1 MiB paste, with the redraw that follows it: typed at the end (the
// common case) and a cursor move (an edit path through the text area).
func BenchmarkEditorKey1MiB(b *testing.B) {
	for _, k := range []struct {
		name string
		msg  tea.KeyPressMsg
	}{
		{"type", tea.KeyPressMsg{Code: 'x', Text: "x"}},
		{"left", tea.KeyPressMsg{Code: tea.KeyLeft}},
	} {
		b.Run(k.name, func(b *testing.B) {
			d := editorWithPaste(b, 1<<20, 120, 40)
			_ = d.m.View()
			for b.Loop() {
				d.m.Update(k.msg)
				_ = d.m.View()
			}
		})
	}
}
