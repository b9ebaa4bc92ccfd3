package dnsclient

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/miekg/dns"
)

// Reply is one server's reply to a question put to it directly (Exchange).
type Reply struct {
	Msg    *dns.Msg      // the reply as received; nil when there was none
	Server string        // the server asked, host:port
	RTT    time.Duration // round trip of the reply
	TCP    bool          // the reply came over TCP (the UDP one was truncated)
	// Answer is the reply read as Lookup reads one, without following
	// CNAMEs: its Status, the records of the asked type owned by the
	// name, their TTL (or the negative TTL), and Err when it failed.
	Answer Answer
}

// Exchange puts one question to one server and returns its reply as
// received, for a caller that compares servers (mxray dns): RD as given
// (false to ask a zone's own nameserver, RFC 1034 §4.3.1), no overlay, no
// CNAME following, and neither this client's cache nor the shared Cache,
// so every call goes on the wire. Otherwise it behaves as a Lookup does:
// Config.Timeout bounds it with its one retry, it takes a concurrency slot,
// spends the question budget, waits for the Limiter, and is logged (and
// passed to OnQuery). A server that answers with a failing RCODE is a
// Reply with that RCODE and a nil error; the error is for no reply at all,
// and is also in Reply.Answer.Err.
func (c *Client) Exchange(ctx context.Context, server, name string, qtype uint16, rd bool) (Reply, error) {
	start := time.Now()
	server = normalizeServer(server)
	asked := dns.Fqdn(name)
	a := Answer{Name: asked, Type: qtype, Server: server, DNSSEC: DNSSECUnknown}
	wire, err := wireName(asked)
	if err != nil {
		a.Status = StatusError
		a.Err = &LookupError{Name: asked, Type: typeString(qtype), Err: fmt.Errorf("%w: %v", ErrBadName, err)}
		c.record(a, fresh, start)
		return Reply{Server: server, Answer: a}, a.Err
	}
	a.Name = wire
	rt := route{servers: []string{server}, rd: rd}
	rep, err := c.exchangeDirect(ctx, wire, qtype, rt)
	r := Reply{Msg: rep.msg, Server: server, RTT: rep.rtt, TCP: rep.tcp}
	a.RTT, a.TCP = rep.rtt, rep.tcp
	if err != nil {
		a.Status = StatusError
		if errors.Is(err, ErrTimeout) || errors.Is(err, context.DeadlineExceeded) {
			a.Status = StatusTimeout
		}
		a.Err = &LookupError{Name: wire, Type: typeString(qtype), Server: server, Err: err}
		r.Answer = a
		c.record(a, fresh, start)
		return r, a.Err
	}
	r.Answer = readReply(a, rep.msg, rt)
	c.record(r.Answer, fresh, start)
	return r, nil
}

// exchangeDirect takes a slot and asks, as ask does without a cache.
func (c *Client) exchangeDirect(ctx context.Context, name string, qtype uint16, rt route) (wireReply, error) {
	release, err := c.slots.acquire(ctx, PriorityFrom(ctx), nil)
	if err != nil {
		return wireReply{server: rt.servers[0]}, err
	}
	defer release()
	return c.askWire(ctx, name, qtype, rt)
}

// readReply reads one reply into a's Status, Records, TTL and Err.
func readReply(a Answer, msg *dns.Msg, rt route) Answer {
	a.AD = msg.AuthenticatedData
	a.DNSSEC = dnssecOf(a.AD, rt)
	fail := func(st Status, err error) Answer {
		a.Status, a.DNSSEC = st, DNSSECUnknown
		a.Err = &LookupError{Name: a.Name, Type: typeString(a.Type), Server: a.Server, Err: err}
		return a
	}
	switch msg.Rcode {
	case dns.RcodeSuccess:
	case dns.RcodeNameError:
		a.Status, a.TTL = StatusNXDomain, negativeTTL(negativeSOA(msg.Ns, a.Name))
		return a
	case dns.RcodeServerFailure:
		return fail(StatusServFail, ErrServFail)
	case dns.RcodeRefused:
		return fail(StatusRefused, ErrRefused)
	default:
		return fail(StatusError, fmt.Errorf("%w %s", ErrRcode, dns.RcodeToString[msg.Rcode]))
	}
	if recs := recordsOf(msg.Answer, a.Name, a.Type); len(recs) > 0 {
		a.Status, a.Records, a.TTL = StatusRecords, recs, MinTTL(recs)
		return a
	}
	a.Status, a.TTL = StatusNoData, negativeTTL(negativeSOA(msg.Ns, a.Name))
	return a
}

// NameserverAddress is where to ask a nameserver found in DNS (its host
// name and one of its addresses), as authoritative mode does:
// Config.CheckNameserver judges the address first (its refusal is returned
// as it is), then Config.NameserverAddr maps it, or the address on port 53.
func (c *Client) NameserverAddress(host string, ip netip.Addr) (string, error) {
	if c.cfg.CheckNameserver != nil {
		if err := c.cfg.CheckNameserver(ip); err != nil {
			return "", err
		}
	}
	return c.nameserverAddr(host, ip), nil
}

// Servers returns the configured servers (Config.Servers), host:port.
func (c *Client) Servers() []string { return slices.Clone(c.servers) }

// Overlay returns the server that answers name instead of Servers (an
// overlay of --zone or --demo that covers it), if any.
func (c *Client) Overlay(name string) (string, bool) {
	for _, o := range c.overlays {
		if dns.IsSubDomain(o.zone, dns.Fqdn(name)) {
			return o.server, true
		}
	}
	return "", false
}

// ServerName is a server's name for people (Config.ServerNames), or "".
func (c *Client) ServerName(server string) string { return c.cfg.ServerNames[server] }
