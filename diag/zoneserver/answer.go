package zoneserver

import (
	"github.com/miekg/dns"
)

// maxChain bounds how many CNAMEs the server chases inside its zones for
// one answer, as real servers bound it.
const maxChain = 8

// outcome is what one zone says about one name and type.
type outcome int

const (
	outFound    outcome = iota // records of the type (maybe synthesised from a wildcard)
	outCNAME                   // the name is an alias; rrs holds the CNAME
	outNoData                  // the name exists, nothing of the type
	outNXDomain                // the name does not exist
	outReferral                // the name is at or under a delegation; rrs holds the NS set
)

type result struct {
	kind outcome
	rrs  []dns.RR
	glue []dns.RR
}

// lookup answers name (as asked, any case) and qtype from z alone,
// following RFC 1034 §4.3.2 step 3 and RFC 4592 for wildcards.
func (z *zone) lookup(name string, qtype uint16) result {
	key := canonical(name)
	if r, ok := z.delegation(key, qtype); ok {
		return r
	}
	if node := z.nodes[key]; len(node) > 0 {
		return fromNode(node, qtype, "")
	}
	if _, ok := z.names[key]; ok {
		return result{kind: outNoData} // an empty non-terminal exists
	}
	// RFC 4592 §3.3.1: the closest encloser is the deepest existing
	// ancestor; only "*.<closest encloser>" may answer.
	ce := key
	for {
		p, ok := parent(ce)
		if !ok {
			return result{kind: outNXDomain}
		}
		ce = p
		if _, ok := z.names[ce]; ok {
			break
		}
	}
	wild := "*." + ce
	if ce == "." {
		wild = "*."
	}
	if node := z.nodes[wild]; len(node) > 0 {
		return fromNode(node, qtype, dns.Fqdn(name))
	}
	return result{kind: outNXDomain}
}

// fromNode answers from the records at one node; owner, when set, replaces
// the owner name of the records (wildcard synthesis, RFC 4592 §3.4.3).
func fromNode(node map[uint16][]dns.RR, qtype uint16, owner string) result {
	kind := outFound
	rrs := node[qtype]
	if len(rrs) == 0 {
		if c := node[dns.TypeCNAME]; len(c) > 0 {
			kind, rrs = outCNAME, c
		} else {
			return result{kind: outNoData}
		}
	}
	if owner != "" {
		synth := make([]dns.RR, len(rrs))
		for i, rr := range rrs {
			synth[i] = dns.Copy(rr)
			synth[i].Header().Name = owner
		}
		rrs = synth
	}
	return result{kind: kind, rrs: rrs}
}

// delegation reports a zone cut (NS records below the apex) at or above
// key, with the glue the zone holds for the cut's nameservers. DS at the cut
// itself belongs to the parent side (RFC 4035 §3.1.4.1), so it is no
// referral.
func (z *zone) delegation(key string, qtype uint16) (result, bool) {
	var path []string
	for n := key; n != z.apex; {
		path = append(path, n)
		p, ok := parent(n)
		if !ok {
			break
		}
		n = p
	}
	for i := len(path) - 1; i >= 0; i-- {
		cut := path[i]
		ns := z.nodes[cut][dns.TypeNS]
		if len(ns) == 0 || (cut == key && qtype == dns.TypeDS) {
			continue
		}
		var glue []dns.RR
		for _, rr := range ns {
			target := canonical(rr.(*dns.NS).Ns)
			if !dns.IsSubDomain(z.apex, target) {
				continue
			}
			glue = append(glue, z.nodes[target][dns.TypeA]...)
			glue = append(glue, z.nodes[target][dns.TypeAAAA]...)
		}
		return result{kind: outReferral, rrs: ns, glue: glue}, true
	}
	return result{}, false
}

// answer builds the reply to a one-question query from the served zones:
// REFUSED outside them; otherwise authoritative data, chasing CNAMEs while
// their targets stay inside the zones.
func (zs *zoneSet) answer(req *dns.Msg) *dns.Msg {
	resp := new(dns.Msg)
	resp.SetReply(req)
	q := req.Question[0]
	z := zs.find(q.Name)
	if z == nil || q.Qclass != dns.ClassINET {
		resp.Rcode = dns.RcodeRefused
		return resp
	}
	resp.Authoritative = true
	name := q.Name
	seen := map[string]bool{canonical(name): true}
	for i := 0; ; i++ {
		r := z.lookup(name, q.Qtype)
		switch r.kind {
		case outFound:
			resp.Answer = append(resp.Answer, r.rrs...)
			return resp
		case outNoData:
			resp.Ns = append(resp.Ns, z.negativeSOA())
			return resp
		case outNXDomain:
			resp.Rcode = dns.RcodeNameError
			resp.Ns = append(resp.Ns, z.negativeSOA())
			return resp
		case outReferral:
			if i == 0 {
				resp.Authoritative = false
				resp.Ns = append(resp.Ns, r.rrs...)
				resp.Extra = append(resp.Extra, r.glue...)
			}
			return resp
		case outCNAME:
			resp.Answer = append(resp.Answer, r.rrs...)
			target := r.rrs[0].(*dns.CNAME).Target
			key := canonical(target)
			next := zs.find(target)
			if i+1 >= maxChain || seen[key] || next == nil {
				return resp
			}
			seen[key] = true
			z, name = next, target
		}
	}
}
