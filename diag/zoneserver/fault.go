package zoneserver

import (
	"fmt"
	"sync"
	"time"
)

// Fault is a misbehaviour the server can be told to show for a name.
type Fault int

// The faults. Each applies to queries matching the name (and type) it was
// set for; a reply a fault withholds is never sent.
const (
	// FaultNone answers normally.
	FaultNone Fault = iota
	// FaultDrop never answers, over UDP or TCP (a dead or filtered server).
	FaultDrop
	// FaultServFail answers SERVFAIL (RFC 1035 §4.1.1 RCODE 2).
	FaultServFail
	// FaultRefused answers REFUSED (RCODE 5).
	FaultRefused
	// FaultTruncate answers over UDP with TC set and nothing else, and
	// whole over TCP: the client must retry over TCP (RFC 7766 §5).
	FaultTruncate
	// FaultWrongID first sends a decoy NXDOMAIN reply with another message
	// ID, then the real answer: a client must ignore the decoy (RFC 5452 §4.3).
	FaultWrongID
	// FaultWrongQuestion first sends a decoy NXDOMAIN reply whose question
	// section names another name, then the real answer.
	FaultWrongQuestion
	// FaultNXDomain answers NXDOMAIN with the zone's SOA, as if the name
	// did not exist, whatever the zone holds: the empty non-terminal bug of
	// some servers that RFC 8020 §4 describes, when set on such a name.
	FaultNXDomain
)

// String names the fault.
func (f Fault) String() string {
	switch f {
	case FaultNone:
		return "none"
	case FaultDrop:
		return "drop"
	case FaultServFail:
		return "servfail"
	case FaultRefused:
		return "refused"
	case FaultTruncate:
		return "truncate"
	case FaultWrongID:
		return "wrong-id"
	case FaultNXDomain:
		return "nxdomain"
	case FaultWrongQuestion:
		return "wrong-question"
	}
	return fmt.Sprintf("Fault(%d)", int(f))
}

type faultKey struct {
	name  string
	qtype uint16
}

// SetFault makes queries for name (matched case-insensitively, fully
// qualified) and qtype show fault f; qtype 0 means every type. A fault for
// the exact type wins over one for every type. FaultNone clears it. Safe to
// call while the server serves.
func (s *Server) SetFault(name string, qtype uint16, f Fault) {
	k := faultKey{canonical(name), qtype}
	s.mu.Lock()
	defer s.mu.Unlock()
	if f == FaultNone {
		delete(s.faults, k)
		return
	}
	s.faults[k] = f
}

// SetLatency delays every answer by d (0 for none). Answers are delayed
// concurrently: many questions in flight together all come back after about
// d. Safe to call while the server serves.
func (s *Server) SetLatency(d time.Duration) {
	s.latency.Store(int64(d))
}

// SetNameLatency delays answers for name (any type) by d instead of the
// latency set with SetLatency; d < 0 removes the override. Safe to call
// while the server serves.
func (s *Server) SetNameLatency(name string, d time.Duration) {
	k := canonical(name)
	s.mu.Lock()
	defer s.mu.Unlock()
	if d < 0 {
		delete(s.nameLatency, k)
		return
	}
	s.nameLatency[k] = d
}

// Hold keeps back the answers for name (any type, matched
// case-insensitively) until release is called or the server closes: a
// server exactly as slow as a test needs, with no clock to race. Questions
// held are counted and logged when they arrive; Pending counts them while
// they wait. release may be called more than once. Holding a name already
// held returns the same hold's release.
func (s *Server) Hold(name string) (release func()) {
	k := canonical(name)
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, ok := s.holds[k]
	if !ok {
		ch = make(chan struct{})
		s.holds[k] = ch
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.holds[k] == ch {
				delete(s.holds, k)
			}
			select {
			case <-ch:
			default:
				close(ch)
			}
		})
	}
}

// Pending counts the answers being held back right now, by latency or by
// Hold. Tests wait for it to know that a question has reached the server
// and is waiting there, instead of sleeping.
func (s *Server) Pending() int { return int(s.pending.Load()) }

// Drops reports whether a question for name and qtype is dropped by a
// fault now (FaultDrop set for that type or for every type).
func (s *Server) Drops(name string, qtype uint16) bool {
	f, _, _ := s.behaviour(name, qtype)
	return f == FaultDrop
}

// behaviour returns the fault, latency and hold that apply to one question.
func (s *Server) behaviour(name string, qtype uint16) (Fault, time.Duration, <-chan struct{}) {
	k := canonical(name)
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.faults[faultKey{k, qtype}]
	if !ok {
		f = s.faults[faultKey{k, 0}]
	}
	d, ok := s.nameLatency[k]
	if !ok {
		d = time.Duration(s.latency.Load())
	}
	return f, d, s.holds[k]
}

// wait holds an answer back for delay and until hold is closed (nil: no
// hold); it reports false when the server closed first.
func (s *Server) wait(delay time.Duration, hold <-chan struct{}) bool {
	if delay <= 0 && hold == nil {
		return true
	}
	s.pending.Add(1)
	defer s.pending.Add(-1)
	if hold != nil {
		select {
		case <-hold:
		case <-s.done:
			return false
		}
	}
	if delay > 0 {
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-s.done:
			return false
		}
	}
	return true
}
