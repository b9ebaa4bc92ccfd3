package diag

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mxray/mxray/diag/blocklist"
	"github.com/mxray/mxray/diag/dkim"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/render"
	"github.com/mxray/mxray/spf"
)

// PartVerdict is one part's verdict as a summary shows it, decided here
// once: a tone, a word or two, and the facts behind them. The text is raw
// (it may quote DNS): a view sanitises it before drawing.
type PartVerdict struct {
	Tone   Tone
	Word   string   // "3 hosts", "ok", "p=reject", "none", "lookup failed"
	Facts  []string // in order: "8/10 lookups", "ends -all"
	Record string   // the record the part read; "" when none
	Errors []string // the record's problems
}

// SeverityTone is how a part whose worst finding has severity sev reads:
// fail with an error, warn with a warning, pass otherwise.
func SeverityTone(sev finding.Severity) Tone {
	switch sev {
	case finding.Error:
		return ToneFail
	case finding.Warning:
		return ToneWarn
	}
	return TonePass
}

// Verdict is the verdict of a part the report holds (Has): ok, none,
// broken, failed, and the facts behind it.
func (r *Report) Verdict(p finding.Part) PartVerdict {
	s, ok := specOf(p)
	if !ok || !s.has(r) {
		return PartVerdict{Tone: ToneUnknown, Word: "not finished"}
	}
	weighs := s.weighs
	if weighs == nil {
		weighs = []finding.Part{p}
	}
	return s.verdict(r, finding.Worst(r.Findings, weighs...))
}

// SPFVerdictFor is the SPF part's verdict for one client IP: its result
// against the domain's tree, the IP and the lookups it took. It is the
// part's own verdict when the tree could not be read.
func (r *Report) SPFVerdictFor(v *spf.Verdict) PartVerdict {
	pv := r.Verdict(finding.PartSPF)
	if v == nil || r.SPF == nil || r.SPF.Tree.Root.Status == spf.NodeTempError {
		return pv
	}
	pv.Tone, pv.Word = Outcome(v.Result).Tone(), string(v.Result)
	pv.Facts = []string{"for " + v.IP.String(), fmt.Sprintf("%d/%d lookups", v.Lookups, spf.LookupLimit)}
	return pv
}

// ok is a published part's verdict: its tone from the worst finding.
func ok(word string, worst finding.Severity, facts ...string) PartVerdict {
	return PartVerdict{Tone: SeverityTone(worst), Word: word, Facts: facts}
}

// absent is the verdict of a part with nothing published: no tone unless a
// finding says that is a problem.
func absent(word string, worst finding.Severity, facts ...string) PartVerdict {
	v := PartVerdict{Tone: ToneNone, Word: word, Facts: facts}
	if worst == finding.Error || worst == finding.Warning {
		v.Tone = SeverityTone(worst)
	}
	return v
}

// lookupFailed is the verdict of a part whose lookup failed.
func lookupFailed(why string) PartVerdict {
	return PartVerdict{Tone: ToneUnknown, Word: "lookup failed", Facts: []string{why}}
}

func mxVerdict(r *Report, worst finding.Severity) PartVerdict {
	mx := r.MX
	switch {
	case mx.Status.Temporary():
		return lookupFailed(string(mx.Status))
	case mx.NullMX:
		return absent("null MX", worst, "accepts no mail (RFC 7505)")
	case len(mx.Hosts) == 0 && len(mx.Implicit) > 0:
		return ok("no MX", worst, "mail goes to the domain's own address")
	case len(mx.Hosts) == 0:
		return absent("none", worst, "no MX and no address: no mail")
	}
	addrs, confirmed := 0, 0
	for _, h := range mx.Hosts {
		for _, a := range h.Addresses {
			addrs++
			if a.FCrDNS {
				confirmed++
			}
		}
	}
	fc := "FCrDNS ok"
	if confirmed != addrs {
		fc = fmt.Sprintf("FCrDNS %d/%d", confirmed, addrs)
	}
	return ok(render.Plural(len(mx.Hosts), "host"), worst, fc)
}

