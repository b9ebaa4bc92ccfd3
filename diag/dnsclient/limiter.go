package dnsclient

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Clock is the time the limiter and the health tracker go by. Tests give a
// fake one so that bounds are proven with counts, not with the wall clock.
type Clock interface {
	// Now is the current time.
	Now() time.Time
	// Sleep waits for d, or until ctx ends (then it returns ctx's error).
	Sleep(ctx context.Context, d time.Duration) error
}

// SystemClock is the real time.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// Sleep waits for d or until ctx ends.
func (SystemClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Limiter paces the questions a client puts on the wire. Wait is called
// before every question sent (a retry and a TCP retry are questions too);
// answers from a cache and questions merged with one in flight send nothing
// and do not call it. One Limiter may be shared by many clients: a batch
// run's global --qps cap, or an SSH session's own cap.
type Limiter interface {
	// Wait blocks until one more question may be sent, or returns ctx's
	// error when ctx ends first (then nothing may be sent).
	Wait(ctx context.Context) error
}

// ErrRateLimited is returned by RateLimiter.Wait, at once, for a question
// that could only be sent after its context's deadline: the caller learns
// why at once instead of waiting for a deadline it cannot meet.
var ErrRateLimited = errors.New("question rate limit reached")

// RateLimiter is a Limiter that lets at most burst + qps×T questions through
// in any span of T seconds: a token bucket kept as a single "next free
// slot" time (the generic cell rate algorithm). Waiters are served in the
// order they called Wait. Safe for concurrent use.
type RateLimiter struct {
	clock    Clock
	interval time.Duration // one question's share of a second
	slack    time.Duration // (burst-1) × interval: how far ahead the bucket may run
	qps      float64

	mu  sync.Mutex
	tat time.Time // theoretical arrival time of the next question
}

// NewRateLimiter returns a limiter of qps questions per second with bursts
// of at most burst (at least 1). A nil clock means SystemClock.
func NewRateLimiter(qps float64, burst int, clock Clock) (*RateLimiter, error) {
	if !(qps > 0) || qps > 1e9 {
		return nil, fmt.Errorf("dnsclient: rate %v questions per second: must be above 0", qps)
	}
	if clock == nil {
		clock = SystemClock{}
	}
	burst = max(burst, 1)
	interval := time.Duration(float64(time.Second) / qps)
	return &RateLimiter{clock: clock, interval: interval, slack: time.Duration(burst-1) * interval, qps: qps}, nil
}

// QPS returns the rate the limiter was made with.
func (l *RateLimiter) QPS() float64 { return l.qps }

// Wait reserves the next free slot and sleeps until it comes. A wait ended
// by ctx keeps its slot unused, so the rate only ever errs low. A slot that
// would come after ctx's deadline is not taken: Wait returns ErrRateLimited
// at once.
func (l *RateLimiter) Wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	l.mu.Lock()
	now := l.clock.Now()
	tat := l.tat
	if tat.Before(now) {
		tat = now
	}
	wait := tat.Sub(now) - l.slack
	if dl, ok := ctx.Deadline(); ok && wait > 0 && now.Add(wait).After(dl) {
		l.mu.Unlock()
		return fmt.Errorf("%w (%g questions a second)", ErrRateLimited, l.qps)
	}
	l.tat = tat.Add(l.interval)
	l.mu.Unlock()
	if wait <= 0 {
		return nil
	}
	return l.clock.Sleep(ctx, wait)
}
