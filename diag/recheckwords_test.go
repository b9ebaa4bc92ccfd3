package diag

import (
	"strings"
	"testing"
	"time"

	"github.com/mxray/mxray/diag/dkim"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/headers"
)

// shortKeyRecord is a 512-bit RSA key (the ValiMail ARC suite's
// 512._domainkey.example.org, testdata/arc/valimail).
const shortKeyRecord = "v=DKIM1; k=rsa; p=MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAIWmlgix/84GJ+dfgjm7LTc9EPdfkftlgiPpCq4/kbDAZmU0VvYKDljjleJ1dfvS+CGy9U/kk1tG3EeEvb82xAcCAwEAAQ=="

func parsedKey(t *testing.T, record string) *dkim.Key {
	t.Helper()
	k, _ := dkim.ParseKey(record)
	return k
}

// TestRecheckWordsPerCause: for each reason a signature that passed at
// delivery fails today, the "now" says what DNS answered (naming the
// server) and what that means, a guess is labelled as one, and the
// finding's fix follows the cause, with the severity the cause deserves
// (an expired x= is a note).
func TestRecheckWordsPerCause(t *testing.T) {
	expired := time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC)
	l := int64(5000)
	base := func(r dkim.Result) dkim.Result {
		r.Domain, r.Selector, r.KeyName = "arm.com", "s1", "s1._domainkey.arm.com"
		if r.Algorithm == "" {
			r.Algorithm = dkim.AlgRSASHA256
		}
		if r.KeyServer == "" {
			r.KeyServer, r.KeyStatus = "192.0.2.53:53", dnsclient.StatusRecords
			r.Observed = "DNS (192.0.2.53) answers 1 TXT record(s) for s1._domainkey.arm.com"
		}
		r.Result = dkim.PermError
		return r
	}
	tests := []struct {
		name     string
		res      dkim.Result
		now      []string // in the row's explanation
		code     string
		severity finding.Severity
		fix      string // in the finding's fix
	}{
		{"key removed", base(dkim.Result{Cause: dkim.CauseKeyNotFound, KeyServer: "192.0.2.53:53", KeyStatus: dnsclient.StatusNXDomain,
			Observed: "DNS (192.0.2.53) answers NXDOMAIN for s1._domainkey.arm.com TXT"}),
			[]string{"DNS (192.0.2.53) answers NXDOMAIN for s1._domainkey.arm.com TXT today", "A guess: the key was rotated or removed"},
			"recheck.dkim_changed", finding.Warning, "keep old selectors published"},
		{"key syntax error", base(dkim.Result{Cause: dkim.CauseKeyUnusable, Key: parsedKey(t, "v=DKIM1; k=rsa; p=MIGf!!")}),
			[]string{"answers 1 TXT record(s)", `The key record "v=DKIM1; k=rsa; p=MIGf!!" cannot be used`, "not valid base64"},
			"recheck.dkim_changed", finding.Warning, "must parse as v=DKIM1"},
		{"x= expired", base(dkim.Result{Cause: dkim.CauseExpired, Expires: &expired, SignatureVerified: true, Reason: "the signature expired at 2020-01-02T00:00:00Z (x=)"}),
			[]string{"x= has passed", "Normal for old mail", "still verifies"},
			"recheck.dkim_expired", finding.Info, "Nothing to fix for a message this old"},
		{"rsa-sha1", base(dkim.Result{Cause: dkim.CauseAlgorithmRejected, Algorithm: dkim.AlgRSASHA1, SignatureVerified: true}),
			[]string{"a=rsa-sha1", "the receiver may have accepted it then", "RFC 8301", "not a change in DNS", "still verifies"},
			"recheck.dkim_rsa_sha1", finding.Error, "Sign with rsa-sha256"},
		{"key under 1024 bits", base(dkim.Result{Cause: dkim.CauseKeyUnusable, Key: parsedKey(t, shortKeyRecord)}),
			[]string{"512-bit RSA key", "the receiver may have accepted it then", "not a change in DNS"},
			"recheck.dkim_short_key", finding.Error, "2048 bits under a new selector"},
		{"l= beyond the body", base(dkim.Result{Cause: dkim.CauseLengthLimited, BodyLength: &l, Reason: "l=5000 claims more body than the message has"}),
			[]string{"l= covers more body than was pasted"},
			"recheck.dkim_changed", finding.Warning, "Paste the whole message exactly as received"},
		{"key revoked", base(dkim.Result{Cause: dkim.CauseKeyRevoked, Key: parsedKey(t, "v=DKIM1; p=")}),
			[]string{"empty p=", "revoked key s1"},
			"recheck.dkim_changed", finding.Warning, "no longer stands behind this key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &headers.Analysis{AuthenticationResults: []headers.AuthResultEntry{{
				AuthServID: "mx.example", Trusted: true,
				MethodResult: headers.MethodResult{Method: "dkim", Result: "pass", Properties: map[string]string{"header.d": "arm.com", "header.s": "s1"}},
			}}}
			rc := &Recheck{SPF: &SPFRecheck{Skipped: "no IP"}, DKIM: []dkim.Result{tt.res}}
			rows := thenVsNow(a, rc, nil)
			row := rows[1]
			if row.Then != "pass" || row.Now != "permerror" {
				t.Fatalf("row %+v", row)
			}
			for _, want := range tt.now {
				if !strings.Contains(row.Explanation, want) {
					t.Errorf("explanation lacks %q:\n%s", want, row.Explanation)
				}
			}
			if strings.Contains(row.Explanation, "after delivery") && !strings.Contains(row.Explanation, "A guess:") {
				t.Errorf("a guess not labelled as one: %s", row.Explanation)
			}
			var got []finding.Finding
			for _, f := range recheckFindings(a, rc, rows) {
				if strings.HasPrefix(f.Code, "recheck.dkim") {
					got = append(got, f)
				}
			}
			if len(got) != 1 {
				t.Fatalf("want one DKIM finding, got %+v", got)
			}
			f := got[0]
			if f.Code != tt.code || f.Severity != tt.severity || !strings.Contains(f.Fix, tt.fix) {
				t.Errorf("finding %s %s, fix %q; want %s %s with %q", f.Severity, f.Code, f.Fix, tt.severity, tt.code, tt.fix)
			}
		})
	}
}
