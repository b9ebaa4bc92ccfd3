// Package propagate answers "did my change propagate?": it asks every
// authoritative server of a name's zone directly (RD clear, RFC 1034
// §4.3.1) and every configured resolver, and sets their answers side by
// side with their TTLs and the zone's SOA serial (RFC 1035 §3.3.13) as each
// server has it, flagging servers that disagree and nameservers that do
// not answer authoritatively for the zone (lame delegation, RFC 1912 §2.8,
// RFC 8499 §7).
//
// The zone is found by asking the configured resolvers for the SOA of the
// name and of each ancestor in turn (RFC 2181 §6: the zone apex owns the
// SOA); its nameservers are the apex's NS records, each resolved to its
// IPv4 and IPv6 addresses. Every question to a server goes on the wire
// (dnsclient.Client.Exchange): nothing is answered from a cache.
package propagate

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"

	"github.com/miekg/dns"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
)

// MaxServers bounds the servers asked: nameserver addresses and resolvers
// together. A zone with more is compared on the first ones, and says so.
const MaxServers = 24

// Kind says what a server is to the zone.
type Kind string

// The kinds of server.
const (
	// KindAuthoritative is one address of one of the zone's nameservers,
	// asked with RD clear.
	KindAuthoritative Kind = "authoritative"
	// KindResolver is a configured resolver (--resolver, /etc/resolv.conf,
	// the demo's server), asked with RD set: what clients see now.
	KindResolver Kind = "resolver"
	// KindZoneFile is the in-process server of --zone FILE, which answers
	// the names of its zones in mxray's other commands: the draft.
	KindZoneFile Kind = "zone_file"
)

// Errors of Compare: it could not compare at all.
var (
	// ErrNoZone: no SOA was found for the name or any ancestor.
	ErrNoZone = errors.New("could not find the zone")
	// ErrNoNameservers: the zone's NS records could not be read, or none
	// of its nameservers has an address.
	ErrNoNameservers = errors.New("could not find the zone's nameservers")
)

// DefaultTypes returns the types asked when none is given: TXT for an
// underscored name (RFC 8552: _dmarc, _domainkey, _mta-sts, _smtp._tls,
// _bimi all hold TXT), else A, AAAA, MX and TXT, what mail to and from a
// domain depends on.
func DefaultTypes(name string) []uint16 {
	for _, label := range dns.SplitDomainName(name) {
		if strings.HasPrefix(label, "_") {
			return []uint16{dns.TypeTXT}
		}
	}
	return []uint16{dns.TypeA, dns.TypeAAAA, dns.TypeMX, dns.TypeTXT}
}

// ParseType reads a record type given by name ("txt", "MX", "TYPE99").
// Meta types (ANY, AXFR, IXFR, OPT) are refused: they ask for no RRset.
func ParseType(s string) (uint16, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	t, ok := dns.StringToType[u]
	if !ok && strings.HasPrefix(u, "TYPE") {
		var n uint16
		if _, err := fmt.Sscanf(u, "TYPE%d", &n); err == nil && n > 0 {
			t, ok = n, true
		}
	}
	switch {
	case !ok:
		return 0, fmt.Errorf("unknown record type %q", s)
	case t == dns.TypeANY || t == dns.TypeAXFR || t == dns.TypeIXFR || t == dns.TypeOPT || t == dns.TypeMAILA || t == dns.TypeMAILB:
		return 0, fmt.Errorf("record type %s asks for no one record set: give a type such as TXT, MX or A", u)
	}
	return t, nil
}

