package tui

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"

	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
	"github.com/mxray/mxray/spf"
)

// bigTreeZone is a domain whose SPF tree has 41 records: the top includes
// eight, each of which includes four more.
func bigTreeZone() string {
	var b strings.Builder
	b.WriteString("$ORIGIN big.example.\n@ SOA ns.example. hostmaster.big.example. 1 3600 600 604800 300\n@ NS ns.example.\n")
	top := "v=spf1"
	for i := 1; i <= 8; i++ {
		top += fmt.Sprintf(" include:a%d.big.example", i)
		mid := "v=spf1"
		for j := 1; j <= 4; j++ {
			mid += fmt.Sprintf(" include:b%d-%d.big.example", i, j)
			fmt.Fprintf(&b, "b%d-%d TXT \"v=spf1 ip4:198.51.%d.%d/32 -all\"\n", i, j, i, j)
		}
		fmt.Fprintf(&b, "a%d TXT \"%s ~all\"\n", i, mid)
	}
	fmt.Fprintf(&b, "@ TXT \"%s -all\"\n", top)
	return b.String()
}

// bigTreeModel is the workbench on big.example at w×h with the SPF pane
// focused and 198.51.1.2 (a leaf two levels down) evaluated.
func bigTreeModel(tb testing.TB, w, h int) *driver {
	srv := zoneservertest.New(tb, workbenchZone+bigTreeZone())
	d := openTarget(tb, srv, "198.51.1.2 big.example", w, h)
	d.focusPane(finding.PartSPF)
	p := spfOf(d.m)
	nodes := 0
	p.Tree().Root.Walk(func(*spf.Node) bool { nodes++; return true })
	if nodes != 41 || p.Verdict() == nil || p.Verdict().Matched == nil {
		tb.Fatalf("big tree: %d nodes, verdict %+v", nodes, p.Verdict())
	}
	return d
}

// BenchmarkView200x60 draws the whole screen at 200x60 with a 41-record
// SPF tree, a verdict and its deciding path.
func BenchmarkView200x60(b *testing.B) {
	d := bigTreeModel(b, 200, 60)
	for b.Loop() {
		_ = d.m.View()
	}
}

// frameRenderer writes frames through Bubble Tea's cell renderer
// (ultraviolet's TerminalRenderer, as tea.Program uses it on the alternate
// screen) and counts the bytes each frame costs after the one before.
type frameRenderer struct {
	out  bytes.Buffer
	scr  *uv.TerminalRenderer
	cell uv.ScreenBuffer
}

func newFrameRenderer(w, h int) *frameRenderer {
	f := &frameRenderer{}
	f.scr = uv.NewTerminalRenderer(&f.out, []string{"TERM=xterm-256color"})
	f.scr.SetFullscreen(true)
	f.scr.SetRelativeCursor(false)
	f.scr.SetScrollOptim(true)
	f.scr.SetMapNewline(false) // a terminal in raw mode, as tea.Program leaves it
	f.scr.Resize(w, h)
	f.scr.Erase()
	f.cell = uv.NewScreenBuffer(w, h)
	return f
}

// frame renders content and returns what the terminal was sent for it.
func (f *frameRenderer) frame(content string) []byte {
	f.out.Reset()
	f.cell.Clear()
	uv.NewStyledString(content).Draw(f.cell, f.cell.Bounds())
	f.scr.Render(f.cell.RenderBuffer)
	_ = f.scr.Flush()
	return bytes.Clone(f.out.Bytes())
}

// BenchmarkSelectionMoveBytes measures the bytes the renderer writes when
// the SPF tree's cursor moves one row (j, then k, alternately), at 200x60,
// as a diff of consecutive frames through the cell renderer.
func BenchmarkSelectionMoveBytes(b *testing.B) {
	d := bigTreeModel(b, 200, 60)
	d.key("j", "j", "j")
	f := newFrameRenderer(200, 60)
	f.frame(d.m.View().Content)
	total, n := 0, 0
	for b.Loop() {
		k := "j"
		if n%2 == 1 {
			k = "k"
		}
		d.key(k)
		total += len(f.frame(d.m.View().Content))
		n++
	}
	b.ReportMetric(float64(total)/float64(n), "bytes/move")
}

