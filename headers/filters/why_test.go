package filters

import (
	"testing"

	"github.com/mxray/mxray/headers/forwarding"
	"github.com/mxray/mxray/headers/internal/headerstest"
)

// The why sentence, end to end from a header, for Microsoft 365 as the
// receiver: the receiver's compauth explains the Junk folder.
func TestWhyMicrosoftJunk(t *testing.T) {
	above := "X-Microsoft-Antispam-Mailbox-Delivery: ucf:0;jmr:1;auth:0;dest:J;\n" +
		"Authentication-Results: spf=fail (sender IP is 192.0.2.10) smtp.mailfrom=receiver.example; dkim=none (message not signed)\n" +
		" header.d=none;dmarc=fail action=none header.from=receiver.example;compauth=fail reason=601\n" +
		"X-Forefront-Antispam-Report: CIP:192.0.2.10;CTRY:US;LANG:en;SCL:5;SRV:;IPV:NLI;SFV:SPM;H:mail.sender.example;CAT:SPOOF;DIR:INB;\n" +
		"X-Microsoft-Antispam: BCL:0;\n"
	m, a := headerstest.Parse(t, ms365Message(above, ""))
	r := Explain(m, a, forwarding.AuthFromAnalysis(a))
	want := "Microsoft 365 delivered it to Junk as phishing: spoofing: the sender failed spoof intelligence or composite authentication, " +
		"spam confidence 5 (SFV:SPM, CAT:SPOOF) and the From domain failed composite authentication (compauth=fail reason=601: " +
		"the message failed implicit email authentication, and the sending domain is one of the organisation's accepted domains " +
		"(self-to-self or intra-org spoofing))."
	if r.Why != want {
		t.Errorf("why\n got %q\nwant %q", r.Why, want)
	}
}

func TestWhyMicrosoftInbox(t *testing.T) {
	above := "Authentication-Results: spf=pass (sender IP is 192.0.2.10) smtp.mailfrom=sender.example; dkim=pass (signature was verified)\n" +
		" header.d=sender.example;dmarc=pass action=none header.from=sender.example;compauth=pass reason=100\n" +
		"X-Forefront-Antispam-Report: CIP:192.0.2.10;SCL:1;SFV:NSPM;CAT:NONE;DIR:INB;\n"
	m, a := headerstest.Parse(t, ms365Message(above, ""))
	r := Explain(m, a, forwarding.AuthFromAnalysis(a))
	want := "Microsoft 365 delivered it to the Inbox: spam confidence 1 (SFV:NSPM), consistent with its authentication: " +
		"SPF pass, DKIM pass (sender.example), DMARC pass, compauth pass reason 100."
	if r.Why != want {
		t.Errorf("why\n got %q\nwant %q", r.Why, want)
	}
}

