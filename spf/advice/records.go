package advice

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mxray/mxray/spf"
)

// TreeFindings returns the findings about t in tree order, and the error
// and warning findings about each record by node (see spf.Advisor).
func (Advisor) TreeFindings(t *spf.Tree) ([]spf.Finding, map[*spf.Node][]spf.Finding) {
	var fs []spf.Finding
	problems := map[*spf.Node][]spf.Finding{}
	add := func(sev spf.Severity, code, domain, msg, fix string) {
		fs = append(fs, spf.Finding{Severity: sev, Code: code, Domain: domain, Message: msg, Fix: fix})
	}
	root := t.Root
	switch root.Status {
	case spf.NodeNone:
		if errors.Is(root.Err, spf.ErrMalformedDomain) {
			add(spf.SeverityInfo, "spf.bad_domain", root.Domain,
				upperFirst(spf.MalformedDomainWords(root.Domain))+".",
				"Check the address or HELO name that was given: SPF checks the domain after the @ (or the HELO name), a fully qualified name such as example.com.")
		} else if len(root.Ignored()) == 0 {
			add(spf.SeverityWarning, "spf.no_record", root.Domain,
				fmt.Sprintf("%s publishes no SPF record: receivers get \"none\" and cannot tell its real mail from forgeries.", root.Domain),
				fmt.Sprintf("Publish one TXT record at %s listing every server that sends its mail, e.g. \"v=spf1 mx -all\"; a domain that sends no mail publishes \"v=spf1 -all\".", root.Domain))
		}
	}
	senderIDFinding(root, add)
	if root.Status == spf.NodeTempError {
		add(spf.SeverityWarning, "spf.dns_error", root.Domain,
			fmt.Sprintf("The TXT lookup for %s failed (%s): receivers get temperror and may defer its mail.", root.Domain, spf.Cause(root.Err)),
			fmt.Sprintf("Make sure every name server of %s answers TXT queries, then check again.", root.Domain))
	}
	root.Walk(func(n *spf.Node) bool {
		nodeFindings(n, func(sev spf.Severity, code, domain, msg, fix string) {
			add(sev, code, domain, msg, fix)
			if sev != spf.SeverityInfo {
				problems[n] = append(problems[n], spf.Finding{Severity: sev, Code: code, Domain: domain, Message: msg, Fix: fix})
			}
		})
		return true
	})
	limitFindings(t, add)
	policyFindings(t, add)
	return fs, problems
}

// addFunc records one finding.
type addFunc func(sev spf.Severity, code, domain, msg, fix string)

// nodeFindings reports what is wrong with one record.
func nodeFindings(n *spf.Node, add addFunc) {
	switch n.Status {
	case spf.NodeMultiple:
		add(spf.SeverityError, "spf.multiple_records", n.Domain,
			fmt.Sprintf("%s publishes %d SPF records; receivers return permerror for all of them (RFC 7208 §4.5).", n.Domain, len(n.Records)),
			fmt.Sprintf("Merge them into one TXT record at %s that starts with v=spf1 once, and delete the others.", n.Domain))
	case spf.NodeInvalid:
		for _, e := range n.Parsed.Errors {
			add(spf.SeverityError, "spf.syntax", n.Domain,
				fmt.Sprintf("The record at %s has an invalid term %q: %s. Receivers return permerror for the whole record (RFC 7208 §4.6).", n.Domain, e.Term, e.Reason),
				fmt.Sprintf("Correct or remove %q in the TXT record at %s.", e.Term, n.Domain))
		}
	case spf.NodeLoop:
		add(spf.SeverityError, "spf.loop", n.Parent().Domain,
			fmt.Sprintf("%q at %s leads back to %s, which is already on the path %s: evaluation runs until the 10-lookup limit and ends in permerror.", n.Via, n.Parent().Domain, n.Domain, strings.Join(n.Parent().Path(), " > ")),
			fmt.Sprintf("Remove %q from the record at %s.", n.Via, n.Parent().Domain))
	case spf.NodeNone:
		if n.Parent() != nil {
			sev := spf.SeverityError
			reach := "evaluation ends in permerror when it gets there (RFC 7208 §5.2, §6.1)"
			if !reachable(n.Parent(), n) {
				sev, reach = spf.SeverityWarning, "it is never evaluated today, but would give permerror"
			}
			what := fmt.Sprintf("%s has no SPF record", n.Domain)
			if errors.Is(n.Err, spf.ErrMalformedDomain) {
				what = fmt.Sprintf("%q is not a valid domain", n.Domain)
			}
			code := "spf.include_no_record"
			if strings.HasPrefix(strings.ToLower(n.Via), "redirect") {
				code = "spf.redirect_no_record"
			}
			add(sev, code, n.Parent().Domain,
				fmt.Sprintf("%q at %s: %s, so %s.", n.Via, n.Parent().Domain, what, reach),
				fmt.Sprintf("Remove %q from the record at %s, or correct the name (the provider's documentation gives the exact one).", n.Via, n.Parent().Domain))
		}
	case spf.NodeTempError:
		if n.Parent() != nil {
			add(spf.SeverityWarning, "spf.dns_error", n.Domain,
				fmt.Sprintf("The TXT lookup for %s (%q at %s) failed (%s). Receivers get temperror when they reach it.", n.Domain, n.Via, n.Parent().Domain, spf.Cause(n.Err)),
				fmt.Sprintf("Make sure the name servers of %s answer TXT queries.", n.Domain))
		}
	case spf.NodeDynamic:
		add(spf.SeverityInfo, "spf.dynamic", n.Parent().Domain,
			fmt.Sprintf("%q at %s depends on the message (macros), so its record is fetched only when a message is evaluated; the counts shown are a lower bound.", n.Via, n.Parent().Domain),
			"Nothing to change if this is deliberate; evaluate a specific sender to see it resolved.")
	}
	if n.Record != "" && len(n.Record) > spf.RecordSizeAdvice {
		add(spf.SeverityWarning, "spf.record_size", n.Domain,
			fmt.Sprintf("The SPF record at %s is %d bytes; RFC 7208 §3.4 advises under %d so that the DNS answer fits in 512 bytes over UDP.", n.Domain, len(n.Record), spf.RecordSizeAdvice),
			fmt.Sprintf("Shorten the record at %s: drop unused terms, merge ip4 ranges, or move groups of terms to an include.", n.Domain))
	}
	if f, ok := versionJoinFinding(n); ok && n.Status == spf.NodeNone {
		add(f.Severity, f.Code, f.Domain, f.Message, f.Fix)
	}
	for _, f := range joinFindings(n) {
		add(f.Severity, f.Code, f.Domain, f.Message, f.Fix)
	}
	if n.Parsed != nil {
		for _, w := range Lookalikes(n.Parsed) {
			add(spf.SeverityWarning, w.Code, n.Domain, fmt.Sprintf("At %s: %s.", n.Domain, w.Message), w.Fix)
		}
	}
	termFindings(n, add)
	reportFindings(n, add)
}

