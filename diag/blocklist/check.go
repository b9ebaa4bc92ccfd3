package blocklist

import (
	"context"
	"net/netip"
	"slices"
	"strings"
	"sync"

	"github.com/miekg/dns"
	"github.com/mxray/mxray/diag/dnsclient"
)

// Role says what a subject is to the investigation; one subject may have
// several (the From domain is often the envelope domain too).
type Role uint8

// The roles.
const (
	RoleMX        Role = 1 << iota // an address of one of the domain's MX hosts
	RoleSendingIP                  // the message's sending IP (headers)
	RoleDomain                     // the domain checked
	RoleFrom                       // the RFC 5322 From domain
	RoleEnvelope                   // the envelope sender (MAIL FROM) domain
	RoleDKIM                       // a DKIM-Signature d= domain
)

var roleNames = []struct {
	r    Role
	name string
}{
	{RoleMX, "MX"}, {RoleSendingIP, "sending IP"}, {RoleDomain, "domain"},
	{RoleFrom, "From"}, {RoleEnvelope, "envelope"}, {RoleDKIM, "DKIM d="},
}

// String names the roles: "MX", "From, envelope".
func (r Role) String() string {
	var out []string
	for _, n := range roleNames {
		if r&n.r != 0 {
			out = append(out, n.name)
		}
	}
	return strings.Join(out, ", ")
}

// Subject is one thing to look up: an IP address or a domain.
type Subject struct {
	IP     netip.Addr // set for an IP address
	Domain string     // set for a domain (ASCII, A-labels)
	Role   Role
	Host   string // for an MX address: the MX host it belongs to
}

// MaxSubjects bounds the subjects one Check asks about, after merging
// duplicates; the rest are not asked.
const MaxSubjects = 32

// Status is a list's verdict about a subject (the contract's "status").
type Status string

// The verdicts.
const (
	StatusListed    Status = "listed"     // A records the list documents as listings
	StatusNotListed Status = "not_listed" // NXDOMAIN (or NODATA)
	StatusError     Status = "error"      // no usable answer: see Error and Fix
)

// Result is one list's answer about one subject. The JSON fields are the
// contract's blocklists entries; the others serve findings and panes.
type Result struct {
	Subject   string   `json:"subject"`    // the IP address (RFC 5952) or the domain
	Kind      Kind     `json:"kind"`       // ip or domain
	List      string   `json:"list"`       // the list's name
	Zone      string   `json:"zone"`       // the zone asked (a DQS key is shown as [key])
	Status    Status   `json:"status"`     // listed, not_listed or error
	Codes     []string `json:"codes"`      // the A answers, when they decided the result
	Meanings  []string `json:"meanings"`   // what the codes mean, as the list documents them
	TXT       []string `json:"txt"`        // the list's TXT records for the name, when listed or refused
	DelistURL string   `json:"delist_url"` // where to look the subject up and ask for removal
	Error     string   `json:"error"`      // why the result is an error

	Role     Role       `json:"-"` // what the subject is to the investigation
	Hosts    []string   `json:"-"` // MX addresses: the MX hosts that have it
	IP       netip.Addr `json:"-"` // IP subjects: the address
	Query    string     `json:"-"` // the name asked (holds a DQS key when one is used)
	Severity Severity   `json:"-"` // listings: the worst severity among the codes
	Why      ErrorKind  `json:"-"` // errors: which kind
	Fix      string     `json:"-"` // errors: what to do
	Err      error      `json:"-"` // errors from DNS: the lookup's error (a *dnsclient.LookupError)
}

// subject is a Subject after validation and merging.
type subject struct {
	kind   Kind
	ip     netip.Addr
	domain string
	text   string
	role   Role
	hosts  []string
}

// mergeSubjects validates and merges subjects (same address or domain:
// roles and hosts combined), keeping the first MaxSubjects in order.
// Addresses that cannot be on a public list (private, loopback, link-local,
// multicast) and names that cannot be asked are left out.
func mergeSubjects(in []Subject) []*subject {
	var out []*subject
	index := map[string]*subject{}
	for _, s := range in {
		var key string
		n := &subject{role: s.Role}
		switch {
		case s.IP.IsValid():
			if !publicAddress(s.IP) {
				continue
			}
			n.kind, n.ip = KindIP, s.IP.Unmap().WithZone("")
			n.text = n.ip.String()
			key = "ip:" + n.text
		default:
			d, ok := normalDomain(s.Domain)
			if !ok {
				continue
			}
			n.kind, n.domain, n.text = KindDomain, d, d
			key = "domain:" + d
		}
		if o, ok := index[key]; ok {
			o.role |= s.Role
			if s.Host != "" && !slices.Contains(o.hosts, s.Host) {
				o.hosts = append(o.hosts, s.Host)
			}
			continue
		}
		if len(out) == MaxSubjects {
			continue
		}
		if s.Host != "" {
			n.hosts = []string{s.Host}
		}
		index[key] = n
		out = append(out, n)
	}
	return out
}

