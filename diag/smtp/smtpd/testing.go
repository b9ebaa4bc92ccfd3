package smtpd

import "testing"

// NewTest starts a server for the length of one test, like
// httptest.NewServer, and closes it in tb.Cleanup.
func NewTest(tb testing.TB, b Behavior) *Server {
	tb.Helper()
	s, err := Start(b)
	if err != nil {
		tb.Fatalf("smtpd.Start: %v", err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}