// viaInclude reports whether an include (not a redirect) leads to n.
func viaInclude(n *spf.Node) bool {
	p := n.Parent()
	if p == nil {
		return false
	}
	for i := range p.Terms {
		if ti := &p.Terms[i]; ti.Child == n {
			return ti.Term.Mechanism == spf.Include
		}
	}
	return false
}

// reachable reports whether evaluation can reach child c of n.
func reachable(n, c *spf.Node) bool {
	for i := range n.Terms {
		if n.Terms[i].Child == c {
			return n.Terms[i].Reachable
		}
	}
	return false
}

// termFindings reports what is wrong with single terms of a record.
func termFindings(n *spf.Node, add addFunc) {
	afterAll := []string{}
	for i := range n.Terms {
		ti := &n.Terms[i]
		tm := ti.Term
		switch {
		case tm.Mechanism == spf.PTR:
			add(spf.SeverityWarning, "spf.ptr", n.Domain,
				fmt.Sprintf("%q at %s uses the ptr mechanism, which RFC 7208 §5.5 says not to use: it is slow, unreliable, and some receivers skip it.", tm.Text, n.Domain),
				fmt.Sprintf("Replace %q with ip4:/ip6: ranges or a: names for the servers it was meant to cover.", tm.Text))
		case tm.Mechanism == spf.All && (tm.Qualifier == 0 || tm.Qualifier == spf.QualifierPass) && viaInclude(n):
			add(spf.SeverityError, "spf.plus_all", n.Domain,
				fmt.Sprintf("%s, reached through %q, ends in %q: every IP address on the Internet passes the include, so the including domain authorises everyone.", n.Domain, n.Via, tm.Text),
				fmt.Sprintf("Replace %q with -all or ~all in the record at %s, or stop including it.", tm.Text, n.Domain))
		case tm.Modifier == spf.Redirect && !ti.Reachable:
			add(spf.SeverityWarning, "spf.redirect_ignored", n.Domain,
				fmt.Sprintf("The record at %s has both an \"all\" mechanism and %q: the redirect is ignored (RFC 7208 §6.1).", n.Domain, tm.Text),
				fmt.Sprintf("Keep one: remove %q, or remove the all mechanism so the redirect takes effect.", tm.Text))
		case !ti.Reachable && tm.Mechanism != "":
			afterAll = append(afterAll, tm.Text)
		}
		if ti.Err != nil && errors.Is(ti.Err, spf.ErrMXLimit) {
			add(spf.SeverityError, "spf.mx_limit", n.Domain,
				fmt.Sprintf("%q at %s: %s; the mx mechanism is then a permerror.", tm.Text, n.Domain, spf.Cause(ti.Err)),
				fmt.Sprintf("Replace %q with ip4:/ip6: ranges or a: names for the mail servers that send.", tm.Text))
		} else if ti.Err != nil {
			add(spf.SeverityWarning, "spf.dns_error", n.Domain,
				fmt.Sprintf("%q at %s: %s. Receivers get temperror when they reach it.", tm.Text, n.Domain, spf.Cause(ti.Err)),
				fmt.Sprintf("Make sure the name servers of %s answer.", ti.Target))
		}
	}
	if len(afterAll) > 0 {
		add(spf.SeverityWarning, "spf.after_all", n.Domain,
			fmt.Sprintf("At %s, %s come after \"all\" and are never evaluated.", n.Domain, listSome(quoteAll(afterAll), 6)),
			fmt.Sprintf("Move the terms after \"all\" at %s before it, or remove them.", n.Domain))
	}
}

func quoteAll(items []string) []string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = fmt.Sprintf("%q", s)
	}
	return q
}
