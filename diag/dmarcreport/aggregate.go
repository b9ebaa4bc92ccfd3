package dmarcreport

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"sync"
)

// Set is every report read so far, merged: the reports' metadata, the rows
// aggregated per (policy domain, source IP), and what could not be read.
// Fill it with Read or Add; a Set is safe for concurrent use.
type Set struct {
	mu      sync.Mutex
	lim     Limits
	reports []*Report
	errors  []*FileError
	sources map[sourceKey]*Source
	order   []*Source
	seen    map[string]bool
	strs    map[string]string
	low     []byte                // domain's buffer
	ips     map[string]netip.Addr // source_ip texts already parsed; invalid for not an address
	// overflowed says MaxSources was reached.
	overflowed bool
}

// sourceKey groups rows.
type sourceKey struct {
	domain string
	ip     netip.Addr
	text   string // for a source_ip that is not an address
}

// Source is everything the reports say about one sending IP for one policy
// domain.
type Source struct {
	Domain string     // the DMARC policy domain the rows were reported for
	IP     netip.Addr // the source; invalid when the report's text was not an address
	Text   string     // the IP in RFC 5952 form, or the report's text when not an address

	Rows        int64 // record elements aggregated
	Messages    int64
	DMARCPass   int64 // messages whose policy_evaluated dkim or spf is pass
	DKIMAligned int64 // messages whose policy_evaluated dkim is pass
	SPFAligned  int64 // messages whose policy_evaluated spf is pass

	Dispositions map[Disposition]int64
	DKIMResults  map[AuthResult]int64 // messages by their best raw DKIM result ("none" when unsigned)
	SPFResults   map[AuthResult]int64 // messages by their raw SPF (MAIL FROM) result
	Overrides    map[Override]int64   // messages by policy override reason
	ARCPass      int64                // messages whose override comment reports arc=pass

	HeaderFrom   Names // RFC5322.From domains
	EnvelopeFrom Names // RFC5321.MailFrom domains ("<>" for the null reverse-path)
	DKIMDomains  Names // d= of the DKIM signatures
}

// Names counts domains seen for a source, up to Limits.MaxNames of them.
type Names struct {
	List []NameCount // in order of first sight
	// More counts the messages of names beyond the cap.
	More int64
	idx  map[string]int
	last int // the index found last: rows of a source mostly repeat their names
}

// NameCount is one domain and the messages it was seen on.
type NameCount struct {
	Name     string
	Messages int64
	Pass     int64 // messages where its raw result was pass
	Fail     int64 // messages where its raw result was fail (or softfail for SPF)
}

// add counts n messages for name.
func (ns *Names) add(name string, n int64, res AuthResult, cap int) {
	if ns.idx == nil {
		ns.idx = map[string]int{}
	}
	i, ok := ns.last, ns.last < len(ns.List) && ns.List[ns.last].Name == name
	if !ok {
		i, ok = ns.idx[name]
	}
	if !ok {
		if len(ns.List) >= cap {
			ns.More += n
			return
		}
		i = len(ns.List)
		ns.idx[name] = i
		ns.List = append(ns.List, NameCount{Name: name})
	}
	ns.last = i
	c := &ns.List[i]
	c.Messages += n
	switch res {
	case ResultPass:
		c.Pass += n
	case ResultFail, ResultSoftFail:
		c.Fail += n
	}
}

// Strings returns the names.
func (ns *Names) Strings() []string {
	out := make([]string, 0, len(ns.List))
	for _, c := range ns.List {
		out = append(out, c.Name)
	}
	return out
}

// NewSet returns an empty Set with the given limits (zero fields take
// DefaultLimits).
func NewSet(lim Limits) *Set {
	return &Set{lim: lim.withDefaults(), sources: map[sourceKey]*Source{}, seen: map[string]bool{}, strs: map[string]string{}, ips: map[string]netip.Addr{}}
}

// Read reads every input into a new Set, one after the other. It never
// fails as a whole: a file that cannot be read is an entry in Errors.
func Read(ctx context.Context, inputs []Input, lim Limits) *Set {
	s := NewSet(lim)
	for _, in := range inputs {
		s.Add(ctx, in)
	}
	return s
}

// Add reads one more input into the set.
func (s *Set) Add(ctx context.Context, in Input) {
	fr := &fileReader{ctx: ctx, set: s, lim: s.lim, file: in.Name, budget: budget{limit: s.lim.MaxDecompressed}}
	rc, err := in.Open()
	if err != nil {
		fr.fail(nil, 0, 0, -1, err)
		return
	}
	defer rc.Close()
	fr.content(nil, &sourceReader{rc}, 0, false)
}

