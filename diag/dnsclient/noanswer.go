package dnsclient

// NoServerAnswered reports whether questions were asked and not one got a
// reply from any server: every one timed out or failed on the network.
// Questions the deadline or a cancel cut short say nothing of the servers
// and are not counted.
func NoServerAnswered(log []LogEntry) bool {
	asked := 0
	for _, e := range log {
		if e.Cached || e.Merged || e.Cut {
			continue
		}
		asked++
		if e.Status != StatusTimeout && e.Status != StatusError {
			return false
		}
	}
	return asked > 0
}
