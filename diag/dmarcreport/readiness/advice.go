package readiness

import (
	"fmt"
	"strings"

	"github.com/mxray/mxray/diag/dmarc"
	"github.com/mxray/mxray/diag/dmarcreport"
	"github.com/mxray/mxray/spf"
)

// Action says what to do about a source before enforcement.
type Action string

// The actions.
const (
	// ActionNone: its mail passes DMARC.
	ActionNone Action = "none"
	// ActionAuthorise: a sender of the domain's that today's SPF record
	// does not cover: add the include (or the address).
	ActionAuthorise Action = "authorise"
	// ActionSign: the service DKIM-signs with its own domain: have it sign
	// with d=<the domain>.
	ActionSign Action = "sign"
	// ActionAlign: SPF passes for another MAIL FROM domain: use a
	// return-path under the domain, or sign with d=<the domain>.
	ActionAlign Action = "align"
	// ActionFixRecord: today's SPF record fails with an error for this IP.
	ActionFixRecord Action = "fix_record"
	// ActionRecheck: today's record authorises it; the failures predate a
	// change, or the receiver saw something else.
	ActionRecheck Action = "recheck"
	// ActionForwarding: forwarded or list mail: leave it failing.
	ActionForwarding Action = "forwarding"
	// ActionSpoofing: nothing ties it to the domain: leave it failing.
	ActionSpoofing Action = "spoofing"
	// ActionInvestigate: not enough is known (no DNS): decide whether it is
	// yours.
	ActionInvestigate Action = "investigate"
)

// NeedsFix reports whether the action blocks enforcement: mail of the
// domain's own that would be rejected.
func (a Action) NeedsFix() bool {
	switch a {
	case ActionAuthorise, ActionSign, ActionAlign, ActionFixRecord, ActionRecheck, ActionInvestigate:
		return true
	}
	return false
}

// Advice is the readiness verdict for one source.
type Advice struct {
	Action Action
	Fix    string // in words a technician can read to a customer
}

// aligned reports relaxed alignment of two domains (RFC 7489 §3.1.1; the
// PSL organizational domain).
func aligned(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	return strings.EqualFold(dmarc.PSLOrgDomain(a), dmarc.PSLOrgDomain(b))
}

