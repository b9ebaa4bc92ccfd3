package zoneserver

import (
	"testing"

	"github.com/miekg/dns"
)

// FuzzParseZones feeds arbitrary text to the zone parser. Properties: no
// panic; an accepted text serves at least one zone, and every apex answers
// its own SOA authoritatively.
func FuzzParseZones(f *testing.F) {
	f.Add(testZones)
	f.Add(bigZone())
	f.Add("$ORIGIN draft.example.\nwww A 192.0.2.1\n")
	f.Add("example. SOA ns.example. hm.example. ( 1 2 3 4 5 )\n*.example. TXT \"w\"\n")
	f.Add("$ORIGIN a.\n@ SOA ns hm 1 2 3 4 5\nb CNAME c\nc CNAME b\n")
	f.Fuzz(func(t *testing.T, text string) {
		zs, err := parseZonesMax(text, 1000)
		if err != nil {
			return
		}
		if len(zs.zones) == 0 {
			t.Fatal("accepted text with no zone")
		}
		for _, apex := range zs.apexes() {
			resp := zs.answer(new(dns.Msg).SetQuestion(apex, dns.TypeSOA))
			if resp.Rcode != dns.RcodeSuccess || !resp.Authoritative || len(resp.Answer) != 1 {
				t.Fatalf("apex %q does not answer its SOA: %v", apex, resp)
			}
		}
	})
}

// FuzzAnswer asks arbitrary questions of a fixed set of zones. Properties:
// no panic; the reply packs; the RCODE is one a server of ours sends; the
// CNAME chain stays within its bound; REFUSED exactly outside the zones.
func FuzzAnswer(f *testing.F) {
	zs, err := parseZones(testZones)
	if err != nil {
		f.Fatal(err)
	}
	for _, n := range []string{"www.example.", "a.b.wild.example.", "loop1.example.", "x.child.example.", "EXAMPLE.", ".", "org.", `a\.b.example.`, "*.wild.example."} {
		f.Add(n, uint16(dns.TypeA))
	}
	f.Add("chain1.example.", uint16(dns.TypeTXT))
	f.Fuzz(func(t *testing.T, name string, qtype uint16) {
		if _, ok := dns.IsDomainName(name); !ok || !dns.IsFqdn(name) {
			return
		}
		req := new(dns.Msg).SetQuestion(name, qtype)
		if _, err := req.Pack(); err != nil {
			return // not a name that can be asked on the wire
		}
		resp := zs.answer(req)
		if _, err := resp.Pack(); err != nil {
			t.Fatalf("reply to %q does not pack: %v", name, err)
		}
		switch resp.Rcode {
		case dns.RcodeSuccess, dns.RcodeNameError:
			if zs.find(name) == nil {
				t.Fatalf("%q outside the zones answered %d", name, resp.Rcode)
			}
		case dns.RcodeRefused:
			if zs.find(name) != nil {
				t.Fatalf("%q inside a zone refused", name)
			}
		default:
			t.Fatalf("rcode %d", resp.Rcode)
		}
		cnames := 0
		for _, rr := range resp.Answer {
			if rr.Header().Rrtype == dns.TypeCNAME && qtype != dns.TypeCNAME {
				cnames++
			}
			if rr.Header().Rrtype != qtype && rr.Header().Rrtype != dns.TypeCNAME {
				t.Fatalf("answer holds %v for a %d question", rr, qtype)
			}
		}
		if cnames > maxChain {
			t.Fatalf("%d CNAMEs, bound %d", cnames, maxChain)
		}
	})
}
