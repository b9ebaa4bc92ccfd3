package diag

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/mxray/mxray/diag/dkim"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/spfcheck"
	"github.com/mxray/mxray/headers"
	"github.com/mxray/mxray/headers/authres"
	"github.com/mxray/mxray/spf"
)

// ThenNow is one check as the receiver recorded it at delivery and as DNS
// decides it today, with the difference explained in words.
type ThenNow struct {
	Check       finding.Part    // "check": PartSPF, PartDKIM, PartDMARC or PartARC
	Subject     finding.Subject // "subject": for dkim, the signature ("d=… s=…")
	Then        Outcome         // "then": the receiver's result word; "" when it recorded none
	Now         Outcome         // "now": mxray's result today; "" when it could not check
	Changed     bool            // "changed": both known and different
	Explanation string          // "explanation"
}

// MarshalJSON writes {check, subject, then, now, changed, explanation},
// the subject as text and left out when there is none.
func (t ThenNow) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Check       finding.Part `json:"check"`
		Subject     string       `json:"subject,omitempty"`
		Then        Outcome      `json:"then"`
		Now         Outcome      `json:"now"`
		Changed     bool         `json:"changed"`
		Explanation string       `json:"explanation"`
	}{t.Check, t.Subject.String(), t.Then, t.Now, t.Changed, t.Explanation})
}

// thenVsNow builds one row per check: spf, each DKIM signature, dmarc, arc.
// log is the re-check's DNS log, for what each server answered.
func thenVsNow(a *headers.Analysis, rc *Recheck, log []dnsclient.LogEntry) []ThenNow {
	var rows []ThenNow
	rows = append(rows, spfRow(a, rc.SPF, log))
	for i := range rc.DKIM {
		rows = append(rows, dkimRow(a, &rc.DKIM[i]))
	}
	rows = append(rows, dmarcRow(a, rc))
	if a.Receiver.ARC != "" || a.ARCChain.Instances > 0 || rc.ARC != nil {
		rows = append(rows, arcRow(a, rc.ARC))
	}
	for i := range rows {
		rows[i].Changed = rows[i].Then != "" && rows[i].Now != "" && rows[i].Then != rows[i].Now
	}
	return rows
}

func failing(word Outcome) bool {
	switch word {
	case OutcomeFail, OutcomeSoftFail, OutcomeNeutral, OutcomeNone, OutcomePermError:
		return true
	}
	return false
}

func spfRow(a *headers.Analysis, s *SPFRecheck, log []dnsclient.LogEntry) ThenNow {
	row := ThenNow{Check: finding.PartSPF, Then: Outcome(a.Receiver.SPF), Now: Outcome(s.Result)}
	then, now := row.Then, row.Now
	var why string
	switch {
	case s.Skipped != "":
		why = "Not re-checked: " + s.Skipped + "."
	case then == "":
		why = fmt.Sprintf("The receiver recorded no SPF result; today %s for %s is %s.", s.Domain, s.IP, now)
	case now == "temperror":
		why = "SPF could not be checked today because of DNS trouble (" + s.Error + "); the verdict at delivery cannot be confirmed."
	case then == now:
		why = "Same as at delivery."
		if s.Matched != nil {
			why += " Decided by " + s.Matched.Term + " in " + s.Matched.RecordDomain + "."
		}
	case then == "pass" && (now == "fail" || now == "softfail" || now == "neutral"):
		why = fmt.Sprintf("SPF passed at delivery but is %s today for %s: no term of today's record of %s allows it.", now, s.IP, s.Domain) + guess(fmt.Sprintf("the record changed after delivery, or %s left an include that allowed it.", s.IP))
	case then == "pass" && now == "none":
		seen := observedTXT(log, s.Domain)
		if seen == "" {
			seen = "DNS answers no SPF record for " + s.Domain
		}
		why = fmt.Sprintf("SPF passed at delivery; %s today, so SPF is none.", seen) + guess("the record was removed or replaced after delivery.")
	case then == "pass" && now == "permerror":
		why = fmt.Sprintf("SPF passed at delivery, but the record of %s is broken today (%s): every receiver now gets permerror.", s.Domain, s.Error)
	case now == "pass" && then == "temperror":
		why = "At delivery the receiver hit DNS trouble (temperror); today SPF passes."
	case now == "pass" && then == "permerror":
		why = "At delivery the record was broken (permerror); it has been fixed since."
	case now == "pass":
		why = fmt.Sprintf("SPF %s at delivery but passes today (decided by %s).", then, matchedTerm(s.Matched)) + guess("the record was changed after delivery, or the receiver checked another IP or envelope sender.")
	default:
		why = fmt.Sprintf("SPF was %s at delivery and is %s today.", then, now) + guess(fmt.Sprintf("the record of %s changed since.", s.Domain))
	}
	if forwarder, ok := arcSPFPass(a); ok && failing(then) {
		why += fmt.Sprintf(" SPF failed at the final hop, but ARC shows it passed at the forwarder (%s): forwarding breaks SPF, and ARC carries the forwarder's verdict.", forwarder)
	}
	row.Explanation = why
	return row
}

