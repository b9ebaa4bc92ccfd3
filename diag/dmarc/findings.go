package dmarc

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/net/publicsuffix"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
)

// findings turns the investigation into findings (part dmarc, each about
// a domain or record name). domTXT is
// the TXT answer at the domain itself.
func (res *CheckResult) findings(domTXT dnsclient.Answer) []finding.Finding {
	var fs []finding.Finding
	add := func(sev finding.Severity, code, subject, msg, fix string) {
		fs = append(fs, finding.Finding{Severity: sev, Code: code, Part: finding.PartDMARC, Subject: finding.Domain(subject), Message: msg, Fix: fix})
	}
	d := res.Discovery
	w := d.Walk
	for _, l := range w.Levels {
		if l.Consulted && l.Multiple {
			add(finding.Error, "dmarc.multiple_records", l.Name,
				fmt.Sprintf("%s has %d DMARC records; receivers discard them all and act as if there were none (RFC 9989 §4.10).", l.Name, len(l.Records)),
				fmt.Sprintf("Keep exactly one TXT record starting with v=DMARC1 at %s: merge the others into it and delete them.", l.Name))
		}
	}
	if w.Incomplete {
		l := w.level(w.ErrorAt)
		kept := "Nothing had been found below it, so the DMARC result is unknown (a receiver would give temperror)."
		if d.Record != nil {
			kept = fmt.Sprintf("The result uses what was found below it (_dmarc.%s); a record above could still change the organizational domain.", d.SourceDomain)
		}
		add(finding.Warning, "dmarc.walk_error", l.Name,
			fmt.Sprintf("The DNS tree walk could not read %s: the query ended in %s. %s", l.Name, l.Status, kept),
			fmt.Sprintf("Make the name servers for %s answer TXT queries for %s (with the record, or NXDOMAIN), then check again.", w.ErrorAt, l.Name))
	}
	misplacedAtDomain := ""
	for _, t := range domTXT.TXT() {
		if IsDMARC(t) {
			misplacedAtDomain = t
		}
	}
	if d.Record == nil {
		res.noRecordFindings(add, misplacedAtDomain)
		return fs
	}
	if misplacedAtDomain != "" {
		add(finding.Warning, "dmarc.misplaced_record", res.Domain,
			fmt.Sprintf("A DMARC record is also published at %s itself, where receivers never look.", res.Domain),
			fmt.Sprintf("Delete the TXT record %q from %s; DMARC records belong at _dmarc.%s.", clip(misplacedAtDomain), res.Domain, res.Domain))
	}
	res.recordFindings(add)
	res.policyFindings(add)
	res.reportFindings(add)
	res.placementFindings(add)
	if v := res.RFC7489; v.Differs {
		sev := finding.Info
		if v.Applies != d.Policies.Applies || (v.Applies && v.Policy != res.AppliedPolicy) {
			sev = finding.Warning
		}
		add(sev, "dmarc.rfc7489_differs", res.Domain,
			"A receiver still on RFC 7489 decides differently: "+strings.Join(v.Why, " "),
			"To be read the same way by both: publish a record at _dmarc."+res.Domain+" itself with an explicit p, no pct, and strict alignment if subdomains are run by others (RFC 9989 Appendix C.3).")
	}
	return fs
}

type addFunc func(sev finding.Severity, code, subject, msg, fix string)

func (res *CheckResult) noRecordFindings(add addFunc, atDomain string) {
	d := res.Discovery
	if d.Walk.Incomplete {
		return // the walk_error finding says it
	}
	names := strings.Join(d.Walk.Queried(), ", ")
	target := res.Domain
	if d.OrgDomain != res.Domain && isSubdomain(res.Domain, d.OrgDomain) {
		target = d.OrgDomain
	}
	example := fmt.Sprintf("v=DMARC1; p=none; rua=mailto:dmarc-reports@%s", target)
	msg := fmt.Sprintf("No DMARC record applies to %s: none of %s holds exactly one DMARC record, so receivers do not apply DMARC and anyone can send mail as %s.", res.Domain, names, res.Domain)
	fix := fmt.Sprintf("Publish a TXT record at _dmarc.%s, for example %q, then move to p=quarantine or p=reject once the aggregate reports show all legitimate mail passes.", target, example)
	switch {
	case res.misplacedAt != "":
		fix = fmt.Sprintf("A DMARC record was found at %s: the zone name was probably typed into the record name. Rename it to just _dmarc in the zone of %s so that it appears at _dmarc.%s.", res.misplacedAt, res.Domain, res.Domain)
		add(finding.Error, "dmarc.misplaced_record", res.misplacedAt,
			fmt.Sprintf("The DMARC record is published at %s instead of _dmarc.%s, where receivers look.", res.misplacedAt, res.Domain), fix)
	case atDomain != "":
		fix = fmt.Sprintf("Move the TXT record %q from %s to _dmarc.%s (a TXT record named _dmarc).", clip(atDomain), res.Domain, res.Domain)
		add(finding.Error, "dmarc.misplaced_record", res.Domain,
			fmt.Sprintf("A DMARC record is published at %s itself instead of _dmarc.%s, where receivers look.", res.Domain, res.Domain), fix)
	}
	add(finding.Error, "dmarc.no_record", res.Domain, msg, fix)
}

