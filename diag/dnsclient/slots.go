package dnsclient

import "context"

// slots bounds concurrent questions with one pool per priority, so a
// critical question never waits for a leaf to finish.
type slots struct {
	critical chan struct{}
	leaf     chan struct{}
}

func newSlots(critical, leaf int) slots {
	return slots{critical: make(chan struct{}, critical), leaf: make(chan struct{}, leaf)}
}

// acquire takes a slot for priority p and returns its release. A leaf
// waiting for a slot moves to the critical pool when upgrade is closed (a
// critical caller joined its question).
func (s slots) acquire(ctx context.Context, p Priority, upgrade <-chan struct{}) (func(), error) {
	if p != Critical {
		select {
		case s.leaf <- struct{}{}:
			return func() { <-s.leaf }, nil
		case <-upgrade:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	select {
	case s.critical <- struct{}{}:
		return func() { <-s.critical }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
