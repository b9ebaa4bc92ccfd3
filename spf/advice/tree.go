package advice

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/mxray/mxray/spf"
)

// Tree-wide findings: the lookup and void lookup limits in the worst case,
// the effective "all" policy, and evaluation errors.

// limitFindings reports the worst-case lookup and void lookup counts.
func limitFindings(t *spf.Tree, add addFunc) {
	root := t.Root
	if root.Status != spf.NodeOK && root.Status != spf.NodeInvalid {
		return
	}
	n := root.Lookups
	atLeast := ""
	if root.Incomplete {
		atLeast = "at least "
	}
	where := costBreakdown(root)
	switch {
	case n > spf.LookupLimit:
		add(spf.SeverityError, "spf.lookup_limit", root.Domain,
			fmt.Sprintf("A message that matches nothing makes receivers evaluate %s%d DNS-querying terms (%s); over %d is permerror (RFC 7208 §4.6.4), so mail from servers listed late fails.", atLeast, n, where, spf.LookupLimit),
			fmt.Sprintf("Bring %s under %d lookups: replace a, mx and include terms with ip4:/ip6: ranges, drop includes of services no longer used, or flatten large includes.", root.Domain, spf.LookupLimit+1))
	case n >= spf.LookupLimit-1:
		add(spf.SeverityWarning, "spf.lookup_limit", root.Domain,
			fmt.Sprintf("%s uses %s%d of the %d DNS-querying terms RFC 7208 §4.6.4 allows (%s); one more include or a provider's change will break it.", root.Domain, atLeast, n, spf.LookupLimit, where),
			"Free some lookups: replace a and mx terms with ip4:/ip6: ranges, or drop includes of services no longer used.")
	}
	var voids []string
	root.Walk(func(x *spf.Node) bool {
		for i := range x.Terms {
			if ti := &x.Terms[i]; ti.Void && ti.Reachable && reachableFromTop(x) {
				voids = append(voids, fmt.Sprintf("%q at %s", ti.Term.Text, x.Domain))
			}
		}
		return true
	})
	switch v := root.VoidLookups; {
	case v > t.VoidLimit():
		add(spf.SeverityError, "spf.void_lookups", root.Domain,
			fmt.Sprintf("%d terms look up names that do not exist or have no records (%s); more than %d such void lookups make the result permerror (RFC 7208 §4.6.4).", v, listSome(voids, 8), t.VoidLimit()),
			"Remove those terms or publish the records they point at.")
	case v == 1:
		add(spf.SeverityWarning, "spf.void_lookups", root.Domain,
			fmt.Sprintf("1 term looks up a name that does not exist or has no records (%s); it matches nothing, and more than %d such void lookups make the result permerror (RFC 7208 §4.6.4).", listSome(voids, 8), t.VoidLimit()),
			"Remove that term or publish the record it points at.")
	case v > 0:
		add(spf.SeverityWarning, "spf.void_lookups", root.Domain,
			fmt.Sprintf("%d terms look up names that do not exist or have no records (%s); they match nothing, and more than %d such void lookups make the result permerror (RFC 7208 §4.6.4).", v, listSome(voids, 8), t.VoidLimit()),
			"Remove those terms or publish the records they point at.")
	}
	cut := 0
	first := ""
	root.Walk(func(x *spf.Node) bool {
		if x.Status == spf.NodeCut {
			if cut == 0 {
				first = fmt.Sprintf("%q at %s (%s)", x.Via, x.Parent().Domain, spf.Cause(x.Err))
			}
			cut++
		}
		return true
	})
	if cut > 0 {
		add(spf.SeverityWarning, "spf.tree_cut", root.Domain,
			fmt.Sprintf("The record tree is too deep or too wide to draw whole: %s not fetched, the first %s. Counts are a lower bound.", branches(cut), first),
			"A tree this large cannot pass within 10 lookups anyway: flatten or remove includes.")
	}
}

// reachableFromTop reports whether every term on the way from the top to n
// is reachable.
func reachableFromTop(n *spf.Node) bool {
	for x := n; x.Parent() != nil; x = x.Parent() {
		if !reachable(x.Parent(), x) {
			return false
		}
	}
	return true
}

// costBreakdown names what the lookups are spent on: the record's own terms
// and each include or redirect with its subtree.
func costBreakdown(n *spf.Node) string {
	parts := []string{}
	if n.OwnLookups > 0 {
		own := 0
		for i := range n.Terms {
			if ti := &n.Terms[i]; ti.Reachable && ti.Lookup && ti.Child == nil {
				own++
			}
		}
		if own > 0 {
			parts = append(parts, fmt.Sprintf("%d in %s's own terms", own, n.Domain))
		}
	}
	var subs []*spf.TermInfo
	for i := range n.Terms {
		if ti := &n.Terms[i]; ti.Reachable && ti.Child != nil {
			subs = append(subs, ti)
		}
	}
	sort.SliceStable(subs, func(i, j int) bool { return subs[i].Child.Lookups > subs[j].Child.Lookups })
	const show = 6
	for i, ti := range subs {
		if i == show {
			rest := 0
			for _, x := range subs[show:] {
				rest += 1 + x.Child.Lookups
			}
			parts = append(parts, fmt.Sprintf("%d for %d more includes", rest, len(subs)-show))
			break
		}
		parts = append(parts, fmt.Sprintf("%d for %s", 1+ti.Child.Lookups, ti.Term.Text))
	}
	return strings.Join(parts, ", ")
}