// TestRendererDiffOnScreen checks the test emulator against the real
// renderer: after the first frame and after a one-row move, the emulated
// screen is exactly the frame; and a move costs far less than a redraw.
func TestRendererDiffOnScreen(t *testing.T) {
	d := bigTreeModel(t, 200, 60)
	f := newFrameRenderer(200, 60)
	vt := newVTScreen(200, 60, false)
	first := d.m.View().Content
	full := f.frame(first)
	_, _ = vt.Write(full)
	if got, want := vt.String(), trimLines(ansi.Strip(first)); got != want {
		t.Fatalf("first frame on the emulator:\n%s\nwant:\n%s", got, want)
	}
	d.key("j")
	next := d.m.View().Content
	diff := f.frame(next)
	_, _ = vt.Write(diff)
	if got, want := vt.String(), trimLines(ansi.Strip(next)); got != want {
		t.Fatalf("after moving one row:\n%s\nwant:\n%s", got, want)
	}
	if len(diff) == 0 || len(diff)*4 > len(full) {
		t.Fatalf("a one-row move cost %d bytes; the whole screen %d", len(diff), len(full))
	}
	if u := vt.Unknown(); len(u) > 0 {
		t.Fatalf("unknown sequences: %q", u)
	}
	t.Logf("first frame %d bytes, one-row move %d bytes", len(full), len(diff))
}

// trimLines drops trailing blanks from every line, as vtScreen.String does.
func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// BenchmarkOpenToDone times a whole investigation of good.example against
// the in-process server, from the open message to the final report on the
// screen.
func BenchmarkOpenToDone(b *testing.B) {
	srv := goldenServer(b)
	for b.Loop() {
		m := New(context.Background(), testConfig(srv, "good.example"))
		d := newDriver(b, m, 120, 40)
		d.idle()
		m.cancelSession()
	}
}

// hundredHops is a message that went through 100 relays, one second apart:
// 90 at the sender's side, the last ten inside the receiving organisation.
func hundredHops() []byte {
	var b strings.Builder
	base := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	for i := 100; i >= 1; i-- {
		from, ip, by := fmt.Sprintf("relay%d.mailer.example", i), fmt.Sprintf("198.51.100.%d", i), fmt.Sprintf("relay%d.mailer.example", i+1)
		if i >= 90 {
			by = fmt.Sprintf("mx%d.receiver.example", i)
		}
		if i > 90 {
			from, ip = fmt.Sprintf("mx%d.receiver.example", i-1), fmt.Sprintf("10.0.0.%d", i)
		}
		fmt.Fprintf(&b, "Received: from %s (%s [%s])\r\n\tby %s (Postfix) with ESMTPS id Q%04d\r\n\tfor <bob@receiver.example>; %s\r\n",
			from, from, ip, by, i, base.Add(time.Duration(i)*time.Second).Format(time.RFC1123Z))
	}
	b.WriteString("From: Alice <alice@healthy.example>\r\nTo: bob@receiver.example\r\nSubject: a long way\r\nDate: " + base.Format(time.RFC1123Z) + "\r\n\r\n")
	return []byte(b.String())
}

// BenchmarkViewHops100 draws the whole screen at 200x60 with the hops pane
// of a 100-hop message focused and the cursor in the middle of the table.
func BenchmarkViewHops100(b *testing.B) {
	srv := zoneservertest.New(b, demo.ZoneText())
	d := openHeaders(b, srv, "hops100.eml", hundredHops(), 200, 60)
	if an := d.m.run.Message().Analysis; len(an.Hops) != 100 || an.SendingHop != 90 || !an.Hops[90].Internal || an.Hops[89].Internal {
		b.Fatalf("%d hops read, sending hop %d; want 100, 90, the internal ones from 91", len(an.Hops), an.SendingHop)
	}
	d.focusPane(finding.PartHops)
	d.key("pgup", "pgup")
	for b.Loop() {
		_ = d.m.View()
	}
}