// Reports returns the reports read, in reading order.
func (s *Set) Reports() []*Report {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Report(nil), s.reports...)
}

// Errors returns what could not be read.
func (s *Set) Errors() []*FileError {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*FileError(nil), s.errors...)
}

// Sources returns the aggregated sources in the order first seen. They
// must not be changed.
func (s *Set) Sources() []*Source {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Source(nil), s.order...)
}

func (s *Set) fileError(e *FileError) {
	s.mu.Lock()
	s.errors = append(s.errors, e)
	s.mu.Unlock()
}

// report is called by the XML reader before a document's first row.
func (s *Set) report(rep *Report) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if k := rep.key(); rep.ReportID != "" && s.seen[k] {
		rep.Duplicate = true
	} else {
		s.seen[k] = true
	}
	s.reports = append(s.reports, rep)
}

// domain interns a domain name as reports write it: trimmed, lower case,
// without a trailing dot.
func (s *Set) domain(b []byte) string {
	b = bytes.TrimSuffix(bytes.TrimSpace(b), []byte("."))
	s.low = append(s.low[:0], b...)
	for i, c := range s.low {
		if c >= 'A' && c <= 'Z' {
			s.low[i] = c + 'a' - 'A'
		}
	}
	return s.intern(s.low)
}

// parseIP is parseIP with a cache: a report names each source many times.
func (s *Set) parseIP(b []byte) (netip.Addr, bool) {
	if ip, ok := s.ips[string(b)]; ok {
		return ip, ip.IsValid()
	}
	ip, ok := parseIP(b)
	if !ok {
		ip = netip.Addr{}
	}
	if len(s.ips) < 1<<16 {
		s.ips[string(b)] = ip
	}
	return ip, ok
}

// intern returns b as a string, the same string for the same bytes.
func (s *Set) intern(b []byte) string {
	if v, ok := s.strs[string(b)]; ok {
		return v
	}
	v := string(b)
	if len(s.strs) < 1<<20 {
		s.strs[v] = v
	}
	return v
}

// problem notes a row-level problem in rep.
func (s *Set) problem(rep *Report, code string, line int, msg string) {
	if len(rep.Problems) < s.lim.MaxErrors {
		rep.Problems = append(rep.Problems, Problem{Code: code, Line: line, Message: msg})
	}
}

// row aggregates one record.
func (s *Set) row(rep *Report, r *rawRow) {
	s.mu.Lock()
	defer s.mu.Unlock()
	countText := bytes.TrimSpace(r.count)
	n, err := strconv.ParseInt(string(countText), 10, 64)
	switch {
	case err != nil && len(countText) > 0 && countText[0] == '-':
		s.problem(rep, "report.negative_count", r.line, fmt.Sprintf("a record's count is %q: negative, so the record was not counted", clip(string(countText))))
		return
	case err != nil:
		s.problem(rep, "report.bad_count", r.line, fmt.Sprintf("a record's count is %q, not a number, so the record was not counted", clip(string(countText))))
		return
	case n < 0:
		s.problem(rep, "report.negative_count", r.line, fmt.Sprintf("a record's count is %d: negative, so the record was not counted", n))
		return
	case n > s.lim.MaxRowCount || rep.Messages+n > 1_000_000_000_000:
		s.problem(rep, "report.absurd_count", r.line, fmt.Sprintf("a record claims %d messages, more than any receiver reports for one source in one period; it was not counted", n))
		return
	}
	if r.tooMany {
		s.problem(rep, "report.too_many_results", r.line, fmt.Sprintf("a record has more than %d auth results or reasons; the first %d were used", maxPerRow, maxPerRow))
	}
	if rep.Duplicate {
		return
	}
	rep.Messages += n

	key := sourceKey{domain: rep.Published.Domain}
	if key.domain == "" {
		key.domain = s.domain(r.headerFrom)
	}
	if ip, ok := s.parseIP(r.sourceIP); ok {
		key.ip = ip
	} else {
		raw := text(r.sourceIP)
		if raw == "" {
			raw = "(empty)"
		}
		key.text = clip(raw)
		s.problem(rep, "report.bad_source_ip", r.line, fmt.Sprintf("a record's source_ip %q is not an IP address; its messages (%d) are kept under that text", clip(raw), n))
	}
	src := s.sources[key]
	if src == nil {
		if len(s.order) >= s.lim.MaxSources {
			if !s.overflowed {
				s.overflowed = true
				s.problem(rep, "report.too_many_sources", r.line, fmt.Sprintf("more than %d distinct sources; the rest are counted together as \"(other sources)\"", s.lim.MaxSources))
			}
			key = sourceKey{domain: key.domain, text: "(other sources)"}
			src = s.sources[key]
		}
		if src == nil {
			src = newSource(key)
			s.sources[key] = src
			s.order = append(s.order, src)
		}
	}
	s.add(src, rep, r, n)
}