// advise decides what to do about src. e is nil when DNS was not asked.
func advise(src *dmarcreport.Source, e *Enrichment) Advice {
	failing := src.Messages - src.DMARCPass
	if failing <= 0 {
		return Advice{Action: ActionNone}
	}
	d := src.Domain
	who := src.Text
	if e != nil && e.Service != "" {
		who = e.Service
	}
	var dkimOther, spfOther, ownBroken string
	for _, n := range src.DKIMDomains.List {
		switch {
		case n.Pass > 0 && !aligned(n.Name, d) && dkimOther == "":
			dkimOther = n.Name
		case n.Fail > 0 && aligned(n.Name, d) && ownBroken == "":
			ownBroken = n.Name
		}
	}
	for _, n := range src.EnvelopeFrom.List {
		if n.Pass > 0 && !aligned(n.Name, d) && n.Name != "<>" && spfOther == "" {
			spfOther = n.Name
		}
	}
	if why := forwardingEvidence(src, e); why != "" {
		return Advice{Action: ActionForwarding, Fix: fmt.Sprintf("Looks like forwarding (%s). Leave it failing: forwarded mail keeps passing only on a DKIM signature that survives, so sign all of %s's mail with d=%s.", why, d, d)}
	}
	if dkimOther != "" {
		fix := fmt.Sprintf("%s signs with d=%s, which is not aligned with %s: have it sign with d=%s (publish the key it gives you under a selector in %s).", who, dkimOther, d, d, d)
		if e != nil && e.AuthorisedBy == "" && e.SuggestInclude != "" {
			fix += fmt.Sprintf(" Adding %s to %s's SPF record helps too, if it sends with a MAIL FROM under %s.", e.SuggestInclude, d, d)
		}
		return Advice{Action: ActionSign, Fix: fix}
	}
	// A broken record matters for senders that are the domain's own; a
	// source nothing ties to the domain is judged below.
	tied := e != nil && (e.FCrDNS || e.SuggestInclude != "") || dkimOther != "" || spfOther != ""
	if tied && e != nil && e.AuthorisedBy == "" && (e.SPF == spf.PermError || e.SPF == spf.TempError) {
		then := "then authorise " + who
		if e.SuggestInclude != "" {
			then = "then add " + e.SuggestInclude + " (it authorises " + src.Text + ")"
		}
		return Advice{Action: ActionFixRecord, Fix: fmt.Sprintf("Today's SPF record of %s ends in %s for %s, so SPF cannot pass for it: fix the record first (see the SPF view), %s.", d, e.SPF, src.Text, then)}
	}
	if e != nil && e.AuthorisedBy != "" {
		if spfOther != "" {
			return Advice{Action: ActionAlign, Fix: fmt.Sprintf("Today's SPF record authorises %s (%s), but its MAIL FROM is %s, not aligned with %s: set a return-path under %s at %s, or DKIM-sign with d=%s.", src.Text, e.AuthorisedBy, spfOther, d, d, who, d)}
		}
		return Advice{Action: ActionRecheck, Fix: fmt.Sprintf("Today's SPF record authorises %s (%s), yet the receivers saw it fail: the record changed after these reports, or its MAIL FROM is another domain. Check newer reports, and DKIM-sign its mail with d=%s.", src.Text, e.AuthorisedBy, d)}
	}
	if e != nil && e.SuggestInclude != "" {
		return Advice{Action: ActionAuthorise, Fix: fmt.Sprintf("Add %s to %s's SPF record (it authorises %s), and have %s DKIM-sign with d=%s.", e.SuggestInclude, d, src.Text, who, d)}
	}
	if spfOther != "" {
		return Advice{Action: ActionAlign, Fix: fmt.Sprintf("%s sends with MAIL FROM %s (SPF passes there, not aligned with %s) and no DKIM signature of %s: set up DKIM with d=%s at %s, or a return-path under %s.", who, spfOther, d, d, d, who, d)}
	}
	if e != nil && e.FCrDNS && aligned(e.ConfirmedBy, d) {
		return Advice{Action: ActionAuthorise, Fix: fmt.Sprintf("It is %s, a host of %s's own: add %s (or a:%s) to the SPF record and DKIM-sign its mail with d=%s.", e.ConfirmedBy, d, ipTerm(src), e.ConfirmedBy, d)}
	}
	if ownBroken != "" {
		return Advice{Action: ActionForwarding, Fix: fmt.Sprintf("Its mail carries a signature of %s that no longer verifies: typical of a mailing list or forwarder that changes messages. Leave it failing.", ownBroken)}
	}
	if e == nil {
		return Advice{Action: ActionInvestigate, Fix: fmt.Sprintf("Unknown sender (DNS was not asked). If it is yours, authorise it in %s's SPF record and DKIM-sign with d=%s; if not, it is spoofing: leave it failing.", d, d)}
	}
	ptr := "no reverse DNS"
	if len(e.PTR) > 0 {
		ptr = "PTR " + e.PTR[0]
		if !e.FCrDNS {
			ptr += " (not forward-confirmed)"
		}
	}
	return Advice{Action: ActionSpoofing, Fix: fmt.Sprintf("Nothing ties it to %s: no DKIM signature of the domain, SPF fails, %s. Looks like spoofing: leave it failing; an enforcing policy will stop it.", d, ptr)}
}

// forwardingEvidence says why a source looks like a forwarder; "" if not.
func forwardingEvidence(src *dmarcreport.Source, e *Enrichment) string {
	var why []string
	for _, o := range []dmarcreport.Override{dmarcreport.OverrideForwarded, dmarcreport.OverrideTrustedForwarder, dmarcreport.OverrideMailingList} {
		if src.Overrides[o] > 0 {
			why = append(why, "the receiver says "+string(o))
		}
	}
	if src.ARCPass > 0 {
		why = append(why, "ARC passed")
	}
	if e != nil && (e.ServiceKind == KindMailbox || e.ServiceKind == KindGateway) && e.AuthorisedBy == "" {
		why = append(why, "it is "+e.Service+", a "+string(e.ServiceKind)+" service")
	}
	return strings.Join(why, ", ")
}

// ipTerm is the SPF term for a source's address.
func ipTerm(src *dmarcreport.Source) string {
	if src.IP.Is4() {
		return "ip4:" + src.Text
	}
	return "ip6:" + src.Text
}
