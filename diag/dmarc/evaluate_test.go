package dmarc

import (
	"context"
	"testing"

	"github.com/mxray/mxray/diag/dnsclient"
)

func TestEvaluate(t *testing.T) {
	tests := []struct {
		name       string
		zone       func(f *fakeDNS)
		from       string
		spf        SPFInput
		dkim       []DKIMInput
		result     Result
		policy     Policy
		spfAligned bool
		dkimAlign  bool
	}{
		{
			name: "relaxed SPF with a subdomain From passes",
			zone: func(f *fakeDNS) { f.TXT("_dmarc.example.com", "v=DMARC1; p=reject").A("news.example.com") },
			from: "news.example.com", spf: SPFInput{"bounce.example.com", "pass"},
			result: Pass, policy: PolicyNone, spfAligned: true,
		},
		{
			name: "strict SPF with a subdomain From fails",
			zone: func(f *fakeDNS) { f.TXT("_dmarc.example.com", "v=DMARC1; p=reject; aspf=s").A("news.example.com") },
			from: "news.example.com", spf: SPFInput{"bounce.example.com", "pass"},
			result: Fail, policy: PolicyReject,
		},
		{
			name: "strict DKIM with the parent domain fails, relaxed passes",
			zone: func(f *fakeDNS) { f.TXT("_dmarc.example.com", "v=DMARC1; p=quarantine; adkim=s").A("news.example.com") },
			from: "news.example.com", dkim: []DKIMInput{{"example.com", "pass"}},
			result: Fail, policy: PolicyQuarantine,
		},
		{
			name: "relaxed DKIM with the parent domain passes",
			zone: func(f *fakeDNS) { f.TXT("_dmarc.example.com", "v=DMARC1; p=quarantine").A("news.example.com") },
			from: "news.example.com", dkim: []DKIMInput{{"example.com", "fail"}, {"Example.COM.", "pass"}},
			result: Pass, policy: PolicyNone, dkimAlign: true,
		},
		{
			name: "strict passes when identical",
			zone: func(f *fakeDNS) { f.TXT("_dmarc.example.com", "v=DMARC1; p=reject; adkim=s; aspf=s").A("example.com") },
			from: "example.com", spf: SPFInput{"example.com", "pass"},
			result: Pass, policy: PolicyNone, spfAligned: true,
		},
		{
			name: "failing SPF cannot align",
			zone: func(f *fakeDNS) { f.TXT("_dmarc.example.com", "v=DMARC1; p=reject").A("example.com") },
			from: "example.com", spf: SPFInput{"example.com", "softfail"},
			result: Fail, policy: PolicyReject,
		},
		{
			name: "other organization does not align",
			zone: func(f *fakeDNS) {
				f.TXT("_dmarc.example.com", "v=DMARC1; p=reject").TXT("_dmarc.example.net", "v=DMARC1; p=none").A("example.com")
			},
			from: "example.com", spf: SPFInput{"example.net", "pass"}, dkim: []DKIMInput{{"mail.example.net", "pass"}},
			result: Fail, policy: PolicyReject,
		},
		{
			name: "t=y lowers reject to quarantine",
			zone: func(f *fakeDNS) { f.TXT("_dmarc.example.com", "v=DMARC1; p=reject; t=y").A("example.com") },
			from: "example.com", spf: SPFInput{"example.net", "pass"},
			result: Fail, policy: PolicyQuarantine,
		},
		{
			name: "np for a non-existent subdomain",
			zone: func(f *fakeDNS) {
				f.TXT("_dmarc.example.com", "v=DMARC1; p=none; sp=quarantine; np=reject").A("example.com")
			},
			from:   "ghost.example.com",
			result: Fail, policy: PolicyReject,
		},
		{
			name: "sp for an existing subdomain",
			zone: func(f *fakeDNS) {
				f.TXT("_dmarc.example.com", "v=DMARC1; p=none; sp=quarantine; np=reject").A("real.example.com")
			},
			from:   "real.example.com",
			result: Fail, policy: PolicyQuarantine,
		},
		{
			name: "psd=y: a sibling under the suffix does not align (B.4.3)",
			zone: func(f *fakeDNS) {
				f.TXT("_dmarc.giant.bank.example", "v=DMARC1; p=reject").TXT("_dmarc.bank.example", "v=DMARC1; p=none; psd=y").A("giant.bank.example")
			},
			from: "giant.bank.example", spf: SPFInput{"mail.giant.bank.example", "pass"}, dkim: []DKIMInput{{"mail.mega.bank.example", "pass"}},
			result: Pass, policy: PolicyNone, spfAligned: true,
		},
		{
			name: "psd=y: only the sibling signed",
			zone: func(f *fakeDNS) {
				f.TXT("_dmarc.giant.bank.example", "v=DMARC1; p=reject").TXT("_dmarc.bank.example", "v=DMARC1; p=none; psd=y").A("giant.bank.example")
			},
			from: "giant.bank.example", dkim: []DKIMInput{{"mail.mega.bank.example", "pass"}},
			result: Fail, policy: PolicyReject,
		},
		{
			name: "no record",
			zone: func(f *fakeDNS) { f.A("example.com") },
			from: "example.com", spf: SPFInput{"example.com", "pass"},
			result: None, policy: PolicyNone,
		},
		{
			name: "invalid p without rua is a permerror",
			zone: func(f *fakeDNS) { f.TXT("_dmarc.example.com", "v=DMARC1; p=nope").A("example.com") },
			from: "example.com", spf: SPFInput{"example.com", "pass"},
			result: PermError, policy: PolicyNone,
		},
		{
			name: "discovery failure is a temperror",
			zone: func(f *fakeDNS) { f.Fail("_dmarc.example.com", dnsclient.StatusServFail).A("example.com") },
			from: "example.com", spf: SPFInput{"example.com", "pass"},
			result: TempError, policy: "",
		},
		{
			name: "alignment walk failure is a temperror",
			zone: func(f *fakeDNS) {
				f.TXT("_dmarc.example.com", "v=DMARC1; p=reject").A("news.example.com").Fail("_dmarc.other.example.com", dnsclient.StatusTimeout)
			},
			from: "news.example.com", spf: SPFInput{"other.example.com", "pass"},
			result: TempError, policy: "",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			tc.zone(f)
			ev := Evaluate(context.Background(), f, tc.from, tc.spf, tc.dkim)
			if ev.Result != tc.result || ev.Policy != tc.policy || ev.SPFAligned != tc.spfAligned || ev.DKIMAligned != tc.dkimAlign {
				t.Errorf("result %s policy %q spf %v dkim %v, want %s %q %v %v\nreason: %s\nchecks: %+v",
					ev.Result, ev.Policy, ev.SPFAligned, ev.DKIMAligned, tc.result, tc.policy, tc.spfAligned, tc.dkimAlign, ev.Reason, ev.Checks)
			}
			if ev.Reason == "" {
				t.Error("no reason")
			}
		})
	}
}
