package dkim

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/miekg/dns"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
)

// FoundBy says where a selector came from.
type FoundBy string

// The sources of selectors, in the order Discover lists them.
const (
	FoundByHeader FoundBy = "header" // a DKIM-Signature field's s= in the message given
	FoundByFlag   FoundBy = "flag"   // --selector on the command line
	FoundByProbe  FoundBy = "probe"  // the table of common selectors
)

// KeyReport is what Discover found at one selector. Its JSON is the check
// contract's dkim entry.
type KeyReport struct {
	Selector string  `json:"selector"` // as named or probed, case kept
	FoundBy  FoundBy `json:"found_by"` // where the selector came from
	// Name is the DNS name asked: selector._domainkey.domain.
	Name string `json:"name"`
	// Status is the DNS outcome of the TXT lookup.
	Status dnsclient.Status `json:"status"`
	// Record is the key record (the TXT record's strings joined); with
	// several records, the first, and Records holds them all.
	Record  string   `json:"record"`            // the key record, "" when none
	Records []string `json:"records,omitempty"` // every record, when several
	// CNAME is where the name's CNAME chain ends, "" when there is none.
	CNAME string `json:"cname"`
	// Provider names who hosts the key, recognised from the CNAME target.
	Provider string `json:"provider,omitempty"`
	// Microsoft is set when the CNAME points into Microsoft 365
	// (*.onmicrosoft.com or *.dkim.mail.microsoft).
	Microsoft bool     `json:"microsoft"`
	KeyType   KeyType  `json:"key_type"`    // "k", rsa when absent
	KeyBits   int      `json:"key_bits"`    // key size read from p=; 0 when unreadable
	Testing   bool     `json:"testing"`     // t=y
	Strict    bool     `json:"strict"`      // t=s
	Revoked   bool     `json:"revoked"`     // p= empty
	Hashes    []string `json:"h,omitempty"` // "h"
	Services  []string `json:"s,omitempty"` // "s"
	Notes     string   `json:"n,omitempty"` // "n"
	TTL       uint32   `json:"ttl"`         // of the answer, seconds
	// Errors are the messages of the error-severity findings about this
	// selector.
	Errors []string `json:"errors"`
	// Key is the parsed record; nil when there was none.
	Key *Key `json:"-"`
}

// Report is the outcome of Discover for one domain.
type Report struct {
	Domain string `json:"domain"` // lower case, no final dot
	// Keys lists every selector named by a header or a flag, found or not,
	// then the probed selectors where something was published, in table
	// order.
	Keys []KeyReport `json:"keys"`
	// Probed counts the selectors probed (those not already named).
	Probed int `json:"probed"`
	// NoSubtree is set when _domainkey.<domain> answered NXDOMAIN and
	// nothing contradicted it (RFC 8020): no selector exists, so probing
	// stopped early.
	NoSubtree bool `json:"domainkey_nxdomain"`
	// Providers are the mail providers recognised from the domain's MX and
	// SPF records; their selectors were probed first.
	Providers []string `json:"providers,omitempty"`
	// Findings are about the keys (part dkim, subject the selector) and
	// about the search as a whole (Subject the domain).
	Findings []finding.Finding `json:"findings"`

	// unchecked is set when every lookup failed temporarily: nothing was
	// found, and nothing ruled out.
	unchecked bool
}

// Unchecked reports whether DKIM could not be checked: every common
// selector's lookup failed temporarily and no selector named by a header
// or a flag got an answer, so "no key found" would not be true.
func (r *Report) Unchecked() bool { return r.unchecked }

// namedAnswered reports whether a selector named by a header or a flag
// got an answer (records, NXDOMAIN or no data) rather than a failure.
func (r *Report) namedAnswered() bool {
	for _, k := range r.Keys {
		if k.FoundBy != FoundByProbe && !k.Status.Temporary() {
			return true
		}
	}
	return false
}

// Found reports whether at least one selector has a key record.
func (r *Report) Found() bool { return len(r.FoundKeys()) > 0 }

// FoundKeys are the selectors where a key record is published.
func (r *Report) FoundKeys() []KeyReport {
	var out []KeyReport
	for _, k := range r.Keys {
		if k.Record != "" {
			out = append(out, k)
		}
	}
	return out
}

// sesVerificationPrefix is the name Amazon SES's domain verification TXT
// record lives under (_amazonses.<domain>): a sign the domain sends through
// SES, whose Easy DKIM selectors are random and cannot be probed.
const sesVerificationPrefix = "_amazonses."

