// Package zoneservertest starts a zoneserver.Server for the length of one
// test. It is the only place that imports package testing for the server,
// so production code (which imports zoneserver for --demo and --zone)
// never links package testing into the binary.
package zoneservertest

import (
	"testing"
	"time"

	"github.com/mxray/mxray/diag/zoneserver"
)

// New starts a server for zoneText for the length of one test, like
// httptest.NewServer: it fails the test if the zone text is bad or the
// server cannot listen, and closes the server in tb.Cleanup.
func New(tb testing.TB, zoneText string) *zoneserver.Server {
	tb.Helper()
	s, err := zoneserver.New(zoneText)
	if err != nil {
		tb.Fatalf("zoneserver.New: %v", err)
	}
	if err := s.Start(); err != nil {
		tb.Fatalf("zoneserver.Start: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("zoneserver.Close: %v", err)
		}
	})
	return s
}

// AwaitPending waits until at least n answers are held back at s (by
// latency or Server.Hold): the questions have reached the server and wait
// there. It polls, and has no time limit of its own: on a slow machine it
// waits longer, and a test that can never get there is ended by go test's
// -timeout, with every goroutine's stack.
func AwaitPending(tb testing.TB, s *zoneserver.Server, n int) {
	tb.Helper()
	Await(func() bool { return s.Pending() >= n })
}

// Await polls cond until it holds, with no time limit of its own (see
// AwaitPending).
func Await(cond func() bool) {
	for !cond() {
		time.Sleep(time.Millisecond)
	}
}

// TimeoutHook has the signature of the DNS client's AttemptTimeout (this
// package does not import the client, whose own tests import it).
type TimeoutHook = func(server, name string, qtype uint16) <-chan struct{}

// expired is closed: an attempt given it times out at once.
var expired = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// Expiry returns an AttemptTimeout hook under which an attempt times out at
// once when it goes to one of the dead addresses, or to one of srvs while a
// fault drops that question there; every other attempt never times out.
// With a client Timeout longer than any test, a question that gets an
// answer is waited for however loaded the machine, and one that cannot
// get one fails at once with the client's timeout error.
func Expiry(dead []string, srvs ...*zoneserver.Server) TimeoutHook {
	return func(server, name string, qtype uint16) <-chan struct{} {
		for _, d := range dead {
			if server == d {
				return expired
			}
		}
		for _, s := range srvs {
			if server == s.Addr() && s.Drops(name, qtype) {
				return expired
			}
		}
		return nil
	}
}
