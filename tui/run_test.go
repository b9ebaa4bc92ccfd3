package tui

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/tui/kit"
)

// TestRunEnds: Run returns nil when the user quits (q from the terminal's
// input) and when its context ends (a signal in cmd/mxray), and draws on
// the output it is given.
func TestRunEnds(t *testing.T) {
	srv := goldenServer(t)
	t.Run("q", func(t *testing.T) {
		var out bytes.Buffer
		done := make(chan error, 1)
		// The q arrives after the first frames: the reader waits a little.
		in := io.MultiReader(slowReader{d: 300 * time.Millisecond}, strings.NewReader("q"))
		go func() {
			done <- Run(context.Background(), testConfig(srv, "good.example"),
				tea.WithInput(in), tea.WithOutput(&out), tea.WithWindowSize(80, 24))
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
		case <-time.After(patience):
			t.Fatal("q did not end Run")
		}
		if !strings.Contains(out.String(), "good.example") {
			t.Fatal("nothing was drawn")
		}
	})
	t.Run("context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			done <- Run(ctx, testConfig(srv, "good.example"),
				tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithWindowSize(80, 24))
		}()
		time.Sleep(100 * time.Millisecond)
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("Run after cancel: %v, want nil", err)
			}
		case <-time.After(patience):
			t.Fatal("cancelling the context did not end Run")
		}
	})
}

// slowReader returns no bytes for a while, then EOF.
type slowReader struct{ d time.Duration }

func (r slowReader) Read([]byte) (int, error) {
	time.Sleep(r.d)
	return 0, io.EOF
}

// TestEveryPartPassedOn: the stream hands the program one kit.PartMsg per
// part, the last one included, then the final report, and each snapshot
// can be read while the investigation finishes (under -race, a write to a
// delivered snapshot fails the test). The final report is not one of the
// snapshots.
func TestEveryPartPassedOn(t *testing.T) {
	srv := goldenServer(t)
	s := newStream(7)
	client := testConfig(srv, "").NewClient(s.onQuery)
	done := make(chan tea.Msg, 1)
	ctx := context.Background()
	go func() {
		done <- s.investigate(ctx, ctx, client, "good.example", diag.Options{Offline: true})()
	}()
	seen := map[finding.Part]bool{}
	var last *diag.Report
	var final *kit.RunDoneMsg
	for {
		msg := s.waitEvent()()
		if msg == nil {
			break
		}
		if rd, ok := msg.(kit.RunDoneMsg); ok && final == nil && rd.Run == 7 {
			final = &rd
			continue
		}
		pm, ok := msg.(kit.PartMsg)
		if !ok || pm.Run != 7 || final != nil {
			t.Fatalf("waitEvent gave %#v (after the final report: %v)", msg, final != nil)
		}
		if seen[pm.Part] {
			t.Fatalf("part %s passed on twice", pm.Part)
		}
		seen[pm.Part] = true
		// Read what the panes read, while Investigate may still run.
		_, _, _ = pm.Report.Queries, len(pm.Report.Findings), len(pm.Report.Log)
		last = pm.Report
	}
	if msg := <-done; msg != nil || final == nil {
		t.Fatalf("the command returned %#v; final report %v", msg, final)
	}
	if len(seen) != len(diag.Parts()) {
		t.Fatalf("%d parts passed on, want %d: %v", len(seen), len(diag.Parts()), seen)
	}
	for _, p := range diag.Parts() {
		if !last.Has(p) {
			t.Errorf("the last snapshot lacks %s", p)
		}
	}
	if final.Report == last {
		t.Error("the final report is the last snapshot: it would be written after delivery")
	}
	_, _ = last.Queries, last.Elapsed
}
