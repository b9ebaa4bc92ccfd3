package dmarc

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
)

func findingCodes(fs []finding.Finding) map[string]finding.Finding {
	out := map[string]finding.Finding{}
	for _, f := range fs {
		if f.Part != "dmarc" {
			panic("finding with part " + string(f.Part))
		}
		if f.Fix == "" || f.Message == "" {
			panic("finding without message or fix: " + f.Code)
		}
		out[f.Code] = f
	}
	return out
}

// TestCheckFindings runs whole checks and looks for the findings each zone
// must produce, and for those it must not.
func TestCheckFindings(t *testing.T) {
	tests := []struct {
		name   string
		zone   func(f *fakeDNS)
		domain string
		want   map[string]finding.Severity
		absent []string
	}{
		{
			name: "healthy",
			zone: func(f *fakeDNS) {
				f.TXT("_dmarc.example.com", "v=DMARC1; p=reject; rua=mailto:dmarc@example.com").A("example.com")
			},
			domain: "example.com",
			absent: []string{"dmarc.no_record", "dmarc.policy_none", "dmarc.no_rua", "dmarc.report_unauthorized", "dmarc.rfc7489_differs", "dmarc.walk_error"},
		},
		{
			name:   "no record",
			zone:   func(f *fakeDNS) { f.A("example.com") },
			domain: "example.com",
			want:   map[string]finding.Severity{"dmarc.no_record": finding.Error},
		},
		{
			name:   "record at the domain itself instead of _dmarc",
			zone:   func(f *fakeDNS) { f.TXT("example.com", "v=spf1 -all", "v=DMARC1; p=reject").A("example.com") },
			domain: "example.com",
			want:   map[string]finding.Severity{"dmarc.no_record": finding.Error, "dmarc.misplaced_record": finding.Error},
		},
		{
			name:   "zone name typed into the record name",
			zone:   func(f *fakeDNS) { f.TXT("_dmarc.example.com.example.com", "v=DMARC1; p=reject").A("example.com") },
			domain: "example.com",
			want:   map[string]finding.Severity{"dmarc.no_record": finding.Error, "dmarc.misplaced_record": finding.Error},
		},
		{
			name: "p=none, t=y, removed and unknown tags, no rua",
			zone: func(f *fakeDNS) {
				f.TXT("_dmarc.example.com", "v=DMARC1; p=none; pct=50; ruf=mailto:f@example.com; fo=1; rue=mailto:x@example.com").A("example.com")
			},
			domain: "example.com",
			want: map[string]finding.Severity{"dmarc.policy_none": finding.Warning, "dmarc.removed_tag": finding.Warning,
				"dmarc.unknown_tag": finding.Warning, "dmarc.no_rua": finding.Warning},
			absent: []string{"dmarc.testing", "dmarc.fo_without_ruf"},
		},
		{
			// pct=100 is what every receiver does anyway: a note, not a
			// warning. Before, it was a warning like pct=50.
			name: "pct=100",
			zone: func(f *fakeDNS) {
				f.TXT("_dmarc.example.com", "v=DMARC1; p=reject; pct=100; rua=mailto:d@example.com").A("example.com")
			},
			domain: "example.com",
			want:   map[string]finding.Severity{"dmarc.removed_tag": finding.Info},
		},
		{
			name: "testing",
			zone: func(f *fakeDNS) {
				f.TXT("_dmarc.example.com", "v=DMARC1; p=reject; t=y; rua=mailto:d@example.com").A("example.com")
			},
			domain: "example.com",
			want:   map[string]finding.Severity{"dmarc.testing": finding.Warning, "dmarc.rfc7489_differs": finding.Warning},
		},
		{
			name: "multiple records",
			zone: func(f *fakeDNS) {
				f.TXT("_dmarc.example.com", "v=DMARC1; p=reject", "v=DMARC1; p=none").A("example.com")
			},
			domain: "example.com",
			want:   map[string]finding.Severity{"dmarc.multiple_records": finding.Error, "dmarc.no_record": finding.Error},
		},
		{
			name:   "invalid p without rua",
			zone:   func(f *fakeDNS) { f.TXT("_dmarc.example.com", "v=DMARC1; p=block").A("example.com") },
			domain: "example.com",
			want:   map[string]finding.Severity{"dmarc.invalid_policy": finding.Error},
			absent: []string{"dmarc.syntax_error"},
		},
		{
			name:   "missing p",
			zone:   func(f *fakeDNS) { f.TXT("_dmarc.example.com", "v=DMARC1; rua=mailto:d@example.com").A("example.com") },
			domain: "example.com",
			want:   map[string]finding.Severity{"dmarc.missing_policy": finding.Warning},
		},
		{
			name: "weak subdomain policies",
			zone: func(f *fakeDNS) {
				f.TXT("_dmarc.example.com", "v=DMARC1; p=reject; sp=none; np=none; rua=mailto:d@example.com").A("example.com")
			},
			domain: "example.com",
			want:   map[string]finding.Severity{"dmarc.weak_subdomain_policy": finding.Warning},
		},
		{
			name: "sp at a record that is not an organizational domain",
			zone: func(f *fakeDNS) {
				f.TXT("_dmarc.mail.example.com", "v=DMARC1; p=reject; sp=reject; rua=mailto:d@example.com")
				f.TXT("_dmarc.example.com", "v=DMARC1; p=none; rua=mailto:d@example.com").A("mail.example.com")
			},
			domain: "mail.example.com",
			want:   map[string]finding.Severity{"dmarc.ignored_subdomain_policy": finding.Info},
		},
		{
			name: "error higher up the walk",
			zone: func(f *fakeDNS) {
				f.TXT("_dmarc.example.com", "v=DMARC1; p=reject; rua=mailto:d@example.com").A("a.example.com").Fail("_dmarc.com", dnsclient.StatusServFail)
			},
			domain: "a.example.com",
			want:   map[string]finding.Severity{"dmarc.walk_error": finding.Warning},
			absent: []string{"dmarc.no_record"},
		},
		{
			name: "public suffix record applies",
			zone: func(f *fakeDNS) {
				f.TXT("_dmarc.bank.example", "v=DMARC1; p=reject; psd=y; rua=mailto:d@bank.example").A("giant.bank.example")
			},
			domain: "giant.bank.example",
			want:   map[string]finding.Severity{"dmarc.public_suffix_policy": finding.Warning, "dmarc.psd_misused": finding.Warning},
		},
		{
			name: "obsolete size and non-mailto URI",
			zone: func(f *fakeDNS) {
				f.TXT("_dmarc.example.com", "v=DMARC1; p=reject; rua=mailto:d@example.com!10m,https://example.com/r").A("example.com")
			},
			domain: "example.com",
			want:   map[string]finding.Severity{"dmarc.report_size": finding.Info, "dmarc.report_uri_scheme": finding.Warning},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			tc.zone(f)
			res := Check(context.Background(), f, tc.domain)
			got := findingCodes(res.Findings)
			for code, sev := range tc.want {
				if g, ok := got[code]; !ok {
					t.Errorf("missing %s; got %v", code, keys(got))
				} else if g.Severity != sev {
					t.Errorf("%s severity %s, want %s", code, g.Severity, sev)
				}
			}
			for _, code := range tc.absent {
				if _, ok := got[code]; ok {
					t.Errorf("unexpected %s: %s", code, got[code].Message)
				}
			}
		})
	}
}