type job struct {
	selector string
	by       FoundBy
	invalid  bool
	answer   dnsclient.Answer
}

// Discover looks up the DKIM keys of domain. Selectors named by the
// message's DKIM-Signature fields (fromHeaders) come first, then those from
// --selector (fromFlag), then probes. Named selectors are asked at
// dnsclient.Critical priority, probes at dnsclient.Leaf so they never delay
// a verdict.
//
// Probing asks, at once, _domainkey.<domain>, the witness selectors and the
// selectors of the providers the domain's MX and SPF records name
// (inferred, see senders); then, unless the zone said with a trusted
// NXDOMAIN that no name exists under _domainkey.<domain> (the RFC 8020 rule
// above judgeNXDomain), the rest of CommonSelectors. A probe that finds
// nothing is only counted. When no key is found at all, an info finding
// says what was tried and asks for the s= of a real message; Discover never
// concludes that the domain has no DKIM.
func Discover(ctx context.Context, r dnsclient.Resolver, domain string, fromHeaders, fromFlag []string) *Report {
	domain = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(domain), "."))
	rep := &Report{Domain: domain, Keys: []KeyReport{}, Findings: []finding.Finding{}}

	var named []*job
	seen := map[string]bool{}
	add := func(sel string, by FoundBy) {
		sel = strings.TrimSpace(sel)
		key := strings.ToLower(strings.TrimSuffix(sel, "."))
		if sel == "" || seen[key] {
			return
		}
		seen[key] = true
		named = append(named, &job{selector: sel, by: by, invalid: !validSelector(sel, domain)})
	}
	for _, s := range fromHeaders {
		add(s, FoundByHeader)
	}
	for _, s := range fromFlag {
		add(s, FoundByFlag)
	}

	critical := dnsclient.WithPriority(ctx, dnsclient.Critical)
	leaf := dnsclient.WithPriority(ctx, dnsclient.Leaf)
	var wg sync.WaitGroup
	for _, j := range named {
		if j.invalid {
			continue
		}
		wg.Go(func() { j.answer = r.Lookup(critical, keyName(j.selector, domain), dns.TypeTXT) })
	}
	p := newProber(ctx, r, domain, seen)
	var ses, node dnsclient.Answer
	var inf inference
	wg.Go(func() { ses = r.Lookup(leaf, sesVerificationPrefix+domain+".", dns.TypeTXT) })
	wg.Go(func() {
		inf = infer(leaf, r, domain)
		for _, sel := range inf.selectors {
			p.ask(sel)
		}
	})
	for _, sel := range witnessSelectors {
		p.ask(sel)
	}
	node = r.Lookup(leaf, dns.Fqdn("_domainkey."+domain), dns.TypeTXT)
	if node.Status != dnsclient.StatusNXDomain {
		p.askAll()
	}
	wg.Wait()
	probes := p.wait()
	rep.Providers = inf.providers
	if node.Status == dnsclient.StatusNXDomain {
		answers := make([]dnsclient.Answer, 0, len(named)+len(probes))
		for _, j := range named {
			if !j.invalid {
				answers = append(answers, j.answer)
			}
		}
		for _, j := range probes {
			answers = append(answers, j.answer)
		}
		verdict, evidence := p.judgeNXDomain(answers)
		switch verdict {
		case subtreeAbsent:
			rep.NoSubtree = true
		case subtreeContradict:
			rep.Findings = append(rep.Findings, entFinding(domain, evidence))
			fallthrough
		default:
			p.askAll()
			probes = p.wait()
		}
	}
	rep.Probed = len(probes)
	jobs := append(named, sortProbes(probes)...)

	probeTemp, probeForeign, sesByCNAME := 0, 0, false
	for _, j := range jobs {
		if j.invalid {
			rep.add(invalidSelectorReport(j, domain))
			continue
		}
		kr := newKeyReport(j.selector, j.by, j.answer)
		if kr.Provider == ProviderAmazonSES {
			sesByCNAME = true
		}
		if j.by == FoundByProbe {
			switch {
			case j.answer.Status.Temporary():
				probeTemp++
				continue
			case kr.Key != nil && kr.Key.notDKIM():
				probeForeign++
				continue
			case kr.Record == "" && kr.CNAME == "":
				continue
			}
		}
		rep.add(kr, keyFindings(&kr)...)
	}
	rep.searchFindings(probeTemp, probeForeign, sesByCNAME, ses)
	return rep
}

