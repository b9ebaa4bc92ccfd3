package readiness

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/render"
)

// Doc lays the result out for diag/render's text and Markdown writers,
// which sanitise every string (report files are attacker-controlled).
func (r *Result) Doc() *render.Doc {
	d := &render.Doc{}
	d.Heading(1, "DMARC aggregate reports")
	d.Para(fmt.Sprintf("%s from %s: %s in %s, %s.", Count(int64(r.Totals.Reports), "report"), Count(int64(r.Totals.Files), "file"),
		Count(r.Totals.Messages, "message"), Count(r.Totals.Rows, "row"), Count(int64(r.Totals.Errors), "problem")+" reading"))
	for _, rd := range r.Readiness {
		d.Heading(2, "Readiness of "+rd.Domain)
		d.Para(readinessLine(rd))
		if len(rd.Failing) > 0 {
			rows := make([][]string, 0, len(rd.Failing))
			var fixes []string
			for i, f := range rd.Failing {
				rows = append(rows, []string{strconv.Itoa(i + 1), orDash(f.Service), f.IP, Thousands(f.Failing), Thousands(f.Messages), string(f.Action)})
				fixes = append(fixes, fmt.Sprintf("%d. %s", i+1, f.Fix))
			}
			d.Table([]string{"#", "Service", "IP", "Failing", "Messages", "Action"}, rows)
			d.List(fixes...)
		}
	}
	if len(r.Sources) > 0 {
		d.Heading(2, "Sources")
		rows := make([][]string, 0, len(r.Sources))
		for _, s := range r.Sources {
			rows = append(rows, []string{s.Domain, s.IP, orDash(deref(s.PTR)), serviceText(s), Thousands(s.Messages),
				Percent(s.DMARCPass, s.Messages), Percent(s.DKIMAligned, s.Messages), Percent(s.SPFAligned, s.Messages)})
		}
		d.Table([]string{"Domain", "IP", "PTR", "Service", "Messages", "DMARC pass", "DKIM aligned", "SPF aligned"}, rows)
	}
	if len(r.Reports) > 0 {
		d.Heading(2, "Reports")
		rows := make([][]string, 0, len(r.Reports))
		for _, rep := range r.Reports {
			id := rep.ReportID
			if rep.Duplicate {
				id += " (duplicate)"
			}
			rows = append(rows, []string{rep.OrgName, id, period(rep), rep.Domain, string(rep.Schema), orDash(string(rep.Policy)), Thousands(rep.Rows), Thousands(rep.Messages)})
		}
		d.Table([]string{"Reporter", "Report ID", "Period", "Domain", "Schema", "p", "Rows", "Messages"}, rows)
	}
	d.Heading(2, "Findings")
	if len(r.Findings) == 0 {
		d.Para("No problems found.")
	} else {
		items := make([]string, len(r.Findings))
		for i, f := range r.Findings {
			items[i] = fmt.Sprintf("%s %s: %s Fix: %s", strings.ToUpper(string(f.Severity)), f.Code, f.Message, f.Fix)
		}
		d.List(items...)
	}
	return d
}

// readinessLine is the answer in one paragraph.
func readinessLine(rd Readiness) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%.1f%% of %s pass DMARC.", rd.PassShare*100, Count(rd.Messages, "message"))
	nFix, nLeave := 0, 0
	for _, f := range rd.Failing {
		if f.Action.NeedsFix() {
			nFix++
		} else {
			nLeave++
		}
	}
	if rd.Ready {
		b.WriteString(" Every failing source looks like forwarding or spoofing: ready for an enforcing policy (p=quarantine, then p=reject).")
	} else {
		fmt.Fprintf(&b, " Before p=reject: %s (%s) must be fixed.", Count(int64(nFix), "source"), Count(rd.FixMessages, "message"))
	}
	if nLeave > 0 {
		fmt.Fprintf(&b, " %s (%s) should keep failing: forwarding or spoofing.", Count(int64(nLeave), "source"), Count(rd.LeaveMessages, "message"))
	}
	return b.String()
}

// serviceText is "SendGrid (include:sendgrid.net)".
func serviceText(s SourceJSON) string {
	name := deref(s.Service)
	if s.AuthorisedBy != nil {
		if name == "" {
			return *s.AuthorisedBy
		}
		return name + " (" + *s.AuthorisedBy + ")"
	}
	return orDash(name)
}

// SourceLine reads a source the way a person says it: "SendGrid
// (include:sendgrid.net): 12,400 messages, DKIM aligned, SPF not aligned".
func SourceLine(s SourceJSON) string {
	who := serviceText(s)
	if who == "-" {
		who = s.IP
	}
	return fmt.Sprintf("%s: %s, DKIM %s, SPF %s", who, Count(s.Messages, "message"), alignWord(s.DKIMAligned, s.Messages), alignWord(s.SPFAligned, s.Messages))
}

func alignWord(n, of int64) string {
	switch {
	case of > 0 && n == of:
		return "aligned"
	case n == 0:
		return "not aligned"
	}
	return "aligned for " + Percent(n, of)
}

func period(rep ReportJSON) string {
	if rep.Begin == nil || rep.End == nil {
		return "-"
	}
	b, e := *rep.Begin, *rep.End
	if len(b) >= 10 && len(e) >= 10 && b[:10] == e[:10] {
		return b[:10]
	}
	return b[:min(10, len(b))] + " to " + e[:min(10, len(e))]
}

// Percent is n as a share of of, to one decimal ("72.3%"); "-" when of
// is 0.
func Percent(n, of int64) string {
	if of == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", float64(n)*100/float64(of))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Count is "1 message", "12,400 messages".
func Count(n int64, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return Thousands(n) + " " + word + "s"
}

// Thousands groups digits: 12400 is "12,400".
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// HasError reports whether the result has an error-severity finding (exit
// status 1).
func (r *Result) HasError() bool { return finding.HasError(r.Findings) }
