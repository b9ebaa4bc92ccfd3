package diag

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// TestPartVerdicts: each part's verdict, decided from the demo zone as the
// zone file describes the two domains (diag/demo/demo.zone).
func TestPartVerdicts(t *testing.T) {
	healthy, broken := demoReport(t, "healthy.example"), demoReport(t, "broken.example")
	tests := []struct {
		name  string
		rep   *Report
		part  finding.Part
		tone  Tone
		word  string
		facts []string // nil: not compared
	}{
		// Three MX hosts whose addresses all have PTRs that resolve back.
		{"healthy mx", healthy, finding.PartMX, TonePass, "3 hosts", []string{"FCrDNS ok"}},
		// Three levels, 8 DNS-querying terms, ending -all.
		{"healthy spf", healthy, finding.PartSPF, TonePass, "ok", []string{"8/10 lookups", "ends -all"}},
		{"healthy dkim", healthy, finding.PartDKIM, TonePass, "2 keys", []string{"s1 rsa-2048, s2 ed25519"}},
		// p=reject, no sp= (so the same for subdomains), two rua.
		{"healthy dmarc", healthy, finding.PartDMARC, TonePass, "p=reject", []string{"rua 2"}},
		{"healthy mta-sts", healthy, finding.PartMTASTS, TonePass, "id=2026110101", nil},
		{"healthy tls-rpt", healthy, finding.PartTLSRPT, TonePass, "ok", []string{"v=TLSRPTv1; rua=mailto:tls-reports@healthy.example"}},
		// One MX host is a CNAME (an error); of its two addresses one has
		// a PTR that resolves back, the other no PTR.
		{"broken mx", broken, finding.PartMX, ToneFail, "2 hosts", []string{"FCrDNS 1/3"}},
		// 11 lookups and +all in an include: errors.
		{"broken spf", broken, finding.PartSPF, ToneFail, "broken", nil},
		// Of its two rua, one lacks mailto: and is not a destination.
		{"broken dmarc", broken, finding.PartDMARC, ToneFail, "p=none", []string{"rua 1"}},
		// No BIMI record: optional, nothing wrong with that.
		{"broken bimi", broken, finding.PartBIMI, ToneNone, "none", []string{"not published (optional)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := tt.rep.Verdict(tt.part)
			if v.Tone != tt.tone || v.Word != tt.word || (tt.facts != nil && !slices.Equal(v.Facts, tt.facts)) {
				t.Errorf("verdict %+v, want tone %d, %q, facts %q", v, tt.tone, tt.word, tt.facts)
			}
		})
	}
	if v := healthy.Verdict(finding.PartSPF); !strings.HasPrefix(v.Record, "v=spf1 mx include:_spf.healthy.example") {
		t.Errorf("SPF verdict record %q", v.Record)
	}
	// The 1024-bit key warns; the revoked one is named so.
	if v := broken.Verdict(finding.PartDKIM); v.Word != "2 keys" || len(v.Facts) != 1 ||
		!strings.Contains(v.Facts[0], "k1 rsa-1024") || !strings.Contains(v.Facts[0], "default revoked") || v.Tone == TonePass {
		t.Errorf("broken DKIM verdict %+v", v)
	}
	if v := (&Report{}).Verdict(finding.PartSPF); v.Tone != ToneUnknown {
		t.Errorf("a part not in the report: %+v", v)
	}
}

// TestSPFVerdictFor: with an IP, the SPF line says the IP's result and the
// lookups it took, keeping the record.
func TestSPFVerdictFor(t *testing.T) {
	rep := demoReport(t, "healthy.example")
	// 192.0.2.20 is mx2: the first term (mx) matches, after 1 lookup.
	v := rep.SPF.Tree.CheckHost(t.Context(), netip.MustParseAddr("192.0.2.20"), "", "")
	pv := rep.SPFVerdictFor(v)
	if pv.Tone != TonePass || pv.Word != "pass" || !slices.Equal(pv.Facts, []string{"for 192.0.2.20", "1/10 lookups"}) || pv.Record == "" {
		t.Errorf("verdict for 192.0.2.20: %+v", pv)
	}
	// 198.51.100.250 matches nothing: -all.
	v = rep.SPF.Tree.CheckHost(t.Context(), netip.MustParseAddr("198.51.100.250"), "", "")
	if pv := rep.SPFVerdictFor(v); pv.Tone != ToneFail || pv.Word != "fail" {
		t.Errorf("verdict for 198.51.100.250: %+v", pv)
	}
	if pv := rep.SPFVerdictFor(nil); pv.Word != "ok" {
		t.Errorf("no IP: %+v", pv)
	}
}

// TestMessageChecks: the demo's sample message, signed by three keys of
// which one (es2025 at mailer.example) was rotated away, passes SPF and
// DMARC then and now, and DKIM today (one signature is enough).
func TestMessageChecks(t *testing.T) {
	srv := zoneservertest.New(t, demo.ZoneText())
	rep := recheck(t, srv, demo.SampleMessage(), time.Now())
	before := MessageChecks(rep.Analysis, nil)
	if before[0].Check != finding.PartSPF || before[0].Then != OutcomePass || before[0].Now != "" || before[1].Notes != nil {
		t.Errorf("before the re-check: %+v", before)
	}
	after := MessageChecks(rep.Analysis, rep)
	want := []struct {
		check     finding.Part
		then, now Outcome
	}{{finding.PartSPF, OutcomePass, OutcomePass}, {finding.PartDKIM, OutcomePass, OutcomePass}, {finding.PartDMARC, OutcomePass, OutcomePass}}
	for i, w := range want {
		if c := after[i]; c.Check != w.check || c.Then != w.then || c.Now != w.now || len(c.Notes) == 0 {
			t.Errorf("check %d: %+v, want %+v", i, c, w)
		}
	}
	if f := after[1].Facts; f != "2 of 3 pass; es2025@mailer.example permerror" {
		t.Errorf("DKIM facts %q", f)
	}
	// The rotated key's row changed: its explanation leads.
	if n := after[1].Notes[0]; !strings.HasPrefix(n, "d=mailer.example s=es2025: ") {
		t.Errorf("first DKIM note %q", n)
	}
	if !strings.HasPrefix(after[2].Facts, "p=reject for healthy.example") {
		t.Errorf("DMARC facts %q", after[2].Facts)
	}
}
