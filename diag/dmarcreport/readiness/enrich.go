package readiness

import (
	"context"
	"net/netip"
	"strings"
	"sync"

	"github.com/miekg/dns"

	"github.com/mxray/mxray/diag/dmarc"
	"github.com/mxray/mxray/diag/dmarcreport"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/spf"
)

// Env is what naming the sources needs. Both resolvers may be nil: a nil
// DNS skips PTR names, a nil SPF skips authorised_by and the include
// suggestions (offline use).
type Env struct {
	// DNS answers PTR and the forward (A/AAAA) confirmation of each name.
	DNS dnsclient.Resolver
	// SPF reads today's SPF records; spfcheck.Resolver(client) over the
	// investigation's client.
	SPF spf.Resolver
	// Concurrency bounds the sources looked up at once (default 8).
	Concurrency int
	// MaxSuggestions bounds the other domains whose SPF is fetched to find
	// an include that would authorise a failing source (default 20).
	MaxSuggestions int
}

// Enrichment is what DNS says about one source today.
type Enrichment struct {
	Domain string
	IP     netip.Addr
	// PTR are the source's reverse names; FCrDNS is set when ConfirmedBy,
	// one of them, resolves back to the IP (RFC 1912 §2.1).
	PTR         []string
	FCrDNS      bool
	ConfirmedBy string
	PTRError    string // why the PTR lookup failed (a temporary error)
	// Service is the sending service's name ("SendGrid", "mailer.example");
	// ServiceKind is set when it is a well-known one.
	Service     string
	ServiceKind ServiceKind
	// SPF is today's verdict of Domain's SPF record for the IP;
	// AuthorisedBy is the term of the top record that leads to the pass
	// ("include:sendgrid.net", "ip4:192.0.2.0/24", "mx"); SPFPath the
	// records from the top to the matching one.
	SPF          spf.Result
	AuthorisedBy string
	SPFPath      []string
	// SuggestInclude is an include that would authorise the IP, found in
	// the SPF record of the domain its PTR name or envelope sender belongs
	// to; "" when none was found.
	SuggestInclude string
}

// Enrichments holds the enrichment of every source, by Source.Key.
type Enrichments map[string]Enrichment

// Enrich asks DNS about every source: PTR names with forward confirmation,
// and today's SPF verdict of the policy domain's record (prefetched once
// per domain, every source IP evaluated against that one tree). emit, when
// not nil, is called once per source as soon as it is known, one call at a
// time, so a TUI can show rows first and names as they arrive. Lookups run
// at Leaf priority; ctx bounds them all.
func Enrich(ctx context.Context, s *dmarcreport.Set, env Env, emit func(Enrichment)) Enrichments {
	if env.Concurrency <= 0 {
		env.Concurrency = 8
	}
	if env.MaxSuggestions <= 0 {
		env.MaxSuggestions = 20
	}
	ctx = dnsclient.WithPriority(ctx, dnsclient.Leaf)
	sources := s.Sources()
	trees := map[string]*spf.Tree{}
	if env.SPF != nil {
		var mu sync.Mutex
		var wg sync.WaitGroup
		for _, d := range domainsOf(sources) {
			wg.Go(func() {
				t := spf.Prefetch(ctx, env.SPF, d)
				mu.Lock()
				trees[d] = t
				mu.Unlock()
			})
		}
		wg.Wait()
	}
	sg := &suggester{env: env, trees: map[string]*suggestTree{}}
	out := Enrichments{}
	var mu sync.Mutex
	sem := make(chan struct{}, env.Concurrency)
	var wg sync.WaitGroup
	for _, src := range sources {
		if !src.IP.IsValid() {
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			e := enrichOne(ctx, env, trees[src.Domain], src, sg)
			mu.Lock()
			defer mu.Unlock()
			out[src.Key()] = e
			if emit != nil {
				emit(e)
			}
		})
	}
	wg.Wait()
	return out
}

// domainsOf lists the distinct policy domains.
func domainsOf(sources []*dmarcreport.Source) []string {
	seen := map[string]bool{}
	var ds []string
	for _, s := range sources {
		if s.Domain != "" && !seen[s.Domain] {
			seen[s.Domain] = true
			ds = append(ds, s.Domain)
		}
	}
	return ds
}

// enrichOne looks up one source.
func enrichOne(ctx context.Context, env Env, tree *spf.Tree, src *dmarcreport.Source, sg *suggester) Enrichment {
	e := Enrichment{Domain: src.Domain, IP: src.IP}
	if env.DNS != nil {
		checkPTR(ctx, env.DNS, &e)
	}
	if tree != nil {
		v := tree.CheckHost(ctx, src.IP, "postmaster@"+src.Domain, "")
		e.SPF = v.Result
		if v.Result == spf.Pass && v.Matched != nil && len(v.Matched.Terms) > 0 {
			e.AuthorisedBy = v.Matched.Terms[0]
			e.SPFPath = v.Matched.Path
		}
	}
	if e.AuthorisedBy == "" && env.SPF != nil && src.Messages > src.DMARCPass {
		e.SuggestInclude = sg.suggest(ctx, src, &e)
	}
	e.Service, e.ServiceKind = nameService(src, &e)
	return e
}