// policyFindings explains the effective "all" of the top record (following
// redirects): +all, ?all, ~all, -all, or none.
func policyFindings(t *spf.Tree, add addFunc) {
	n := t.Root
	for n != nil && n.Status == spf.NodeOK {
		var all *spf.Term
		var redirect *spf.Node
		for i := range n.Terms {
			tm := n.Terms[i].Term
			if tm.Mechanism == spf.All && all == nil {
				all = tm
			}
			if tm.Modifier == spf.Redirect {
				redirect = n.Terms[i].Child
			}
		}
		if all == nil && redirect != nil {
			n = redirect
			continue
		}
		d := t.Root.Domain
		switch {
		case all == nil:
			add(spf.SeverityWarning, "spf.no_all", n.Domain,
				fmt.Sprintf("The record at %s ends without an \"all\" mechanism: mail from servers it does not list gets \"neutral\", which protects nothing.", n.Domain),
				fmt.Sprintf("End the record at %s with -all (reject others) or ~all (mark others as suspicious).", n.Domain))
		case all.Qualifier == 0 || all.Qualifier == spf.QualifierPass:
			add(spf.SeverityError, "spf.plus_all", n.Domain,
				fmt.Sprintf("%s ends in %q: every IP address on the Internet may send as %s.", n.Domain, all.Text, d),
				fmt.Sprintf("Replace %q with -all, or ~all while you are still finding every sender.", all.Text))
		case all.Qualifier == spf.QualifierNeutral:
			add(spf.SeverityWarning, "spf.neutral_all", n.Domain,
				fmt.Sprintf("%s ends in \"?all\": mail from unlisted servers is neutral, as if there were no SPF record.", n.Domain),
				"Once every sender is listed, change ?all to ~all and then -all.")
		case all.Qualifier == spf.QualifierSoftFail:
			add(spf.SeverityInfo, "spf.softfail_all", n.Domain,
				fmt.Sprintf("%s ends in \"~all\": mail from unlisted servers is softfail; most receivers accept it but mark it, and DMARC counts it as an SPF failure.", n.Domain),
				"Fine while you are still finding senders; change to -all once every sender is listed.")
		case all.Qualifier == spf.QualifierFail:
			add(spf.SeverityInfo, "spf.fail_all", n.Domain,
				fmt.Sprintf("%s ends in \"-all\": mail from unlisted servers fails SPF, and receivers may reject it outright (forwarded mail included, unless the forwarder rewrites the sender).", n.Domain),
				"Nothing to change; keep the list of senders complete.")
		}
		return
	}
}

// VerdictFindings returns one finding per distinct evaluation error
// (permerror, temperror) among vs, naming every client IP that ran into it,
// in the order the errors first appear (see spf.Advisor).
func (Advisor) VerdictFindings(vs []*spf.Verdict) []spf.Finding {
	type group struct {
		first *spf.Verdict
		ips   []string
	}
	var order []string
	groups := map[string]*group{}
	for _, v := range vs {
		if v.Result != spf.PermError && v.Result != spf.TempError {
			continue
		}
		k := string(v.Result) + "\x00" + spf.ErrorText(v.Err)
		g, ok := groups[k]
		if !ok {
			g = &group{first: v}
			groups[k] = g
			order = append(order, k)
		}
		g.ips = append(g.ips, v.IP.String())
	}
	var fs []spf.Finding
	for _, k := range order {
		g := groups[k]
		fs = append(fs, verdictFinding(g.first, strings.Join(g.ips, ", ")))
	}
	return fs
}

// verdictFinding reports a verdict that ended in permerror or temperror
// (the only ones VerdictFindings passes it); ips names the client addresses
// it happened for.
func verdictFinding(v *spf.Verdict, ips string) spf.Finding {
	if v.Result == spf.TempError {
		return spf.Finding{Severity: spf.SeverityWarning, Code: "spf.temperror", Domain: errDomain(v),
			Message: fmt.Sprintf("Evaluating %s for %s ends in temperror: %s. Receivers may defer the mail and retry.", v.Domain, ips, spf.Reason(v.Err)),
			Fix:     "Make sure the name servers involved answer; then check again."}
	}
	return spf.Finding{Severity: spf.SeverityError, Code: "spf.permerror", Domain: errDomain(v),
		Message: fmt.Sprintf("Evaluating %s for %s ends in permerror: %s. Receivers treat the domain's SPF as broken.", v.Domain, ips, spf.Reason(v.Err)),
		Fix:     "Fix the record named in the message; the other findings say how."}
}

func errDomain(v *spf.Verdict) string {
	var ee *spf.EvalError
	if errors.As(v.Err, &ee) {
		return ee.Domain
	}
	return v.Domain
}

// listSome joins the first n items and says how many more there are.
func listSome(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:n], ", "), len(items)-n)
}

// branches counts branches not fetched: "1 branch was", "3 branches were".
func branches(n int) string {
	if n == 1 {
		return "1 branch was"
	}
	return fmt.Sprintf("%d branches were", n)
}