// applies reports whether a list is asked about a subject.
func applies(l *List, s *subject) bool {
	if l.Kind != s.kind {
		return false
	}
	return s.kind == KindDomain || s.ip.Is4() || l.IPv6
}

// maxLookups bounds the goroutines asking at once; the client's leaf pool
// bounds what is on the wire.
const maxLookups = 128

// pair is one subject to ask one list about.
type pair struct {
	list int // index in the set
	s    *subject
}

// plan pairs the merged subjects with the lists that apply to them, in
// subject order then list order, and marks the lists asked. Lists past
// MaxLists (possible only in a Set built in code) are not asked.
func plan(subjects []Subject, set Set) (pairs []pair, used []bool) {
	used = make([]bool, len(set.Lists))
	for _, s := range mergeSubjects(subjects) {
		for i := range set.Lists[:min(len(set.Lists), MaxLists)] {
			if applies(&set.Lists[i], s) {
				pairs = append(pairs, pair{list: i, s: s})
				used[i] = true
			}
		}
	}
	return pairs, used
}

// Questions returns how many DNS questions Check asks for these subjects
// and lists (A and TXT for each pair, two health-test questions per list
// asked), all at once: a caller can size the client's leaf pool
// (dnsclient.Config.MaxLeafInFlight) so they fit in one round trip.
func Questions(subjects []Subject, set Set) int {
	pairs, used := plan(subjects, set)
	n := 2 * len(pairs)
	for _, u := range used {
		if u {
			n += 2
		}
	}
	return n
}

// Check asks every list in the set about every subject it applies to (IP
// lists about addresses, IPv6 only where the list has IPv6 entries; domain
// lists about domains) and returns one Result per pair, in subject order
// then list order. Every question, the health tests included, is asked at
// once, at leaf priority, through r (the investigation's client, whose
// cache merges repeated questions and whose log records them all); a
// verdict is decided when both its answer and its list's health test are
// in. Check blocks until then or until ctx ends, and is safe to run
// concurrently with the rest of the investigation.
func Check(ctx context.Context, r dnsclient.Resolver, subjects []Subject, set Set) []Result {
	ctx = dnsclient.WithPriority(ctx, dnsclient.Leaf)
	lists := set.Lists
	pairs, used := plan(subjects, set)
	probes := make([]*healthProbe, len(lists))
	var wg sync.WaitGroup
	for i, u := range used {
		if u {
			p := &healthProbe{done: make(chan struct{})}
			probes[i] = p
			wg.Go(func() { p.run(ctx, r, &lists[i]) })
		}
	}
	results := make([]Result, len(pairs))
	sem := make(chan struct{}, maxLookups)
	for j, pr := range pairs {
		wg.Go(func() {
			l := &lists[pr.list]
			name := queryName(l, pr.s)
			var a, txt dnsclient.Answer
			select {
			case sem <- struct{}{}:
				a, txt = lookupPair(ctx, r, name)
				<-sem
			case <-ctx.Done():
				a = dnsclient.Answer{Name: name, Type: dns.TypeA, Status: dnsclient.StatusError,
					Err: &dnsclient.LookupError{Name: name, Type: "A", Err: ctx.Err()}}
			}
			p := probes[pr.list]
			<-p.done
			results[j] = decide(l, pr.s, name, a, txt, p.h)
		})
	}
	wg.Wait()
	return results
}

// lookupPair asks A and TXT for one name at once.
func lookupPair(ctx context.Context, r dnsclient.Resolver, name string) (a, txt dnsclient.Answer) {
	var wg sync.WaitGroup
	wg.Go(func() { txt = r.Lookup(ctx, name, dns.TypeTXT) })
	a = r.Lookup(ctx, name, dns.TypeA)
	wg.Wait()
	return a, txt
}

// healthProbe is one list's health test: asked once per Check, its verdict
// shared by every result from the list.
type healthProbe struct {
	done chan struct{}
	h    health
}

func (p *healthProbe) run(ctx context.Context, r dnsclient.Resolver, l *List) {
	defer close(p.done)
	listedName, ok1 := testName(l, l.TestListed)
	unlistedName, ok2 := testName(l, l.TestUnlisted)
	if !ok1 || !ok2 {
		p.h = health{kind: ErrUnhealthy, reason: "its health-test entries cannot be asked (an IP list's entries are IPv4 addresses, a domain list's are names)"}
		return
	}
	var listed, unlisted dnsclient.Answer
	var wg sync.WaitGroup
	wg.Go(func() { unlisted = r.Lookup(ctx, unlistedName, dns.TypeA) })
	listed = r.Lookup(ctx, listedName, dns.TypeA)
	wg.Wait()
	p.h = judgeHealth(l, listed, unlisted)
}
