package dnsclient

import (
	"context"
	"sync"
)

// memo runs a function once per key for the client's life and shares the
// result with every caller, including those that arrive while it runs. A
// run ended by its caller's context is forgotten, and callers still waiting
// run it again.
type memo[T any] struct {
	mu    sync.Mutex
	calls map[string]*memoCall[T]
}

type memoCall[T any] struct {
	done      chan struct{}
	val       T
	status    Status
	err       error
	cancelled bool
}

func (m *memo[T]) do(ctx context.Context, key string, fn func(context.Context) (T, Status, error)) (T, Status, error) {
	for {
		m.mu.Lock()
		if m.calls == nil {
			m.calls = map[string]*memoCall[T]{}
		}
		call, ok := m.calls[key]
		if !ok {
			call = &memoCall[T]{done: make(chan struct{})}
			m.calls[key] = call
			m.mu.Unlock()
			val, st, err := fn(ctx)
			m.mu.Lock()
			call.val, call.status, call.err = val, st, err
			if contextErr(ctx) != nil && isContextErr(err) {
				call.cancelled = true
				delete(m.calls, key)
			}
			close(call.done)
			m.mu.Unlock()
			return val, st, err
		}
		m.mu.Unlock()
		select {
		case <-call.done:
		case <-ctx.Done():
			var zero T
			return zero, contextAnswer("", 0, ctx.Err()).Status, ctx.Err()
		}
		if !call.cancelled {
			return call.val, call.status, call.err
		}
	}
}