// sortProbes orders probes as CommonSelectors lists them, then the
// inferred selectors the table lacks, in the order they were asked.
func sortProbes(probes []*job) []*job {
	rank := map[string]int{}
	for i, c := range CommonSelectors() {
		rank[c.Name] = i
	}
	out := slices.Clone(probes)
	slices.SortStableFunc(out, func(a, b *job) int {
		ra, oka := rank[strings.ToLower(a.selector)]
		rb, okb := rank[strings.ToLower(b.selector)]
		switch {
		case oka && okb:
			return ra - rb
		case oka:
			return -1
		case okb:
			return 1
		}
		return 0
	})
	return out
}

// entFinding says that the domain's zone answers NXDOMAIN for a name that
// has names below it.
func entFinding(domain, evidence string) finding.Finding {
	return finding.Finding{
		Severity: finding.Warning,
		Code:     "dkim.ent_nxdomain",
		Message: fmt.Sprintf("the name servers of %s answer NXDOMAIN for _domainkey.%s although names exist below it (%s); "+
			"resolvers that trust NXDOMAIN for everything below a name (RFC 8020, RFC 8198) may then miss this domain's DKIM keys", domain, domain, evidence),
		Fix:     "ask the DNS host to answer NOERROR with no records for empty non-terminals (names that only have names below them), as RFC 8020 requires",
		Part:    finding.PartDKIM,
		Subject: finding.Domain(domain),
	}
}

func (r *Report) add(kr KeyReport, fs ...finding.Finding) {
	kr.Errors = []string{}
	for _, f := range fs {
		if f.Severity == finding.Error {
			kr.Errors = append(kr.Errors, f.Message)
		}
	}
	r.Keys = append(r.Keys, kr)
	r.Findings = append(r.Findings, fs...)
}

// keyName is the DNS name of a key: selector._domainkey.domain, fully
// qualified (RFC 6376 §3.6.2.1).
func keyName(selector, domain string) string {
	return dns.Fqdn(strings.TrimSuffix(selector, ".") + "._domainkey." + domain)
}

// validSelector reports whether selector._domainkey.domain is a name DNS can
// carry: labels of 1 to 63 letters, digits, hyphens or underscores, 253
// octets in all (RFC 6376 §3.1 selectors are sub-domains; d= is a domain
// in A-label form).
func validSelector(selector, domain string) bool {
	selector = strings.TrimSuffix(selector, ".")
	domain = strings.TrimSuffix(domain, ".")
	if selector == "" || domain == "" || len(selector)+len("._domainkey.")+len(domain) > 253 {
		return false
	}
	return validLabels(selector) && validLabels(domain)
}

func validLabels(name string) bool {
	for _, label := range strings.Split(name, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
			if !ok {
				return false
			}
		}
	}
	return true
}

// newKeyReport fills a report from the TXT answer at one selector.
func newKeyReport(selector string, by FoundBy, a dnsclient.Answer) KeyReport {
	kr := KeyReport{
		Selector: selector,
		FoundBy:  by,
		Name:     a.Name,
		Status:   a.Status,
		TTL:      a.TTL,
	}
	if len(a.CNAMEs) > 0 {
		kr.CNAME = strings.TrimSuffix(a.Target(), ".")
		kr.Provider = providerOf(kr.CNAME)
		kr.Microsoft = kr.Provider == ProviderMicrosoft
	}
	txts := a.TXT()
	if a.Status != dnsclient.StatusRecords || len(txts) == 0 {
		if a.Status == dnsclient.StatusRecords {
			kr.Status = dnsclient.StatusNoData
		}
		return kr
	}
	kr.Record = txts[0]
	if len(txts) > 1 {
		kr.Records = txts
	}
	k, _ := ParseKey(txts[0])
	kr.Key = k
	kr.KeyType = k.Type
	kr.KeyBits = k.Bits
	kr.Testing = k.Testing
	kr.Strict = k.Strict
	kr.Revoked = k.Revoked
	kr.Hashes = k.Hashes
	kr.Services = k.Services
	kr.Notes = k.Notes
	return kr
}

