package diag

import (
	"fmt"
	"strings"

	"github.com/mxray/mxray/diag/dkim"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/render"
	"github.com/mxray/mxray/headers"
)

// MessageCheck is one of a message's checks summed up, decided here once:
// the verdict the receiver recorded at delivery and mxray's today, the
// facts behind today's, and the re-check's explanations. Text is raw: a
// view sanitises it.
type MessageCheck struct {
	Check finding.Part // PartSPF, PartDKIM or PartDMARC
	Then  Outcome      // as the receiver recorded it; "" when it did not
	Now   Outcome      // today; "" before the re-check, or when not checked
	// NoNow says why there is no verdict today once the re-check is in:
	// "not checked", "no signature".
	NoNow string
	Facts string   // "from 192.0.2.1 for example.com", "1 of 2 pass; s1@example.com fail"
	Notes []string // the then-vs-now explanations, those that changed or fail today first
}

// MessageChecks sums up a message's SPF, DKIM and DMARC: as the receiver
// recorded them and, once rep (its re-check) is in, as they are today.
// With rep nil only Then and the sending IP are known.
func MessageChecks(a *headers.Analysis, rep *HeadersReport) []MessageCheck {
	v := a.Receiver
	spfC := MessageCheck{Check: finding.PartSPF, Then: Outcome(v.SPF), NoNow: "not checked"}
	dkimC := MessageCheck{Check: finding.PartDKIM, Then: Outcome(v.DKIM), NoNow: "no signature"}
	dmarcC := MessageCheck{Check: finding.PartDMARC, Then: Outcome(v.DMARC), NoNow: "not checked"}
	if rep == nil {
		if a.SendingIP != nil {
			spfC.Facts = "from " + a.SendingIP.String()
		}
		return []MessageCheck{spfC, dkimC, dmarcC}
	}
	for _, c := range []*MessageCheck{&spfC, &dkimC, &dmarcC} {
		c.Notes = rep.explanations(c.Check)
	}
	rc := rep.Recheck
	if rc != nil && rc.SPF != nil {
		spfC.Now = Outcome(rc.SPF.Result)
		if rc.SPF.IP != nil {
			spfC.Facts = "from " + rc.SPF.IP.String() + " for " + rc.SPF.Domain
		}
	}
	var sigs []dkim.Result
	if rc != nil {
		sigs = rc.DKIM
	}
	var failed []string
	dkimC.Now, failed = dkimToday(sigs)
	switch {
	case len(failed) > 0 && len(sigs) > 1:
		dkimC.Facts = fmt.Sprintf("%d of %d pass", len(sigs)-len(failed), len(sigs)) + "; " + strings.Join(failed, ", ")
	case len(failed) > 0:
		dkimC.Facts = strings.Join(failed, ", ")
	case len(sigs) > 0:
		dkimC.Facts = render.Plural(len(sigs), "signature")
	}
	if rc != nil && rc.DMARC != nil {
		dmarcC.Now = Outcome(rc.DMARC.Result)
		if rc.DMARC.RequestedPolicy != "" {
			dmarcC.Facts = "p=" + string(rc.DMARC.RequestedPolicy) + " for " + rc.DMARC.FromDomain
		}
	}
	return []MessageCheck{spfC, dkimC, dmarcC}
}

// dkimToday is the DKIM verdict today over every signature (pass when one
// passes, as a receiver has it; else the first one's) and the signatures
// that do not pass, as "s1@example.com permerror".
func dkimToday(sigs []dkim.Result) (Outcome, []string) {
	var now Outcome
	var failed []string
	for _, r := range sigs {
		if r.Result == dkim.Pass {
			now = OutcomePass
			continue
		}
		failed = append(failed, r.Selector+"@"+r.Domain+" "+string(r.Result))
		if now == "" {
			now = Outcome(r.Result)
		}
	}
	return now, failed
}

// explanations are the explanations of one check's then-vs-now rows,
// those that changed or do not pass today first; a signature's row names
// it.
func (r *HeadersReport) explanations(check finding.Part) []string {
	var first, rest []string
	for _, row := range r.ThenVsNow {
		if row.Check != check {
			continue
		}
		text := row.Explanation
		if !row.Subject.IsZero() {
			text = row.Subject.String() + ": " + text
		}
		if row.Changed || row.Now != OutcomePass {
			first = append(first, text)
		} else {
			rest = append(rest, text)
		}
	}
	return append(first, rest...)
}
