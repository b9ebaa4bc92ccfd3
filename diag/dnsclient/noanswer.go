package dnsclient

// NoServerAnswered reports whether questions were asked and not one got a
// reply from any server: every one timed out or failed on the network.
func NoServerAnswered(log []LogEntry) bool {
	asked := 0
	for _, e := range log {
		if e.Cached || e.Merged {
			continue
		}
		asked++
		if e.Status != StatusTimeout && e.Status != StatusError {
			return false
		}
	}
	return asked > 0
}
