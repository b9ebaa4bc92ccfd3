package dnstest

import "testing"

// NewTest starts a server for zoneText for the length of one test, like
// httptest.NewServer: it fails the test if the zone text is bad or the
// server cannot listen, and closes the server in tb.Cleanup.
func NewTest(tb testing.TB, zoneText string) *Server {
	tb.Helper()
	s, err := New(zoneText)
	if err != nil {
		tb.Fatalf("dnstest.New: %v", err)
	}
	if err := s.Start(); err != nil {
		tb.Fatalf("dnstest.Start: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("dnstest.Close: %v", err)
		}
	})
	return s
}
