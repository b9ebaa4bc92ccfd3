package verdicts

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/tui/kit"
	"github.com/mxray/mxray/tui/kit/kittest"
)

// open is the pane on a run of raw's message (re-check not in, run still
// going), w×h, focused.
func open(t *testing.T, raw string, w, h int) (*Pane, *kittest.Run) {
	t.Helper()
	run := &kittest.Run{RunID: 1, Running: true}
	if raw != "" {
		m, err := diag.ReadMessage("t.eml", []byte(raw), diag.HeaderOptions{})
		if err != nil {
			t.Fatal(err)
		}
		run.Msg = m
	}
	p := New(kittest.Common(run))
	p.SetSize(w, h)
	p.Focus()
	p.Update(kit.RunStartMsg{Run: 1})
	return p, run
}

// screen is the view without styles, checked to be exactly the pane's
// size and free of any escape sequence but colours.
func screen(t *testing.T, p *Pane) string {
	t.Helper()
	v := p.View()
	if bad := kittest.NonSGR(v); bad != "" {
		t.Fatalf("the view carries %q", bad)
	}
	lines := strings.Split(ansi.Strip(v), "\n")
	if len(lines) != p.H {
		t.Fatalf("%d lines, want %d", len(lines), p.H)
	}
	for _, l := range lines {
		if ansi.StringWidth(l) != p.W {
			t.Fatalf("a line of %d cells, want %d: %q", ansi.StringWidth(l), p.W, l)
		}
	}
	return ansi.Strip(v)
}

func TestStates(t *testing.T) {
	p, _ := open(t, "", 80, 20)
	if s := screen(t, p); !strings.Contains(s, "No message headers in this run") {
		t.Errorf("no message:\n%s", s)
	}
	p, _ = open(t, "From: a@example.com\r\nTo: b@example.net\r\nSubject: x\r\n", 80, 20)
	if s := screen(t, p); !strings.Contains(s, "›Why No spam filter recorded a verdict in this header.") ||
		strings.Count(s, "No spam filter recorded a verdict in this header.") != 2 {
		t.Errorf("no verdicts:\n%s", s)
	}
	// Before the re-check: the receiver's results, and the rule says the
	// re-check runs; once it is in, today's.
	p, run := open(t, string(demo.SampleMessage()), 80, 24)
	s := strings.Join(strings.Fields(screen(t, p)), " ") // the wrapped sentences whole
	for _, want := range []string{"re-checking…", "consistent with its authentication: SPF pass", "what the receiver recorded"} {
		if !strings.Contains(s, want) {
			t.Errorf("before the re-check, no %q:\n%s", want, s)
		}
	}
	rep := diag.CheckMessage(t.Context(), nil, run.Msg, diag.MessageOptions{NoRecheck: true}, nil).Headers
	run.Check, run.Running = rep, false
	p.Update(kit.RecheckMsg{Run: 1, Report: rep})
	if s := screen(t, p); strings.Contains(s, "re-checking") {
		t.Errorf("after the run, still re-checking:\n%s", s)
	}
}

// TestSizes: every size from tiny up draws exactly the pane's size, with
// the cursor anywhere.
func TestSizes(t *testing.T) {
	for _, size := range [][2]int{{1, 1}, {10, 3}, {20, 5}, {40, 10}, {58, 16}, {200, 60}} {
		p, _ := open(t, string(demo.SampleMessage()), size[0], size[1])
		for range 20 {
			screen(t, p)
			p.Update(kittest.Key("j"))
		}
		p.Update(kittest.Key("pgdown"))
		screen(t, p)
	}
}

// TestDetailHoldsCutRows: at 60 columns the rows cut signals' meanings
// with "…"; each item's detail (v) holds its text whole. Before, the pane
// had no detail: v said there was nothing to show.
func TestDetailHoldsCutRows(t *testing.T) {
	p, _ := open(t, string(demo.SampleMessage()), 60, 20)
	cut := 0
	for range len(p.items) {
		it, _ := p.current()
		d, ok := p.Detail()
		if !ok {
			t.Fatal("no detail for the item under the cursor")
		}
		text := strings.Join(strings.Fields(d.Text()), " ")
		var want string
		switch it.kind {
		case whyItem:
			want = p.report.Why
		case verdictItem:
			want = trustWords(p.report.Verdicts[it.verdict])
		case signalItem:
			want = p.report.Verdicts[it.verdict].Signals[it.signal].Meaning
			if row := ansi.Strip(p.row(it, true)); strings.Contains(row, "…") {
				cut++
			}
		}
		if !strings.Contains(text, strings.Join(strings.Fields(want), " ")) {
			t.Errorf("the detail lacks %q:\n%s", want, text)
		}
		p.Update(kittest.Key("j"))
	}
	if cut == 0 {
		t.Fatal("no signal row was cut at 60 columns: the test shows nothing")
	}
}
