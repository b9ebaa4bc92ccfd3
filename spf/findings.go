package spf

import (
	"errors"
	"fmt"
	"strings"
)

// Findings returns the problems with the tree and what each means, each
// with the fix: lookup and void limits (worst case), +all, ?all, what -all
// and ~all mean, ptr, record size, TXT strings joined without a space,
// multiple records, includes of domains without a record, redirect next to
// all, syntax errors, loops, lookalike terms. A fail verdict is not a
// finding; a broken record is.
func (t *Tree) Findings() []Finding { return append([]Finding(nil), t.findings...) }

// Errors returns the messages of the error-severity findings: what makes
// the domain's SPF broken, or authorise everyone.
func (t *Tree) Errors() []string {
	var out []string
	for _, f := range t.findings {
		if f.Severity == SeverityError {
			out = append(out, f.Message)
		}
	}
	return out
}

func (t *Tree) collectFindings() []Finding {
	var fs []Finding
	add := func(sev Severity, code, domain, msg, fix string) {
		fs = append(fs, Finding{Severity: sev, Code: code, Domain: domain, Message: msg, Fix: fix})
	}
	root := t.Root
	switch root.Status {
	case NodeNone:
		if errors.Is(root.Err, ErrMalformedDomain) {
			add(SeverityInfo, "spf.bad_domain", root.Domain,
				fmt.Sprintf("%q is not a domain name SPF can check; the result is none (RFC 7208 §4.3).", root.Domain),
				"Check the address or HELO name that was given.")
		} else if len(root.ignored) == 0 {
			add(SeverityWarning, "spf.no_record", root.Domain,
				fmt.Sprintf("%s publishes no SPF record: receivers get \"none\" and cannot tell its real mail from forgeries.", root.Domain),
				fmt.Sprintf("Publish one TXT record at %s listing every server that sends its mail, e.g. \"v=spf1 mx -all\"; a domain that sends no mail publishes \"v=spf1 -all\".", root.Domain))
		}
	case NodeTempError:
		add(SeverityWarning, "spf.dns_error", root.Domain,
			fmt.Sprintf("The TXT lookup for %s failed (%v): receivers get temperror and may defer its mail.", root.Domain, unwrapAll(root.Err)),
			fmt.Sprintf("Make sure every name server of %s answers TXT queries, then check again.", root.Domain))
	}
	root.Walk(func(n *Node) bool {
		t.nodeFindings(n, func(sev Severity, code, domain, msg, fix string) {
			add(sev, code, domain, msg, fix)
			if sev != SeverityInfo {
				n.Problems = append(n.Problems, Finding{Severity: sev, Code: code, Domain: domain, Message: msg, Fix: fix})
			}
		})
		return true
	})
	t.limitFindings(add)
	t.policyFindings(add)
	sortFindings(fs)
	return fs
}

type addFunc func(sev Severity, code, domain, msg, fix string)

// nodeFindings reports what is wrong with one record.
func (t *Tree) nodeFindings(n *Node, add addFunc) {
	switch n.Status {
	case NodeMultiple:
		add(SeverityError, "spf.multiple_records", n.Domain,
			fmt.Sprintf("%s publishes %d SPF records; receivers return permerror for all of them (RFC 7208 §4.5).", n.Domain, len(n.Records)),
			fmt.Sprintf("Merge them into one TXT record at %s that starts with v=spf1 once, and delete the others.", n.Domain))
	case NodeInvalid:
		for _, e := range n.Parsed.Errors {
			add(SeverityError, "spf.syntax", n.Domain,
				fmt.Sprintf("The record at %s has an invalid term %q: %s. Receivers return permerror for the whole record (RFC 7208 §4.6).", n.Domain, e.Term, e.Reason),
				fmt.Sprintf("Correct or remove %q in the TXT record at %s.", e.Term, n.Domain))
		}
	case NodeLoop:
		add(SeverityError, "spf.loop", n.parent.Domain,
			fmt.Sprintf("%q at %s leads back to %s, which is already on the path %s: evaluation runs until the 10-lookup limit and ends in permerror.", n.Via, n.parent.Domain, n.Domain, strings.Join(n.parent.Path(), " > ")),
			fmt.Sprintf("Remove %q from the record at %s.", n.Via, n.parent.Domain))
	case NodeNone:
		if n.parent != nil {
			sev := SeverityError
			reach := "evaluation ends in permerror when it gets there (RFC 7208 §5.2, §6.1)"
			if !n.parent.reachable(n) {
				sev, reach = SeverityWarning, "it is never evaluated today, but would give permerror"
			}
			what := fmt.Sprintf("%s has no SPF record", n.Domain)
			if errors.Is(n.Err, ErrMalformedDomain) {
				what = fmt.Sprintf("%q is not a valid domain", n.Domain)
			}
			code := "spf.include_no_record"
			if strings.HasPrefix(strings.ToLower(n.Via), "redirect") {
				code = "spf.redirect_no_record"
			}
			add(sev, code, n.parent.Domain,
				fmt.Sprintf("%q at %s: %s, so %s.", n.Via, n.parent.Domain, what, reach),
				fmt.Sprintf("Remove %q from the record at %s, or correct the name (the provider's documentation gives the exact one).", n.Via, n.parent.Domain))
		}
	case NodeTempError:
		if n.parent != nil {
			add(SeverityWarning, "spf.dns_error", n.Domain,
				fmt.Sprintf("The TXT lookup for %s (%q at %s) failed: %v. Receivers get temperror when they reach it.", n.Domain, n.Via, n.parent.Domain, unwrapAll(n.Err)),
				fmt.Sprintf("Make sure the name servers of %s answer TXT queries.", n.Domain))
		}
	case NodeDynamic:
		add(SeverityInfo, "spf.dynamic", n.parent.Domain,
			fmt.Sprintf("%q at %s depends on the message (macros), so its record is fetched only when a message is evaluated; the counts shown are a lower bound.", n.Via, n.parent.Domain),
			"Nothing to change if this is deliberate; evaluate a specific sender to see it resolved.")
	}
	if n.Record != "" && len(n.Record) > RecordSizeAdvice {
		add(SeverityWarning, "spf.record_size", n.Domain,
			fmt.Sprintf("The SPF record at %s is %d bytes; RFC 7208 §3.4 advises under %d so that the DNS answer fits in 512 bytes over UDP.", n.Domain, len(n.Record), RecordSizeAdvice),
			fmt.Sprintf("Shorten the record at %s: drop unused terms, merge ip4 ranges, or move groups of terms to an include.", n.Domain))
	}
	if f, ok := versionJoinFinding(n); ok && n.Status == NodeNone {
		add(f.Severity, f.Code, f.Domain, f.Message, f.Fix)
	}
	for _, f := range joinFindings(n) {
		add(f.Severity, f.Code, f.Domain, f.Message, f.Fix)
	}
	if n.Parsed != nil {
		for _, w := range n.Parsed.Warnings {
			add(SeverityWarning, w.Code, n.Domain, fmt.Sprintf("At %s: %s.", n.Domain, w.Message), w.Fix)
		}
	}
	t.termFindings(n, add)
}