func TestWhy(t *testing.T) {
	ms := func(verdict Verdict, folder Folder, summary string, signals ...Signal) FilterVerdict {
		return FilterVerdict{Filter: Microsoft365, Verdict: verdict, Folder: folder, Summary: summary, Signals: signals, Trusted: true, Trust: TrustReceiver}
	}
	sa := FilterVerdict{Filter: SpamAssassin, Verdict: Spam, Summary: "score 7.9, at or above the threshold 5 (X-Spam-Status: Yes)", Trusted: true, Trust: TrustReceiver}
	allPass := Auth{Source: "receiver", SPF: "pass", DKIM: []forwarding.DKIMResult{{Domain: "sender.example", Result: "pass"}}, DMARC: "pass"}
	tests := []struct {
		name string
		vs   []FilterVerdict
		auth Auth
		fw   forwarding.Forwarding
		want string
	}{
		{"spam with DMARC failing p=reject", []FilterVerdict{sa}, Auth{SPF: "fail", DMARC: "fail", DMARCPolicy: "reject"}, forwarding.Forwarding{},
			"SpamAssassin marked it as spam: score 7.9, at or above the threshold 5 (X-Spam-Status: Yes) and the From domain failed DMARC (p=reject)."},
		{"spam with SPF failing and no DKIM", []FilterVerdict{sa}, Auth{SPF: "softfail"}, forwarding.Forwarding{},
			"SpamAssassin marked it as spam: score 7.9, at or above the threshold 5 (X-Spam-Status: Yes) and SPF soft-failed and no DKIM signature passed."},
		{"quarantined phishing", []FilterVerdict{ms(Phish, Quarantine, "high confidence phishing, spam confidence 9 (SFV:SPM, CAT:HPHSH)")}, allPass, forwarding.Forwarding{},
			"Microsoft 365 quarantined it as phishing: high confidence phishing, spam confidence 9 (SFV:SPM, CAT:HPHSH)."},
		{"spam, folder not recorded", []FilterVerdict{{Filter: Microsoft365, Verdict: Spam, Summary: "spam confidence 6 (SFV:SPM)", Trusted: true, Note: "the folder is not recorded"}}, Auth{}, forwarding.Forwarding{},
			"Microsoft 365 marked it as spam: spam confidence 6 (SFV:SPM) (the folder is not recorded)."},
		{"clean but junked by the recipient's rule", []FilterVerdict{ms(NotSpam, Junk, "spam confidence 1 (SFV:NSPM)",
			Signal{Name: "OFR", Raw: "CustomRules", Meaning: "a user's own rule (Outlook or Outlook on the web) chose the folder", Guess: true})}, allPass, forwarding.Forwarding{},
			"Microsoft 365 judged it not spam: spam confidence 1 (SFV:NSPM), yet delivered it to Junk (OFR:CustomRules, an undocumented field: a user's own rule (Outlook or Outlook on the web) chose the folder); the receiver recorded SPF pass, DKIM pass (sender.example), DMARC pass."},
		{"clean although DMARC failed with p=none", []FilterVerdict{ms(NotSpam, Inbox, "spam confidence 1 (SFV:NSPM)")}, Auth{DMARC: "fail", DMARCPolicy: "none"}, forwarding.Forwarding{},
			"Microsoft 365 delivered it to the Inbox: spam confidence 1 (SFV:NSPM), although the From domain failed DMARC (p=none): a p=none policy asks receivers to deliver as usual, so the failure alone does not send it to Junk."},
		{"the receiver's verdict wins over the sender's", []FilterVerdict{
			{Filter: SpamAssassin, Verdict: NotSpam, Summary: "score -100", Trust: TrustEarlier, AddedBy: "out.sender.example"},
			ms(NotSpam, Inbox, "spam confidence 1 (SFV:NSPM)")}, allPass, forwarding.Forwarding{},
			"Microsoft 365 delivered it to the Inbox: spam confidence 1 (SFV:NSPM), consistent with its authentication: SPF pass, DKIM pass (sender.example), DMARC pass."},
		{"the final folder wins over an earlier objection", []FilterVerdict{ms(NotSpam, Inbox, "spam confidence 1 (SFV:NSPM)"), sa}, Auth{}, forwarding.Forwarding{},
			"Microsoft 365 delivered it to the Inbox: spam confidence 1 (SFV:NSPM)."},
		{"an objection wins over a clean verdict without a folder", []FilterVerdict{{Filter: Rspamd, Verdict: NotSpam, Trusted: true, Summary: "score 1"}, sa}, Auth{}, forwarding.Forwarding{},
			"SpamAssassin marked it as spam: score 7.9, at or above the threshold 5 (X-Spam-Status: Yes)."},
		{"only the sender's verdict", []FilterVerdict{{Filter: SpamAssassin, Verdict: NotSpam, Trust: TrustEarlier, AddedBy: "out.sender.example at hop 1"}}, allPass, forwarding.Forwarding{},
			"No filter of the receiving organisation recorded a verdict in this header; the SpamAssassin fields, added by out.sender.example at hop 1, were written before the message arrived and say nothing about this delivery; the receiver recorded SPF pass, DKIM pass (sender.example), DMARC pass."},
		{"only fields of unknown origin", []FilterVerdict{{Filter: Rspamd, Verdict: NotSpam, Summary: "score -1", Trust: TrustUnknown, TrustReason: "they sit below every Received field"}}, Auth{}, forwarding.Forwarding{},
			"No filter verdict in this header can be tied to the receiving organisation: rspamd, whose fields sit below every Received field and may be the receiver's, judged it not spam: score -1."},
		{"spam, DMARC failing today", []FilterVerdict{sa}, Auth{Source: "recheck", DMARC: "fail", DMARCPolicy: "quarantine", CompAuth: "softpass"}, forwarding.Forwarding{},
			"SpamAssassin marked it as spam: score 7.9, at or above the threshold 5 (X-Spam-Status: Yes) and the From domain failed DMARC (p=quarantine) in today's re-check."},
		{"clean, re-checked", []FilterVerdict{ms(NotSpam, Inbox, "spam confidence 1 (SFV:NSPM)")}, Auth{Source: "recheck", SPF: "pass", DMARC: "pass", CompAuth: "pass", CompAuthReason: "100"}, forwarding.Forwarding{},
			"Microsoft 365 delivered it to the Inbox: spam confidence 1 (SFV:NSPM), consistent with its authentication in today's re-check: SPF pass, DMARC pass, compauth pass reason 100 (as recorded at delivery)."},
		{"nothing, re-checked", nil, Auth{Source: "recheck", SPF: "pass"}, forwarding.Forwarding{},
			"No spam filter recorded a verdict in this header; the re-check found SPF pass."},
		{"nothing at all", nil, Auth{}, forwarding.Forwarding{}, "No spam filter recorded a verdict in this header."},
		{"many signatures", nil, Auth{DKIM: []forwarding.DKIMResult{{Domain: "a.example", Result: "pass"}, {Domain: "b.example", Result: "pass"},
			{Domain: "a.example", Result: "pass"}, {Domain: "c.example", Result: "pass"}, {Domain: "d.example", Result: "pass"},
			{Domain: "e.example", Result: "pass"}, {Domain: "f.example", Result: "pass"}, {Domain: "g.example", Result: "fail"}}}, forwarding.Forwarding{},
			"No spam filter recorded a verdict in this header; the receiver recorded DKIM pass (a.example, b.example, c.example, d.example and 2 more), fail (g.example)."},
		{"forwarded", nil, Auth{SPF: "fail"}, forwarding.Forwarding{Forwarder: "fwd.example"},
			"No spam filter recorded a verdict in this header; the receiver recorded SPF fail; SPF did not pass because the message was forwarded by fwd.example."},
		{"unreadable verdict", []FilterVerdict{{Filter: IronPort, Verdict: Unknown, Trusted: true, Summary: "scanned for spam, but the verdict is encoded"}}, Auth{}, forwarding.Forwarding{},
			"Cisco Secure Email (IronPort) recorded no verdict: scanned for spam, but the verdict is encoded."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Why(tt.vs, tt.auth, tt.fw); got != tt.want {
				t.Errorf("\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}