func spfVerdict(r *Report, worst finding.Severity) PartVerdict {
	tree := r.SPF.Tree
	root := tree.Root
	var v PartVerdict
	switch root.Status {
	case spf.NodeTempError:
		v = lookupFailed("the TXT lookup failed")
	case spf.NodeNone:
		v = absent("none", worst, "no SPF record")
	case spf.NodeOK:
		word := "ok"
		if worst == finding.Error {
			word = "broken"
		}
		lookups := fmt.Sprintf("%d/%d lookups", tree.WorstCaseLookups(), spf.LookupLimit)
		if root.Incomplete {
			lookups = fmt.Sprintf("%d+/%d lookups", tree.WorstCaseLookups(), spf.LookupLimit)
		}
		v = ok(word, worst, lookups)
		if all := allTerm(root); all != "" {
			v.Facts = append(v.Facts, "ends "+all)
		}
	default:
		v = ok("permerror", worst, string(root.Status)+" record")
	}
	v.Record = root.Record
	return v
}

// allTerm returns the record's "all" term as written, or its redirect.
func allTerm(n *spf.Node) string {
	for _, t := range n.Terms {
		if t.Term != nil && t.Term.Mechanism == spf.All {
			return t.Term.Text
		}
	}
	for _, t := range n.Terms {
		if t.Term != nil && t.Term.Modifier == spf.Redirect {
			return t.Term.Text
		}
	}
	return ""
}

func dkimVerdict(r *Report, worst finding.Severity) PartVerdict {
	found := r.DKIM.FoundKeys()
	if r.DKIM.Unchecked() {
		return PartVerdict{Tone: ToneUnknown, Word: "could not be checked", Facts: []string{fmt.Sprintf("all %d selector lookups failed", r.DKIM.Probed)}}
	}
	if len(found) == 0 {
		return PartVerdict{Tone: ToneNotFound, Word: "no key found", Facts: []string{fmt.Sprintf("%d selectors probed", r.DKIM.Probed)}}
	}
	ks := make([]string, len(found))
	for i, k := range found {
		ks[i] = k.Selector + " " + keyWords(k)
	}
	return ok(render.Plural(len(found), "key"), worst, strings.Join(ks, ", "))
}

// keyWords describes a key in a few words: "rsa-2048", "revoked".
func keyWords(k dkim.KeyReport) string {
	switch {
	case k.Revoked:
		return "revoked"
	case k.KeyType == dkim.KeyEd25519 && k.KeyBits > 0:
		return string(k.KeyType)
	case k.KeyBits > 0:
		return fmt.Sprintf("%s-%d", k.KeyType, k.KeyBits)
	case k.KeyType != "":
		return string(k.KeyType) + " unreadable"
	}
	return "unreadable"
}

func dmarcVerdict(r *Report, worst finding.Severity) PartVerdict {
	d := r.DMARC
	if d.Walk.Incomplete && d.Record == "" {
		return lookupFailed("tree walk stopped at " + d.Walk.ErrorAt)
	}
	if d.Record == "" {
		return absent("none", worst, "no DMARC record applies")
	}
	v := ok("p="+string(d.Policy), worst)
	if d.SubdomainPolicy != d.Policy {
		v.Facts = append(v.Facts, "sp="+string(d.SubdomainPolicy))
	}
	if d.SourceDomain != "" && !strings.EqualFold(d.SourceDomain, r.Domain) {
		v.Facts = append(v.Facts, "from "+d.SourceDomain)
	}
	v.Facts = append(v.Facts, fmt.Sprintf("rua %d", len(d.RUA)))
	if d.RFC7489.Differs {
		v.Facts = append(v.Facts, "RFC 7489 differs")
	}
	v.Record, v.Errors = d.Record, d.Errors
	return v
}

