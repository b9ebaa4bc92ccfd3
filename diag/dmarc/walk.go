package dmarc

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/mxray/mxray/diag/dnsclient"
)

// Level is one name of a DNS Tree Walk and what DNS said about it.
type Level struct {
	Domain string           `json:"domain"`           // lower-case, no trailing dot
	Name   string           `json:"name"`             // the name queried: _dmarc.<domain>
	Labels int              `json:"labels"`           // labels of Domain
	Status dnsclient.Status `json:"status"`           // the query's DNS-level outcome
	TTL    uint32           `json:"ttl"`              // of the answer, in seconds
	RTT    time.Duration    `json:"-"`                // the query's round-trip time
	RTTms  float64          `json:"rtt_ms"`           // RTT in milliseconds
	Cached bool             `json:"cached"`           // answered from the investigation's cache
	Server string           `json:"server,omitempty"` // the server that answered
	// TXT is every TXT record at the name, its strings joined, raw bytes.
	TXT []string `json:"txt,omitempty"`
	// Records are the TXT records that start with v=DMARC1 (RFC 9989
	// §4.10 steps 2 and 6 discard the others).
	Records []string `json:"records,omitempty"`
	// Record is the one DMARC record at this name; nil when there is none
	// or when there are several (all discarded, §4.10 step 2).
	Record *Record `json:"-"`
	// Multiple is true when several DMARC records were published here.
	Multiple bool `json:"multiple,omitempty"`
	// Consulted is false for names the decision never reached: above a
	// psd=y or psd=n stop, or above a temporary error.
	Consulted bool `json:"consulted"`
}

// Walk is one DNS Tree Walk (RFC 9989 §4.10): every name asked at once,
// then decided in order from the longest name to the shortest.
type Walk struct {
	Start  string  `json:"start"`  // the domain the walk started at
	Levels []Level `json:"levels"` // one per name asked
	// Skipped are the names a long domain jumps over (§4.10 step 4): they
	// are never queried.
	Skipped []string `json:"skipped,omitempty"`
	// StoppedAt is the domain whose psd=y or psd=n record ended the walk.
	StoppedAt string `json:"stopped_at,omitempty"`
	// ErrorAt is the domain whose query failed temporarily; the decision
	// uses only what was found below it (longer names) and Incomplete is
	// true.
	ErrorAt    string `json:"error_at,omitempty"`
	Incomplete bool   `json:"incomplete"`
}

// normalize lower-cases a domain and drops surrounding dots.
func normalize(domain string) string {
	return strings.Trim(strings.ToLower(strings.TrimSpace(domain)), ".")
}

// WalkDomains returns the domains a DNS Tree Walk from domain queries, in
// order (RFC 9989 §4.10 steps 1, 3, 4 and 7): the domain itself; then, for
// a name of eight or more labels, the name shortened to seven labels, else
// its parent; then each parent up to the top-level label. Never more than
// MaxQueries names. The second result lists the names jumped over.
func WalkDomains(domain string) (walk, skipped []string) {
	domain = normalize(domain)
	if domain == "" {
		return nil, nil
	}
	labels := strings.Split(domain, ".")
	x := len(labels)
	walk = append(walk, domain)
	n := x - 1
	if x >= MaxQueries {
		n = jumpLabels
		for k := x - 1; k > jumpLabels; k-- {
			skipped = append(skipped, strings.Join(labels[x-k:], "."))
		}
	}
	for ; n >= 1; n-- {
		walk = append(walk, strings.Join(labels[x-n:], "."))
	}
	return walk, skipped
}

// ask puts every question at once and returns the answers in the order
// of the questions.
func ask(ctx context.Context, r dnsclient.Resolver, qs []query) []dnsclient.Answer {
	answers := make([]dnsclient.Answer, len(qs))
	var wg sync.WaitGroup
	for i, q := range qs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i] = r.Lookup(ctx, dns.Fqdn(q.name), q.qtype)
		}()
	}
	wg.Wait()
	return answers
}

