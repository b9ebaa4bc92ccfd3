package serve

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// ErrRateLimited is returned by QuestionLimiter.Wait when the question
// could not be asked before the context's deadline.
var ErrRateLimited = errors.New("the session's DNS question rate limit is reached")

// QuestionLimiter caps the DNS questions one session sends: a token bucket
// refilled at perMinute a minute and holding at most perMinute, so a session
// may ask a whole investigation's questions at once and then perMinute a
// minute on average (no more than twice perMinute in any one minute). Safe
// for concurrent use. A nil *QuestionLimiter allows everything.
//
// The DNS client factory of each session wraps its wire questions with
// Wait (answers from a cache cost nothing).
type QuestionLimiter struct {
	perMinute int
	perSec    float64
	burst     float64
	now       func() time.Time
	sleep     func(ctx context.Context, d time.Duration) error

	mu     sync.Mutex
	tokens float64 // may go below zero: questions waiting their turn
	last   time.Time
}

// NewQuestionLimiter returns a limiter of perMinute questions a minute, or
// nil (no limit) when perMinute <= 0.
func NewQuestionLimiter(perMinute int) *QuestionLimiter {
	return newQuestionLimiter(perMinute, time.Now, sleepCtx)
}

func newQuestionLimiter(perMinute int, now func() time.Time, sleep func(context.Context, time.Duration) error) *QuestionLimiter {
	if perMinute <= 0 {
		return nil
	}
	return &QuestionLimiter{
		perMinute: perMinute,
		perSec:    float64(perMinute) / 60,
		burst:     float64(perMinute),
		tokens:    float64(perMinute),
		now:       now,
		sleep:     sleep,
		last:      now(),
	}
}

// PerMinute returns the limit (0 for none).
func (l *QuestionLimiter) PerMinute() int {
	if l == nil {
		return 0
	}
	return l.perMinute
}

// refill adds the tokens earned since the last call; l.mu is held.
func (l *QuestionLimiter) refill() time.Time {
	now := l.now()
	if el := now.Sub(l.last); el > 0 {
		l.tokens += el.Seconds() * l.perSec
		if l.tokens > l.burst {
			l.tokens = l.burst
		}
		l.last = now
	}
	return now
}

// Allow takes one question's token if one is there now.
func (l *QuestionLimiter) Allow() bool {
	if l == nil {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.refill()
	if l.tokens >= 1 {
		l.tokens--
		return true
	}
	return false
}

// Wait takes one question's token, waiting for it when none is there. It
// returns ErrRateLimited at once, taking nothing, when the token would come
// after ctx's deadline, and ctx's error when ctx ends while waiting.
func (l *QuestionLimiter) Wait(ctx context.Context) error {
	if l == nil {
		return ctx.Err()
	}
	l.mu.Lock()
	now := l.refill()
	if l.tokens >= 1 {
		l.tokens--
		l.mu.Unlock()
		return nil
	}
	wait := time.Duration((1 - l.tokens) / l.perSec * float64(time.Second))
	if dl, ok := ctx.Deadline(); ok && now.Add(wait).After(dl) {
		l.mu.Unlock()
		return fmt.Errorf("%w (%d a minute)", ErrRateLimited, l.perMinute)
	}
	l.tokens--
	l.mu.Unlock()
	if err := l.sleep(ctx, wait); err != nil {
		l.mu.Lock()
		l.tokens++
		if l.tokens > l.burst {
			l.tokens = l.burst
		}
		l.mu.Unlock()
		return err
	}
	return nil
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