// maxPTRConfirm bounds the PTR names forward-checked, as RFC 7208 §4.6.4
// bounds them for the ptr mechanism.
const maxPTRConfirm = 10

// checkPTR fills the PTR names and their forward confirmation.
func checkPTR(ctx context.Context, r dnsclient.Resolver, e *Enrichment) {
	ans := dnsclient.LookupPTR(ctx, r, e.IP)
	if ans.Status.Temporary() {
		e.PTRError = "PTR lookup: " + string(ans.Status)
		return
	}
	qtype := dns.TypeA
	if e.IP.Is6() {
		qtype = dns.TypeAAAA
	}
	for i, n := range ans.Names() {
		name := strings.TrimSuffix(n, ".")
		e.PTR = append(e.PTR, name)
		if i >= maxPTRConfirm || e.FCrDNS {
			continue
		}
		for _, a := range r.Lookup(ctx, dns.Fqdn(name), qtype).Addrs() {
			if a.Unmap() == e.IP {
				e.FCrDNS, e.ConfirmedBy = true, name
			}
		}
	}
}

// nameService picks the name a person knows the sender by: today's SPF
// include that authorises it, else its confirmed PTR name, else a DKIM
// domain that signs its mail; a well-known one by its brand.
func nameService(src *dmarcreport.Source, e *Enrichment) (string, ServiceKind) {
	var cands []string
	if inc, ok := strings.CutPrefix(strings.ToLower(e.AuthorisedBy), "include:"); ok {
		cands = append(cands, inc)
	}
	if inc, ok := strings.CutPrefix(e.SuggestInclude, "include:"); ok {
		cands = append(cands, inc)
	}
	if e.FCrDNS {
		cands = append(cands, e.ConfirmedBy)
	}
	for _, c := range cands {
		if s, ok := KnownService(c); ok {
			return s.Name, s.Kind
		}
	}
	if len(cands) > 0 {
		return dmarc.PSLOrgDomain(cands[0]), ""
	}
	for _, d := range src.DKIMDomains.List {
		if d.Pass > 0 && d.Name != "" {
			if s, ok := KnownService(d.Name); ok {
				return s.Name, s.Kind
			}
			return dmarc.PSLOrgDomain(d.Name), ""
		}
	}
	return "", ""
}

// suggester finds an include that would authorise a source, by evaluating
// its IP against the SPF record of the domain it seems to belong to.
type suggester struct {
	env   Env
	mu    sync.Mutex
	trees map[string]*suggestTree
}

type suggestTree struct {
	once sync.Once
	tree *spf.Tree
}

// suggest tries the org domain of the confirmed PTR name, then the
// envelope sender domains whose raw SPF passed.
func (sg *suggester) suggest(ctx context.Context, src *dmarcreport.Source, e *Enrichment) string {
	var cands []string
	add := func(d string) {
		d = strings.ToLower(strings.TrimSuffix(d, "."))
		if d == "" || d == "<>" || dmarc.PSLOrgDomain(d) == dmarc.PSLOrgDomain(src.Domain) {
			return
		}
		for _, c := range cands {
			if c == d {
				return
			}
		}
		cands = append(cands, d)
	}
	for _, n := range src.EnvelopeFrom.List {
		if n.Pass > 0 {
			add(n.Name)
		}
	}
	if e.FCrDNS {
		add(dmarc.PSLOrgDomain(e.ConfirmedBy))
	}
	for _, c := range cands {
		t := sg.tree(ctx, c)
		if t == nil {
			continue
		}
		v := t.CheckHost(ctx, src.IP, "postmaster@"+c, "")
		if v.Result != spf.Pass || v.Matched == nil {
			continue
		}
		// The include a provider documents is the first record below its
		// top one on the path (google.com → _spf.google.com); the domain
		// itself when the top record matched.
		if len(v.Matched.Path) > 1 {
			return "include:" + v.Matched.Path[1]
		}
		return "include:" + c
	}
	return ""
}

// tree prefetches a candidate's SPF record once, within MaxSuggestions.
func (sg *suggester) tree(ctx context.Context, domain string) *spf.Tree {
	sg.mu.Lock()
	st, ok := sg.trees[domain]
	if !ok {
		if len(sg.trees) >= sg.env.MaxSuggestions {
			sg.mu.Unlock()
			return nil
		}
		st = &suggestTree{}
		sg.trees[domain] = st
	}
	sg.mu.Unlock()
	st.once.Do(func() { st.tree = spf.Prefetch(ctx, sg.env.SPF, domain) })
	return st.tree
}
