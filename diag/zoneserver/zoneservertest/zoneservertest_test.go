package zoneservertest

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/mxray/mxray/diag/zoneserver"
)

// recorder is a testing.TB that records Fatalf and Cleanup instead of
// acting on them, so the helper's failure path can be tested.
type recorder struct {
	testing.TB
	fatal    string
	cleanups []func()
}

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(format string, args ...any) {
	r.fatal = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (r *recorder) Errorf(format string, args ...any) { r.fatal = fmt.Sprintf(format, args...) }

func (r *recorder) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }

// run calls New on r in a goroutine of its own, as the testing package runs
// a test, so that Fatalf's Goexit ends only that goroutine.
func run(r *recorder, zone string) *zoneserver.Server {
	var s *zoneserver.Server
	var wg sync.WaitGroup
	wg.Go(func() { s = New(r, zone) })
	wg.Wait()
	return s
}

func TestNewServesAndCloses(t *testing.T) {
	r := &recorder{TB: t}
	s := run(r, "$ORIGIN example.\n@ SOA ns hm 1 2 3 4 5\nwww A 192.0.2.1\n")
	if r.fatal != "" || s == nil || s.Addr() == "" {
		t.Fatalf("New failed: %q", r.fatal)
	}
	if len(r.cleanups) != 1 {
		t.Fatalf("%d cleanups registered, want 1", len(r.cleanups))
	}
	r.cleanups[0]()
	if r.fatal != "" {
		t.Fatalf("cleanup reported %q", r.fatal)
	}
	if err := s.Start(); !errors.Is(err, zoneserver.ErrClosed) {
		t.Errorf("Start after cleanup = %v, want ErrClosed", err)
	}
}

func TestNewFailsOnBadZone(t *testing.T) {
	r := &recorder{TB: t}
	if s := run(r, "$ORIGIN example.\nwww A not-an-address\n"); s != nil {
		t.Errorf("New returned a server for a bad zone")
	}
	if r.fatal == "" || len(r.cleanups) != 0 {
		t.Errorf("fatal %q, %d cleanups; want a failure and nothing to clean up", r.fatal, len(r.cleanups))
	}
}
