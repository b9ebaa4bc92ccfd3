package zoneserver

import (
	"net"

	"github.com/miekg/dns"
)

// advertisedUDPSize is the EDNS0 buffer the server states in its replies:
// the 1232 bytes of DNS Flag Day 2020, which fit a 1280-byte IPv6 MTU.
const advertisedUDPSize = 1232

// serve answers one query: it counts and logs it, applies the fault and
// latency set for its name, builds the authoritative answer and fits it to
// the transport.
func (s *Server) serve(w dns.ResponseWriter, req *dns.Msg) {
	s.queries.Add(1)
	_, tcp := w.RemoteAddr().(*net.TCPAddr)
	if req.Opcode != dns.OpcodeQuery {
		_ = w.WriteMsg(new(dns.Msg).SetRcode(req, dns.RcodeNotImplemented))
		return
	}
	if len(req.Question) != 1 {
		_ = w.WriteMsg(new(dns.Msg).SetRcode(req, dns.RcodeFormatError))
		return
	}
	q := req.Question[0]
	logged := Query{Name: q.Name, Type: q.Qtype, TCP: tcp, RD: req.RecursionDesired, ID: req.Id}
	if opt := req.IsEdns0(); opt != nil {
		logged.EDNS = opt.UDPSize()
	}
	s.record(logged)

	fault, delay, hold := s.behaviour(q.Name, q.Qtype)
	if fault == FaultDrop || !s.wait(delay, hold) {
		return
	}

	resp := s.respond(req, fault, tcp)
	if fault == FaultWrongID || fault == FaultWrongQuestion {
		_ = w.WriteMsg(decoy(resp, fault))
	}
	_ = w.WriteMsg(resp)
}

func (s *Server) record(q Query) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.log) < maxLog {
		s.log = append(s.log, q)
	}
}

// respond builds the reply: the zones' answer (or the fault's RCODE), the
// EDNS0 OPT echoed, and the size limit of the transport applied.
func (s *Server) respond(req *dns.Msg, fault Fault, tcp bool) *dns.Msg {
	var resp *dns.Msg
	switch fault {
	case FaultServFail:
		resp = new(dns.Msg).SetRcode(req, dns.RcodeServerFailure)
	case FaultRefused:
		resp = new(dns.Msg).SetRcode(req, dns.RcodeRefused)
	case FaultNXDomain:
		resp = new(dns.Msg).SetRcode(req, dns.RcodeNameError)
		resp.Authoritative = true
		if z := s.zones.Load().find(req.Question[0].Name); z != nil {
			resp.Ns = []dns.RR{z.negativeSOA()}
		}
	default:
		resp = s.zones.Load().answer(req)
		s.markAD(req, resp)
	}

	limit := dns.MinMsgSize // RFC 1035 §4.2.1 without EDNS0
	if opt := req.IsEdns0(); opt != nil {
		if opt.Version() != 0 {
			// RFC 6891 §6.1.3: only version 0 exists.
			resp = new(dns.Msg).SetRcode(req, dns.RcodeBadVers)
		}
		ro := &dns.OPT{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeOPT}}
		ro.SetUDPSize(advertisedUDPSize)
		ro.SetDo(opt.Do())
		resp.Extra = append(resp.Extra, ro)
		limit = max(int(opt.UDPSize()), dns.MinMsgSize)
	}
	if tcp {
		limit = dns.MaxMsgSize
	} else if fault == FaultTruncate {
		resp.Answer, resp.Ns = nil, nil
		if opt := resp.IsEdns0(); opt != nil {
			resp.Extra = []dns.RR{opt}
		} else {
			resp.Extra = nil
		}
		resp.Truncated = true
	}
	resp.Truncate(limit)
	return resp
}

// decoy is a reply a client must not accept: NXDOMAIN with a message ID or
// a question other than the query's.
func decoy(resp *dns.Msg, fault Fault) *dns.Msg {
	d := resp.Copy()
	d.Rcode = dns.RcodeNameError
	d.Answer = nil
	d.Truncated = false
	if fault == FaultWrongID {
		d.Id = resp.Id + 1
	} else {
		q := resp.Question[0]
		d.Question = []dns.Question{{Name: "decoy.invalid.", Qtype: q.Qtype, Qclass: q.Qclass}}
	}
	return d
}
