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
		rep.Findings = append(rep.Findings, finding.Finding{Severity: finding.Warning, Code: "spf.obsolete_rr_type", Part: finding.PartSPF, Subject: finding.Domain(domain),
			Message: fmt.Sprintf("%s still publishes a record of the obsolete SPF RR type (99). RFC 7208 §3.1 removed it: receivers only read TXT, so the two can silently drift apart.", domain),
			Fix:     "Delete the SPF-type record and keep only the TXT record."})
	}
	return rep
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
