package spf

import (
	"context"
	"errors"
	"net/netip"
	"strings"
)

// ErrNoClientIP: CheckHost was given no valid client address.
var ErrNoClientIP = errors.New("spf: no valid client IP address")

// Verdict is the outcome of check_host() for one client IP, with how it was
// reached.
type Verdict struct {
	Domain string     // the domain checked
	IP     netip.Addr // the client, IPv4-mapped addresses shown as IPv4
	Sender string     // <sender> as check_host() used it (postmaster@<helo> for a bounce)
	HELO   string     // the HELO/EHLO name, for %{h}
	Result Result     // what check_host() returned (RFC 7208 §2.6)
	// HELOResult is the HELO identity's own verdict (RFC 7208 §2.3), when
	// Check or CheckIPs evaluated it; "" otherwise.
	HELOResult Result
	// Explanation is the expanded exp= text of a fail (RFC 7208 §6.2), or
	// the default explanation.
	Explanation string
	// Lookups and VoidLookups are counted in evaluation order up to the
	// decision (RFC 7208 §4.6.4).
	Lookups, VoidLookups int
	// WorstCaseLookups is the count for a client that matches nothing:
	// every reachable term of the tree.
	WorstCaseLookups int
	// Matched is the deciding path; nil when no mechanism matched (the
	// default neutral, a redirect to nothing, an error).
	Matched *Match
	// Err is the cause of permerror or temperror (an *EvalError wrapping
	// ErrPermanent or ErrTemporary), or why the result is none.
	Err error

	tree *Tree
}

// Match is the deciding path of a verdict.
type Match struct {
	RecordDomain string   `json:"record_domain"` // the record whose term matched
	Term         string   `json:"term"`          // the matching term, as written
	Path         []string `json:"path"`          // record domains from the top down to RecordDomain
	// Terms are the term followed in each record of Path: the include or
	// redirect that led down, and last the matching term.
	Terms []string `json:"terms"`
}

// Tree returns the tree the verdict was evaluated against.
func (v *Verdict) Tree() *Tree { return v.tree }

// CheckHost runs check_host(ip, t.Domain, sender) exactly as RFC 7208 §4–§6
// say, reading the prefetched answers and asking the resolver only for what
// depends on the client or on macros. An empty sender means the HELO
// identity's postmaster@<helo>; a sender without a local-part gets
// "postmaster" (RFC 7208 §4.3). helo feeds %{h}. Safe for concurrent use.
func (t *Tree) CheckHost(ctx context.Context, ip netip.Addr, sender, helo string) *Verdict {
	ip = ip.Unmap()
	if sender == "" && helo == "" {
		sender = "postmaster@" + t.Domain
	}
	local, sdom := splitSender(sender, helo)
	v := &Verdict{Domain: t.Domain, IP: ip, Sender: local + "@" + sdom, HELO: helo,
		WorstCaseLookups: t.Root.Lookups, tree: t}
	if !ip.IsValid() || ip.Zone() != "" {
		v.Result, v.Err = None, ErrNoClientIP
		return v
	}
	ev := &evaluator{ctx: ctx, t: t, ip: ip}
	ev.env = macroEnv{sender: v.Sender, local: local, senderD: sdom, ip: ip, helo: helo,
		receiver: t.cfg.receiver, now: t.cfg.now, ptr: ev}
	hr := ev.checkHost(t.Domain, false)
	v.Result, v.Err = hr.res, hr.err
	if hr.res == Fail {
		v.Explanation = ev.explain(hr)
	}
	if len(hr.steps) > 0 {
		m := &Match{Path: make([]string, len(hr.steps)), Terms: make([]string, len(hr.steps))}
		for i, s := range hr.steps {
			m.Path[i], m.Terms[i] = s.domain, s.term
		}
		last := hr.steps[len(hr.steps)-1]
		m.RecordDomain, m.Term = last.domain, last.term
		v.Matched = m
	}
	v.Lookups, v.VoidLookups = ev.lookups, ev.voids
	return v
}

// splitSender splits <sender> into local-part and domain (RFC 7208 §4.3):
// an empty sender is postmaster@<helo>, a missing local-part is
// "postmaster", and text without "@" is taken as the domain.
func splitSender(sender, helo string) (local, domain string) {
	s := strings.TrimSpace(sender)
	if len(s) >= 2 && s[0] == '<' && s[len(s)-1] == '>' {
		s = s[1 : len(s)-1]
	}
	if s == "" {
		return "postmaster", helo
	}
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return "postmaster", s
	}
	local, domain = s[:at], s[at+1:]
	if local == "" {
		local = "postmaster"
	}
	return local, domain
}

// Findings returns the tree's findings and, when evaluation ended in
// permerror or temperror, the Advisor's finding about that.
func (v *Verdict) Findings() []Finding {
	var fs []Finding
	if v.tree != nil {
		fs = append(fs, v.tree.findings...)
	}
	fs = append(fs, v.tree.verdictFindings([]*Verdict{v})...)
	sortFindings(fs)
	return fs
}

// Report is the outcome for several client IPs against one domain: the
// tree once, a verdict per IP.
type Report struct {
	Domain  string     // the domain checked
	Sender  string     // <sender> as check_host() used it
	HELO    string     // the HELO/EHLO name given
	Tree    *Tree      // the domain's tree, prefetched once for every IP
	Results []*Verdict // one verdict per client IP, in the order given
}

// Findings returns the tree's findings and the Advisor's about evaluation
// errors: one per distinct error, naming every IP that ran into it.
func (r *Report) Findings() []Finding {
	fs := append([]Finding(nil), r.Tree.findings...)
	fs = append(fs, r.Tree.verdictFindings(r.Results)...)
	sortFindings(fs)
	return fs
}