// viaInclude reports whether an include (not a redirect) leads to n.
func (n *Node) viaInclude() bool {
	if n.parent == nil {
		return false
	}
	for i := range n.parent.Terms {
		if ti := &n.parent.Terms[i]; ti.Child == n {
			return ti.Term.Mechanism == Include
		}
	}
	return false
}

// reachable reports whether evaluation can reach child c of n.
func (n *Node) reachable(c *Node) bool {
	for i := range n.Terms {
		if n.Terms[i].Child == c {
			return n.Terms[i].Reachable
		}
	}
	return false
}

// termFindings reports what is wrong with single terms of a record.
func (t *Tree) termFindings(n *Node, add addFunc) {
	afterAll := []string{}
	for i := range n.Terms {
		ti := &n.Terms[i]
		tm := ti.Term
		switch {
		case tm.Mechanism == PTR:
			add(SeverityWarning, "spf.ptr", n.Domain,
				fmt.Sprintf("%q at %s uses the ptr mechanism, which RFC 7208 §5.5 says not to use: it is slow, unreliable, and some receivers skip it.", tm.Text, n.Domain),
				fmt.Sprintf("Replace %q with ip4:/ip6: ranges or a: names for the servers it was meant to cover.", tm.Text))
		case tm.Mechanism == All && (tm.Qualifier == 0 || tm.Qualifier == QualifierPass) && n.viaInclude():
			add(SeverityError, "spf.plus_all", n.Domain,
				fmt.Sprintf("%s, reached through %q, ends in %q: every IP address on the Internet passes the include, so the including domain authorises everyone.", n.Domain, n.Via, tm.Text),
				fmt.Sprintf("Replace %q with -all or ~all in the record at %s, or stop including it.", tm.Text, n.Domain))
		case tm.Modifier == Redirect && !ti.Reachable:
			add(SeverityWarning, "spf.redirect_ignored", n.Domain,
				fmt.Sprintf("The record at %s has both an \"all\" mechanism and %q: the redirect is ignored (RFC 7208 §6.1).", n.Domain, tm.Text),
				fmt.Sprintf("Keep one: remove %q, or remove the all mechanism so the redirect takes effect.", tm.Text))
		case !ti.Reachable && tm.Mechanism != "":
			afterAll = append(afterAll, tm.Text)
		}
		if ti.Err != nil && errors.Is(ti.Err, ErrMXLimit) {
			add(SeverityError, "spf.mx_limit", n.Domain,
				fmt.Sprintf("%q at %s: %s. More than %d MX names make the mx mechanism a permerror (RFC 7208 §4.6.4).", tm.Text, n.Domain, unwrapAll(ti.Err), MXNameLimit),
				fmt.Sprintf("Replace %q with ip4:/ip6: ranges or a: names for the mail servers that send.", tm.Text))
		} else if ti.Err != nil {
			add(SeverityWarning, "spf.dns_error", n.Domain,
				fmt.Sprintf("%q at %s: %v. Receivers get temperror when they reach it.", tm.Text, n.Domain, unwrapAll(ti.Err)),
				fmt.Sprintf("Make sure the name servers of %s answer.", ti.Target))
		}
	}
	if len(afterAll) > 0 {
		add(SeverityWarning, "spf.after_all", n.Domain,
			fmt.Sprintf("At %s, %s come after \"all\" and are never evaluated.", n.Domain, listSome(quoteAll(afterAll), 6)),
			fmt.Sprintf("Move the terms after \"all\" at %s before it, or remove them.", n.Domain))
	}
}

// unwrapAll renders an error without the "spf:" prefixes of the sentinels.
func unwrapAll(err error) string {
	if err == nil {
		return ""
	}
	return strings.ReplaceAll(err.Error(), "spf: ", "")
}

func quoteAll(items []string) []string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = fmt.Sprintf("%q", s)
	}
	return q
}
