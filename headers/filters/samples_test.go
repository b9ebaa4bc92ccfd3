package filters

import (
	"strings"
	"testing"

	"github.com/mxray/mxray/headers/forwarding"
)

// want is one verdict a technician reads off a real header by hand.
type want struct {
	filter     Filter
	verdict    Verdict
	trust      Trust
	score, thr *float64
	field      string
}

// sampleVerdicts holds, for the real headers of the project's testdata,
// every filter verdict in header order. Each row was written by reading
// the file; the reasoning is in the comments.
var sampleVerdicts = map[string][]want{
	// A Microsoft 365 NDR received by mailgun. Its X-Forefront-Antispam-Report
	// says DIR:OUT: the sending tenant's outbound scan (SFV:NSPM, SCL:1),
	// not mailgun's. The Forefront fields in the attached original are body.
	"headers/exchange-online-ndr-forefront.eml": {
		{Microsoft365, NotSpam, TrustEarlier, fptr(1), fptr(5), "X-Forefront-Antispam-Report"},
	},
	// IBM's own Proofpoint (pphosted.com) scanned it on the way out
	// (policy=outbound, rule=outbound_notspam); the receiver is didi.net's
	// qmail, which recorded no verdict.
	"headers/fifteen-received-hops.headers.eml": {
		{Proofpoint, NotSpam, TrustEarlier, fptr(0), nil, "X-Proofpoint-Spam-Details"},
	},
	// Sent from Gmail (X-Gm-Message-State) to zone.ee's Haraka, whose rspamd
	// plugin appended X-Rspamd-* at the very end (score -1, all symbols
	// negative): nothing shows which server wrote them.
	"headers/gmail-to-haraka-received-spf.eml": {
		{Google, Unknown, TrustEarlier, nil, nil, "X-Gm-Message-State"},
		{Rspamd, NotSpam, TrustUnknown, fptr(-1), nil, "X-Rspamd-Report"},
	},
	// pair.com's mailwash7 ran SpamAssassin 3.2.5 after the message came in
	// from controlledmail.com (X-Spam-Check-By names it): hits=-102.4 of 3.5.
	"dkim/dkimpy/message.mbox": {
		{SpamAssassin, NotSpam, TrustReceiver, fptr(-102.4), fptr(3.5), "X-Spam-Status"},
	},
	// The IETF's amavisd-new at ietfa.amsl.com: score=-7.107 required=5.
	// The paste is Gmail's copy without Gmail's MX hop, so the IETF's mail
	// system is where the Received chain shows the message arriving, and
	// Gmail's X-Google-Smtp-Source sits in the receiving region.
	"arc/stalwart-mail-auth/001.txt": {
		{Google, Unknown, TrustReceiver, nil, nil, "X-Google-Smtp-Source"},
		{SpamAssassin, NotSpam, TrustReceiver, fptr(-7.107), fptr(5), "X-Spam-Status"},
	},
	"dkim/stalwart-mail-auth/003.txt": {
		{SpamAssassin, NotSpam, TrustReceiver, fptr(-1.906), fptr(5), "X-Spam-Status"},
	},
	// MailScanner fields of the receiving ISP appended below everything
	// (X-CSI-MailScanner-SpamCheck: spam, ORDB-RBL), then X-Spam-Status: Yes.
	// Below every Received field, with no host named: unknown.
	"headers/yahoo-dkim-dk-empty-group-lists.eml": {
		{MailScanner, Spam, TrustUnknown, nil, nil, "X-CSI-MailScanner-SpamCheck"},
		{SpamAssassin, Spam, TrustUnknown, nil, nil, "X-Spam-Status"},
	},
	"headers/year-3609-out-of-order-received.eml": {
		{MailScanner, Spam, TrustUnknown, nil, nil, "X-CSI-MailScanner-SpamCheck"},
		{SpamAssassin, Spam, TrustUnknown, nil, nil, "X-Spam-Status"},
	},
	// Fastmail's SpamAssassin, above all of Fastmail's hops: X-Spam-score
	// with its hits, no threshold and no yes/no.
	"headers/fastmail-amazon-arc-bimi.eml": {
		{SpamAssassin, Unknown, TrustReceiver, fptr(1.5), nil, "X-Spam-score"},
	},
	"headers/fastmail-cnn-arc.eml": {
		{SpamAssassin, Unknown, TrustReceiver, fptr(0), nil, "X-Spam-score"},
	},
	"headers/fastmail-fastmail-private-arc.eml": {
		{SpamAssassin, Unknown, TrustReceiver, fptr(0), nil, "X-Spam-score"},
	},
	// "X-Spam: undefined" appended at the end: rspamd's flag field, with a
	// value nobody documents.
	"headers/dkim-ar-received-spf-list.headers.eml": {
		{Rspamd, Unknown, TrustUnknown, nil, nil, "X-Spam"},
	},
	// Forwarded by Gmail: the X-Gm-Message-State of the forwarding leg.
	"headers/gmail-forwarded-arc-i2-pass2.eml": {
		{Google, Unknown, TrustEarlier, nil, nil, "X-Gm-Message-State"},
	},
	"headers/gmail-forwarded-spf-neutral-arc-i2-pass.eml": {
		{Google, Unknown, TrustEarlier, nil, nil, "X-Gm-Message-State"},
	},
	// No filter fields at all.
	"headers/kernel-org-arc-i3-gmail-via-webhosting-spf-dmarc-fail.eml": {},
	"headers/qmail-empty-helo-fake-postfix.headers.eml":                 {},
}