func keys(m map[string]finding.Finding) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestRemovedTagWording(t *testing.T) {
	f := newFake(t).TXT("_dmarc.example.com", "v=DMARC1; p=reject; pct=50; rua=mailto:d@example.com").A("example.com")
	res := Check(context.Background(), f, "example.com")
	fd, ok := findingCodes(res.Findings)["dmarc.removed_tag"]
	if !ok || !strings.Contains(fd.Message, "removed in RFC 9989; older receivers may still apply pct") {
		t.Errorf("removed_tag finding = %+v", fd)
	}
}

// TestCheckJSON pins the field names of the check contract.
func TestCheckJSON(t *testing.T) {
	f := newFake(t).TXT("_dmarc.example.com", "v=DMARC1; p=reject; sp=quarantine; np=reject; rua=mailto:d@example.com; ruf=mailto:f@example.com; fo=1; adkim=s").A("example.com")
	res := Check(context.Background(), f, "example.com")
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"record":        "v=DMARC1; p=reject; sp=quarantine; np=reject; rua=mailto:d@example.com; ruf=mailto:f@example.com; fo=1; adkim=s",
		"source_domain": "example.com", "org_domain": "example.com", "policy": "reject",
		"subdomain_policy": "quarantine", "nonexistent_policy": "reject", "adkim": "s", "aspf": "r",
		"fo": "1", "t": "n", "psd": "u",
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
	if rua, _ := m["rua"].([]any); len(rua) != 1 || rua[0] != "mailto:d@example.com" {
		t.Errorf("rua = %v", m["rua"])
	}
	if ruf, _ := m["ruf"].([]any); len(ruf) != 1 {
		t.Errorf("ruf = %v", m["ruf"])
	}
	if errs, ok := m["errors"].([]any); !ok || len(errs) != 0 {
		t.Errorf("errors = %v, want []", m["errors"])
	}
	r7, _ := m["rfc7489"].(map[string]any)
	for _, k := range []string{"org_domain", "policy", "pct", "differs"} {
		if _, ok := r7[k]; !ok {
			t.Errorf("rfc7489.%s missing: %v", k, r7)
		}
	}
	if r7["differs"] != false || r7["pct"] != 100.0 || r7["policy"] != "reject" {
		t.Errorf("rfc7489 = %v", r7)
	}
}

