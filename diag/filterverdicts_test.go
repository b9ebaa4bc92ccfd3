package diag

import (
	"context"
	"strings"
	"testing"

	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/filterreport"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/render"
	"github.com/mxray/mxray/diag/termsafe/termsafetest"
	"github.com/mxray/mxray/headers/filters"
)

// TestFilterReportAuth: the filter verdicts are decoded once, when the
// message is read; the why sentence rests on the receiver's results until
// the re-check is in, then on today's (the sample's rotated es2025 key
// fails today), with the receiver's verdict unchanged.
func TestFilterReportAuth(t *testing.T) {
	m, err := ReadMessage(demo.SampleName, demo.SampleMessage(), HeaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Filters) != 1 || m.Filters[0].Filter != filters.SpamAssassin || !m.Filters[0].Trusted || m.Filters[0].Verdict != filters.NotSpam {
		t.Fatalf("the sample's verdicts: %+v", m.Filters)
	}
	before := m.FilterReport(nil)
	const recorded = "consistent with its authentication: SPF pass, DKIM pass (healthy.example, mailer.example), DMARC pass (p=reject)."
	if !strings.HasPrefix(before.Why, "SpamAssassin judged it not spam: score -2.1") || !strings.HasSuffix(before.Why, recorded) {
		t.Errorf("why before the re-check: %q", before.Why)
	}
	offline, _ := pipeline(t, MessageOptions{NoRecheck: true})
	if got := offline.Headers.Filters.Why; got != before.Why {
		t.Errorf("--no-recheck why %q, want the receiver's %q", got, before.Why)
	}
	rep, _ := pipeline(t, MessageOptions{})
	after := rep.Message.FilterReport(rep.Headers)
	const today = "consistent with its authentication in today's re-check: SPF pass, DKIM pass (healthy.example), permerror (mailer.example), DMARC pass (p=reject)."
	if !strings.HasSuffix(after.Why, today) || after.Why != rep.Headers.Filters.Why {
		t.Errorf("why after the re-check: %q", after.Why)
	}
	if len(after.Verdicts) != 1 || &after.Verdicts[0] != &rep.Message.Filters[0] {
		t.Error("the re-check's report does not reuse the verdicts decoded when the message was read")
	}
	if v := FiltersVerdict(after); v.Tone != TonePass || v.Word != "not spam" || strings.Join(v.Facts, ", ") != "SpamAssassin, score -2.1 of 5" {
		t.Errorf("summary %+v", v)
	}
}

// junkMessage is Microsoft 365 receiving a spoofed message into Junk, with
// the sender's own SpamAssassin verdict below the MX hop.
const junkMessage = "Received: from DM6PR01MB0001.namprd01.prod.outlook.com (2603:10b6:5:1::1) by\r\n" +
	" DM6PR01MB0002.namprd01.prod.outlook.com with HTTPS; Mon, 6 Jan 2025 10:00:05 +0000\r\n" +
	"X-Microsoft-Antispam-Mailbox-Delivery: ucf:0;jmr:1;auth:0;dest:J;\r\n" +
	"Authentication-Results: spf=fail (sender IP is 192.0.2.10) smtp.mailfrom=receiver.example; dkim=none (message not signed)\r\n" +
	" header.d=none;dmarc=fail action=none header.from=receiver.example;compauth=fail reason=601\r\n" +
	"X-Forefront-Antispam-Report: CIP:192.0.2.10;CTRY:US;LANG:en;SCL:5;SRV:;IPV:NLI;SFV:SPM;H:mail.sender.example;CAT:SPOOF;DIR:INB;\r\n" +
	"X-Microsoft-Antispam: BCL:0;\r\n" +
	"Received: from mail.sender.example (192.0.2.10) by\r\n" +
	" BN8NAM11FT001.mail.protection.outlook.com (10.13.177.1) with Microsoft SMTP Server\r\n" +
	" id 15.20.1.1 via Frontend Transport; Mon, 6 Jan 2025 10:00:03 +0000\r\n" +
	"Received: from [198.51.100.7] (client.sender.example [198.51.100.7])\r\n" +
	"\tby mail.sender.example (Postfix) with ESMTPSA id 5678; Mon, 6 Jan 2025 10:00:01 +0000\r\n" +
	"X-Spam-Checker-Version: SpamAssassin 3.4.6 (2021-04-09) on mail.sender.example\r\n" +
	"X-Spam-Status: No, score=-1.0 required=5.0 tests=ALL_TRUSTED autolearn=ham\r\n" +
	"Received: from localhost by mail.sender.example; Mon, 6 Jan 2025 10:00:00 +0000\r\n" +
	"From: Alice <alice@receiver.example>\r\n" +
	"To: bob@receiver.example\r\n" +
	"Subject: invoice\r\n" +
	"Date: Mon, 6 Jan 2025 10:00:00 +0000\r\n" +
	"Message-ID: <1@sender.example>\r\n"