func TestSamples(t *testing.T) {
	for file, wants := range sampleVerdicts {
		t.Run(file, func(t *testing.T) {
			m, a := load(t, file)
			got := Decode(m, a)
			if len(got) != len(wants) {
				var names []string
				for _, v := range got {
					names = append(names, string(v.Filter)+"/"+v.Field)
				}
				t.Fatalf("got %d verdicts %v, want %d", len(got), names, len(wants))
			}
			for k, w := range wants {
				v := got[k]
				if v.Filter != w.filter || v.Verdict != w.verdict || v.Trust != w.trust || !eqNum(v.Score, w.score) || !eqNum(v.Threshold, w.thr) || v.Field != w.field {
					t.Errorf("verdict %d: got %s %s %s %s/%s %s (%s)", k, v.Filter, v.Verdict, v.Trust, numStr(v.Score), numStr(v.Threshold), v.Field, v.TrustReason)
				}
				if v.Trusted != (v.Trust == TrustReceiver) {
					t.Errorf("verdict %d: trusted %v with trust %s", k, v.Trusted, v.Trust)
				}
			}
		})
	}
}

// Forwarding read off the real headers.
func TestSampleForwarding(t *testing.T) {
	tests := []struct {
		file      string
		forwarder string
		kinds     string
		expl      string // a substring of the explanation
	}{
		// Gmail forwarded andris@tr.ee's mail to andris.reinman@gmail.com
		// (X-Forwarded-For, the "+caf_=" return path); SPF at Gmail is
		// neutral for tr.ee, DKIM passed for zonevs.eu.
		{"headers/gmail-forwarded-arc-i2-pass2.eml", "tr.ee", "forwarded forwarded forwarded arc arc",
			"SPF does not pass (neutral) at the final receiver because the message was forwarded by tr.ee"},
		// The IETF jmap list: Sender is the list's bounce address, SPF passed
		// for ietf.org, the author's stalw.art signature failed (neutral).
		{"arc/stalwart-mail-auth/001.txt", "jmap@ietf.org", "list sender arc",
			"SPF pass is about ietf.org, not the author's domain stalw.art"},
		// kernel.org's own list server is the receiver: its List-Id says
		// nothing about forwarding before the SPF check.
		{"headers/kernel-org-arc-i3-gmail-via-webhosting-spf-dmarc-fail.eml", "", "list arc arc arc",
			"webhostingserver.nl sealed the message with ARC"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			m, a := load(t, tt.file)
			r := Explain(m, a, forwarding.AuthFromAnalysis(a))
			var kinds []string
			for _, rw := range r.Forwarding.Rewrites {
				kinds = append(kinds, string(rw.Kind))
			}
			if r.Forwarding.Forwarder != tt.forwarder || strings.Join(kinds, " ") != tt.kinds || !strings.Contains(r.Forwarding.Explanation, tt.expl) {
				t.Errorf("forwarder %q kinds %v\nexplanation %q", r.Forwarding.Forwarder, kinds, r.Forwarding.Explanation)
			}
		})
	}
}