// Result is the comparison of one name.
type Result struct {
	Name  string   `json:"name"`  // fully qualified, as asked
	Zone  string   `json:"zone"`  // the apex of its zone
	Types []string `json:"types"` // the types asked, in order
	// Nameservers are the zone's NS hosts, sorted, with their addresses.
	Nameservers []Nameserver `json:"nameservers"`
	// Servers are every server asked: the nameservers' addresses by host,
	// IPv4 first, then the resolvers.
	Servers []Server `json:"servers"`
	// Agree: every authoritative server that answered gave the same
	// answer for every type (TTLs aside).
	Agree bool `json:"agree"`
	// SerialsAgree: every authoritative server that answered gave the same
	// SOA serial.
	SerialsAgree bool `json:"serials_agree"`
	// ResolversAgree: every resolver that answered gave what the
	// authoritative servers agree on.
	ResolversAgree bool `json:"resolvers_agree"`
	// Cut says the zone has more addresses than MaxServers; "" when not.
	Cut      string            `json:"cut,omitempty"`
	Findings []finding.Finding `json:"findings"`
}

// Nameserver is one NS host of the zone.
type Nameserver struct {
	Host      string   `json:"host"`
	Addresses []string `json:"addresses"`
	Error     string   `json:"error,omitempty"` // why it has no address
}

// Server is one server asked and what it said.
type Server struct {
	Kind Kind `json:"kind"`
	// Name is the nameserver's host name, or the resolver's name for
	// people (its address when it has none).
	Name string `json:"name"`
	// IP is the address DNS gave for a nameserver; "" for a resolver.
	IP string `json:"ip,omitempty"`
	// Address is where the questions went, host:port.
	Address string `json:"address"`
	// Serial is the zone's SOA serial from this server; null when it gave
	// none.
	Serial *uint32 `json:"serial"`
	// Lame: a nameserver that REFUSED the zone's questions or answered
	// them without the AA bit (RFC 1035 §4.1.1).
	Lame bool `json:"lame"`
	// Answers are one per type, in Result.Types order.
	Answers []Answer `json:"answers"`
	// Error says why it was not asked at all (an address refused by the
	// public-address guard of mxray serve); "" when it was.
	Error string `json:"error,omitempty"`
}

// Answer is one server's answer for one type.
type Answer struct {
	Type   string `json:"type"`
	Status string `json:"status"` // dnsclient's words: records, nxdomain, nodata, servfail, refused, timeout, error
	Rcode  string `json:"rcode,omitempty"`
	AA     bool   `json:"aa"`
	// Records are the answer section's record sets owned by the name (and
	// any CNAME chain in it), RRSIGs left out, each as "TYPE data" (with
	// its owner first when it is not the name), in a canonical order: what
	// servers are compared on.
	Records []string `json:"records"`
	// TTL is the smallest TTL of the records, or the negative TTL (RFC
	// 2308 §5) of NXDOMAIN and NODATA.
	TTL   uint32  `json:"ttl"`
	RTTMs float64 `json:"rtt_ms"`
	// Group numbers the distinct answers (records and status) among the
	// servers that answered, 1 for the one most authoritative servers
	// gave; 0 for no answer (timeout, SERVFAIL, REFUSED, error).
	Group int `json:"group"`
	// Differs: the answer is not the one most authoritative servers gave.
	Differs bool   `json:"differs"`
	Error   string `json:"error,omitempty"`
}

// Compare asks every authoritative server of name's zone and every
// configured resolver of client for name's records of each of types
// (DefaultTypes when empty), concurrently, each question bounded by the
// client's timeout and the whole by ctx. An error is returned only when
// nothing could be compared (no zone, no nameserver); a server that fails is
// a row that says so.
func Compare(ctx context.Context, client *dnsclient.Client, name string, types []uint16) (*Result, error) {
	name = dns.Fqdn(strings.TrimSpace(name))
	if _, ok := dns.IsDomainName(name); !ok || name == "." {
		return nil, fmt.Errorf("%w: %q is not a domain name", dnsclient.ErrBadName, name)
	}
	if len(types) == 0 {
		types = DefaultTypes(name)
	}
	res := &Result{Name: name}
	for _, t := range types {
		res.Types = append(res.Types, dns.TypeToString[t])
	}
	zone, err := findZone(ctx, client, name)
	if err != nil {
		return nil, err
	}
	res.Zone = zone
	ns, err := nameservers(ctx, client, zone)
	if err != nil {
		return nil, err
	}
	res.Nameservers = ns
	res.Servers, res.Cut = serversOf(client, ns, name)
	ask(ctx, client, res, types)
	judge(res)
	return res, nil
}