// TestSubdomainPolicies: the subdomain and non-existent policies reported
// for a domain are those its subdomains would really get.
func TestSubdomainPolicies(t *testing.T) {
	tests := []struct {
		name         string
		zone         func(f *fakeDNS)
		domain       string
		policy       Policy
		sub, nonexis Policy
	}{
		{"org domain", func(f *fakeDNS) {
			f.TXT("_dmarc.example.com", "v=DMARC1; p=reject; sp=quarantine; np=none").A("example.com")
		}, "example.com", PolicyReject, PolicyQuarantine, PolicyNone},
		{"a record below the org: its sp is ignored, the org's applies", func(f *fakeDNS) {
			f.TXT("_dmarc.mail.example.com", "v=DMARC1; p=reject; sp=reject")
			f.TXT("_dmarc.example.com", "v=DMARC1; p=none; sp=quarantine").A("mail.example.com")
		}, "mail.example.com", PolicyReject, PolicyQuarantine, PolicyQuarantine},
		{"psd=n below the org: its own sp applies", func(f *fakeDNS) {
			f.TXT("_dmarc.mail.example.com", "v=DMARC1; p=reject; sp=none; psd=n")
			f.TXT("_dmarc.example.com", "v=DMARC1; p=quarantine").A("mail.example.com")
		}, "mail.example.com", PolicyReject, PolicyNone, PolicyNone},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			tc.zone(f)
			res := Check(context.Background(), f, tc.domain)
			if res.Policy != tc.policy || res.SubdomainPolicy != tc.sub || res.NonexistentPolicy != tc.nonexis {
				t.Errorf("policy %s sub %s nx %s, want %s %s %s", res.Policy, res.SubdomainPolicy, res.NonexistentPolicy, tc.policy, tc.sub, tc.nonexis)
			}
		})
	}
}

// TestReportAuthorization: external destinations need
// <domain>._report._dmarc.<host>; internal ones are not asked.
func TestReportAuthorization(t *testing.T) {
	rec := "v=DMARC1; p=reject; rua=mailto:d@reports.example.com,mailto:a@vendor.example,mailto:w@wild.example; ruf=mailto:f@nobody.example"
	f := newFake(t).TXT("_dmarc.example.com", rec).A("example.com").
		TXT("example.com._report._dmarc.vendor.example", "v=DMARC1; rua=mailto:other@vendor.example").
		TXT("*._report._dmarc.wild.example", "v=DMARC1;").
		TXT("example.com._report._dmarc.nobody.example", "not dmarc").
		A("vendor.example", "wild.example", "nobody.example", "reports.example.com")
	res := Check(context.Background(), f, "example.com")
	got := map[string]ReportAuth{}
	for _, ra := range res.ReportAuth {
		got[ra.Host] = ra
	}
	want := map[string]AuthState{
		"reports.example.com": AuthInternal, "vendor.example": AuthAuthorized,
		"wild.example": AuthAuthorized, "nobody.example": AuthMissing,
	}
	for host, st := range want {
		if got[host].State != st {
			t.Errorf("%s: %s, want %s (%+v)", host, got[host].State, st, got[host])
		}
	}
	if ov := got["vendor.example"].Override; len(ov) != 1 || ov[0] != "mailto:other@vendor.example" {
		t.Errorf("override = %v", ov)
	}
	if f.wasAsked("example.com._report._dmarc.reports.example.com") {
		t.Error("an internal destination's authorization was queried")
	}
	fd := findingCodes(res.Findings)["dmarc.report_unauthorized"]
	if fd.Subject.String() != "nobody.example" || !strings.Contains(fd.Fix, "example.com._report._dmarc.nobody.example") {
		t.Errorf("report_unauthorized = %+v", fd)
	}
}

