package zoneserver

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

// testZones is two zones served together, with every case the answer
// algorithm distinguishes.
const testZones = `
$TTL 300
$ORIGIN example.
@            IN SOA ns1 hostmaster 1 7200 3600 1209600 60
@            IN NS  ns1
ns1          IN A   192.0.2.53
www          IN A   192.0.2.1
www          IN AAAA 2001:db8::1
alias        IN CNAME www
chain1       IN CNAME chain2
chain2       IN CNAME www.other.
outside      IN CNAME host.elsewhere.test.
dangling     IN CNAME nothere
loop1        IN CNAME loop2
loop2        IN CNAME loop1
x._dmarc     IN TXT "v=DMARC1; p=none"
*.wild       IN TXT "wildcard"
*.wild       IN MX  10 mx.example.
sub.wild     IN TXT "exists"
deep.ent.wild IN A 192.0.2.9
child        IN NS  ns.child
ns.child     IN A   192.0.2.54
child        IN DS  12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF

$ORIGIN other.
@            IN SOA ns1.other. hostmaster.other. 7 7200 3600 1209600 600
www          IN A   198.51.100.7
`

func TestAnswer(t *testing.T) {
	zs, err := parseZones(testZones)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		qname   string
		qtype   uint16
		rcode   int
		aa      bool
		answer  []string // "owner type rdata" of each answer record
		ns      []string // types in authority
		extra   int
		soaTTL  uint32 // TTL of the SOA in authority, when one is expected
		soaName string
	}{
		{name: "records", qname: "www.example.", qtype: dns.TypeA, aa: true,
			answer: []string{"www.example. A 192.0.2.1"}},
		{name: "case-insensitive", qname: "WWW.Example.", qtype: dns.TypeAAAA, aa: true,
			answer: []string{"www.example. AAAA 2001:db8::1"}},
		{name: "nodata", qname: "www.example.", qtype: dns.TypeTXT, aa: true,
			ns: []string{"SOA"}, soaTTL: 60, soaName: "example."},
		{name: "nxdomain", qname: "nope.example.", qtype: dns.TypeA, rcode: dns.RcodeNameError, aa: true,
			ns: []string{"SOA"}, soaTTL: 60, soaName: "example."},
		{name: "negative ttl is soa ttl when smaller", qname: "nope.other.", qtype: dns.TypeA, rcode: dns.RcodeNameError, aa: true,
			ns: []string{"SOA"}, soaTTL: 300, soaName: "other."},
		{name: "empty non-terminal", qname: "_dmarc.example.", qtype: dns.TypeTXT, aa: true,
			ns: []string{"SOA"}, soaName: "example.", soaTTL: 60},
		{name: "below empty non-terminal", qname: "y._dmarc.example.", qtype: dns.TypeTXT, rcode: dns.RcodeNameError, aa: true,
			ns: []string{"SOA"}, soaName: "example.", soaTTL: 60},
		{name: "apex NS", qname: "example.", qtype: dns.TypeNS, aa: true,
			answer: []string{"example. NS ns1.example."}},
		{name: "apex SOA", qname: "other.", qtype: dns.TypeSOA, aa: true,
			answer: []string{"other. SOA ns1.other. hostmaster.other. 7 7200 3600 1209600 600"}},
		{name: "cname chased", qname: "alias.example.", qtype: dns.TypeA, aa: true,
			answer: []string{"alias.example. CNAME www.example.", "www.example. A 192.0.2.1"}},
		{name: "cname asked for itself", qname: "alias.example.", qtype: dns.TypeCNAME, aa: true,
			answer: []string{"alias.example. CNAME www.example."}},
		{name: "cname chain into another served zone", qname: "chain1.example.", qtype: dns.TypeA, aa: true,
			answer: []string{"chain1.example. CNAME chain2.example.", "chain2.example. CNAME www.other.", "www.other. A 198.51.100.7"}},
		{name: "cname leaving served zones stops", qname: "outside.example.", qtype: dns.TypeA, aa: true,
			answer: []string{"outside.example. CNAME host.elsewhere.test."}},
		{name: "cname to nothing is nxdomain", qname: "dangling.example.", qtype: dns.TypeA, rcode: dns.RcodeNameError, aa: true,
			answer: []string{"dangling.example. CNAME nothere.example."}, ns: []string{"SOA"}, soaName: "example.", soaTTL: 60},
		{name: "cname target nodata", qname: "alias.example.", qtype: dns.TypeMX, aa: true,
			answer: []string{"alias.example. CNAME www.example."}, ns: []string{"SOA"}, soaName: "example.", soaTTL: 60},
		{name: "cname loop stops", qname: "loop1.example.", qtype: dns.TypeA, aa: true,
			answer: []string{"loop1.example. CNAME loop2.example.", "loop2.example. CNAME loop1.example."}},
		{name: "wildcard synthesises", qname: "anything.wild.example.", qtype: dns.TypeTXT, aa: true,
			answer: []string{`anything.wild.example. TXT "wildcard"`}},
		{name: "wildcard keeps asked case", qname: "Deeper.Name.wild.example.", qtype: dns.TypeMX, aa: true,
			answer: []string{"Deeper.Name.wild.example. MX 10 mx.example."}},
		{name: "wildcard nodata", qname: "anything.wild.example.", qtype: dns.TypeA, aa: true,
			ns: []string{"SOA"}, soaName: "example.", soaTTL: 60},
		{name: "wildcard never shadows an existing name", qname: "sub.wild.example.", qtype: dns.TypeMX, aa: true,
			ns: []string{"SOA"}, soaName: "example.", soaTTL: 60},
		{name: "wildcard does not reach below an existing name", qname: "a.sub.wild.example.", qtype: dns.TypeTXT, rcode: dns.RcodeNameError, aa: true,
			ns: []string{"SOA"}, soaName: "example.", soaTTL: 60},
		{name: "wildcard never shadows an empty non-terminal", qname: "ent.wild.example.", qtype: dns.TypeTXT, aa: true,
			ns: []string{"SOA"}, soaName: "example.", soaTTL: 60},
		{name: "wildcard does not reach below an empty non-terminal", qname: "x.ent.wild.example.", qtype: dns.TypeTXT, rcode: dns.RcodeNameError, aa: true,
			ns: []string{"SOA"}, soaName: "example.", soaTTL: 60},
		{name: "literal wildcard name", qname: "*.wild.example.", qtype: dns.TypeTXT, aa: true,
			answer: []string{`*.wild.example. TXT "wildcard"`}},
		{name: "referral at cut", qname: "child.example.", qtype: dns.TypeA,
			ns: []string{"NS"}, extra: 1},
		{name: "referral below cut", qname: "www.child.example.", qtype: dns.TypeTXT,
			ns: []string{"NS"}, extra: 1},
		{name: "DS at cut is the parent's", qname: "child.example.", qtype: dns.TypeDS, aa: true,
			answer: []string{"child.example. DS 12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"}},
		{name: "outside every zone", qname: "example.com.", qtype: dns.TypeA, rcode: dns.RcodeRefused},
		{name: "root outside", qname: ".", qtype: dns.TypeNS, rcode: dns.RcodeRefused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := new(dns.Msg).SetQuestion(tt.qname, tt.qtype)
			resp := zs.answer(req)
			if resp.Rcode != tt.rcode {
				t.Errorf("rcode = %s, want %s", dns.RcodeToString[resp.Rcode], dns.RcodeToString[tt.rcode])
			}
			if resp.Authoritative != tt.aa {
				t.Errorf("AA = %v, want %v", resp.Authoritative, tt.aa)
			}
			if resp.Id != req.Id || !resp.Response || len(resp.Question) != 1 || resp.Question[0] != req.Question[0] {
				t.Errorf("reply header/question do not match the query: %v", resp.MsgHdr)
			}
			var got []string
			for _, rr := range resp.Answer {
				got = append(got, rrText(rr))
			}
			if !slices.Equal(got, tt.answer) {
				t.Errorf("answer =\n  %q\nwant\n  %q", got, tt.answer)
			}
			var ns []string
			for _, rr := range resp.Ns {
				ns = append(ns, dns.TypeToString[rr.Header().Rrtype])
				if soa, ok := rr.(*dns.SOA); ok {
					if soa.Hdr.Ttl != tt.soaTTL || soa.Hdr.Name != tt.soaName {
						t.Errorf("authority SOA %s TTL %d, want %s TTL %d", soa.Hdr.Name, soa.Hdr.Ttl, tt.soaName, tt.soaTTL)
					}
				}
			}
			if !slices.Equal(ns, tt.ns) {
				t.Errorf("authority types = %v, want %v", ns, tt.ns)
			}
			if len(resp.Extra) != tt.extra {
				t.Errorf("additional = %v, want %d records", resp.Extra, tt.extra)
			}
			if _, err := resp.Pack(); err != nil {
				t.Errorf("reply does not pack: %v", err)
			}
		})
	}
}

// rrText is "owner TYPE rdata" without TTL and class.
func rrText(rr dns.RR) string {
	h := rr.Header()
	rdata := strings.TrimPrefix(rr.String(), h.String())
	return h.Name + " " + dns.TypeToString[h.Rrtype] + " " + rdata
}

func TestAnswerChainBound(t *testing.T) {
	var b strings.Builder
	b.WriteString("$ORIGIN example.\n@ SOA ns hm 1 2 3 4 5\n")
	for i := range 20 {
		b.WriteString("c" + strconv.Itoa(i) + " CNAME c" + strconv.Itoa(i+1) + "\n")
	}
	b.WriteString("c20 A 192.0.2.1\n")
	zs, err := parseZones(b.String())
	if err != nil {
		t.Fatal(err)
	}
	resp := zs.answer(new(dns.Msg).SetQuestion("c0.example.", dns.TypeA))
	if len(resp.Answer) != maxChain {
		t.Fatalf("chain of 20 CNAMEs answered with %d records, want the bound %d", len(resp.Answer), maxChain)
	}
	for _, rr := range resp.Answer {
		if rr.Header().Rrtype != dns.TypeCNAME {
			t.Errorf("unexpected %v", rr)
		}
	}
}
