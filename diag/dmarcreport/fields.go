package dmarcreport

import (
	"bytes"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// word trims and lower-cases a result word: receivers write "Pass" and
// " none\n". The words of the schemas come back without allocating.
func word(b []byte) string {
	b = bytes.TrimSpace(b)
	var low [20]byte
	if len(b) > len(low) {
		return strings.ToLower(string(b))
	}
	l := low[:len(b)]
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		l[i] = c
	}
	switch string(l) {
	case "pass":
		return "pass"
	case "fail":
		return "fail"
	case "none":
		return "none"
	case "neutral":
		return "neutral"
	case "softfail":
		return "softfail"
	case "policy":
		return "policy"
	case "temperror":
		return "temperror"
	case "permerror":
		return "permerror"
	case "quarantine":
		return "quarantine"
	case "reject":
		return "reject"
	case "mfrom":
		return "mfrom"
	case "helo":
		return "helo"
	case "":
		return ""
	}
	return string(l)
}

// domainText normalises a domain: trimmed, lower case, no trailing dot.
func domainText(b []byte) string {
	s := word(b)
	return strings.TrimSuffix(s, ".")
}

// text trims free text.
func text(b []byte) string { return string(bytes.TrimSpace(b)) }

// parseTime reads a date_range value: seconds since the epoch, sometimes
// written with a fraction ("1504742400.0").
func parseTime(b []byte) (int64, bool) {
	s := strings.TrimSpace(string(b))
	if i := strings.IndexByte(s, '.'); i > 0 && strings.Trim(s[i+1:], "0123456789") == "" {
		s = s[:i]
	}
	v, err := strconv.ParseInt(s, 10, 64)
	return v, err == nil
}

// parseIP reads a source_ip in the forms receivers write: IPv4, IPv6 in
// any RFC 4291 form, an RFC 3986 IP-literal in brackets, an "IPv6:"
// prefix (RFC 5321 address literal), an IPv4-mapped IPv6 address (taken as
// the IPv4 client), and IPv4 with leading zeros in its octets.
func parseIP(b []byte) (netip.Addr, bool) {
	b = bytes.TrimSpace(b)
	if a, err := netip.ParseAddr(string(b)); err == nil && a.Zone() == "" && !a.Is4In6() {
		return a, true
	}
	s := string(b)
	s = strings.TrimPrefix(strings.TrimSuffix(s, "]"), "[")
	if len(s) > 5 && strings.EqualFold(s[:5], "ipv6:") {
		s = s[5:]
	}
	if a, err := netip.ParseAddr(s); err == nil {
		if a.Zone() != "" {
			return netip.Addr{}, false
		}
		return a.Unmap(), true
	}
	// 192.000.002.001: leading zeros, which netip refuses as ambiguous
	// octal; reports mean decimal.
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return netip.Addr{}, false
	}
	var v4 [4]byte
	for i, p := range parts {
		n, err := strconv.ParseUint(p, 10, 8)
		if err != nil || p == "" || len(p) > 3 {
			return netip.Addr{}, false
		}
		v4[i] = byte(n)
	}
	return netip.AddrFrom4(v4), true
}

// fillReport turns the metadata read so far into rep's fields, noting
// what is missing or wrong.
func fillReport(rep *Report, rr *reportReader) {
	m, p := &rr.meta, &rr.pub
	rep.OrgName = text(m.org)
	rep.Email = text(m.email)
	rep.Generator = text(m.generator)
	if rep.OrgName == "" {
		if at := strings.LastIndexByte(rep.Email, '@'); at >= 0 && at < len(rep.Email)-1 {
			rep.OrgName = rep.Email[at+1:]
		} else {
			rr.problem("report.no_org_name", 0, "the report names no reporting organisation (org_name)")
		}
	}
	rep.ReportID = strings.TrimSuffix(strings.TrimPrefix(text(m.id), "<"), ">")
	if rep.ReportID == "" {
		rr.problem("report.no_report_id", 0, "the report has no report_id")
	}
	var okB, okE bool
	rep.Begin, okB = parseTime(m.begin)
	rep.End, okE = parseTime(m.end)
	switch {
	case !okB || !okE:
		rr.problem("report.bad_date_range", 0, fmt.Sprintf("the date_range is missing or not a number (begin %q, end %q)", clip(text(m.begin)), clip(text(m.end))))
	case rep.End < rep.Begin:
		rr.problem("report.end_before_begin", 0, fmt.Sprintf("the report period ends (%d) before it begins (%d)", rep.End, rep.Begin))
	case rep.Begin < 0:
		rr.problem("report.bad_date_range", 0, fmt.Sprintf("the report period begins before 1970 (%d)", rep.Begin))
	}

	pub := &rep.Published
	pub.Domain = domainText(p.domain)
	if pub.Domain == "" {
		rr.problem("report.no_domain", 0, "policy_published has no domain; rows are kept under their header_from domain")
	}
	pub.P = policyWord(rr, "p", p.p, true)
	pub.SP = policyWord(rr, "sp", p.sp, false)
	pub.NP = policyWord(rr, "np", p.np, false)
	pub.ADKIM, pub.ASPF = word(p.adkim), word(p.aspf)
	pub.FO, pub.Testing, pub.DiscoveryMethod = text(p.fo), word(p.testing), word(p.disc)
	pub.Pct = -1
	if rr.hasPct && len(bytes.TrimSpace(p.pct)) > 0 {
		n, err := strconv.Atoi(strings.TrimSpace(string(p.pct)))
		if err != nil || n < 0 || n > 100 {
			rr.problem("report.bad_pct", 0, fmt.Sprintf("policy_published pct is %q, not 0-100", clip(text(p.pct))))
		} else {
			pub.Pct = n
		}
	}
	rep.Schema = SchemaRFC7489
	if rep.Namespace == Namespace9990 || rr.seen9990 {
		rep.Schema = SchemaRFC9990
	}
}

// policyWord reads p, sp or np.
func policyWord(rr *reportReader, tag string, b []byte, required bool) Policy {
	w := Policy(word(b))
	switch {
	case w == "" && required:
		rr.problem("report.no_policy", 0, "policy_published has no p")
	case w == "":
	case !validPolicy(w):
		rr.problem("report.bad_policy", 0, fmt.Sprintf("policy_published %s is %q, not none, quarantine or reject", tag, clip(string(w))))
		return ""
	}
	return w
}
