package tui

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
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
		case <-time.After(10 * time.Second):
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
		case <-time.After(10 * time.Second):
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