func (res *CheckResult) recordFindings(add addFunc) {
	d := res.Discovery
	rec := d.Record
	at := "_dmarc." + d.SourceDomain
	for _, e := range rec.Errors {
		code := "dmarc.syntax_error"
		fix := "Correct it; until then receivers discard this tag and use its default."
		switch {
		case errors.Is(e, ErrURI):
			code = "dmarc.bad_report_uri"
			fix = "Write each address as mailto:user@domain, separated by commas; receivers skip this one."
		case errors.Is(e, ErrDuplicate):
			fix = "Remove the repeated tag; receivers use the first one."
		case e.Tag != "" && (strings.EqualFold(e.Tag, TagP) || strings.EqualFold(e.Tag, TagSP) || strings.EqualFold(e.Tag, TagNP)):
			continue // the invalid_policy finding covers it
		}
		add(finding.Error, code, at, fmt.Sprintf("Syntax error in %s %s.", at, e.Error()), fix)
	}
	ps := d.Policies
	switch {
	case rec.PolicyTag == TagInvalid || rec.SPTag == TagInvalid || rec.NPTag == TagInvalid:
		add(finding.Error, "dmarc.invalid_policy", at, "The policy in "+at+" is broken: "+ps.Note+".",
			"Set p (and sp, np if used) to none, quarantine or reject.")
	case rec.PolicyTag == TagAbsent:
		add(finding.Warning, "dmarc.missing_policy", at, "The record in "+at+" has no p tag: "+ps.Note+"; receivers on RFC 7489 treat it as invalid.",
			"Add p=none (or quarantine, or reject) right after v=DMARC1.")
	}
	for _, t := range rec.RemovedTags() {
		msg := fmt.Sprintf("%s=%s is removed in RFC 9989; receivers following it ignore the tag.", t.Name, t.Value)
		fix := fmt.Sprintf("Remove %s=%s.", t.Name, t.Value)
		sev := finding.Warning
		switch {
		case strings.EqualFold(t.Name, TagPct) && strings.TrimSpace(t.Value) == "100":
			// Every receiver reads pct=100 as the whole policy: a note.
			sev, msg = finding.Info, "pct=100 is removed in RFC 9989; it asks for what every receiver does anyway (the whole policy), so it changes nothing."
			fix = "Nothing needs to change; remove pct=100 the next time the record is edited."
		case strings.EqualFold(t.Name, TagPct):
			msg = fmt.Sprintf("pct=%s is removed in RFC 9989; older receivers may still apply pct.", t.Value)
			fix = "Remove pct. To ask receivers to go easy while testing, use t=y instead (RFC 9989); pct=100, or no pct, is the only setting both kinds of receivers read the same way."
		}
		add(sev, "dmarc.removed_tag", at, msg, fix)
	}
	for _, t := range rec.Unknown() {
		fix := fmt.Sprintf("Remove %q or correct its spelling.", t.Name)
		if s := suggestTag(t.Name); s != "" {
			fix = fmt.Sprintf("Did you mean %q? Correct the spelling or remove the tag.", s)
		}
		add(finding.Warning, "dmarc.unknown_tag", at, fmt.Sprintf("%q (at byte %d) is not a DMARC tag; receivers ignore it.", t.Name, t.Pos), fix)
	}
}

