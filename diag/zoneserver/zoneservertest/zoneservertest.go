// Package zoneservertest starts a zoneserver.Server for the length of one
// test. It is the only place that imports package testing for the server,
// so production code (which imports zoneserver for --demo and --zone)
// never links package testing into the binary.
package zoneservertest

import (
	"testing"

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