// findZone walks from name up to the root asking the resolvers for the
// SOA: the first name that owns one (not through a CNAME) is the apex.
func findZone(ctx context.Context, client *dnsclient.Client, name string) (string, error) {
	cur := name
	var last dnsclient.Answer
	for {
		a := client.Lookup(ctx, cur, dns.TypeSOA)
		if a.Status == dnsclient.StatusRecords && len(a.CNAMEs) == 0 {
			return strings.ToLower(a.Records[0].Header().Name), nil
		}
		if a.Status.Temporary() {
			last = a
			if ctx.Err() != nil {
				return "", fmt.Errorf("%w of %s: %w", ErrNoZone, name, ctx.Err())
			}
		}
		off, end := dns.NextLabel(cur, 0)
		if end || cur == "." {
			break
		}
		cur = cur[off:]
		if cur == "" || cur == "." {
			break
		}
	}
	switch {
	case last.Status == dnsclient.StatusRefused:
		return "", fmt.Errorf("%w of %s: the resolvers refused to answer for it (%w)", ErrNoZone, name, last.Err)
	case last.Err != nil:
		return "", fmt.Errorf("%w of %s: the resolvers gave no answer (%w); check the network or give one with --resolver", ErrNoZone, name, last.Err)
	}
	return "", fmt.Errorf("%w of %s: no SOA record at it or above it", ErrNoZone, name)
}

