package advice

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mxray/mxray/spf"
)

func TestFindings(t *testing.T) {
	manyA := func(n int) string {
		var b strings.Builder
		b.WriteString("v=spf1")
		for i := range n {
			fmt.Fprintf(&b, " a:h%d.top.example", i)
		}
		return b.String() + " -all"
	}
	addHosts := func(r *fakeDNS, n int) *fakeDNS {
		for i := range n {
			r.A(fmt.Sprintf("h%d.top.example", i), "192.0.2.1")
		}
		return r
	}
	tests := []struct {
		name    string
		zone    *fakeDNS
		code    string
		sev     spf.Severity
		domain  string
		msg     string // a piece of the message
		fix     string // a piece of the fix
		absent  bool   // the finding must not be there
		strings []string
	}{
		{name: "over the lookup limit", zone: addHosts(newFakeDNS().TXT("top.example", manyA(11)), 11),
			code: "spf.lookup_limit", sev: spf.SeverityError, domain: "top.example", msg: "11 DNS-querying terms", fix: "under 11 lookups"},
		{name: "near the lookup limit", zone: addHosts(newFakeDNS().TXT("top.example", manyA(9)), 9),
			code: "spf.lookup_limit", sev: spf.SeverityWarning, domain: "top.example", msg: "9 of the 10"},
		{name: "eight lookups are fine", zone: addHosts(newFakeDNS().TXT("top.example", manyA(8)), 8),
			code: "spf.lookup_limit", absent: true},
		{name: "void lookups", zone: newFakeDNS().TXT("top.example", "v=spf1 a:gone.top.example -all"),
			code: "spf.void_lookups", sev: spf.SeverityWarning, msg: `"a:gone.top.example" at top.example`},
		{name: "+all", zone: newFakeDNS().TXT("top.example", "v=spf1 mx +all"),
			code: "spf.plus_all", sev: spf.SeverityError, msg: "every IP address", fix: "-all"},
		{name: "bare all is +all", zone: newFakeDNS().TXT("top.example", "v=spf1 all"),
			code: "spf.plus_all", sev: spf.SeverityError},
		{name: "+all in an include", zone: newFakeDNS().TXT("top.example", "v=spf1 include:lax.example -all").TXT("lax.example", "v=spf1 +all"),
			code: "spf.plus_all", sev: spf.SeverityError, domain: "lax.example", msg: "including domain authorises everyone"},
		{name: "+all at the end of a redirect", zone: newFakeDNS().TXT("top.example", "v=spf1 redirect=lax.example").TXT("lax.example", "v=spf1 +all"),
			code: "spf.plus_all", sev: spf.SeverityError, domain: "lax.example", msg: "may send as top.example"},
		{name: "?all", zone: newFakeDNS().TXT("top.example", "v=spf1 mx ?all"),
			code: "spf.neutral_all", sev: spf.SeverityWarning},
		{name: "~all", zone: newFakeDNS().TXT("top.example", "v=spf1 mx ~all"),
			code: "spf.softfail_all", sev: spf.SeverityInfo, msg: "softfail"},
		{name: "-all", zone: newFakeDNS().TXT("top.example", "v=spf1 mx -all"),
			code: "spf.fail_all", sev: spf.SeverityInfo, msg: "fails SPF"},
		{name: "no all", zone: newFakeDNS().TXT("top.example", "v=spf1 mx"),
			code: "spf.no_all", sev: spf.SeverityWarning, msg: "neutral"},
		{name: "ptr", zone: newFakeDNS().TXT("top.example", "v=spf1 ptr -all"),
			code: "spf.ptr", sev: spf.SeverityWarning, msg: "§5.5"},
		{name: "record over 450 bytes", zone: newFakeDNS().TXT("top.example", "v=spf1 "+strings.Repeat("ip4:192.0.2.1 ", 33)+"-all"),
			code: "spf.record_size", sev: spf.SeverityWarning, msg: "473 bytes"},
		{name: "strings joined into a syntax error", zone: newFakeDNS().TXT("top.example", "v=spf1 ip4:192.0.2.1 ~all", "include:x.example"),
			code: "spf.string_join", sev: spf.SeverityError, msg: `read "~allinclude:x.example"`, fix: "space at the end"},
		{name: "strings joined into a different record", zone: newFakeDNS().TXT("top.example", "v=spf1 a:mail.example.com", "mx -all"),
			code: "spf.string_join", sev: spf.SeverityWarning, msg: `"a:mail.example.commx"`},
		{name: "a term split on purpose", zone: newFakeDNS().TXT("top.example", "v=spf1 ip4:", "192.0.2.5 -all"),
			code: "spf.string_join", absent: true},
		{name: "strings joined after a space", zone: newFakeDNS().TXT("top.example", "v=spf1 mx ", "-all"),
			code: "spf.string_join", absent: true},
		{name: "version as a string of its own", zone: newFakeDNS().TXT("top.example", "v=spf1", "mx -all"),
			code: "spf.string_join", sev: spf.SeverityError, msg: `read "v=spf1mx -all"`, fix: `"v=spf1 "`},
		{name: "version run into a term", zone: newFakeDNS().TXT("top.example", "v=spf1mx -all"),
			code: "spf.version", sev: spf.SeverityError, msg: "followed by a space"},
		{name: "no record when one only looks like SPF", zone: newFakeDNS().TXT("top.example", "v=spf1mx -all"),
			code: "spf.no_record", absent: true},
		{name: "strings joined into a term that breaks", zone: newFakeDNS().TXT("top.example", "v=spf1 mx", "-all"),
			code: "spf.string_join", sev: spf.SeverityError, msg: `read "mx-all"`},
		{name: "a domain split on purpose", zone: newFakeDNS().TXT("top.example", "v=spf1 include:_spf.goo", "gle.com -all"),
			code: "spf.string_join", absent: true},
		{name: "multiple records", zone: newFakeDNS().TXT("top.example", "v=spf1 mx -all").TXT("top.example", "v=spf1 a -all"),
			code: "spf.multiple_records", sev: spf.SeverityError, msg: "2 SPF records", fix: "Merge"},
		{name: "include of a domain without SPF", zone: newFakeDNS().TXT("top.example", "v=spf1 include:nothing.example -all"),
			code: "spf.include_no_record", sev: spf.SeverityError, domain: "top.example", msg: "nothing.example has no SPF record", fix: `Remove "include:nothing.example"`},
		{name: "include of a domain with other TXT", zone: newFakeDNS().TXT("top.example", "v=spf1 include:other.example -all").TXT("other.example", "google-site-verification=x"),
			code: "spf.include_no_record", sev: spf.SeverityError},
		{name: "redirect to nothing", zone: newFakeDNS().TXT("top.example", "v=spf1 redirect=nothing.example"),
			code: "spf.redirect_no_record", sev: spf.SeverityError},
		{name: "redirect with all", zone: newFakeDNS().TXT("top.example", "v=spf1 mx -all redirect=other.example").TXT("other.example", "v=spf1 -all"),
			code: "spf.redirect_ignored", sev: spf.SeverityWarning, msg: "ignored"},
		{name: "syntax error", zone: newFakeDNS().TXT("top.example", "v=spf1 ip4:192.0.2 redirect:x.example -all"),
			code: "spf.syntax", sev: spf.SeverityError, msg: "ip4:192.0.2.0/24", fix: `"ip4:192.0.2"`},
		{name: "loop", zone: newFakeDNS().TXT("top.example", "v=spf1 redirect=top.example"),
			code: "spf.loop", sev: spf.SeverityError, msg: "already on the path"},
		{name: "lookalike", zone: newFakeDNS().TXT("top.example", "v=spf1 include=_spf.example.net -all"),
			code: "spf.lookalike", sev: spf.SeverityWarning, msg: "did you mean include:_spf.example.net?"},
		{name: "terms after all", zone: newFakeDNS().TXT("top.example", "v=spf1 -all include:x.example"),
			code: "spf.after_all", sev: spf.SeverityWarning, msg: `"include:x.example"`},
		{name: "no record", zone: newFakeDNS().TXT("top.example", "google-site-verification=x"),
			code: "spf.no_record", sev: spf.SeverityWarning, fix: "v=spf1 -all"},
		{name: "DNS failure", zone: newFakeDNS().Timeout("top.example"),
			code: "spf.dns_error", sev: spf.SeverityWarning},
		{name: "dynamic include", zone: newFakeDNS().TXT("top.example", "v=spf1 include:%{l}._u.top.example -all"),
			code: "spf.dynamic", sev: spf.SeverityInfo},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tree := spf.Prefetch(bg, tc.zone, "top.example", on)
			fs := tree.Findings()
			f := findingByCode(fs, tc.code)
			for i := range fs {
				if fs[i].Code == tc.code && fs[i].Severity == tc.sev {
					f = &fs[i]
					break
				}
			}
			if tc.absent {
				if f != nil {
					t.Fatalf("unexpected %+v", *f)
				}
				return
			}
			if f == nil || f.Severity != tc.sev {
				t.Fatalf("no %s %s finding in %v", tc.sev, tc.code, codes(fs))
			}
			if f.Fix == "" || f.Message == "" || f.Domain == "" {
				t.Errorf("incomplete finding %+v", *f)
			}
			if tc.domain != "" && f.Domain != tc.domain {
				t.Errorf("domain %q, want %q", f.Domain, tc.domain)
			}
			if !strings.Contains(f.Message, tc.msg) || !strings.Contains(f.Fix, tc.fix) {
				t.Errorf("finding %+v lacks %q / %q", *f, tc.msg, tc.fix)
			}
		})
	}
}