func invalidSelectorReport(j *job, domain string) (KeyReport, finding.Finding) {
	kr := KeyReport{Selector: j.selector, FoundBy: j.by, Status: dnsclient.StatusError}
	return kr, finding.Finding{
		Severity: finding.Error,
		Code:     "dkim.selector_invalid",
		Message:  sentence("selector %q cannot form a DNS name under %s._domainkey: selectors are dot-separated labels of letters, digits and hyphens", j.selector, domain),
		Fix:      finding.Sentence("check the s= value copied from the DKIM-Signature field; it was not looked up"),
		Part:     finding.PartDKIM,
		Subject:  finding.Selector(j.selector),
	}
}

// sentence is a finding's message formatted and made a sentence.
func sentence(format string, args ...any) string {
	return finding.Sentence(fmt.Sprintf(format, args...))
}

// notDKIM reports whether a record found by a probe is plainly something
// else (another v=, or no p= at all), as a wildcard TXT record produces.
func (k *Key) notDKIM() bool {
	if k.Version != "" && k.Version != KeyVersion {
		return true
	}
	return findTag(k.Tags, "p") == nil
}

// searchFindings adds the findings about the search as a whole.
func (r *Report) searchFindings(probeTemp, probeForeign int, sesByCNAME bool, ses dnsclient.Answer) {
	sesVerified := ses.Status == dnsclient.StatusRecords && len(ses.TXT()) > 0
	if sesVerified || sesByCNAME {
		evidence := "a selector's CNAME points into dkim.amazonses.com"
		if sesVerified {
			evidence = "the domain has an Amazon SES verification record at " + sesVerificationPrefix + r.Domain
		}
		r.Findings = append(r.Findings, finding.Finding{
			Severity: finding.Info,
			Code:     "dkim.amazon_ses",
			Message:  sentence("%s sends through Amazon SES (%s); SES Easy DKIM selectors are random 32-character tokens that cannot be probed", r.Domain, evidence),
			Fix:      finding.Sentence("take the selector (s=) from the DKIM-Signature of a message sent through SES and check it with --selector"),
			Part:     finding.PartDKIM,
			Subject:  finding.Domain(r.Domain),
		})
	}
	r.unchecked = probeTemp > 0 && probeTemp == r.Probed && !r.namedAnswered()
	if probeTemp > 0 {
		msg := sentence("%d of %d common-selector lookups failed temporarily; a key there may have been missed", probeTemp, r.Probed)
		if r.unchecked {
			msg = sentence("all %d common-selector lookups failed temporarily, so DKIM could not be checked: no key was found, and none was ruled out", r.Probed)
		}
		r.Findings = append(r.Findings, finding.Finding{
			Severity: finding.Warning,
			Code:     "dkim.probe_dns_temporary",
			Message:  msg,
			Fix:      finding.Sentence("run the check again; if it persists, check that the domain's name servers answer"),
			Part:     finding.PartDKIM,
			Subject:  finding.Domain(r.Domain),
		})
	}
	if probeForeign > 0 {
		r.Findings = append(r.Findings, finding.Finding{
			Severity: finding.Info,
			Code:     "dkim.probe_not_dkim",
			Message:  sentence("%d common selectors answered with a TXT record that is not a DKIM key, which suggests a wildcard TXT record under _domainkey.%s", probeForeign, r.Domain),
			Fix:      finding.Sentence("a wildcard TXT record makes every selector look published; remove it if it is not needed"),
			Part:     finding.PartDKIM,
			Subject:  finding.Domain(r.Domain),
		})
	}
	if r.unchecked {
		return
	}
	if !r.Found() {
		tried := fmt.Sprintf("no DKIM key found among %d common selectors", r.Probed)
		if r.NoSubtree {
			tried = fmt.Sprintf("no DKIM key found: _domainkey.%s does not exist (NXDOMAIN), so no selector lives under it, and %d likely selectors confirmed it", r.Domain, r.Probed)
		}
		r.Findings = append(r.Findings, finding.Finding{
			Severity: finding.Info,
			Code:     "dkim.no_key_found",
			Message: finding.Sentence(tried + "; give the selector from a message's DKIM-Signature (s=). " +
				"Senders such as Amazon SES, Postmark, HubSpot and SparkPost use per-customer selectors no probe can guess"),
			Fix:     finding.Sentence("open a message from this domain, read s= (and d=) in its DKIM-Signature field, and run the check with --selector S, or paste the headers"),
			Part:    finding.PartDKIM,
			Subject: finding.Domain(r.Domain),
		})
	}
}