// TestRFC7489Differs: where a receiver on RFC 7489 decides differently.
func TestRFC7489Differs(t *testing.T) {
	tests := []struct {
		name    string
		zone    func(f *fakeDNS)
		domain  string
		org7489 string
		policy  Policy
		pct     int
		differs bool
		why     string
	}{
		{"same", func(f *fakeDNS) {
			f.TXT("_dmarc.example.com", "v=DMARC1; p=reject").A("example.com")
		}, "example.com", "example.com", PolicyReject, 100, false, ""},
		{"PSL private suffix changes the organizational domain", func(f *fakeDNS) {
			f.TXT("_dmarc.blogspot.com", "v=DMARC1; p=reject").A("foo.blogspot.com")
		}, "foo.blogspot.com", "foo.blogspot.com", "", 100, true, "organizational domain differs"},
		{"psd=y changes the organizational domain", func(f *fakeDNS) {
			f.TXT("_dmarc.giant.bank.example", "v=DMARC1; p=reject")
			f.TXT("_dmarc.bank.example", "v=DMARC1; p=none; psd=y").A("giant.bank.example")
		}, "giant.bank.example", "bank.example", PolicyReject, 100, true, "organizational domain differs"},
		{"pct sampling", func(f *fakeDNS) {
			f.TXT("_dmarc.example.com", "v=DMARC1; p=reject; pct=20").A("example.com")
		}, "example.com", "example.com", PolicyReject, 20, true, "pct=20"},
		{"t=y unknown to RFC 7489", func(f *fakeDNS) {
			f.TXT("_dmarc.example.com", "v=DMARC1; p=reject; t=y").A("example.com")
		}, "example.com", "example.com", PolicyReject, 100, true, "t=y"},
		{"np unknown to RFC 7489", func(f *fakeDNS) {
			f.TXT("_dmarc.example.com", "v=DMARC1; p=none; np=reject").A("example.com")
		}, "ghost.example.com", "example.com", PolicyNone, 100, true, "np"},
		{"several records: RFC 7489 stops, RFC 9989 walks on", func(f *fakeDNS) {
			f.TXT("_dmarc.a.example.com", "v=DMARC1; p=none", "v=DMARC1; p=none")
			f.TXT("_dmarc.example.com", "v=DMARC1; p=reject").A("a.example.com")
		}, "a.example.com", "example.com", "", 100, true, "stops at the several records"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			tc.zone(f)
			v := Check(context.Background(), f, tc.domain).RFC7489
			if v.OrgDomain != tc.org7489 || v.Policy != tc.policy || v.Pct != tc.pct || v.Differs != tc.differs {
				t.Errorf("got org %q policy %q pct %d differs %v, want %q %q %d %v\nwhy: %v", v.OrgDomain, v.Policy, v.Pct, v.Differs, tc.org7489, tc.policy, tc.pct, tc.differs, v.Why)
			}
			if tc.why != "" && !strings.Contains(strings.Join(v.Why, " "), tc.why) {
				t.Errorf("why %q does not mention %q", v.Why, tc.why)
			}
		})
	}
}

func TestCheckBadDomain(t *testing.T) {
	f := newFake(t)
	for _, d := range []string{"", "a..b", strings.Repeat("a", 64) + ".com", "bad domain.com"} {
		res := Check(context.Background(), f, d)
		if _, ok := findingCodes(res.Findings)["dmarc.bad_domain"]; !ok {
			t.Errorf("%q: no bad_domain finding", d)
		}
	}
	if len(f.asked) != 0 {
		t.Errorf("bad domains were queried: %v", f.asked)
	}
}
