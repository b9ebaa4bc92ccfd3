package blocklist

import (
	"strings"
	"testing"

	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// TestFindings: severity from the list's meaning and the subject's role,
// the delisting URL in the fix, errors grouped per list.
func TestFindings(t *testing.T) {
	srv := zoneservertest.New(t, realZones+healthZones)
	c := client(srv)
	zen := only(t, Default(), "zen.spamhaus.org")
	cases := []struct {
		name    string
		subject Subject
		set     Set
		ctx     Context
		sev     finding.Severity
		code    string
		inMsg   string
		inFix   string
		kind    finding.SubjectKind
	}{
		{"SBL on an MX is an error", Subject{IP: ipSubject("192.0.2.1", 0).IP, Role: RoleMX, Host: "mx1.example.com"}, zen, Context{},
			finding.Error, CodeListed, "192.0.2.1 (MX mx1.example.com) is listed on Spamhaus ZEN (zen.spamhaus.org): 127.0.0.2: SBL", "https://check.spamhaus.org/results/?query=192.0.2.1", finding.SubjectIP},
		{"PBL on a sending IP that passed SPF is a note", ipSubject("192.0.2.4", RoleSendingIP), zen, Context{SendingIPPassedSPF: true},
			finding.Info, CodeListed, "PBL", "Nothing to do", finding.SubjectIP},
		{"PBL on a sending IP that did not pass SPF", ipSubject("192.0.2.4", RoleSendingIP), zen, Context{},
			finding.Warning, CodeListed, "PBL", "policy listing, not a spam listing", finding.SubjectIP},
		{"PBL on an MX", ipSubject("192.0.2.5", RoleMX), zen, Context{SendingIPPassedSPF: true},
			finding.Warning, CodeListed, "PBL", "submission server", finding.SubjectIP},
		{"SBL with PBL is an error", ipSubject("192.0.2.2", RoleSendingIP), zen, Context{SendingIPPassedSPF: true},
			finding.Error, CodeListed, "SBL", "request removal", finding.SubjectIP},
		{"DBL abused legit is a warning", domainSubject("abused.test", RoleFrom), only(t, Default(), "dbl.spamhaus.org"), Context{},
			finding.Warning, CodeListed, "abused.test (From)", "compromised site", finding.SubjectDomain},
		{"a refusal is a warning that says no answer", ipSubject("192.0.2.7", RoleMX), zen, Context{},
			finding.Warning, CodeNoAnswer, "counted neither as listed nor as not listed", "DQS", finding.SubjectIP},
		{"an unusable list", ipSubject("192.0.2.1", RoleMX), only(t, healthLists(t), "all.test"), Context{},
			finding.Warning, CodeUnusable, "all.test (all.test) is not usable: it lists 127.0.0.1", "another resolver", finding.SubjectText},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := Findings([]Result{checkOne(t, c, tc.subject, tc.set)}, tc.ctx)
			if len(fs) != 1 {
				t.Fatalf("%d findings: %+v", len(fs), fs)
			}
			f := fs[0]
			if f.Severity != tc.sev || f.Code != tc.code || f.Part != finding.PartBlocklists || f.Subject.Kind != tc.kind ||
				!strings.Contains(f.Message, tc.inMsg) || !strings.Contains(f.Fix, tc.inFix) {
				t.Errorf("got %+v", f)
			}
		})
	}
}

// TestFindingsGroupErrors: one finding per list and error, naming every
// subject; nothing for not_listed.
func TestFindingsGroupErrors(t *testing.T) {
	srv := zoneservertest.New(t, healthZones+realZones)
	res := Check(t.Context(), client(srv),
		[]Subject{ipSubject("192.0.2.1", RoleMX), ipSubject("192.0.2.2", RoleMX), ipSubject("192.0.2.13", RoleMX)},
		only(t, healthLists(t), "dead.test", "good.test"))
	fs := Findings(res, Context{})
	var unusable, listed int
	for _, f := range fs {
		switch f.Code {
		case CodeUnusable:
			unusable++
			if !strings.Contains(f.Message, "192.0.2.1, 192.0.2.2, 192.0.2.13") {
				t.Errorf("%s", f.Message)
			}
		case CodeListed:
			listed++
		default:
			t.Errorf("unexpected %+v", f)
		}
	}
	if unusable != 1 || listed != 1 {
		t.Errorf("%d unusable and %d listed findings: %+v", unusable, listed, fs)
	}
}
