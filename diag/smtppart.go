package diag

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/policy"
	"github.com/mxray/mxray/diag/ptrcheck"
	"github.com/mxray/mxray/diag/smtp"
)

// SMTPTargets are the addresses a probe of a domain's mail servers
// visits, in the MX table's order: each MX host's addresses with their
// reverse DNS as the MX check found it, or, for a domain without MX
// records, its own addresses (RFC 5321 §5.1), probed under its name.
func SMTPTargets(domain string, mx *MXReport) []smtp.Target {
	if mx == nil {
		return nil
	}
	var out []smtp.Target
	for _, h := range mx.Hosts {
		for _, a := range h.Addresses {
			out = append(out, smtp.Target{Host: h.Host, IP: a.IP, PTR: ReverseDNSOf(a)})
		}
	}
	for _, ip := range mx.Implicit {
		out = append(out, smtp.Target{Host: strings.TrimSuffix(domain, "."), IP: ip})
	}
	return out
}

// ReverseDNSOf is what the probe's banner check needs of a PTR check; nil
// when the PTR lookup failed, so the banner is not held against it.
func ReverseDNSOf(a ptrcheck.Result) *smtp.ReverseDNS {
	if a.Status.Temporary() || a.Error != "" {
		return nil
	}
	return &smtp.ReverseDNS{Names: a.PTR, FCrDNS: a.FCrDNS}
}

// NothingToProbe says why a domain's MX table gives no address to probe;
// "" when it gives some.
func NothingToProbe(mx *MXReport) string {
	switch {
	case mx == nil:
		return "the MX records are not known"
	case mx.NullMX:
		return "null MX (RFC 7505): the domain accepts no mail, so there is no server to probe"
	case mx.Status.Temporary():
		return "the MX lookup failed (" + string(mx.Status) + "): the mail servers are unknown"
	case len(SMTPTargets("", mx)) == 0:
		return "no MX host has an address to probe"
	}
	return ""
}

// STSPolicyOf is the MTA-STS policy an MTA-STS check fetched, for holding
// the probed servers against it; nil when there is none.
func STSPolicyOf(m *policy.MTASTSResult) *policy.STSPolicy {
	if m == nil || !m.Fetched {
		return nil
	}
	return m.Policy
}

// runSMTPPart is the smtp part of an investigation: it waits for the MX
// table (its addresses and their PTR), probes every address under the
// caller's context (each step bounded by the probe's own timeouts, not by
// the DNS deadline), and holds the results against the MTA-STS policy
// once that part is in. Its TLSA questions are leaves: they never lengthen
// the DNS critical path.
func runSMTPPart(ctx context.Context, inv *investigation, o smtp.Options) *smtp.Report {
	var mx *MXReport
	select {
	case mx = <-inv.mx:
	case <-ctx.Done():
	}
	if mx == nil || over(ctx) {
		// An MX part that ran into the deadline failed for that reason,
		// not the domain's: the investigation drops it, and so does this.
		return &smtp.Report{Results: []smtp.Result{}, Note: "the MX records were not known before the DNS deadline"}
	}
	if why := NothingToProbe(mx); why != "" {
		return &smtp.Report{Results: []smtp.Result{}, Note: why}
	}
	return smtp.ProbeReport(inv.parent, SMTPTargets(inv.domain, mx), o, func() *policy.STSPolicy {
		select {
		case m := <-inv.mtasts:
			return STSPolicyOf(m)
		case <-ctx.Done():
			return nil
		}
	}, time.Now())
}

// WithSMTP returns a copy of the report holding s as its SMTP part, its
// findings gathered again: for a caller that probed on its own (the
// workbench's pane) and writes the report.
func (r *Report) WithSMTP(s *smtp.Report) *Report {
	c := r.clone()
	c.SMTP = s
	c.Findings = c.collectFindings()
	return c
}

func smtpVerdict(r *Report, worst finding.Severity) PartVerdict {
	s := r.SMTP
	if len(s.Results) == 0 {
		return absent("none", worst, s.Note)
	}
	counts := map[smtp.Status]int{}
	var order []smtp.Status
	tlsa, match := 0, 0
	for _, res := range s.Results {
		if counts[res.Status] == 0 {
			order = append(order, res.Status)
		}
		counts[res.Status]++
		if len(res.DANE.TLSA) > 0 {
			tlsa++
			if res.DANE.Match != nil && *res.DANE.Match {
				match++
			}
		}
	}
	n := len(s.Results)
	if counts[smtp.StatusBlockedHere] == n {
		return PartVerdict{Tone: ToneUnknown, Word: "blocked here", Facts: []string{"port 25 is blocked from this network"}}
	}
	word := "ok"
	if counts[smtp.StatusOK] != n {
		word = fmt.Sprintf("%d/%d ok", counts[smtp.StatusOK], n)
	}
	var facts []string
	for _, st := range order {
		if st != smtp.StatusOK {
			facts = append(facts, fmt.Sprintf("%d %s", counts[st], st))
		}
	}
	if tlsa > 0 {
		facts = append(facts, fmt.Sprintf("DANE %d/%d", match, tlsa))
	}
	if len(facts) == 0 {
		facts = append(facts, addresses(n))
	}
	return ok(word, worst, facts...)
}

// addresses counts addresses in words.
func addresses(n int) string {
	if n == 1 {
		return "1 address"
	}
	return fmt.Sprintf("%d addresses", n)
}

// SMTPStatusTone is how a probed address's verdict reads: ok passes; a
// tarpit, a missing STARTTLS or a certificate senders would refuse warns
// (most senders still deliver); refused, unreachable and a failed
// handshake fail; blocked_here (this network, not the server) and error
// (the probe could not finish or the server broke the protocol) are
// unknown.
func SMTPStatusTone(s smtp.Status) Tone {
	switch s {
	case smtp.StatusOK:
		return TonePass
	case smtp.StatusTarpit, smtp.StatusNoSTARTTLS, smtp.StatusCertInvalid:
		return ToneWarn
	case smtp.StatusRefused, smtp.StatusUnreachable, smtp.StatusTLSError:
		return ToneFail
	}
	return ToneUnknown
}
