package spf

import "time"

// Option tunes Prefetch, Check and CheckIPs.
type Option func(*config)

type config struct {
	maxDepth    int
	maxNodes    int
	voidLimit   int
	concurrency int
	defaultExp  string
	receiver    string
	now         func() time.Time
	record      *string
	advisor     Advisor
	tree        *Tree // WithTree
}

// Defaults. The depth cap is one past what an evaluation can reach: a chain
// of 11 includes already exceeds the 10-lookup limit.
const (
	DefaultMaxDepth    = LookupLimit + 1
	DefaultMaxNodes    = 100
	DefaultConcurrency = 32
)

func newConfig(opts []Option) config {
	c := config{
		maxDepth:    DefaultMaxDepth,
		maxNodes:    DefaultMaxNodes,
		voidLimit:   VoidLookupLimit,
		concurrency: DefaultConcurrency,
		now:         time.Now,
	}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// WithMaxDepth caps how deep Prefetch follows include and redirect; deeper
// targets appear as cut nodes. Evaluation is bounded by the RFC limits
// regardless.
func WithMaxDepth(n int) Option {
	return func(c *config) {
		if n >= 0 {
			c.maxDepth = n
		}
	}
}

// WithMaxNodes caps the records Prefetch fetches (diamonds count each time
// they appear) and the a, mx and exists targets it resolves ahead of time.
func WithMaxNodes(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.maxNodes = n
		}
	}
}

// WithVoidLimit sets the void lookup limit (RFC 7208 §4.6.4 recommends 2,
// the default, and lets implementations make it configurable).
func WithVoidLimit(n int) Option {
	return func(c *config) {
		if n >= 0 {
			c.voidLimit = n
		}
	}
}

// WithConcurrency caps the DNS questions Prefetch has in flight at once.
func WithConcurrency(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.concurrency = n
		}
	}
}

// WithDefaultExplanation sets the explanation a fail carries when the record
// has no usable exp= (RFC 7208 §6.2 allows a default or an empty one; the
// default is empty).
func WithDefaultExplanation(s string) Option {
	return func(c *config) { c.defaultExp = s }
}

// WithReceiver sets the checking host's name, which %{r} expands to
// (RFC 7208 §7.2); "unknown" when unset.
func WithReceiver(name string) Option {
	return func(c *config) { c.receiver = name }
}

// WithClock sets the clock %{t} reads.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.now = now
		}
	}
}

// WithRecord replaces the top domain's published TXT records with text, as
// if it alone were published there: the "what if I publish this" of the TUI's
// edit mode and of `mxray spf --record`.
func WithRecord(text string) Option {
	return func(c *config) { c.record = &text }
}

// WithAdvisor installs the Advisor whose findings the tree, its verdicts
// and their JSON carry (mxray's is spf/advice). Trees made by WhatIf keep
// it.
func WithAdvisor(a Advisor) Option {
	return func(c *config) { c.advisor = a }
}
