package dnsclient

import "errors"

// NoServerAnswered reports whether questions were asked and not one got a
// reply from any server: every one timed out or failed on the network.
// Questions the deadline or a cancel cut short say nothing of the servers
// and are not counted; a reply that could not be used (malformed, a CNAME
// loop or a chain past the limit) or a question never sent (a budget)
// means the servers did not go silent, so the answer is false.
func NoServerAnswered(log []LogEntry) bool {
	asked := 0
	for _, e := range log {
		if e.Cached || e.Merged || e.Cut {
			continue
		}
		asked++
		if e.heard || (e.Status != StatusTimeout && e.Status != StatusError) {
			return false
		}
	}
	return asked > 0
}

// notSilence reports whether a lookup error is something other than the
// servers' silence or a network failure: a reply that came but could not
// be used, or a question the client never sent.
func notSilence(err error) bool {
	for _, e := range []error{ErrBadReply, ErrCNAMELoop, ErrCNAMEChain, ErrQueryBudget, ErrTooMuchTXT, ErrBadName, ErrReferral, ErrRcode} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