// TestFilterFindings: the receiver's Junk verdict is a note whose message
// is the why sentence; the sender's own verdict is noted as not the
// receiver's, with who added it; both are shown by the Verdicts pane.
func TestFilterFindings(t *testing.T) {
	m, err := ReadMessage("junk.eml", []byte(junkMessage), HeaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rep := CheckMessage(context.Background(), nil, m, MessageOptions{NoRecheck: true}, nil).Headers
	var verdict, untrusted []finding.Finding
	for _, f := range rep.Findings {
		switch f.Code {
		case filterreport.CodeVerdict:
			verdict = append(verdict, f)
		case filterreport.CodeUntrusted:
			untrusted = append(untrusted, f)
		}
	}
	if len(verdict) != 1 || verdict[0].Message != rep.Filters.Why || verdict[0].Severity != finding.Info ||
		verdict[0].Part != finding.PartVerdicts || verdict[0].Where() != finding.PartVerdicts || verdict[0].Subject != finding.Line(6) {
		t.Errorf("verdict findings %+v (why %q)", verdict, rep.Filters.Why)
	}
	if !strings.HasPrefix(rep.Filters.Why, "Microsoft 365 delivered it to Junk as phishing") || !strings.Contains(rep.Filters.Why, "reason=601") {
		t.Errorf("why %q", rep.Filters.Why)
	}
	if len(untrusted) != 1 || !strings.Contains(untrusted[0].Message, "SpamAssassin's X-Spam-Status field (line 14), added by mail.sender.example (hop 1), was") ||
		untrusted[0].Subject != finding.Line(14) {
		t.Errorf("untrusted findings %+v", untrusted)
	}
	v := FiltersVerdict(rep.Filters)
	if v.Tone != ToneFail || v.Word != "phish, junk" || strings.Join(v.Facts, ", ") != "Microsoft 365, score 5 of 5, 1 verdict not the receiver's" {
		t.Errorf("summary %+v", v)
	}
	var doc strings.Builder
	if err := render.Markdown(&doc, rep.Doc(), render.Options{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## Filter verdicts\n\nWhy: Microsoft 365 delivered it to Junk", "- **Filters:** phish, junk (Microsoft 365",
		"NOT TRUSTED (earlier)", "| compauth | fail reason=601 |", `\[guess\] delivered to the Junk Email folder`} {
		if !strings.Contains(doc.String(), want) {
			t.Errorf("the Markdown report lacks %q:\n%s", want, doc.String())
		}
	}
}

// TestFiltersVerdict: the summary word and tone of each kind of report.
func TestFiltersVerdict(t *testing.T) {
	trusted := func(v filters.Verdict, f filters.Folder) filters.FilterVerdict {
		return filters.FilterVerdict{Filter: filters.Rspamd, Verdict: v, Folder: f, Trusted: true, Trust: filters.TrustReceiver}
	}
	tests := []struct {
		name string
		vs   []filters.FilterVerdict
		tone Tone
		word string
	}{
		{"none", nil, ToneNone, "none recorded"},
		{"spam", []filters.FilterVerdict{trusted(filters.Spam, filters.NoFolder)}, ToneFail, "spam"},
		{"bulk", []filters.FilterVerdict{trusted(filters.Bulk, filters.Junk)}, ToneWarn, "bulk, junk"},
		{"clean, yet junked", []filters.FilterVerdict{trusted(filters.NotSpam, filters.Junk)}, ToneWarn, "not spam, junk"},
		{"clean", []filters.FilterVerdict{trusted(filters.NotSpam, filters.Inbox)}, TonePass, "not spam, inbox"},
		{"quarantined", []filters.FilterVerdict{trusted(filters.NotSpam, filters.Quarantine)}, ToneFail, "not spam, quarantine"},
		{"unknown", []filters.FilterVerdict{trusted(filters.Unknown, filters.NoFolder)}, ToneNone, "unknown"},
		{"origin unknown", []filters.FilterVerdict{{Filter: filters.Rspamd, Verdict: filters.Spam, Trust: filters.TrustUnknown}}, ToneUnknown, "spam"},
		{"only the sender's", []filters.FilterVerdict{{Filter: filters.Rspamd, Verdict: filters.Spam, Trust: filters.TrustEarlier}}, ToneNone, "none of the receiver's"},
	}
	for _, tt := range tests {
		if v := FiltersVerdict(filters.Report{Verdicts: tt.vs}); v.Tone != tt.tone || v.Word != tt.word {
			t.Errorf("%s: %+v, want %v %q", tt.name, v, tt.tone, tt.word)
		}
	}
}

// TestHostileFilterFields: escape sequences, controls, bidi and zero-width
// characters a sender plants in a filter's fields (an X-Spam-Report
// description, an X-Forefront-Antispam-Report value) reach the text and
// Markdown reports only as visible escapes.
func TestHostileFilterFields(t *testing.T) {
	for _, h := range hostileTXT {
		t.Run(h.name, func(t *testing.T) {
			raw := strings.Replace(junkMessage, "CTRY:US;", "CTRY:"+h.raw+";", 1)
			raw = strings.Replace(raw, "X-Spam-Status:", "X-Spam-Report: * -1.0 ALL_TRUSTED R"+h.raw+"z\r\nX-Spam-Status:", 1)
			m, err := ReadMessage("hostile.eml", []byte(raw), HeaderOptions{})
			if err != nil {
				t.Fatal(err)
			}
			rep := CheckMessage(context.Background(), nil, m, MessageOptions{NoRecheck: true}, nil).Headers
			text, md := rendered(t, rep.Doc())
			for name, out := range map[string]string{"text": text, "markdown": md} {
				if bad := termsafetest.Unsafe(out); bad != "" {
					t.Errorf("the %s report carries %s", name, bad)
				}
			}
			if !strings.Contains(text, "R"+h.shown+"z") {
				t.Errorf("the text report does not show the planted description as %q", "R"+h.shown+"z")
			}
		})
	}
}