func matchedTerm(m *spf.Match) string {
	if m == nil {
		return "no term"
	}
	return m.Term + " in " + m.RecordDomain
}

// arcSPFPass reports whether the first ARC sealer recorded an SPF pass, and
// who it was.
func arcSPFPass(a *headers.Analysis) (string, bool) {
	for _, set := range a.ARC {
		if set.Instance != 1 {
			continue
		}
		for _, r := range set.Results {
			if r.Method == "spf" && r.Result == authres.ResultPass {
				return set.AuthServID, true
			}
		}
	}
	return "", false
}

// receiverDKIM finds what the receiver recorded for one signature: its own
// trusted dkim results, matched by header.b when it gave one, else by d=
// and s=.
func receiverDKIM(a *headers.Analysis, r *dkim.Result) Outcome {
	var best Outcome
	for _, e := range a.AuthenticationResults {
		if !e.Trusted || e.Method != "dkim" {
			continue
		}
		p := e.Properties
		d := p["header.d"]
		if d == "" {
			if i := p["header.i"]; strings.Contains(i, "@") {
				d = i[strings.LastIndex(i, "@")+1:]
			}
		}
		if !sameDomain(d, r.Domain) {
			continue
		}
		if s := p["header.s"]; s != "" && s != r.Selector {
			continue
		}
		if b := p["header.b"]; b != "" {
			if r.MatchesHeaderB(b) {
				return Outcome(e.Result)
			}
			continue
		}
		if best == "" {
			best = Outcome(e.Result)
		}
	}
	return best
}

func dkimRow(a *headers.Analysis, r *dkim.Result) ThenNow {
	row := ThenNow{Check: finding.PartDKIM, Subject: finding.Signature(r.Domain, r.Selector), Then: receiverDKIM(a, r), Now: Outcome(r.Result)}
	if r.Cause == dkim.CausePasteRepaired {
		// Not checked today: the paste's repair, not DNS, decided it.
		row.Now = ""
		row.Explanation = "C" + strings.TrimPrefix(r.Reason, "c")
		return row
	}
	then, now := row.Then, row.Now
	how := "verified from headers alone"
	switch r.BodyHash {
	case dkim.BodyHashPass:
		how = "verified with the body"
	case dkim.BodyHashNotChecked:
		how = "verified from headers alone (no body: body hash not checked)"
	}
	var why string
	switch {
	case now == "pass" && (then == "pass" || then == ""):
		why = "Passes today, " + how + "."
		if then == "" {
			why = "The receiver recorded no result for this signature. " + why
		}
	case now == "pass":
		why = fmt.Sprintf("DKIM %s at delivery but passes today (%s): the key was published after delivery, or the receiver saw a different copy of the message.", then, how)
	case then == "pass":
		why = "DKIM passed at delivery; " + dkimNow(r)
	case then == "":
		why = "The receiver recorded no result for this signature. " + dkimNow(r)
	default:
		why = fmt.Sprintf("Failed at delivery (%s); %s", then, dkimNow(r))
	}
	row.Explanation = why
	return row
}

func dmarcRow(a *headers.Analysis, rc *Recheck) ThenNow {
	row := ThenNow{Check: finding.PartDMARC, Then: Outcome(a.Receiver.DMARC)}
	if rc.DMARC == nil {
		row.Explanation = "Not re-checked: the header has no From domain."
		return row
	}
	ev := rc.DMARC
	row.Now = Outcome(ev.Result)
	then, now := row.Then, row.Now
	switch {
	case then == "":
		row.Explanation = "The receiver recorded no DMARC result. Today: " + ev.Reason
	case then == now:
		row.Explanation = "Same as at delivery. " + ev.Reason
	case then == "pass" && now == "fail":
		row.Explanation = "DMARC passed at delivery but fails today: " + ev.Reason + " " + changedInputs(rc)
	case now == "pass":
		row.Explanation = fmt.Sprintf("DMARC %s at delivery but passes today: %s", then, ev.Reason)
	default:
		row.Explanation = fmt.Sprintf("DMARC was %s at delivery and is %s today: %s", then, now, ev.Reason)
	}
	return row
}

