package readiness

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/mxray/mxray/diag/dmarcreport"
	"github.com/mxray/mxray/diag/finding"
)

// newFinding is the one place report findings are built.
func newFinding(sev finding.Severity, code string, subject finding.Subject, message, fix string) finding.Finding {
	return finding.Finding{Severity: sev, Code: code, Message: message, Fix: fix, Part: finding.PartReports, Subject: subject}
}

// sourceSubject names a source by its address, or in words when the
// report's source_ip was not one.
func sourceSubject(text string) finding.Subject {
	if ip, err := netip.ParseAddr(text); err == nil {
		return finding.IP(ip)
	}
	return finding.Text(text)
}

// problemSeverity ranks what a report got wrong: lies about the data are
// warnings, missing decoration is info.
func problemSeverity(code string) finding.Severity {
	switch code {
	case "report.negative_count", "report.absurd_count", "report.end_before_begin", "report.bad_count",
		"report.bad_date_range", "report.too_many_sources", "report.bad_source_ip":
		return finding.Warning
	}
	return finding.Info
}

// findings lists what the reports say beyond the sources.
func findings(s *dmarcreport.Set, res *Result, o Options) []finding.Finding {
	var fs []finding.Finding
	for _, e := range s.Errors() {
		fs = append(fs, newFinding(finding.Error, "reports.unreadable", finding.File(e.File), e.Error(),
			"Check that the file is a DMARC aggregate report (XML, gzip, zip, or an email holding one); the other files were read."))
	}
	newest := map[string]*dmarcreport.Report{}
	for _, rep := range s.Reports() {
		name := finding.Report(reportName(rep))
		if rep.Duplicate {
			fs = append(fs, newFinding(finding.Info, "reports.duplicate", name,
				fmt.Sprintf("Report %s from %s was read twice (%s); its rows were counted once.", rep.ReportID, rep.OrgName, where(rep)), "Nothing to do."))
			continue
		}
		fs = append(fs, problemFindings(rep, name)...)
		for _, t := range rep.Errors {
			fs = append(fs, newFinding(finding.Warning, "reports.receiver_error", name,
				fmt.Sprintf("%s reports an error with %s's policy: %s", rep.OrgName, rep.Published.Domain, t),
				"Check the DMARC record the receiver means (see the DMARC view)."))
		}
		if rep.Begin > 0 && rep.End > rep.Begin && rep.End-rep.Begin > 25*3600 {
			fs = append(fs, newFinding(finding.Info, "reports.long_period", name,
				fmt.Sprintf("Report %s from %s covers %.1f days; receivers normally report one UTC day (RFC 9990 §2.1; RFC 7489's ri default of 86400 s).", rep.ReportID, rep.OrgName, float64(rep.End-rep.Begin)/86400),
				"Nothing to do; its counts are spread over the whole period."))
		}
		if cur := newest[rep.Published.Domain]; cur == nil || rep.End > cur.End {
			newest[rep.Published.Domain] = rep
		}
	}
	for d, rep := range newest {
		name := reportName(rep)
		if end := time.Unix(rep.End, 0); rep.End > 0 && o.Now.Sub(end) > o.StaleAfter {
			fs = append(fs, newFinding(finding.Info, "reports.stale", finding.Domain(d),
				fmt.Sprintf("The newest report for %s ended %s, %d days ago: today's DNS and senders may differ from what it shows.", d, end.UTC().Format("2006-01-02"), int(o.Now.Sub(end).Hours()/24)),
				"Read recent reports before changing the policy."))
		}
		p := rep.Published
		if p.Testing == "y" {
			fs = append(fs, newFinding(finding.Warning, "reports.testing", finding.Domain(d),
				fmt.Sprintf("%s saw %s's policy in testing mode (t=y): receivers applied one level less than p=%s.", rep.OrgName, d, p.P),
				"Remove t=y when the failing sources are fixed."))
		}
		if p.Pct >= 0 && p.Pct < 100 && p.P != dmarcreport.PolicyNone {
			fs = append(fs, newFinding(finding.Warning, "reports.pct", finding.Domain(d),
				fmt.Sprintf("%s saw pct=%d for %s: RFC 7489 receivers applied p=%s to only %d%% of failing mail; RFC 9989 removed pct and applies the policy to all of it.", rep.OrgName, p.Pct, d, p.P, p.Pct),
				"Plan for the policy applying to all failing mail; use t=y instead of pct for a trial."))
		}
		if t, ok := o.Today[d]; ok {
			if diff := policyDiff(p, t); diff != "" {
				fs = append(fs, newFinding(finding.Warning, "reports.policy_differs", finding.Domain(d),
					fmt.Sprintf("The newest report (%s) saw a different DMARC policy for %s than DNS publishes today: %s.", name, d, diff),
					"Read the reports as describing the old policy; check newer reports after the change."))
			}
		}
	}
	for _, r := range res.Readiness {
		for _, f := range r.Failing {
			switch {
			case f.Action.NeedsFix():
				fs = append(fs, newFinding(finding.Warning, "reports.source_fails", sourceSubject(f.IP),
					fmt.Sprintf("%s (%s) sent %s as %s that failed DMARC.", label(f), f.IP, Count(f.Failing, "message"), r.Domain), f.Fix))
			case f.Action == ActionSpoofing:
				fs = append(fs, newFinding(finding.Info, "reports.spoofing", sourceSubject(f.IP),
					fmt.Sprintf("%s sent %s as %s that failed DMARC and look like spoofing.", f.IP, Count(f.Failing, "message"), r.Domain), f.Fix))
			case f.Action == ActionForwarding:
				fs = append(fs, newFinding(finding.Info, "reports.forwarding", sourceSubject(f.IP),
					fmt.Sprintf("%s (%s) relayed %s from %s that failed DMARC; they look forwarded.", label(f), f.IP, Count(f.Failing, "message"), r.Domain), f.Fix))
			}
		}
	}
	return fs
}