// nameservers reads the zone's NS hosts and their addresses.
func nameservers(ctx context.Context, client *dnsclient.Client, zone string) ([]Nameserver, error) {
	a := client.Lookup(ctx, zone, dns.TypeNS)
	hosts := a.Names()
	if len(hosts) == 0 {
		why := a.Describe()
		if a.Status == dnsclient.StatusNoData || a.Status == dnsclient.StatusNXDomain || a.Status == dnsclient.StatusRecords {
			why = "no NS records"
		}
		return nil, fmt.Errorf("%w (%s): %s", ErrNoNameservers, zone, why)
	}
	for i := range hosts {
		hosts[i] = strings.ToLower(hosts[i])
	}
	slices.Sort(hosts)
	hosts = slices.Compact(hosts)
	out := make([]Nameserver, len(hosts))
	var wg sync.WaitGroup
	for i, h := range hosts {
		wg.Go(func() {
			v4, v6 := client.LookupAddrs(ctx, h)
			out[i].Host = h
			for _, ip := range append(v4.Addrs(), v6.Addrs()...) {
				out[i].Addresses = append(out[i].Addresses, ip.String())
			}
			if len(out[i].Addresses) == 0 {
				out[i].Error = "no address: A " + v4.Describe() + ", AAAA " + v6.Describe()
				if !v4.Status.Temporary() && !v6.Status.Temporary() {
					out[i].Error = "no A or AAAA record"
				}
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%w (%s): %w", ErrNoNameservers, zone, err)
	}
	return out, nil
}

// serversOf lists the servers to ask: every nameserver address (IPv4
// first), then the zone-file overlay that covers name, then the resolvers;
// at most MaxServers.
func serversOf(client *dnsclient.Client, ns []Nameserver, name string) ([]Server, string) {
	var v4, v6 []Server
	for _, n := range ns {
		for _, a := range n.Addresses {
			ip, _ := netip.ParseAddr(a)
			s := Server{Kind: KindAuthoritative, Name: n.Host, IP: a}
			if addr, err := client.NameserverAddress(n.Host, ip); err != nil {
				s.Error = err.Error()
			} else {
				s.Address = addr
			}
			if ip.Unmap().Is4() {
				v4 = append(v4, s)
			} else {
				v6 = append(v6, s)
			}
		}
	}
	out := append(v4, v6...)
	if srv, ok := client.Overlay(name); ok {
		out = append(out, Server{Kind: KindZoneFile, Name: nameOf(client, srv), Address: srv})
	}
	for _, r := range client.Servers() {
		out = append(out, Server{Kind: KindResolver, Name: nameOf(client, r), Address: r})
	}
	if len(out) > MaxServers {
		cut := fmt.Sprintf("%d servers; the first %d were asked", len(out), MaxServers)
		return out[:MaxServers], cut
	}
	return out, ""
}

func nameOf(client *dnsclient.Client, server string) string {
	if n := client.ServerName(server); n != "" {
		return n
	}
	return server
}

// ask puts every question to every server at once: the zone's SOA and
// each type.
func ask(ctx context.Context, client *dnsclient.Client, res *Result, types []uint16) {
	var wg sync.WaitGroup
	for i := range res.Servers {
		s := &res.Servers[i]
		s.Answers = make([]Answer, len(types))
		for j, t := range types {
			s.Answers[j] = Answer{Type: dns.TypeToString[t]}
		}
		if s.Address == "" {
			for j := range s.Answers {
				s.Answers[j].Status, s.Answers[j].Error = string(dnsclient.StatusError), "not asked"
			}
			continue
		}
		rd := s.Kind != KindAuthoritative
		wg.Go(func() {
			rep, err := client.Exchange(ctx, s.Address, res.Zone, dns.TypeSOA, rd)
			if err == nil && rep.Msg != nil {
				for _, rr := range rep.Answer.Records {
					if soa, ok := rr.(*dns.SOA); ok {
						serial := soa.Serial
						s.Serial = &serial
						break
					}
				}
				if s.Kind == KindAuthoritative && (rep.Msg.Rcode == dns.RcodeRefused || (rep.Msg.Rcode == dns.RcodeSuccess && !rep.Msg.Authoritative)) {
					s.Lame = true
				}
			}
		})
		for j, t := range types {
			wg.Go(func() {
				rep, _ := client.Exchange(ctx, s.Address, res.Name, t, rd)
				s.Answers[j] = answerOf(rep, res.Name, t)
			})
		}
	}
	wg.Wait()
	for i := range res.Servers {
		s := &res.Servers[i]
		if s.Kind != KindAuthoritative {
			continue
		}
		for _, a := range s.Answers {
			if a.Status == string(dnsclient.StatusRefused) || (a.Rcode == "NOERROR" && !a.AA) {
				s.Lame = true
			}
		}
	}
}

// answerOf reads one reply.
func answerOf(rep dnsclient.Reply, name string, qtype uint16) Answer {
	a := Answer{Type: dns.TypeToString[qtype], Status: string(rep.Answer.Status), TTL: rep.Answer.TTL,
		RTTMs: float64(rep.RTT.Microseconds()) / 1000}
	if rep.Answer.Err != nil {
		a.Error = rep.Answer.Describe()
	}
	if rep.Msg == nil {
		return a
	}
	a.Rcode = dns.RcodeToString[rep.Msg.Rcode]
	a.AA = rep.Msg.Authoritative
	a.Records = canonicalRecords(rep.Msg.Answer, name)
	if len(a.Records) > 0 && rep.Answer.Status == dnsclient.StatusNoData {
		// Only a CNAME chain answered: its records are the answer.
		a.TTL = dnsclient.MinTTL(rep.Msg.Answer)
	}
	return a
}

// canonicalRecords writes the answer section's records (RRSIGs and other
// classes left out) as "TYPE data", with the owner first when it is not
// name, lower-cased owners, sorted.
func canonicalRecords(rrs []dns.RR, name string) []string {
	out := []string{}
	for _, rr := range rrs {
		h := rr.Header()
		if h.Class != dns.ClassINET || h.Rrtype == dns.TypeRRSIG || h.Rrtype == dns.TypeOPT {
			continue
		}
		cp := dns.Copy(rr)
		cp.Header().Ttl = 0
		cp.Header().Name = strings.ToLower(h.Name)
		data := strings.TrimPrefix(cp.String(), cp.Header().String())
		s := dns.TypeToString[h.Rrtype] + " " + data
		if !strings.EqualFold(h.Name, name) {
			s = strings.ToLower(h.Name) + " " + s
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
