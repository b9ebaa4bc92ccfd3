package dnsclient

import (
	"context"
	"net/netip"
	"sort"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// Status says which case a DNS answer is. Callers decide on it, never on
// error strings.
type Status string

// The cases of an answer.
const (
	StatusRecords  Status = "records"  // NOERROR with records of the asked type (after any CNAMEs)
	StatusNXDomain Status = "nxdomain" // RCODE 3: the name does not exist
	StatusNoData   Status = "nodata"   // NOERROR, the name exists, no records of the asked type
	StatusServFail Status = "servfail" // RCODE 2 from every server tried
	StatusRefused  Status = "refused"  // RCODE 5 from every server tried
	StatusTimeout  Status = "timeout"  // no usable reply within the timeout
	StatusError    Status = "error"    // anything else: FORMERR, NOTIMP, a bad reply, a network error, a limit reached
)

// Temporary reports whether the status is a failure that may go away on its
// own (RFC 7208 temperror, RFC 6376 TEMPFAIL): SERVFAIL, REFUSED, timeout or
// another error. NXDOMAIN and NODATA are answers, not failures.
func (s Status) Temporary() bool {
	switch s {
	case StatusServFail, StatusRefused, StatusTimeout, StatusError:
		return true
	}
	return false
}

// Void reports whether the answer is an RFC 7208 §4.6.4 "void lookup":
// NXDOMAIN or no records.
func (s Status) Void() bool { return s == StatusNXDomain || s == StatusNoData }

// Answer is the outcome of one question, after any CNAME chain was followed.
type Answer struct {
	Name    string   // the question name as asked, fully qualified
	Type    uint16   // the question type (dns.TypeTXT, ...)
	Status  Status   // which case this is
	Records []dns.RR // the records of Type owned by the end of the CNAME chain
	CNAMEs  []string // the CNAME targets followed, in order; empty when none
	TTL     uint32   // the smallest TTL of Records, or the negative-caching TTL from the SOA
	Server  string   // the server that gave the final reply, host:port
	// ServerName is Server's name for people when the configuration gives
	// one (Config.ServerNames), else "".
	ServerName string
	RTT        time.Duration // round-trip time of the final reply (0 when cached)
	Cached     bool          // answered from this client's cache without asking
	Shared     bool          // answered from the shared Cache (or another client's question in flight) without asking
	TCP        bool          // the final reply came over TCP
	// AD is the Authenticated Data bit of the reply (of every reply, when
	// a CNAME chain took several): the resolver says it validated the
	// answer with DNSSEC (RFC 4035 §3.2.3, RFC 6840 §5.8). mxray does not
	// validate itself; it trusts the resolver it asked.
	AD bool
	// DNSSEC states AD plainly: secure, insecure, or unknown when there was
	// no answer or the answer came from a zone's own nameservers, which do
	// not validate (authoritative mode).
	DNSSEC DNSSEC
	Err    error // why, when Status is a failure; a *LookupError
}

// DNSSEC is what the resolver said about an answer's DNSSEC validation.
type DNSSEC string

// The DNSSEC states of an answer.
const (
	// DNSSECSecure: the reply had the AD bit set (RFC 4035 §3.2.3): the
	// validating resolver vouches for it.
	DNSSECSecure DNSSEC = "secure"
	// DNSSECInsecure: a reply from a recursive resolver without AD: the
	// zone is unsigned, or the resolver does not validate.
	DNSSECInsecure DNSSEC = "insecure"
	// DNSSECUnknown: no answer, or an answer from a server that does not
	// validate (a zone's own nameserver).
	DNSSECUnknown DNSSEC = "unknown"
)

// Target returns the name at the end of the CNAME chain (the question name
// when there is none).
func (a Answer) Target() string {
	if len(a.CNAMEs) > 0 {
		return a.CNAMEs[len(a.CNAMEs)-1]
	}
	return a.Name
}

// TXT returns one string per TXT record: its character-strings joined with
// nothing between them (RFC 7208 §3.3, RFC 6376 §3.6.2.2), as raw bytes
// (the presentation escapes \DDD, \" and \\ that miekg/dns applies are
// undone). The bytes need not be valid UTF-8.
func (a Answer) TXT() []string {
	var out []string
	for _, parts := range a.TXTParts() {
		out = append(out, strings.Join(parts, ""))
	}
	return out
}

// TXTParts returns each TXT record's character-strings, unjoined, as raw
// bytes. Needed to warn about strings joined without a space.
func (a Answer) TXTParts() [][]string {
	var out [][]string
	for _, rr := range a.Records {
		if t, ok := rr.(*dns.TXT); ok {
			parts := make([]string, len(t.Txt))
			for i, s := range t.Txt {
				parts[i] = UnescapeTXT(s)
			}
			out = append(out, parts)
		}
	}
	return out
}

// Addrs returns the addresses of the A and AAAA records, in answer order.
func (a Answer) Addrs() []netip.Addr {
	var out []netip.Addr
	for _, rr := range a.Records {
		var ip netip.Addr
		switch r := rr.(type) {
		case *dns.A:
			ip, _ = netip.AddrFromSlice(r.A.To4())
		case *dns.AAAA:
			ip, _ = netip.AddrFromSlice(r.AAAA.To16())
		default:
			continue
		}
		if ip.IsValid() {
			out = append(out, ip)
		}
	}
	return out
}

// MX is one mail exchanger.
type MX struct {
	Preference uint16
	Host       string // fully qualified, as published ("." for a null MX)
	TTL        uint32
}

// MX returns the MX records sorted by preference, then host name.
func (a Answer) MX() []MX {
	var out []MX
	for _, rr := range a.Records {
		if m, ok := rr.(*dns.MX); ok {
			out = append(out, MX{Preference: m.Preference, Host: m.Mx, TTL: m.Hdr.Ttl})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Preference != out[j].Preference {
			return out[i].Preference < out[j].Preference
		}
		return strings.ToLower(out[i].Host) < strings.ToLower(out[j].Host)
	})
	return out
}

// Names returns the target names of PTR, NS and CNAME records, fully
// qualified, in answer order.
func (a Answer) Names() []string {
	var out []string
	for _, rr := range a.Records {
		switch r := rr.(type) {
		case *dns.PTR:
			out = append(out, r.Ptr)
		case *dns.NS:
			out = append(out, r.Ns)
		case *dns.CNAME:
			out = append(out, r.Target)
		}
	}
	return out
}

// UnescapeTXT turns one TXT character-string from miekg/dns's presentation
// form back into its raw bytes: \DDD is the byte DDD (decimal), and \X is X
// for any other X (so \" is " and \\ is \).
func UnescapeTXT(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b = append(b, c)
			continue
		}
		if i+3 < len(s) && isDigit(s[i+1]) && isDigit(s[i+2]) && isDigit(s[i+3]) {
			n := int(s[i+1]-'0')*100 + int(s[i+2]-'0')*10 + int(s[i+3]-'0')
			if n <= 255 {
				b = append(b, byte(n))
				i += 3
				continue
			}
		}
		b = append(b, s[i+1])
		i++
	}
	return string(b)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// Priority orders questions competing for the client's concurrency: a
// question on the critical path is never queued behind leaf probes.
type Priority int

const (
	// Critical questions decide a verdict (SPF tree, MX chain, DMARC walk).
	Critical Priority = iota
	// Leaf questions are probes that nothing else waits on (common DKIM
	// selectors, BIMI, TLS-RPT).
	Leaf
)

type priorityKey struct{}

// WithPriority returns a context whose lookups run at priority p. Lookups
// default to Critical.
func WithPriority(ctx context.Context, p Priority) context.Context {
	return context.WithValue(ctx, priorityKey{}, p)
}

// PriorityFrom returns the priority set by WithPriority, or Critical.
func PriorityFrom(ctx context.Context) Priority {
	if p, ok := ctx.Value(priorityKey{}).(Priority); ok {
		return p
	}
	return Critical
}

// Resolver is what the checks in diag's subpackages need from DNS: one
// question, one Answer. *Client satisfies it; tests may use a fake.
type Resolver interface {
	Lookup(ctx context.Context, name string, qtype uint16) Answer
}