// problemFindings groups one report's problems by code.
func problemFindings(rep *dmarcreport.Report, name finding.Subject) []finding.Finding {
	type group struct {
		first dmarcreport.Problem
		n     int
	}
	var order []string
	groups := map[string]*group{}
	for _, p := range rep.Problems {
		g := groups[p.Code]
		if g == nil {
			g = &group{first: p}
			groups[p.Code] = g
			order = append(order, p.Code)
		}
		g.n++
	}
	var fs []finding.Finding
	for _, c := range order {
		g := groups[c]
		msg := fmt.Sprintf("Report %s (%s): %s", rep.ReportID, where(rep), g.first.Message)
		if g.first.Line > 0 {
			msg += fmt.Sprintf(" (line %d)", g.first.Line)
		}
		if g.n > 1 {
			msg += fmt.Sprintf("; %d times in this report", g.n)
		}
		msg += "."
		fs = append(fs, newFinding(problemSeverity(c), "reports."+strings.TrimPrefix(c, "report."), name, msg,
			"The receiver's report is wrong here; this data was not trusted. Tell the receiver if it persists."))
	}
	return fs
}

// policyDiff words how a report's policy_published differs from today's.
func policyDiff(p dmarcreport.Published, t Today) string {
	if !t.Found {
		return "no DMARC record applies today"
	}
	var d []string
	cmpWord := func(tag, then, now, def string) {
		if then == "" {
			then = def
		}
		if now == "" {
			now = def
		}
		if then != now {
			d = append(d, fmt.Sprintf("%s was %s, now %s", tag, then, now))
		}
	}
	cmpWord("p", string(p.P), string(t.P), "none")
	if p.SP != "" {
		cmpWord("sp", string(p.SP), string(t.SP), string(t.P))
	}
	if p.NP != "" {
		cmpWord("np", string(p.NP), string(t.NP), string(t.SP))
	}
	if p.ADKIM != "" {
		cmpWord("adkim", p.ADKIM, t.ADKIM, "r")
	}
	if p.ASPF != "" {
		cmpWord("aspf", p.ASPF, t.ASPF, "r")
	}
	if p.Testing != "" {
		now := "n"
		if t.Testing {
			now = "y"
		}
		cmpWord("t", p.Testing, now, "n")
	}
	if p.Pct >= 0 {
		now := t.Pct
		if now < 0 {
			now = 100
		}
		if p.Pct != now {
			d = append(d, fmt.Sprintf("pct was %d, now %d", p.Pct, now))
		}
	}
	return strings.Join(d, ", ")
}

// reportName names a report for a finding's subject.
func reportName(rep *dmarcreport.Report) string {
	if rep.OrgName != "" && rep.ReportID != "" {
		return rep.OrgName + " " + rep.ReportID
	}
	return where(rep)
}

// where is the file and members a report came from.
func where(rep *dmarcreport.Report) string {
	return strings.Join(append([]string{rep.File}, rep.Member...), ": ")
}

func label(f FailingSource) string {
	if f.Service != "" {
		return f.Service
	}
	return "An unnamed sender"
}
