package dnsclient

import (
	"context"
	"sync"
	"time"
)

// fakeClock is a Clock that moves only when the test says so. Sleepers
// wake when Advance passes their time.
type fakeClock struct {
	mu       sync.Mutex
	now      time.Time
	sleepers []*sleeper
	changed  chan struct{} // closed and replaced whenever sleepers change
}

type sleeper struct {
	until time.Time
	wake  chan struct{}
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), changed: make(chan struct{})}
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	f.mu.Lock()
	s := &sleeper{until: f.now.Add(d), wake: make(chan struct{})}
	f.sleepers = append(f.sleepers, s)
	f.notifyLocked()
	f.mu.Unlock()
	select {
	case <-s.wake:
		return nil
	case <-ctx.Done():
		f.mu.Lock()
		for i, x := range f.sleepers {
			if x == s {
				f.sleepers = append(f.sleepers[:i], f.sleepers[i+1:]...)
				break
			}
		}
		f.notifyLocked()
		f.mu.Unlock()
		return ctx.Err()
	}
}

func (f *fakeClock) notifyLocked() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// Advance moves the clock by d and wakes every sleeper whose time came.
func (f *fakeClock) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
	kept := f.sleepers[:0]
	for _, s := range f.sleepers {
		if !s.until.After(f.now) {
			close(s.wake)
		} else {
			kept = append(kept, s)
		}
	}
	f.sleepers = kept
	f.notifyLocked()
}

// waitSleepers blocks until at least n goroutines sleep on the clock, or ctx
// ends (false).
func (f *fakeClock) waitSleepers(ctx context.Context, n int) bool {
	for {
		f.mu.Lock()
		have, ch := len(f.sleepers), f.changed
		f.mu.Unlock()
		if have >= n {
			return true
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return false
		}
	}
}
