package tui

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/mxray/mxray/internal/syncbuf"
)

// runModel runs m in a real tea.Program reading keys from a pipe and
// writing to a buffer at w×h, as a terminal would drive it; the model can
// be read once the program has ended.
func runModel(t *testing.T, m *Model, env []string, w, h int) *program {
	t.Helper()
	pr, pw := io.Pipe()
	p := &program{t: t, out: &syncbuf.Buffer{}, in: pw, done: make(chan error, 1), vt: newVTScreen(w, h, true)}
	prog := tea.NewProgram(m, tea.WithInput(pr), tea.WithOutput(p.out), tea.WithWindowSize(w, h),
		tea.WithEnvironment(env), tea.WithoutSignals())
	go func() {
		_, err := prog.Run()
		p.done <- err
	}()
	t.Cleanup(func() {
		prog.Kill()
		pw.Close()
		select {
		case <-p.done:
		case <-time.After(patience):
			t.Error("the program did not stop")
		}
		if m.cancelSession != nil {
			m.cancelSession()
		}
	})
	return p
}

// TestProgramPasteCutShort: a pasted header whose Subject carries the
// terminal's end-of-paste sequence (ESC[201~) makes the terminal deliver
// the rest of the paste as key presses. Through Bubble Tea's own input
// reader, those keys (q, ?, e, r, /, enter, tab) land in the editor as
// text: nothing quits, opens help or exports; the stray end sequence that
// follows does nothing. ctrl+d then reads all of it.
func TestProgramPasteCutShort(t *testing.T) {
	cfg := testConfig(demoServer(t), "")
	cfg.Demo = true
	m := New(context.Background(), cfg)
	p := runModel(t, m, cfg.Env, 80, 24)
	p.waitFor(`Domain, address, URL, or "IP DOMAIN":`)
	first := "Received: from a.example (a.example [192.0.2.1])\r\tby mx.example; Mon, 1 Jan 2024 00:00:00 +0000\rSubject: cut "
	p.send("\x1b[200~" + first + "\x1b[201~" + "q?e/ry\rFrom: <a@example.com>\r\tq\r" + "\x1b[201~")
	p.waitFor("Message headers", "Subject: cut q?e/ry", "From: <a@example.com>")
	p.send("q?")
	time.Sleep(100 * time.Millisecond) // time to act, were they commands
	p.waitFor("Message headers", "5  q", "6 q?")
	p.send("\x04") // ctrl+d: read it
	p.waitFor("[Hops]", "a.example", "192.0.2.1")
	p.send("\x03") // ctrl+c
	if err := p.wait(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	want := first + "q?e/ry\nFrom: <a@example.com>\n\tq\nq?"
	if got := string(m.run.hdr.msg.Raw); got != want {
		t.Fatalf("the run read %q, want %q", got, want)
	}
	if strings.Contains(p.screen(), "Keys (? or esc closes)") {
		t.Fatal("? opened the help")
	}
}
