package zoneserver

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"
)

// maxLog bounds the questions Log keeps; Queries keeps counting past it.
const maxLog = 100_000

// Errors from Start.
var (
	// ErrStarted: Start was called twice.
	ErrStarted = errors.New("zoneserver: server already started")
	// ErrClosed: Start after Close.
	ErrClosed = errors.New("zoneserver: server closed")
)

// Query is one question the server received.
type Query struct {
	Name string // as asked
	Type uint16 // the question's type (dns.TypeA, …)
	TCP  bool   // asked over TCP
	RD   bool   // recursion desired was set
	EDNS uint16 // the EDNS0 UDP size advertised, 0 without EDNS0
	ID   uint16 // the message ID
}

// Server is an authoritative DNS server for the zones in its zone text,
// listening on 127.0.0.1 (UDP and TCP, one port) once started.
type Server struct {
	zones   atomic.Pointer[zoneSet]
	latency atomic.Int64 // time.Duration
	queries atomic.Int64
	pending atomic.Int64 // answers held back by latency or Hold
	ad      adZones      // zones answered with AD set (SetAD)

	mu          sync.Mutex
	faults      map[faultKey]Fault
	nameLatency map[string]time.Duration
	holds       map[string]chan struct{} // by canonical name; closed on release
	log         []Query
	udp, tcp    *dns.Server
	addr        string
	started     bool
	closed      bool
	done        chan struct{} // closed by Close: wakes delayed answers
}

// New parses zoneText (RFC 1035 master-file format, several zones allowed:
// every SOA owner is a zone apex) into a server that is not yet listening.
// When the text holds records but no SOA, each $ORIGIN gets a synthesised
// SOA. Parse errors name the line (a *dns.ParseError or a *ZoneError).
func New(zoneText string) (*Server, error) {
	zs, err := parseZones(zoneText)
	if err != nil {
		return nil, err
	}
	s := &Server{
		faults:      map[faultKey]Fault{},
		nameLatency: map[string]time.Duration{},
		holds:       map[string]chan struct{}{},
		done:        make(chan struct{}),
	}
	s.zones.Store(zs)
	return s, nil
}

// Replace parses zoneText and, if it is valid, swaps it in for the served
// zones in one step: every answer comes wholly from the old or the new
// zones. On error the old zones stay.
func (s *Server) Replace(zoneText string) error {
	zs, err := parseZones(zoneText)
	if err != nil {
		return err
	}
	s.zones.Store(zs)
	return nil
}

// Zones lists the apexes of the served zones, fully qualified, lower case,
// sorted.
func (s *Server) Zones() []string { return s.zones.Load().apexes() }

// Queries counts the queries received (over UDP and TCP, including those
// dropped by a fault).
func (s *Server) Queries() int64 { return s.queries.Load() }

// Log returns the questions received so far, oldest first (at most the
// first 100000).
func (s *Server) Log() []Query {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Query(nil), s.log...)
}

// Start listens on 127.0.0.1 on a free port, UDP and TCP alike, and serves
// until Close.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closed:
		return ErrClosed
	case s.started:
		return ErrStarted
	}
	pc, ln, err := listenPair()
	if err != nil {
		return fmt.Errorf("zoneserver: %w", err)
	}
	s.udp = &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(s.serve), UDPSize: dns.MaxMsgSize}
	s.tcp = &dns.Server{Listener: ln, Handler: dns.HandlerFunc(s.serve)}
	var ready sync.WaitGroup
	for _, srv := range []*dns.Server{s.udp, s.tcp} {
		ready.Add(1)
		srv.NotifyStartedFunc = ready.Done
		go func() { _ = srv.ActivateAndServe() }()
	}
	ready.Wait()
	s.addr = pc.LocalAddr().String()
	s.started = true
	return nil
}

// listenPair binds a UDP socket on a free loopback port and a TCP listener
// on the same port, trying again when the TCP side of the port is taken.
func listenPair() (net.PacketConn, net.Listener, error) {
	var lastErr error
	for range 20 {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return nil, nil, err
		}
		port := pc.LocalAddr().(*net.UDPAddr).Port
		ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err == nil {
			return pc, ln, nil
		}
		lastErr = err
		pc.Close()
	}
	return nil, nil, lastErr
}

// Addr is the address served, "127.0.0.1:port" (empty before Start).
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// Close stops serving; answers being delayed are abandoned. It is safe to
// call more than once and before Start.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.done)
	started := s.started
	s.mu.Unlock()
	if !started {
		return nil
	}
	return errors.Join(s.udp.Shutdown(), s.tcp.Shutdown())
}
