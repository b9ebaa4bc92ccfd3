package spfcheck

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/miekg/dns"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/spf"
	"github.com/mxray/mxray/spf/advice"
)

// Report is the SPF part of a domain report: the whole record tree,
// prefetched, ready to evaluate any IP (the TUI's IP field and what-if mode
// use Tree directly).
type Report struct {
	Tree *spf.Tree
	// ObsoleteRR holds the records of the obsolete SPF RR type (99) the
	// domain still publishes; RFC 7208 §3.1 says not to.
	ObsoleteRR []string
	Findings   []finding.Finding
}

// MarshalJSON writes the "spf" object of the check contract: {record,
// lookups, void_lookups, errors, tree}, with the worst-case counts.
func (s *Report) MarshalJSON() ([]byte, error) {
	return json.Marshal(s.Tree)
}

// CheckDomain prefetches the domain's SPF tree and asks, as a leaf, whether it
// still publishes the obsolete SPF RR type.
func CheckDomain(ctx context.Context, r dnsclient.Resolver, domain string) *Report {
	obsolete := make(chan dnsclient.Answer, 1)
	go func() {
		obsolete <- r.Lookup(dnsclient.WithPriority(ctx, dnsclient.Leaf), dns.Fqdn(domain), dns.TypeSPF)
	}()
	rep := &Report{Tree: spf.Prefetch(ctx, Resolver(r), domain, advised)}
	rep.Findings = Findings(rep.Tree.Findings())
	for _, rr := range (<-obsolete).Records {
		if s, ok := rr.(*dns.SPF); ok {
			parts := make([]string, len(s.Txt))
			for i, p := range s.Txt {
				parts[i] = dnsclient.UnescapeTXT(p)
			}
			rep.ObsoleteRR = append(rep.ObsoleteRR, strings.Join(parts, ""))
		}
	}
	if len(rep.ObsoleteRR) > 0 {
		rep.Findings = append(rep.Findings, obsoleteRRFinding(domain, rep.ObsoleteRR, rep.Tree.Root.Record))
	}
	return rep
}

// obsoleteRRFinding says that domain still publishes records of the DNS
// type SPF (99), which RFC 7208 §3.1 made obsolete, and whether they still
// say what the TXT record says.
func obsoleteRRFinding(domain string, rrs []string, txt string) finding.Finding {
	quoted := make([]string, len(rrs))
	same := true
	for i, r := range rrs {
		quoted[i] = fmt.Sprintf("%q", r)
		same = same && r == txt
	}
	drift := "It says the same as the TXT record today, but the two are easily changed apart."
	switch {
	case txt == "":
		drift = "There is no SPF record in TXT at all, so receivers get \"none\"."
	case !same:
		drift = "It differs from the TXT record, which is the one receivers use."
	}
	return finding.Finding{Severity: finding.Warning, Code: "spf.obsolete_rr_type", Part: finding.PartSPF, Subject: finding.Domain(domain),
		Message: fmt.Sprintf("%s still publishes a record of the DNS type SPF (type 99): %s. That type is obsolete (RFC 7208 §3.1) and receivers ignore it; they read only the TXT record. %s",
			domain, strings.Join(quoted, ", "), drift),
		Fix: fmt.Sprintf("Delete the record of type SPF at %s and keep the SPF record as TXT (in a DNS provider's form, choose the TXT type, not SPF).", domain)}
}

// advised is the option every SPF tree diag builds carries: the
// technician's advice of spf/advice, which the engine keeps with the tree
// (findings, per-node problems) and its verdicts.
var advised = spf.WithAdvisor(advice.Advisor{})

// Advice is the option that gives an SPF tree or verdict the technician's
// advice (spf/advice); every tree mxray builds carries it.
func Advice() spf.Option { return advised }

// Findings converts the spf package's findings to diag's shape.
func Findings(fs []spf.Finding) []finding.Finding {
	out := make([]finding.Finding, len(fs))
	for i, f := range fs {
		out[i] = finding.Finding{Severity: finding.Severity(f.Severity), Code: f.Code, Message: f.Message, Fix: f.Fix, Part: finding.PartSPF, Subject: finding.Domain(f.Domain)}
	}
	return out
}