func (res *CheckResult) policyFindings(add addFunc) {
	d := res.Discovery
	rec := d.Record
	at := "_dmarc." + d.SourceDomain
	if !d.Policies.Applies {
		return
	}
	if d.Exists == NotExists {
		add(finding.Info, "dmarc.nonexistent_domain", res.Domain,
			fmt.Sprintf("%s does not exist in DNS (NXDOMAIN), so the non-existent subdomain policy (np, else sp, else p) applies to mail using it: %s.", res.Domain, d.Policy),
			"Nothing to do if the domain is not meant to send mail; np=reject at the organizational domain stops spoofers using made-up subdomains.")
	}
	if d.Policy == PolicyNone && rec.PolicyTag == TagValid {
		add(finding.Warning, "dmarc.policy_none", res.Domain,
			fmt.Sprintf("The policy for %s is none (%s in %s): monitoring only. Receivers take no action on mail that fails DMARC, so the domain can still be spoofed.", res.Domain, d.PolicyTag, at),
			"Once the aggregate reports show that all legitimate mail passes DMARC, move to p=quarantine, then to p=reject.")
	}
	if rec.Testing && d.Policy.Enforcing() {
		add(finding.Warning, "dmarc.testing", at,
			fmt.Sprintf("t=y: the owner is still testing, so receivers apply %s instead of %s to failing mail.", d.Policy.Tested(), d.Policy),
			"Remove t=y (or set t=n) when testing is over.")
	}
	if d.Source != SourceDomain || res.OrgDomain == res.Domain {
		p := d.Policies
		if p.Subdomain.strength() < p.Domain.strength() {
			add(finding.Warning, "dmarc.weak_subdomain_policy", at,
				fmt.Sprintf("sp=%s is weaker than p=%s: spoofers can send as any subdomain of %s.", p.Subdomain, p.Domain, d.SourceDomain),
				"Set sp at least as strict as p, or remove sp so that subdomains inherit p.")
		}
		if rec.NPTag == TagValid && p.Nonexistent.strength() < p.Subdomain.strength() {
			add(finding.Warning, "dmarc.weak_nonexistent_policy", at,
				fmt.Sprintf("np=%s is weaker than the policy for existing subdomains (%s): made-up subdomains of %s get the weaker treatment.", p.Nonexistent, p.Subdomain, d.SourceDomain),
				"Set np=reject (made-up subdomains never send legitimate mail), or remove np.")
		}
	}
}

func (res *CheckResult) reportFindings(add addFunc) {
	d := res.Discovery
	rec := d.Record
	at := "_dmarc." + d.SourceDomain
	if len(rec.RUA) == 0 && !rec.Has(TagRUA) {
		sev := finding.Info
		if d.Policy == PolicyNone {
			sev = finding.Warning
		}
		add(sev, "dmarc.no_rua", at, "The record asks for no aggregate reports (no rua), so nobody learns who sends mail as "+d.SourceDomain+" or whether it passes.",
			fmt.Sprintf("Add rua=mailto:dmarc-reports@%s (or a reporting service's address) to receive daily aggregate reports.", res.sourceOrg()))
	}
	for _, u := range append(append([]ReportURI(nil), rec.RUA...), rec.RUF...) {
		if u.Scheme != "mailto" {
			add(finding.Warning, "dmarc.report_uri_scheme", at,
				fmt.Sprintf("%s is not a mailto: address; receivers must only support mailto: and ignore other schemes.", u.URI),
				"Use a mailto: address for reports.")
		}
		if u.Size != "" {
			add(finding.Info, "dmarc.report_size", at,
				fmt.Sprintf("The size limit !%s on %s is obsolete: RFC 9989 tells reporters to ignore it.", u.Size, u.URI),
				"Remove the !"+u.Size+" suffix.")
		}
	}
	if len(rec.RUF) == 0 && rec.Has(TagFO) {
		add(finding.Info, "dmarc.fo_without_ruf", at, "fo is set but there is no ruf, so it has no effect.", "Remove fo, or add ruf if failure reports are wanted.")
	}
	for _, ra := range res.ReportAuth {
		tags := strings.Join(ra.Tags, " and ")
		switch ra.State {
		case AuthMissing:
			add(finding.Warning, "dmarc.report_unauthorized", ra.Host,
				fmt.Sprintf("Reports (%s) go to %s, outside the organization of %s, but %s publishes no authorization at %s (%s), so receivers send it no reports.", tags, ra.Host, d.SourceDomain, ra.Host, ra.Name, ra.Status),
				fmt.Sprintf("Ask whoever runs %s to publish a TXT record \"v=DMARC1;\" at %s (or at *._report._dmarc.%s to accept reports for any domain).", ra.Host, ra.Name, ra.Host))
		case AuthUnknown:
			why := fmt.Sprintf("the query for %s ended in %s", ra.Name, ra.Status)
			if ra.Status == "" {
				why = fmt.Sprintf("%s is longer than a DNS name may be", ra.Name)
				if len(ra.Name) <= maxNameLen {
					why = "the DNS tree walk for " + ra.Host + " failed"
				}
			}
			add(finding.Warning, "dmarc.report_auth_error", ra.Host,
				fmt.Sprintf("Could not verify that %s accepts %s reports for %s: %s.", ra.Host, tags, d.SourceDomain, why),
				"Check again later; if it persists, make sure "+ra.Host+" answers TXT queries for "+ra.Name+".")
		}
	}
}