// RunWalk performs the DNS Tree Walk from domain: the TXT queries for every
// candidate name go out at once, and the answers are then decided in order
// (RFC 9989 §4.10): records not starting with v=DMARC1 are discarded,
// several DMARC records at one name count as none, and a single record with
// psd=y or psd=n stops the walk. A temporary DNS failure stops the decision
// too: what was found below it is kept and Incomplete is set.
func RunWalk(ctx context.Context, r dnsclient.Resolver, domain string) Walk {
	domains, skipped := WalkDomains(domain)
	return decideWalk(normalize(domain), domains, skipped, ask(ctx, r, walkQueries(domains)))
}

func decideWalk(start string, domains, skipped []string, answers []dnsclient.Answer) Walk {
	w := Walk{Start: start, Skipped: skipped}
	stopped := false
	for i, d := range domains {
		a := answers[i]
		l := Level{
			Domain: d, Name: "_dmarc." + d, Labels: strings.Count(d, ".") + 1,
			Status: a.Status, TTL: a.TTL, RTT: a.RTT, RTTms: float64(a.RTT.Microseconds()) / 1000,
			Cached: a.Cached, Server: a.Server,
			TXT: a.TXT(),
		}
		for _, t := range l.TXT {
			if IsDMARC(t) {
				l.Records = append(l.Records, t)
			}
		}
		if len(l.Records) == 1 {
			l.Record, _ = Parse(l.Records[0]) // IsDMARC held, so the record is never nil
		}
		l.Multiple = len(l.Records) > 1
		if !stopped {
			l.Consulted = true
			switch {
			case a.Status.Temporary():
				w.ErrorAt, w.Incomplete, stopped = d, true, true
			case l.Record != nil && (l.Record.PSD == PSDYes || l.Record.PSD == PSDNo):
				w.StoppedAt, stopped = d, true
			}
		}
		w.Levels = append(w.Levels, l)
	}
	return w
}

// consulted returns the levels the decision reached, in walk order.
func (w *Walk) consulted() []Level {
	var out []Level
	for _, l := range w.Levels {
		if l.Consulted {
			out = append(out, l)
		}
	}
	return out
}

// level returns the consulted level of domain, or nil.
func (w *Walk) level(domain string) *Level {
	for i := range w.Levels {
		if w.Levels[i].Consulted && w.Levels[i].Domain == domain {
			return &w.Levels[i]
		}
	}
	return nil
}

// Queried returns the names the walk asked, in order.
func (w *Walk) Queried() []string {
	out := make([]string, len(w.Levels))
	for i, l := range w.Levels {
		out[i] = l.Name
	}
	return out
}

// OrgDomain selects the Organizational Domain from the walk (RFC 9989
// §4.10.2), going through the domains with a DMARC record from the longest
// to the shortest: a psd=n record makes its domain the Organizational
// Domain; a psd=y record other than the starting domain's makes the domain
// one label below it the Organizational Domain; otherwise the record with
// the fewest labels decides. With no record at all the starting domain is
// its own Organizational Domain. The second result says why, in words.
func (w *Walk) OrgDomain() (string, string) {
	var fewest *Level
	levels := w.consulted()
	for i := range levels {
		l := &levels[i]
		if l.Record == nil {
			continue
		}
		if l.Record.PSD == PSDNo {
			return l.Domain, "_dmarc." + l.Domain + " has psd=n: it is an organizational domain of its own (RFC 9989 §4.10.2 step 1)"
		}
		if l.Record.PSD == PSDYes && i > 0 {
			org := oneBelow(w.Start, l.Domain)
			return org, "_dmarc." + l.Domain + " has psd=y (a public suffix), so the organizational domain is the name one label below it, " + org + " (RFC 9989 §4.10.2 step 2)"
		}
		fewest = l
	}
	if fewest != nil {
		return fewest.Domain, fewest.Domain + " is the highest name with a DMARC record (RFC 9989 §4.10.2 step 3)"
	}
	return w.Start, "no DMARC record was found on the walk, so " + w.Start + " is its own organizational domain (RFC 9989 §4.10.2)"
}

// oneBelow returns the ancestor of start that has one label more than
// ancestor.
func oneBelow(start, ancestor string) string {
	labels := strings.Split(start, ".")
	n := strings.Count(ancestor, ".") + 2
	if n > len(labels) {
		return start
	}
	return strings.Join(labels[len(labels)-n:], ".")
}

// isSubdomain reports whether d is a proper subdomain of parent.
func isSubdomain(d, parent string) bool {
	return len(d) > len(parent) && strings.HasSuffix(d, "."+parent)
}
