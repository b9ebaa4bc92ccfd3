package dnsclient

import (
	"context"
	"errors"
	"fmt"

	"github.com/miekg/dns"
)

// resolve answers one question: it asks, follows the CNAME chain (asking
// again for the target when a reply stops at an alias), and maps the final
// reply to a Status.
func (c *Client) resolve(ctx context.Context, name string, qtype uint16, internal bool) result {
	ans := Answer{Name: name, Type: qtype, DNSSEC: DNSSECUnknown}
	fail := func(st Status, server string, err error) result {
		ans.Status, ans.AD, ans.DNSSEC = st, false, DNSSECUnknown
		if ans.Server == "" {
			ans.Server = server
		}
		ans.Err = &LookupError{Name: name, Type: typeString(qtype), Server: server, Err: err}
		return result{ans: ans}
	}
	cur := name
	seen := map[string]bool{canonical(name): true}
	replies := 0
	for {
		rt, st, err := c.route(ctx, cur, internal)
		if err != nil {
			return fail(st, "", err)
		}
		rep, err := c.ask(ctx, cur, qtype, rt)
		ans.Server, ans.RTT, ans.TCP, ans.Shared = rep.server, rep.rtt, rep.tcp, rep.shared
		if err != nil {
			st := StatusError
			if errors.Is(err, ErrTimeout) || errors.Is(err, context.DeadlineExceeded) {
				st = StatusTimeout
			}
			if rt.zone != "" && !isContextErr(err) && !errors.Is(err, ErrQueryBudget) && !errors.Is(err, ErrBadReply) {
				st = StatusError
				err = fmt.Errorf("%w (zone %s): %w", ErrNameservers, rt.zone, err)
			}
			return fail(st, rep.server, err)
		}
		msg := rep.msg
		switch msg.Rcode {
		case dns.RcodeSuccess, dns.RcodeNameError:
		case dns.RcodeServerFailure:
			return fail(StatusServFail, rep.server, ErrServFail)
		case dns.RcodeRefused:
			return fail(StatusRefused, rep.server, ErrRefused)
		default:
			return fail(StatusError, rep.server, fmt.Errorf("%w %s", ErrRcode, dns.RcodeToString[msg.Rcode]))
		}
		// Every reply of a chain must be authenticated for the answer to be.
		ans.AD = msg.AuthenticatedData && (replies == 0 || ans.AD)
		replies++
		ans.DNSSEC = dnssecOf(ans.AD, rt)

		stepStart := cur
		if qtype != dns.TypeCNAME {
			for {
				target, ok := cnameOf(msg.Answer, cur)
				if !ok {
					break
				}
				if len(ans.CNAMEs) >= c.cfg.MaxCNAMEs {
					return fail(StatusError, rep.server, fmt.Errorf("%w: more than %d", ErrCNAMEChain, c.cfg.MaxCNAMEs))
				}
				ans.CNAMEs = append(ans.CNAMEs, target)
				if seen[canonical(target)] {
					return fail(StatusError, rep.server, fmt.Errorf("%w at %s", ErrCNAMELoop, target))
				}
				seen[canonical(target)] = true
				cur = target
			}
		}

		if recs := recordsOf(msg.Answer, cur, qtype); len(recs) > 0 {
			ans.Status, ans.Records, ans.TTL = StatusRecords, recs, MinTTL(recs)
			if qtype == dns.TypeTXT {
				if err := c.spendTXT(recs); err != nil {
					ans.Records, ans.TTL = nil, 0
					return fail(StatusError, rep.server, err)
				}
			}
			return result{ans: ans, reply: msg}
		}
		soa := negativeSOA(msg.Ns, cur)
		if msg.Rcode == dns.RcodeNameError {
			ans.Status, ans.TTL = StatusNXDomain, negativeTTL(soa)
			return result{ans: ans, reply: msg}
		}
		if cur != stepStart && soa == nil {
			continue // the reply stopped at an alias: ask for its target
		}
		if !internal && soa == nil && isReferral(msg) {
			return fail(StatusError, rep.server, fmt.Errorf("%w (to %s)", ErrReferral, msg.Ns[0].Header().Name))
		}
		ans.Status, ans.TTL = StatusNoData, negativeTTL(soa)
		return result{ans: ans, reply: msg}
	}
}

// dnssecOf states the AD bit of a reply: only a recursive resolver
// validates, so a zone's own nameserver (asked with RD clear) says nothing.
func dnssecOf(ad bool, rt route) DNSSEC {
	switch {
	case !rt.rd:
		return DNSSECUnknown
	case ad:
		return DNSSECSecure
	}
	return DNSSECInsecure
}

// cnameOf returns the target of the CNAME owned by name in rrs.
func cnameOf(rrs []dns.RR, name string) (string, bool) {
	for _, rr := range rrs {
		if c, ok := rr.(*dns.CNAME); ok && c.Hdr.Class == dns.ClassINET && sameName(c.Hdr.Name, name) {
			return c.Target, true
		}
	}
	return "", false
}

// recordsOf returns the records of qtype owned by name.
func recordsOf(rrs []dns.RR, name string, qtype uint16) []dns.RR {
	var out []dns.RR
	for _, rr := range rrs {
		h := rr.Header()
		if h.Rrtype == qtype && h.Class == dns.ClassINET && sameName(h.Name, name) {
			out = append(out, rr)
		}
	}
	return out
}

// MinTTL is the smallest TTL of rrs, the TTL of the set they answer (RFC
// 2181 §5.2 wants one TTL per RRset; caches keep the smallest); 0 for none.
func MinTTL(rrs []dns.RR) uint32 {
	if len(rrs) == 0 {
		return 0
	}
	ttl := rrs[0].Header().Ttl
	for _, rr := range rrs[1:] {
		ttl = min(ttl, rr.Header().Ttl)
	}
	return ttl
}

// negativeSOA returns the SOA in the authority section of a negative reply
// whose owner is name or an ancestor of it: the zone that says no.
func negativeSOA(ns []dns.RR, name string) *dns.SOA {
	for _, rr := range ns {
		if soa, ok := rr.(*dns.SOA); ok && dns.IsSubDomain(soa.Hdr.Name, name) {
			return soa
		}
	}
	return nil
}

// negativeTTL is how long a negative answer may be cached: the smaller of
// the SOA record's TTL and its MINIMUM field (RFC 2308 §5); 0 without SOA.
func negativeTTL(soa *dns.SOA) uint32 {
	if soa == nil {
		return 0
	}
	return min(soa.Hdr.Ttl, soa.Minttl)
}

// isReferral reports a non-authoritative reply with no answer that points
// at another zone's nameservers (RFC 1034 §4.3.2 step 3b).
func isReferral(msg *dns.Msg) bool {
	if msg.Authoritative || len(msg.Answer) > 0 || len(msg.Ns) == 0 {
		return false
	}
	for _, rr := range msg.Ns {
		if rr.Header().Rrtype != dns.TypeNS {
			return false
		}
	}
	return true
}

// spendTXT charges the raw bytes of TXT records to the client's budget.
func (c *Client) spendTXT(recs []dns.RR) error {
	n := 0
	for _, rr := range recs {
		if t, ok := rr.(*dns.TXT); ok {
			for _, s := range t.Txt {
				n += len(UnescapeTXT(s))
			}
		}
	}
	if total := c.txtBytes.Add(int64(n)); total > int64(c.cfg.MaxTXTBytes) {
		c.overTXT.Store(true)
		return fmt.Errorf("%w: %d bytes accepted, limit %d", ErrTooMuchTXT, total, c.cfg.MaxTXTBytes)
	}
	return nil
}
