package advice

import (
	"strings"
	"testing"

	"github.com/mxray/mxray/spf"
)

// TestRecordsMxraySeldomMet: records and modifiers mxray now recognises.
// Sender ID (spf2.0/...) records get a finding that says receivers ignore
// them (a warning when there is no SPF record beside them); RFC 6652's
// ra=, rp= and rr= are explained, never called "unknown", and a malformed
// one is named; a single-label domain keeps the answer none and says why.
// Before, Sender ID records passed unremarked and ra=/rp=/rr= were
// "unknown modifier" warnings.
func TestRecordsMxraySeldomMet(t *testing.T) {
	tests := []struct {
		name     string
		zone     *fakeDNS
		domain   string
		code     string
		sev      spf.Severity
		msg, fix []string
		absent   []string // codes that must not be there
	}{
		{name: "sender ID beside SPF", domain: "top.example",
			zone: newFakeDNS().TXT("top.example", "v=spf1 mx -all").TXT("top.example", "spf2.0/mfrom,pra mx -all"),
			code: "spf.sender_id", sev: spf.SeverityInfo, msg: []string{`"spf2.0/mfrom,pra mx -all"`, "receivers ignore Sender ID", "RFC 6686"},
			fix: []string{"Delete the spf2.0 record"}},
		{name: "sender ID alone", domain: "top.example",
			zone: newFakeDNS().TXT("top.example", "spf2.0/pra ip4:192.0.2.0/24 -all"),
			code: "spf.sender_id", sev: spf.SeverityWarning, msg: []string{"but no SPF record", `"none"`},
			fix: []string{"Publish a v=spf1 record", "delete the spf2.0 record"}},
		{name: "RFC 6652 modifiers", domain: "top.example",
			zone: newFakeDNS().TXT("top.example", "v=spf1 mx ra=postmaster rp=50 rr=e:f -all"),
			code: "spf.failure_reports", sev: spf.SeverityInfo,
			msg:    []string{"RFC 6652", "reports go to postmaster@top.example", "for 50% of failures", "of evaluation errors and fails", "change no verdict"},
			absent: []string{"spf.unknown_modifier", "spf.lookalike", "spf.report_modifier"}},
		{name: "RFC 6652 modifier malformed", domain: "top.example",
			zone: newFakeDNS().TXT("top.example", "v=spf1 mx ra=postmaster@top.example rp=150 -all"),
			code: "spf.report_modifier", sev: spf.SeverityWarning, msg: []string{`"ra=postmaster@top.example"`, "only the local-part"},
			absent: []string{"spf.unknown_modifier"}},
		{name: "an unknown modifier is still unknown", domain: "top.example",
			zone: newFakeDNS().TXT("top.example", "v=spf1 mx foo=bar -all"),
			code: "spf.unknown_modifier", sev: spf.SeverityWarning},
		{name: "single-label domain", domain: "localhost",
			zone: newFakeDNS(),
			code: "spf.bad_domain", sev: spf.SeverityInfo, msg: []string{`"localhost" is a single label`, "the result is none (RFC 7208 §4.3)."},
			fix: []string{"fully qualified"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tree := spf.Prefetch(bg, tc.zone, tc.domain, on)
			fs := tree.Findings()
			f := findingByCode(fs, tc.code)
			if f == nil || f.Severity != tc.sev {
				t.Fatalf("no %s %s among %v", tc.sev, tc.code, codes(fs))
			}
			for _, m := range tc.msg {
				if !strings.Contains(f.Message, m) {
					t.Errorf("message %q lacks %q", f.Message, m)
				}
			}
			for _, x := range tc.fix {
				if !strings.Contains(f.Fix, x) {
					t.Errorf("fix %q lacks %q", f.Fix, x)
				}
			}
			for _, c := range tc.absent {
				if findingByCode(fs, c) != nil {
					t.Errorf("%s is there: %v", c, codes(fs))
				}
			}
		})
	}
	// A single-label domain's verdict stays none (RFC 7208 §4.3).
	v := spf.Prefetch(bg, newFakeDNS(), "localhost", on).CheckHost(bg, ip("192.0.2.1"), "user@localhost", "")
	if v.Result != spf.None {
		t.Errorf("localhost: %s, want none", v.Result)
	}
	// The Sender ID records are in the tree's JSON.
	tree := spf.Prefetch(bg, newFakeDNS().TXT("top.example", "v=spf1 -all").TXT("top.example", "spf2.0/mfrom -all"), "top.example", on)
	if ids := tree.Root.SenderID(); len(ids) != 1 || ids[0] != "spf2.0/mfrom -all" {
		t.Errorf("SenderID = %q", ids)
	}
}
