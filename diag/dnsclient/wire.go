package dnsclient

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/miekg/dns"
)

// readBufferSize is the buffer for UDP replies: larger than what the
// client advertises, so a server that overshoots is read whole rather than
// cut mid-record.
const readBufferSize = 4096

// query is one question as sent.
type query struct {
	name  string // presentation form
	qtype uint16
	rd    bool
}

// wireReply is one reply that matched its query.
type wireReply struct {
	msg    *dns.Msg
	server string
	rtt    time.Duration
	tcp    bool
	shared bool // from the shared Cache or another client's question: not asked
}

// exchange asks server q over UDP until attemptDL and, when the reply is
// truncated, again over TCP until overallDL (RFC 7766 §5).
func (c *Client) exchange(ctx context.Context, server string, q query, attemptDL, overallDL time.Time) (wireReply, error) {
	rep, err := c.roundTrip(ctx, "udp", server, q, attemptDL)
	if err != nil || !rep.msg.Truncated {
		return rep, err
	}
	if err := c.pace(ctx); err != nil {
		return rep, err
	}
	return c.roundTrip(ctx, "tcp", server, q, overallDL)
}

// roundTrip sends q once over network and reads replies until one matches
// it (ID, QR, question), the deadline passes or ctx ends. Replies that do
// not match are ignored (RFC 5452 §4.3).
func (c *Client) roundTrip(ctx context.Context, network, server string, q query, deadline time.Time) (wireReply, error) {
	rep := wireReply{server: server, tcp: network == "tcp"}
	if err := contextErr(ctx); err != nil {
		// Its caller gave up already: nothing goes on the wire (the slot
		// it was given may have won the race against ctx.Done).
		return rep, err
	}
	if !c.takeQuery() {
		return rep, fmt.Errorf("%w (%d questions)", ErrQueryBudget, c.cfg.MaxQueries)
	}
	m := new(dns.Msg)
	m.Id = dns.Id()
	m.RecursionDesired = q.rd
	m.Question = []dns.Question{{Name: q.name, Qtype: q.qtype, Qclass: dns.ClassINET}}
	// DO (RFC 3225): ask for DNSSEC data, so a validating resolver sets AD
	// on answers it validated (RFC 6840 §5.8).
	m.SetEdns0(EDNSBufferSize, true)

	conn, err := dial(ctx, network, server, deadline)
	if err != nil {
		return rep, netError(ctx, err, 0)
	}
	defer conn.Close()
	if err := conn.SetDeadline(deadline); err != nil {
		return rep, err
	}
	// Wake a blocked read at once when ctx ends (registered after the
	// deadline is set, so that it is never overwritten by it).
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	co := &dns.Conn{Conn: conn, UDPSize: readBufferSize}
	start := time.Now()
	if err := co.WriteMsg(m); err != nil {
		return rep, netError(ctx, err, 0)
	}
	if hook := c.cfg.AttemptTimeout; hook != nil {
		if expired := hook(server, q.name, q.qtype); expired != nil {
			// Time the attempt out as a passed deadline does.
			done := make(chan struct{})
			defer close(done)
			go func() {
				select {
				case <-expired:
					_ = conn.SetDeadline(time.Unix(1, 0))
				case <-done:
				}
			}()
		}
	}
	ignored := 0
	for {
		var h dns.Header
		raw, err := co.ReadMsgHeader(&h)
		if err != nil {
			if errors.Is(err, dns.ErrShortRead) && !rep.tcp {
				ignored++ // a runt datagram: not our reply
				continue
			}
			return rep, netError(ctx, err, ignored)
		}
		if h.Id != m.Id {
			ignored++
			continue
		}
		reply := new(dns.Msg)
		if err := reply.Unpack(raw); err != nil {
			return rep, fmt.Errorf("%w: %v", ErrBadReply, err)
		}
		if !matches(reply, m) {
			ignored++
			continue
		}
		rep.msg, rep.rtt = reply, time.Since(start)
		return rep, nil
	}
}

// dial opens a connection of its own for one question (a fresh socket, so
// a fresh source port, RFC 5452 §9.2). A UDP socket to an IP address is
// made directly: connecting it does not block, and the net.Dialer
// machinery costs more than the socket itself at thousands of questions a
// second.
func dial(ctx context.Context, network, server string, deadline time.Time) (net.Conn, error) {
	if network == "udp" {
		if ap, err := netip.ParseAddrPort(server); err == nil {
			return net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(ap))
		}
	}
	d := net.Dialer{Deadline: deadline}
	return d.DialContext(ctx, network, server)
}

// matches reports whether reply answers query: a response to a standard
// query with the same question (name compared case-insensitively). A reply
// without a question section is accepted only as an error RCODE, which RFC
// 1035 allows (e.g. FORMERR).
func matches(reply, query *dns.Msg) bool {
	if !reply.Response || reply.Opcode != dns.OpcodeQuery {
		return false
	}
	if len(reply.Question) == 0 {
		return reply.Rcode != dns.RcodeSuccess && reply.Rcode != dns.RcodeNameError
	}
	if len(reply.Question) != 1 {
		return false
	}
	a, b := reply.Question[0], query.Question[0]
	return a.Qtype == b.Qtype && a.Qclass == b.Qclass && sameName(a.Name, b.Name)
}

// netError turns a failed dial, write or read into the client's error: the
// context's error when ctx ended, ErrTimeout when the deadline passed.
func netError(ctx context.Context, err error, ignored int) error {
	if cerr := contextErr(ctx); cerr != nil {
		return cerr
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		if ignored > 0 {
			return fmt.Errorf("%w (%d unmatched replies ignored)", ErrTimeout, ignored)
		}
		return ErrTimeout
	}
	return err
}