// Key names a source for the enrichments (diag/dmarcreport/readiness).
func (s *Source) Key() string { return s.Domain + " " + s.Text }

func newSource(k sourceKey) *Source {
	src := &Source{Domain: k.domain, IP: k.ip, Text: k.text,
		Dispositions: map[Disposition]int64{}, DKIMResults: map[AuthResult]int64{}, SPFResults: map[AuthResult]int64{}, Overrides: map[Override]int64{}}
	if k.ip.IsValid() {
		src.Text = k.ip.String()
	}
	return src
}

// add counts the record's n messages into src.
func (s *Set) add(src *Source, rep *Report, r *rawRow, n int64) {
	src.Rows++
	src.Messages += n
	pdkim, pspf := Aligned(word(r.dkim)), Aligned(word(r.spf))
	if pdkim == AlignedPass {
		src.DKIMAligned += n
	}
	if pspf == AlignedPass {
		src.SPFAligned += n
	}
	if pdkim == AlignedPass || pspf == AlignedPass {
		src.DMARCPass += n
	}
	for _, w := range []struct {
		name string
		v    Aligned
	}{{"dkim", pdkim}, {"spf", pspf}} {
		if w.v != AlignedPass && w.v != AlignedFail {
			s.problem(rep, "report.bad_result", r.line, fmt.Sprintf("policy_evaluated %s is %q, not pass or fail; taken as fail", w.name, clip(string(w.v))))
		}
	}
	d := Disposition(word(r.disposition))
	switch d {
	case DispositionNone, DispositionPass, DispositionQuarantine, DispositionReject:
	case "":
		d = DispositionNone
	default:
		s.problem(rep, "report.bad_disposition", r.line, fmt.Sprintf("a record's disposition is %q", clip(string(d))))
		d = "other"
	}
	src.Dispositions[d] += n
	for _, rs := range r.reasons {
		o := Override(word(rs.typ))
		if o == "" {
			continue
		}
		if !knownOverride(o) {
			o = OverrideOther
		}
		src.Overrides[o] += n
		if c := strings.ToLower(string(rs.comment)); strings.Contains(c, "arc=pass") {
			src.ARCPass += n
		}
	}

	hf := s.domain(r.headerFrom)
	src.HeaderFrom.add(hf, n, "", s.lim.MaxNames)

	best := ResultNone
	for i := range r.dkimRes {
		a := &r.dkimRes[i]
		res := AuthResult(word(a.result))
		dom := s.domain(a.domain)
		if dom == "" && res == "" {
			continue
		}
		src.DKIMDomains.add(dom, n, res, s.lim.MaxNames)
		if rank(res) > rank(best) {
			best = res
		}
	}
	src.DKIMResults[best] += n

	var spfRes *rawAuth
	for i := range r.spfRes {
		a := &r.spfRes[i]
		sc := word(a.scope)
		if sc == "" || sc == "mfrom" {
			spfRes = a
			break
		}
	}
	if spfRes == nil && len(r.spfRes) > 0 && word(r.spfRes[0].scope) != "helo" {
		spfRes = &r.spfRes[0]
	}
	sres := ResultNone
	var spfDomain []byte
	if spfRes != nil {
		sres = AuthResult(word(spfRes.result))
		if sres == "" {
			sres = ResultNone
		}
		spfDomain = spfRes.domain
	}
	src.SPFResults[sres] += n
	env := bytes.TrimSpace(r.envelopeFrom)
	switch {
	case len(env) > 0:
	case r.hasEnvFrom:
		env = []byte("<>")
	default:
		env = bytes.TrimSpace(spfDomain)
	}
	if len(env) > 0 {
		src.EnvelopeFrom.add(s.domain(env), n, sres, s.lim.MaxNames)
	}
}

// rank orders raw results so that a message's best signature counts.
func rank(r AuthResult) int {
	switch r {
	case ResultPass:
		return 7
	case ResultFail:
		return 6
	case ResultPolicy:
		return 5
	case ResultNeutral:
		return 4
	case ResultPermError:
		return 3
	case ResultTempError:
		return 2
	case ResultNone:
		return 1
	}
	return 0
}

func knownOverride(o Override) bool {
	switch o {
	case OverrideForwarded, OverrideSampledOut, OverrideTrustedForwarder, OverrideMailingList,
		OverrideLocalPolicy, OverridePolicyTestMode, OverrideOther:
		return true
	}
	return false
}
