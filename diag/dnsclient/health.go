package dnsclient

import (
	"sync"
	"time"
)

// Defaults of a Health tracker.
const (
	DefaultHealthFailures = 8
)

// Health notices, across every client that shares it, when the configured
// resolvers (Config.Servers) stopped answering altogether, so that a run of
// many investigations fails fast instead of waiting out every question's
// timeout: a dead resolver costs a batch seconds, not 15 s per domain.
//
// The resolvers count as down once Failures questions in a row ended
// without any reply (a timeout or a network error such as "connection
// refused") and no reply at all came for Window. A reply of any kind,
// SERVFAIL included, is a sign of life and resets the count. While down,
// questions to the resolvers fail at once with ErrResolverDown, except one
// probe per Window, whose reply brings them back. Questions to the
// nameservers of --authoritative mode and to --zone overlays are not
// tracked: a lame delegation is the domain's problem, not the resolver's.
// Safe for concurrent use.
type Health struct {
	failures int
	window   time.Duration
	clock    Clock

	mu        sync.Mutex
	run       int       // failures in a row
	lastReply time.Time // or the tracker's birth
	down      bool
	probing   bool
	lastProbe time.Time
	downCount int // questions refused while down
}

// NewHealth returns a tracker that declares the resolvers down after
// failures questions in a row without a reply spanning at least window. A
// nil clock means SystemClock.
func NewHealth(failures int, window time.Duration, clock Clock) *Health {
	if failures <= 0 {
		failures = DefaultHealthFailures
	}
	if clock == nil {
		clock = SystemClock{}
	}
	return &Health{failures: failures, window: window, clock: clock, lastReply: clock.Now()}
}

// Down reports whether the resolvers are taken for dead.
func (h *Health) Down() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.down
}

// Refused counts the questions failed at once because the resolvers were
// down.
func (h *Health) Refused() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.downCount
}

// admit says whether a question may go to the resolvers now; probe is true
// for the one question let through to see whether they came back.
func (h *Health) admit() (ok, probe bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.down {
		return true, false
	}
	now := h.clock.Now()
	if !h.probing && now.Sub(h.lastProbe) >= h.window {
		h.probing, h.lastProbe = true, now
		return true, true
	}
	h.downCount++
	return false, false
}

// replied records a reply from a resolver.
func (h *Health) replied(probe bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.run, h.down, h.lastReply = 0, false, h.clock.Now()
	if probe {
		h.probing = false
	}
}

// failed records a question that got no reply.
func (h *Health) failed(probe bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if probe {
		h.probing = false
	}
	h.run++
	if !h.down && h.run >= h.failures && h.clock.Now().Sub(h.lastReply) >= h.window {
		h.down, h.lastProbe = true, h.clock.Now()
	}
}

// abandoned records a question that ended without an outcome (its caller
// gave up); only a probe's slot is given back.
func (h *Health) abandoned(probe bool) {
	if !probe {
		return
	}
	h.mu.Lock()
	h.probing = false
	h.mu.Unlock()
}
