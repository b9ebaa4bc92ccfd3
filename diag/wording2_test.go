package diag

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/miekg/dns"

	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/dkim"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/render"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// wordingZone holds what the wording tests need beside the demo: pct=100,
// two MTA-STS records, a domain without DMARC, and failing.example, whose
// every name the server answers SERVFAIL for.
const wordingZone = `
$ORIGIN wording.example.
@               SOA  ns.wording.example. hostmaster.wording.example. 1 3600 600 604800 300
@               NS   ns
ns              A    192.0.2.53
@               MX   10 mx
mx              A    192.0.2.25
@               TXT  "v=spf1 mx -all"
_dmarc          TXT  "v=DMARC1; p=reject; pct=100; rua=mailto:d@wording.example"
_mta-sts        TXT  "v=STSv1; id=20260101"
_mta-sts        TXT  "v=STSv1; id=20260202"
$ORIGIN nodmarc.example.
@               SOA  ns.nodmarc.example. hostmaster.nodmarc.example. 1 3600 600 604800 300
@               NS   ns
ns              A    192.0.2.53
@               MX   10 mx
mx              A    192.0.2.26
@               TXT  "v=spf1 mx -all"
$ORIGIN failing.example.
@               SOA  ns.failing.example. hostmaster.failing.example. 1 3600 600 604800 300
@               NS   ns
ns              A    192.0.2.53
`

// wordingServer serves the demo and the wording zone, failing.example
// broken.
func wordingServer(t testing.TB) *zoneserver.Server {
	srv := zoneservertest.New(t, demo.ServedZoneText()+wordingZone)
	names := []string{"failing.example", "_dmarc.failing.example", "_mta-sts.failing.example", "_smtp._tls.failing.example", "default._bimi.failing.example", "_domainkey.failing.example"}
	for _, s := range dkim.CommonSelectors() {
		names = append(names, s.Name+"._domainkey.failing.example")
	}
	for _, n := range names {
		srv.SetFault(dns.Fqdn(n), 0, zoneserver.FaultServFail)
	}
	return srv
}

// wordingReport investigates domain on srv.
func wordingReport(t testing.TB, srv *zoneserver.Server, domain string) *Report {
	c := dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: time.Second})
	return Investigate(context.Background(), c, domain, Options{Offline: true, Blocklists: demoLists()}, nil)
}

// TestFindingsPunctuated: every finding of the demo's domains, of domains
// with odd records and failing DNS, and of the demo's sample and every
// message under testdata/headers re-checked, is written as sentences: the
// message ends with a full stop (before "Fix:" in the reports), the fix
// starts with a capital and ends with a full stop, and no count reads
// "1 lookups" or "term(s)". Before, DKIM's findings had neither full stop
// nor capital, and "2 term(s)" was written out.
func TestFindingsPunctuated(t *testing.T) {
	srv := wordingServer(t)
	var all []finding.Finding
	for _, d := range []string{"healthy.example", "broken.example", "mailer.example", "wording.example", "nodmarc.example", "failing.example"} {
		all = append(all, wordingReport(t, srv, d).Findings...)
	}
	files, _ := filepath.Glob("../testdata/headers/*.eml")
	raws := [][]byte{demo.SampleMessage()}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		raws = append(raws, b)
	}
	for _, raw := range raws {
		all = append(all, recheckWith(t, srv, raw, MessageOptions{Now: time.Now()}).Findings...)
	}
	seen := map[string]bool{}
	for _, f := range all {
		key := f.Code + "|" + f.Message
		if seen[key] {
			continue
		}
		seen[key] = true
		if !sentenceEnd(f.Message) {
			t.Errorf("%s: the message does not end a sentence: %q", f.Code, f.Message)
		}
		if f.Fix != "" && (!sentenceEnd(f.Fix) || !startsSentence(f.Fix)) {
			t.Errorf("%s: the fix is not a sentence: %q", f.Code, f.Fix)
		}
		if m := lowerAfterStop.FindString(f.Message + " " + f.Fix); m != "" {
			t.Errorf("%s: a sentence starts in lower case (%q): %q", f.Code, m, f.Message)
		}
		for _, bad := range []string{"(s)", " 1 lookups", " 1 terms", " 1 records", " 1 keys", " 1 hosts"} {
			if strings.Contains(f.Message+" "+f.Fix, bad) {
				t.Errorf("%s: %q in %q", f.Code, bad, f.Message+" "+f.Fix)
			}
		}
	}
	if len(seen) < 40 {
		t.Fatalf("only %d findings: the scenarios did not run", len(seen))
	}
}

// lowerAfterStop finds a sentence that starts in lower case: a full stop,
// a space, a lower-case word (not "e.g." or "i.e.").
var lowerAfterStop = regexp.MustCompile(`[a-z)]\. [a-z]+[ ,;:]`)

// sentenceEnd reports whether s ends a sentence: a full stop, question
// mark or exclamation mark, perhaps inside a closing quote or bracket.
func sentenceEnd(s string) bool {
	s = strings.TrimRight(strings.TrimSpace(s), `"')`)
	return strings.HasSuffix(s, ".") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "!")
}

// startsSentence reports whether s starts with a capital, a digit or a
// quote (a record or a name quoted first).
func startsSentence(s string) bool {
	for _, r := range s {
		return unicode.IsUpper(r) || unicode.IsDigit(r) || r == '"' || r == '_'
	}
	return false
}