// policyFinding reports whether a "<part>.<code>" finding is among fs: a
// policy record's "lookup_error" or "multiple_records" (the MTA-STS,
// TLS-RPT and BIMI results carry no DNS status of their own).
func policyFinding(fs []finding.Finding, part finding.Part, code string) bool {
	return slices.ContainsFunc(fs, func(f finding.Finding) bool { return f.Part == part && f.Code == string(part)+"."+code })
}

// notPublished is the verdict of an optional record that is not there,
// or that is there more than once, which senders treat as none.
func notPublished(fs []finding.Finding, part finding.Part, worst finding.Severity) PartVerdict {
	if policyFinding(fs, part, "multiple_records") {
		return ok("invalid", worst, "several records: senders use none")
	}
	return absent("none", worst, "not published (optional)")
}

// validWord is "ok", or "invalid" when the record has errors.
func validWord(errs []string) string {
	if len(errs) > 0 {
		return "invalid"
	}
	return "ok"
}

func mtastsVerdict(r *Report, worst finding.Severity) PartVerdict {
	m := r.MTASTS
	switch {
	case policyFinding(r.Findings, finding.PartMTASTS, "lookup_error"):
		return lookupFailed("the TXT lookup failed")
	case m.Record == "":
		return notPublished(r.Findings, finding.PartMTASTS, worst)
	}
	v := ok("id="+m.ID, worst)
	switch {
	case m.Policy != nil:
		v.Facts = []string{"mode " + string(m.Policy.Mode)}
	case m.NotFetched != "":
		v.Facts = []string{m.NotFetched}
	}
	v.Record, v.Errors = m.Record, m.Errors
	return v
}

func tlsrptVerdict(r *Report, worst finding.Severity) PartVerdict {
	t := r.TLSRPT
	switch {
	case policyFinding(r.Findings, finding.PartTLSRPT, "lookup_error"):
		return lookupFailed("the TXT lookup failed")
	case t.Record == "":
		return notPublished(r.Findings, finding.PartTLSRPT, worst)
	}
	v := ok(validWord(t.Errors), worst, t.Record)
	v.Record, v.Errors = t.Record, t.Errors
	return v
}

func bimiVerdict(r *Report, worst finding.Severity) PartVerdict {
	b := r.BIMI
	var v PartVerdict
	switch {
	case policyFinding(r.Findings, finding.PartBIMI, "lookup_error"):
		return lookupFailed("the TXT lookup failed")
	case b.Record == "":
		v = notPublished(r.Findings, finding.PartBIMI, worst)
	case b.Declined:
		v = absent("declined", worst)
	default:
		v = ok(validWord(b.Errors), worst, "l="+b.Location)
	}
	v.Record, v.Errors = b.Record, b.Errors
	return v
}

// blocklistVerdict sums the blocklists up: off, nothing to ask, listed
// (which subject on which list), not listed, or no answer; with the
// answers that could not be had counted, since they are neither.
func blocklistVerdict(r *Report, worst finding.Severity) PartVerdict {
	b := r.Blocklists
	switch {
	case b.Off:
		return PartVerdict{Tone: ToneNone, Word: "off", Facts: []string{"not asked"}}
	case len(b.Results) == 0:
		return absent("none", worst, "no public address or domain to ask about")
	}
	errs := b.Count(blocklist.StatusError)
	var missing []string
	if errs > 0 {
		missing = []string{fmt.Sprintf("%d without an answer", errs)}
	}
	if b.Count(blocklist.StatusListed) > 0 {
		var facts []string
		for _, res := range b.Results {
			if res.Status == blocklist.StatusListed {
				facts = append(facts, res.Subject+" on "+res.List)
			}
		}
		return ok("listed", worst, append(facts, missing...)...)
	}
	if errs == len(b.Results) {
		return PartVerdict{Tone: ToneUnknown, Word: "no answer", Facts: []string{"no list gave a usable answer"}}
	}
	subjects := map[string]bool{}
	for _, res := range b.Results {
		subjects[res.Subject] = true
	}
	return ok("not listed", worst, append([]string{render.Plural(len(subjects), "subject") + " on " + render.Plural(b.Lists, "list")}, missing...)...)
}