// changedInputs says which aligned identifier is missing today.
func changedInputs(rc *Recheck) string {
	var parts []string
	if rc.SPF != nil && rc.SPF.Result != spf.Pass {
		parts = append(parts, fmt.Sprintf("SPF is %s today", orNone(string(rc.SPF.Result))))
	}
	for _, d := range rc.DKIM {
		if d.Result != dkim.Pass {
			parts = append(parts, fmt.Sprintf("DKIM d=%s s=%s is %s today", d.Domain, d.Selector, d.Result))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "(" + strings.Join(parts, "; ") + ")."
}

// recheckFindings turns what changed, and what fails today, into findings.
func recheckFindings(a *headers.Analysis, rc *Recheck, rows []ThenNow) []finding.Finding {
	var fs []finding.Finding
	add := func(sev finding.Severity, code string, subject finding.Subject, msg, fix string) {
		fs = append(fs, finding.Finding{Severity: sev, Code: code, Part: finding.PartHeaders, Subject: subject, Message: msg, Fix: fix, Home: finding.PartThenNow})
	}
	for _, r := range rows {
		if !r.Changed || r.Then != "pass" {
			continue
		}
		switch r.Check {
		case finding.PartSPF:
			add(finding.Warning, "recheck.spf_changed", finding.Subject{}, r.Explanation,
				"Compare the SPF record with the one in place at delivery; add the sending service back if it was dropped by mistake.")
		case finding.PartDKIM:
			d := dkimOf(rc, r.Subject)
			if d == nil {
				break
			}
			if _, ok := rejected(d); ok {
				break // its own finding, below
			}
			add(finding.Warning, "recheck.dkim_changed", r.Subject, r.Explanation, changedFix(d))
		case finding.PartDMARC:
			add(finding.Warning, "recheck.dmarc_changed", finding.Subject{}, r.Explanation,
				"Find which of SPF and DKIM stopped aligning (rows above) and fix that record.")
		}
	}
	for i := range rc.DKIM {
		d := &rc.DKIM[i]
		if p, ok := rejected(d); ok {
			row := dkimRow(a, d)
			add(p.severity, p.code, row.Subject, fmt.Sprintf("DKIM d=%s s=%s: %s", d.Domain, d.Selector, dkimNow(d)), p.fix)
		}
	}
	if c := rc.ARC; c != nil && c.Result == authres.CVFail && Outcome(a.Receiver.ARC) == OutcomePass {
		add(finding.Warning, "recheck.arc_changed", finding.Subject{}, "ARC passed at delivery but the chain fails today: "+c.Reason+".",
			"Look at the set that fails: a sealer's key gone from DNS changes nothing for mail already delivered, but a seal or message signature that does not verify means the ARC fields were changed after sealing (or in the copy pasted).")
	}
	if s := rc.SPF; s != nil && s.Verdict != nil {
		spfFs := s.Verdict.Findings()
		if s.shared {
			// The tree is the investigated domain's: its findings are in
			// that report; keep the evaluation's own.
			tree := s.Verdict.Tree().Findings()
			spfFs = slices.DeleteFunc(spfFs, func(f spf.Finding) bool { return slices.Contains(tree, f) })
		}
		fs = append(fs, spfcheck.Findings(spfFs)...)
	}
	if ev := rc.DMARC; ev != nil && ev.Result == "fail" && (ev.RequestedPolicy == "reject" || ev.RequestedPolicy == "quarantine") {
		add(finding.Error, "recheck.dmarc_fail", finding.Domain(a.FromDomain),
			fmt.Sprintf("A receiver checking this message today would fail DMARC for %s and apply p=%s: %s", a.FromDomain, ev.RequestedPolicy, ev.Reason),
			"Make the sender's mail pass SPF or DKIM with the From domain aligned: sign with d="+a.FromDomain+" (or a subdomain under relaxed alignment), or send from a server its SPF record lists with a matching envelope domain.")
	}
	return fs
}

// dkimOf finds the re-check of the signature a row names.
func dkimOf(rc *Recheck, subject finding.Subject) *dkim.Result {
	for i := range rc.DKIM {
		d := &rc.DKIM[i]
		if finding.Signature(d.Domain, d.Selector) == subject {
			return d
		}
	}
	return nil
}