// TestEveryLookupFailedCouldNotBeChecked: when every DKIM lookup of a
// domain fails, the DKIM part says it could not be checked, in its verdict
// and its finding, and no finding says "no key found". Before, the verdict
// read "no key found" though nothing had been ruled out.
func TestEveryLookupFailedCouldNotBeChecked(t *testing.T) {
	srv := wordingServer(t)
	r := wordingReport(t, srv, "failing.example")
	if v := r.Verdict(finding.PartDKIM); v.Word != "could not be checked" {
		t.Errorf("DKIM verdict %+v, want \"could not be checked\"", v)
	}
	var temp bool
	for _, f := range r.Findings {
		if f.Code == "dkim.no_key_found" {
			t.Errorf("a finding says no key was found: %q", f.Message)
		}
		if f.Code == "dkim.probe_dns_temporary" {
			temp = strings.Contains(f.Message, "could not be checked")
			if !temp {
				t.Errorf("the lookup finding does not say DKIM could not be checked: %q", f.Message)
			}
		}
	}
	if !temp {
		t.Error("no finding says the lookups failed")
	}
	// One answer among them is enough to rule keys out: "no key found".
	if v := wordingReport(t, srv, "nodmarc.example").Verdict(finding.PartDKIM); v.Word != "no key found" {
		t.Errorf("nodmarc.example: DKIM verdict %+v, want \"no key found\"", v)
	}
}

// TestTwoMTASTSRecordsNamed: a domain with two MTA-STS records gets a
// finding that quotes both, and the part's verdict says the record is
// invalid. Before, the verdict said "none · not published (optional)", as
// if there were no record at all.
func TestTwoMTASTSRecordsNamed(t *testing.T) {
	r := wordingReport(t, wordingServer(t), "wording.example")
	if v := r.Verdict(finding.PartMTASTS); v.Word != "invalid" || !strings.Contains(strings.Join(v.Facts, " "), "several records") {
		t.Errorf("MTA-STS verdict %+v, want invalid, several records", v)
	}
	var msg string
	for _, f := range r.Findings {
		if f.Code == "mta_sts.multiple_records" {
			msg = f.Message
		}
	}
	for _, want := range []string{`"v=STSv1; id=20260101"`, `"v=STSv1; id=20260202"`} {
		if !strings.Contains(msg, want) {
			t.Errorf("the finding %q does not name %s", msg, want)
		}
	}
}

// TestNoDMARCNoAlignmentLine: the written report of a domain without DMARC
// has no alignment line; one with a record spells its modes. Before, it
// printed "Alignment: DKIM , SPF " with nothing in it.
func TestNoDMARCNoAlignmentLine(t *testing.T) {
	srv := wordingServer(t)
	for domain, want := range map[string]string{"nodmarc.example": "", "wording.example": "DKIM relaxed, SPF relaxed"} {
		var b bytes.Buffer
		if err := render.Text(&b, wordingReport(t, srv, domain).Doc(), render.Options{}); err != nil {
			t.Fatal(err)
		}
		var line string
		for l := range strings.SplitSeq(b.String(), "\n") {
			if strings.HasPrefix(l, "Alignment:") {
				line = strings.TrimSpace(strings.TrimPrefix(l, "Alignment:"))
			}
		}
		if line != want {
			t.Errorf("%s: alignment line %q, want %q", domain, line, want)
		}
	}
}

// TestReportRowsSayEachSentenceOnce: no line of the text or Markdown
// report of the demo's domains (a table row, a field, a finding) says a
// sentence twice, letter case and its end aside. Before, the DMARC tag
// table read "removed in RFC 9989: Removed in RFC 9989; ...".
func TestReportRowsSayEachSentenceOnce(t *testing.T) {
	srv := wordingServer(t)
	split := regexp.MustCompile(`[.!?:;]\s+|\|`)
	for _, d := range []string{"healthy.example", "broken.example", "mailer.example", "wording.example"} {
		doc := wordingReport(t, srv, d).Doc()
		for _, md := range []bool{false, true} {
			var b bytes.Buffer
			var err error
			if md {
				err = render.Markdown(&b, doc, render.Options{})
			} else {
				err = render.Text(&b, doc, render.Options{})
			}
			if err != nil {
				t.Fatal(err)
			}
			for line := range strings.SplitSeq(b.String(), "\n") {
				seen := map[string]bool{}
				for _, s := range split.Split(line, -1) {
					s = strings.ToLower(strings.TrimRight(strings.TrimSpace(s), ".!?"))
					if len(strings.Fields(s)) < 3 {
						continue
					}
					if seen[s] {
						t.Errorf("%s: %q twice in %q", d, s, line)
					}
					seen[s] = true
				}
			}
		}
	}
}

// TestSPFTodayCountsInWords: the headers report's "SPF today" line says
// "1 lookup" for one and "3 lookups" for three. Before, it said
// "1 lookups".
func TestSPFTodayCountsInWords(t *testing.T) {
	rep := recheckWith(t, wordingServer(t), demo.SampleMessage(), MessageOptions{Now: time.Now()})
	if rep.Recheck == nil || rep.Recheck.SPF == nil || rep.Recheck.SPF.IP == nil {
		t.Fatal("the sample's SPF was not re-checked")
	}
	for n, want := range map[int]string{1: ", 1 lookup.", 3: ", 3 lookups."} {
		rep.Recheck.SPF.Lookups = n
		var b bytes.Buffer
		if err := render.Text(&b, rep.Doc(), render.Options{}); err != nil {
			t.Fatal(err)
		}
		out := strings.Join(strings.Fields(b.String()), " ")
		i := strings.Index(out, "SPF today:")
		if i < 0 || !strings.Contains(out[i:min(len(out), i+300)], want) {
			t.Errorf("%d lookups: the SPF today line does not say %q:\n%s", n, want, out[max(0, i):min(len(out), i+300)])
		}
	}
}
