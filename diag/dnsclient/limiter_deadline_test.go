package dnsclient

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// realFakeClock is a fake clock that starts at the real time, so that the
// deadlines of real contexts can be compared with it.
func realFakeClock() *fakeClock {
	c := newFakeClock()
	c.now = time.Now()
	return c
}

// TestRateLimiterRefusesPastDeadline: a slot that would come after the
// context's deadline is refused at once (no sleep) and is not taken, so
// the next question waits only its own turn.
func TestRateLimiterRefusesPastDeadline(t *testing.T) {
	clock := realFakeClock()
	lim, err := NewRateLimiter(1.0/60, 2, clock) // one a minute, bursts of 2
	if err != nil {
		t.Fatal(err)
	}
	bg := context.Background()
	short, cancel := context.WithDeadline(bg, clock.Now().Add(30*time.Second))
	defer cancel()
	for i := range 2 {
		if err := lim.Wait(short); err != nil {
			t.Fatalf("burst question %d: %v", i, err)
		}
	}
	// The next slot is a minute away, after short's deadline.
	for range 3 {
		err := lim.Wait(short)
		if !errors.Is(err, ErrRateLimited) {
			t.Fatalf("past the deadline: %v, want ErrRateLimited", err)
		}
	}
	clock.mu.Lock()
	n := len(clock.sleepers)
	clock.mu.Unlock()
	if n != 0 {
		t.Fatalf("%d refused waits sleep", n)
	}
	// The refusals took no slot: a wait that can last sleeps one minute.
	long, cancel2 := context.WithDeadline(bg, clock.Now().Add(10*time.Minute))
	defer cancel2()
	done := make(chan error, 1)
	go func() { done <- lim.Wait(long) }()
	if !clock.waitSleepers(long, 1) {
		t.Fatal("the wait never slept")
	}
	clock.Advance(59 * time.Second)
	select {
	case err := <-done:
		t.Fatalf("woke after 59 s: %v", err)
	default:
	}
	clock.Advance(time.Second)
	if err := <-done; err != nil {
		t.Fatalf("after a minute: %v", err)
	}
	// Without a deadline nothing is refused.
	go func() { done <- lim.Wait(bg) }()
	if !clock.waitSleepers(long, 1) {
		t.Fatal("the wait without a deadline never slept")
	}
	clock.Advance(time.Minute)
	if err := <-done; err != nil {
		t.Fatalf("without a deadline: %v", err)
	}
}

// TestLimiterRefusalReachesTheAnswer: a client whose limiter has no slot
// before the deadline sends nothing, and its answer says why; answers
// from the client's own cache cost no slot.
func TestLimiterRefusalReachesTheAnswer(t *testing.T) {
	srv := zoneservertest.New(t, zone("example.", "a IN TXT \"a\"\nb IN TXT \"b\"\n"))
	clock := realFakeClock()
	lim, err := NewRateLimiter(1.0/3600, 1, clock) // one an hour
	if err != nil {
		t.Fatal(err)
	}
	c := testClient(srv, func(c *Config) { c.Limiter = lim })
	ctx, cancel := context.WithDeadline(context.Background(), clock.Now().Add(time.Minute))
	defer cancel()
	if a := c.Lookup(ctx, "a.example.", dns.TypeTXT); a.Status != StatusRecords {
		t.Fatalf("first question: %s %v", a.Status, a.Err)
	}
	if a := c.Lookup(ctx, "a.example.", dns.TypeTXT); a.Status != StatusRecords {
		t.Fatalf("the same question again (cached): %s %v", a.Status, a.Err)
	}
	a := c.Lookup(ctx, "b.example.", dns.TypeTXT)
	if !errors.Is(a.Err, ErrRateLimited) || a.Status == StatusRecords {
		t.Fatalf("over the limit: %s %v, want ErrRateLimited", a.Status, a.Err)
	}
	if got := srv.Queries(); got != 1 {
		t.Errorf("the server saw %d questions, want 1", got)
	}
}