func TestEachSyntaxErrorIsAFinding(t *testing.T) {
	tree := spf.Prefetch(bg, newFakeDNS().TXT("top.example", "v=spf1 ip4:192.0.2 a:1.2.3.4 mx/99 -all"), "top.example", on)
	n := 0
	for _, f := range tree.Findings() {
		if f.Code == "spf.syntax" {
			n++
		}
	}
	if n != 3 {
		t.Errorf("%d syntax findings, want 3", n)
	}
}

func TestVerdictFindings(t *testing.T) {
	r := newFakeDNS().TXT("top.example", "v=spf1 ip4:192.0.2.1 include:nothing.example -all")
	tree := spf.Prefetch(bg, r, "top.example", on)
	if v := tree.CheckHost(bg, ip("192.0.2.1"), "", "top.example"); hasFinding(v.Findings(), "spf.permerror", spf.SeverityError) {
		t.Error("a pass is reported as an error")
	}
	v := tree.CheckHost(bg, ip("192.0.2.2"), "", "top.example")
	f := findingByCode(v.Findings(), "spf.permerror")
	if v.Result != spf.PermError || f == nil || !strings.Contains(f.Message, "nothing.example") {
		t.Errorf("%s %v", v.Result, codes(v.Findings()))
	}
	if fs := v.Findings(); fs[0].Severity != spf.SeverityError {
		t.Errorf("findings not sorted worst first: %v", codes(fs))
	}
	ok := newFakeDNS().TXT("top.example", "v=spf1 ip4:192.0.2.1 -all")
	if v := spf.Check(bg, ok, ip("192.0.2.9"), spf.Identity{Sender: "u@top.example"}, on); v.Result != spf.Fail || hasFinding(v.Findings(), "spf.permerror", spf.SeverityError) || findingByCode(v.Findings(), "spf.fail_all") == nil {
		t.Errorf("a fail verdict is the answer, not an error: %v", codes(v.Findings()))
	}
}
