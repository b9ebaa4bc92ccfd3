package serve

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock the test moves; sleep moves it by the time asked.
type fakeClock struct {
	mu    sync.Mutex
	t     time.Time
	slept []time.Duration
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.slept = append(c.slept, d)
	c.mu.Unlock()
	c.advance(d)
	return nil
}

func TestQuestionLimiterAllow(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := newQuestionLimiter(120, clk.now, clk.sleep) // 2 a second, bursts of 120
	for i := 0; i < 120; i++ {
		if !l.Allow() {
			t.Fatalf("question %d of the burst refused", i+1)
		}
	}
	if l.Allow() {
		t.Fatal("question 121 allowed at once")
	}
	clk.advance(500 * time.Millisecond) // one token
	if !l.Allow() || l.Allow() {
		t.Fatal("after half a second: want exactly one question")
	}
	clk.advance(time.Hour) // refills to the burst, not beyond
	n := 0
	for l.Allow() {
		n++
	}
	if n != 120 {
		t.Errorf("%d questions after an hour, want the burst of 120", n)
	}
	// Over any minute after the burst, at most perMinute more.
	n = 0
	for s := 0; s < 60; s++ {
		clk.advance(time.Second)
		for l.Allow() {
			n++
		}
	}
	if n != 120 {
		t.Errorf("%d questions in the next minute, want 120", n)
	}
}

func TestQuestionLimiterWait(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := newQuestionLimiter(60, clk.now, clk.sleep) // one a second
	ctx := context.Background()
	for i := 0; i < 60; i++ {
		if err := l.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if len(clk.slept) != 0 {
		t.Fatalf("the burst waited: %v", clk.slept)
	}
	for i := 0; i < 3; i++ {
		if err := l.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if len(clk.slept) != 3 {
		t.Fatalf("slept %v, want three waits", clk.slept)
	}
	for _, d := range clk.slept {
		if d < 999*time.Millisecond || d > 1001*time.Millisecond {
			t.Errorf("waited %v for a token, want 1s", d)
		}
	}
	// A deadline before the next token: refused at once, nothing taken.
	dctx, cancel := context.WithDeadline(ctx, clk.now().Add(100*time.Millisecond))
	defer cancel()
	if err := l.Wait(dctx); !errors.Is(err, ErrRateLimited) {
		t.Errorf("Wait before the deadline = %v, want ErrRateLimited", err)
	}
	clk.advance(time.Second)
	if !l.Allow() {
		t.Error("the refused wait took a token")
	}
	// A cancelled wait gives its token back.
	cctx, ccancel := context.WithCancel(ctx)
	ccancel()
	if err := l.Wait(cctx); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Wait = %v", err)
	}
	clk.advance(time.Second)
	if !l.Allow() {
		t.Error("the cancelled wait kept its token")
	}
}

func TestQuestionLimiterNil(t *testing.T) {
	var l *QuestionLimiter = NewQuestionLimiter(0)
	if l != nil {
		t.Fatal("no limit should be a nil limiter")
	}
	if !l.Allow() || l.Wait(context.Background()) != nil || l.PerMinute() != 0 {
		t.Error("a nil limiter limits")
	}
	if NewQuestionLimiter(600).PerMinute() != 600 {
		t.Error("PerMinute")
	}
}

// TestQuestionLimiterConcurrent: under -race, many goroutines never take
// more than the burst at once.
func TestQuestionLimiterConcurrent(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := newQuestionLimiter(100, clk.now, clk.sleep)
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				if l.Allow() {
					mu.Lock()
					allowed++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if allowed != 100 {
		t.Errorf("%d allowed, want 100", allowed)
	}
}
