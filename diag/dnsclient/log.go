package dnsclient

import (
	"time"

	"github.com/miekg/dns"
)

// LogEntry records one Lookup call (and each question the client asked on
// its own behalf, such as the zone-cut questions of authoritative mode).
type LogEntry struct {
	Name   string        // as asked, fully qualified
	Type   string        // "TXT", "A", ...
	Server string        // the server of the final reply, host:port
	Status Status        // the answer's status
	TTL    uint32        // the answer's TTL
	RTT    time.Duration // round trip of the final reply (0 when cached)
	Cached bool          // answered from the cache
	Merged bool          // joined an identical question already in flight
	Shared bool          // answered from the shared Cache, or by another client's question in flight (Config.Cache)
	TCP    bool          // the final reply came over TCP
	DNSSEC DNSSEC        // what the resolver's AD bit said (Answer.DNSSEC)
	Start  time.Duration // when the call began, since the client was made
	Err    string        // the error text, when the status is a failure
	// Cut: the caller's context ended the question (its deadline passed
	// or it was cancelled), which says nothing of the server.
	Cut bool
	// heard: the failure is not the servers' silence: a server replied
	// with something unusable (a malformed reply, a CNAME loop or a chain
	// past the limit), or the question was never sent (a budget, a bad
	// name). NoServerAnswered does not count it as unanswered.
	heard bool
}

// how says where an answer came from.
type how int

const (
	fresh  how = iota // asked on the wire by this call
	cached            // from the cache
	merged            // shared with a call already in flight
)

func (c *Client) record(a Answer, h how, start time.Time) {
	e := LogEntry{
		Name:   a.Name,
		Type:   typeString(a.Type),
		Server: a.Server,
		Status: a.Status,
		TTL:    a.TTL,
		RTT:    a.RTT,
		Cached: h == cached,
		Merged: h == merged,
		Shared: h == fresh && a.Shared,
		TCP:    a.TCP,
		DNSSEC: a.DNSSEC,
		Start:  start.Sub(c.born),
	}
	if a.Err != nil {
		e.Err = a.Err.Error()
		e.Cut = isContextErr(a.Err)
		e.heard = notSilence(a.Err)
	}
	if len(c.cfg.Secrets) > 0 {
		e.Name, e.Err = mask(e.Name, c.cfg.Secrets), mask(e.Err, c.cfg.Secrets)
	}
	c.mu.Lock()
	if len(c.log) < c.cfg.MaxLog {
		c.log = append(c.log, e)
	}
	c.mu.Unlock()
	if c.cfg.OnQuery != nil {
		c.cfg.OnQuery(e)
	}
}

// Log returns a snapshot of the log so far, in the order the calls ended.
// Safe to call while lookups run.
func (c *Client) Log() []LogEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]LogEntry(nil), c.log...)
}

func typeString(t uint16) string {
	return dns.Type(t).String()
}