// placementFindings flag records that sit where they do not do what their
// author probably meant.
func (res *CheckResult) placementFindings(add addFunc) {
	d := res.Discovery
	rec := d.Record
	at := "_dmarc." + d.SourceDomain
	switch d.Source {
	case SourcePublicSuffix:
		add(finding.Warning, "dmarc.public_suffix_policy", at,
			fmt.Sprintf("%s has no DMARC record of its own: the policy comes from the public suffix %s (psd=y), whose operator chose it.", d.OrgDomain, d.SourceDomain),
			fmt.Sprintf("Publish your own record at _dmarc.%s.", d.OrgDomain))
		if d.OrgNotQueried {
			add(finding.Info, "dmarc.long_name", res.Domain,
				fmt.Sprintf("%s has more labels than the eight-query limit allows the walk to visit: the organizational domain %s was skipped, so any record there is never seen.", res.Domain, d.OrgDomain),
				fmt.Sprintf("Publish a record at _dmarc.%s itself (RFC 9989 §5.1.8).", res.Domain))
		}
	case SourceDomain:
		if res.OrgDomain != res.Domain && (rec.SPTag != TagAbsent || rec.NPTag != TagAbsent) {
			add(finding.Info, "dmarc.ignored_subdomain_policy", at,
				fmt.Sprintf("sp/np in %s have no effect: %s is not an organizational domain (that is %s), so its subdomains take their policy from _dmarc.%s (RFC 9989 §4.7, tag sp).", at, res.Domain, res.OrgDomain, res.OrgDomain),
				fmt.Sprintf("Set sp/np in the record at _dmarc.%s, or add psd=n here to make %s an organizational domain of its own.", res.OrgDomain, res.Domain))
		}
	}
	if len(d.Walk.Skipped) > 0 && d.Source != SourceDomain {
		add(finding.Info, "dmarc.long_name", res.Domain,
			fmt.Sprintf("%s has %d labels; the walk jumps over %s (RFC 9989 §4.10 step 4), so records there are never consulted.", res.Domain, strings.Count(res.Domain, ".")+1, strings.Join(d.Walk.Skipped, ", ")),
			fmt.Sprintf("Publish a record at _dmarc.%s itself if it needs its own policy (RFC 9989 §5.1.8).", res.Domain))
	}
	for _, l := range d.Walk.consulted() {
		if l.Record == nil || l.Record.PSD != PSDYes {
			continue
		}
		if ps, _ := publicsuffix.PublicSuffix(l.Domain); ps != l.Domain {
			add(finding.Warning, "dmarc.psd_misused", l.Name,
				fmt.Sprintf("%s has psd=y, declaring %s a public suffix, but it is not on the Public Suffix List: every name below it becomes an organization of its own, so relaxed alignment between them stops working.", l.Name, l.Domain),
				"Remove psd=y unless "+l.Domain+" really is a registry-like suffix; use psd=n to mark an organizational domain.")
		}
	}
}

// suggestTag returns the known tag one edit away from name, or "".
func suggestTag(name string) string {
	name = strings.ToLower(name)
	for _, t := range tagTable() {
		if editDistance(name, t.Name) == 1 {
			return t.Name
		}
	}
	return ""
}

// editDistance is the Levenshtein distance of two short ASCII strings.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
