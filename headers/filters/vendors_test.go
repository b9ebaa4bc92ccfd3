package filters

import (
	"strings"
	"testing"

	"github.com/mxray/mxray/headers"
)

func TestProofpoint(t *testing.T) {
	in := []headers.Field{{Name: "X-Proofpoint-Spam-Details", Value: "rule=spam policy=default score=95 spamscore=95 phishscore=0 bulkscore=0 classifier=spam adjust=0 reason=mlx scancount=1 engine=8.19.0 definitions=main-2401010000 oddkey=1 stray"}}
	v := decodeProofpoint(in)
	if v.Verdict != Spam || !eqNum(v.Score, fptr(95)) || !strings.Contains(v.Note, "rule=spam") {
		t.Errorf("got %s %s %q", v.Verdict, numStr(v.Score), v.Note)
	}
	if s := signal(t, v, "spamscore"); !s.Guess {
		t.Errorf("Proofpoint does not publish its fields: %+v", s)
	}
	if s := signal(t, v, "oddkey"); !s.Undocumented || s.Guess {
		t.Errorf("oddkey = %+v", s)
	}
	for rule, want := range map[string]Verdict{"notspam": NotSpam, "phish": Phish, "malware": Malware, "bulk": Bulk, "inbound_definite_spam": Spam, "custom": Unknown} {
		if v := decodeProofpoint([]headers.Field{{Name: "X-Proofpoint-Spam-Details", Value: "rule=" + rule}}); v.Verdict != want {
			t.Errorf("rule=%s: %s, want %s", rule, v.Verdict, want)
		}
	}
	if e := proofpointEvidence([]headers.Field{{Name: "X-Proofpoint-Spam-Details", Value: "rule=outbound_notspam policy=outbound score=0"}}); e.outside == "" {
		t.Error("the outbound policy is the sender's")
	}
	if e := proofpointEvidence(in); e.outside != "" {
		t.Errorf("inbound: %+v", e)
	}
}

func TestMimecast(t *testing.T) {
	v := decodeMimecast([]headers.Field{
		{Name: "X-Mimecast-Spam-Score", Value: "12"},
		{Name: "X-Mimecast-Impersonation-Protect", Value: "Policy=CLT1 - Impersonation Protection Definition;Similar Internal Domain=false;Similar Monitored External Domain=false;Custom External Domain=false;Mimecast External Domain=false;Newly Observed Domain=true;Internal User Name=true;Custom Display Name List=false;Reply-to Address Mismatch=false;Targeted Threat Dictionary=false;Mimecast Threat Dictionary=false;Custom Threat Dictionary=false"},
		{Name: "X-MC-Unique", Value: "abc-123"},
	})
	if v.Verdict != Phish || !eqNum(v.Score, fptr(12)) || !strings.Contains(v.Summary, "2 Impersonation Protect checks") {
		t.Errorf("got %s %s %q", v.Verdict, numStr(v.Score), v.Summary)
	}
	if s := signal(t, v, "Newly Observed Domain"); !strings.HasPrefix(s.Meaning, "matched:") {
		t.Errorf("%+v", s)
	}
	if s := signal(t, v, "Reply-to Address Mismatch"); !strings.HasPrefix(s.Meaning, "not matched:") {
		t.Errorf("%+v", s)
	}
	if s := signal(t, v, "X-MC-Unique"); !s.Undocumented {
		t.Errorf("%+v", s)
	}
	v = decodeMimecast([]headers.Field{{Name: "X-Mimecast-Spam-Score", Value: "3"}})
	if v.Verdict != Unknown || !strings.Contains(v.Summary, "spam score 3") {
		t.Errorf("score alone: %s %q", v.Verdict, v.Summary)
	}
}

func TestIronPort(t *testing.T) {
	v := decodeIronPort([]headers.Field{
		{Name: "X-IronPort-Anti-Spam-Filtered", Value: "true"},
		{Name: "X-IronPort-Anti-Spam-Result", Value: "A0DdCADh5RpV/5RdJa1cgkNDUlwFtDiPCYI0hXcCgUhMAQEBAQE"},
		{Name: "X-IronPort-AV", Value: `E=Sophos;i="5.11,502,1422939600"; d="scan'208,217";a="54"`},
		{Name: "X-IronPort-Reputation", Value: "-3.2"},
		{Name: "X-IronPort-MailFlowPolicy", Value: "$THROTTLED"},
		{Name: "X-IronPort-SenderGroup", Value: "SUSPECTLIST"},
		{Name: "X-IronPort-Custom", Value: "x"},
	})
	if v.Verdict != Unknown || !strings.Contains(v.Summary, "only Cisco can read") {
		t.Errorf("got %s %q", v.Verdict, v.Summary)
	}
	if s := signal(t, v, "X-IronPort-Anti-Spam-Result"); !strings.Contains(s.Meaning, "not customer-decodable") {
		t.Errorf("%+v", s)
	}
	if s := signal(t, v, "X-IronPort-Reputation"); !strings.Contains(s.Meaning, "-3.2") {
		t.Errorf("%+v", s)
	}
	if s := signal(t, v, "X-IronPort-MailFlowPolicy"); !strings.Contains(s.Meaning, "throttled") {
		t.Errorf("%+v", s)
	}
	if s := signal(t, v, "X-IronPort-Custom"); !s.Undocumented {
		t.Errorf("%+v", s)
	}
	v = decodeIronPort([]headers.Field{{Name: "X-Amp-Result", Value: "MALICIOUS"}})
	if v.Verdict != Malware {
		t.Errorf("AMP malicious: %s", v.Verdict)
	}
}

func TestBarracuda(t *testing.T) {
	st := parseBarracudaStatus(headers.Field{Name: "X-Barracuda-Spam-Status", Value: "Yes, SCORE=10.11 using per-user scores of TAG_LEVEL=3.5 QUARANTINE_LEVEL=9.0 KILL_LEVEL=1000.0 tests=BSF_SC0_MISMATCH_TO, HTML_MESSAGE, MIME_HTML_ONLY"})
	if st.yesNo != "Yes" || !eqNum(st.score, fptr(10.11)) || !eqNum(st.tag, fptr(3.5)) || !eqNum(st.quarantine, fptr(9)) || !eqNum(st.kill, fptr(1000)) || st.scope != "per-user" || len(st.tests) != 3 {
		t.Fatalf("%+v", st)
	}
	v := decodeBarracuda([]headers.Field{
		{Name: "X-Barracuda-Connect", Value: "mail.sender.example[192.0.2.10]"},
		{Name: "X-Barracuda-URL", Value: "https://barracuda.receiver.example:443/cgi-mod/mark.cgi"},
		{Name: "X-Barracuda-Spam-Score", Value: "10.11"},
		{Name: "X-Barracuda-Spam-Status", Value: "Yes, SCORE=10.11 using per-user scores of TAG_LEVEL=3.5 QUARANTINE_LEVEL=9.0 KILL_LEVEL=1000.0 tests=BSF_SC0_MISMATCH_TO, HTML_MESSAGE"},
	})
	if v.Verdict != Spam || v.Folder != Quarantine || !eqNum(v.Threshold, fptr(3.5)) || !strings.Contains(v.Note, "per-user") {
		t.Errorf("got %s %q %s %q", v.Verdict, v.Folder, numStr(v.Threshold), v.Note)
	}
	if s := signal(t, v, "BSF_SC0_MISMATCH_TO"); !strings.Contains(s.Meaning, "Barracuda's own rules") {
		t.Errorf("%+v", s)
	}
	if s := signal(t, v, "HTML_MESSAGE"); s.Undocumented {
		t.Errorf("HTML_MESSAGE is a SpamAssassin rule: %+v", s)
	}
	if e := barracudaEvidence([]headers.Field{{Name: "X-Barracuda-URL", Value: "https://barracuda.receiver.example:443/cgi-mod/mark.cgi"}}); e.host != "barracuda.receiver.example" {
		t.Errorf("%+v", e)
	}
	v = decodeBarracuda([]headers.Field{{Name: "X-Barracuda-Spam-Status", Value: "No, SCORE=0.73 using global scores of TAG_LEVEL=1.5 QUARANTINE_LEVEL=3.5 KILL_LEVEL=5.5 tests=RCVD_IN_PBL"}})
	if v.Verdict != NotSpam || v.Folder != NoFolder {
		t.Errorf("got %s %q", v.Verdict, v.Folder)
	}
}

func TestGoogle(t *testing.T) {
	v := decodeGoogle([]headers.Field{{Name: "X-Gm-Spam", Value: "1"}, {Name: "X-Gm-Phishy", Value: "0"}})
	if v.Verdict != Spam || v.Note == "" || !signal(t, v, "X-Gm-Spam").Guess {
		t.Errorf("%+v", v)
	}
	if v := decodeGoogle([]headers.Field{{Name: "X-Gm-Phishy", Value: "1"}}); v.Verdict != Phish {
		t.Errorf("%s", v.Verdict)
	}
	if e := googleEvidence([]headers.Field{{Name: "X-Gm-Message-State", Value: "AOJu0Y"}}); e.outside == "" {
		t.Error("X-Gm-Message-State alone is the sending side")
	}
	if e := googleEvidence([]headers.Field{{Name: "X-Google-Smtp-Source", Value: "AGHT+"}}); e.outside != "" {
		t.Error("X-Google-Smtp-Source alone says nothing about who wrote it")
	}
}

func TestMailScanner(t *testing.T) {
	v := decodeMailScanner([]headers.Field{
		{Name: "X-Example-MailScanner-Information", Value: "Please contact the ISP for more information"},
		{Name: "X-Example-MailScanner", Value: "Found to be clean"},
		{Name: "X-Example-MailScanner-SpamCheck", Value: "spam, SpamAssassin (not cached, score=12.3, required 6, BAYES_99 3.50, URIBL_BLACK 1.70)"},
		{Name: "X-Example-MailScanner-SpamScore", Value: "ssssssssssss"},
	})
	if v.Verdict != Spam || !eqNum(v.Score, fptr(12.3)) || !eqNum(v.Threshold, fptr(6)) {
		t.Fatalf("got %s %s/%s", v.Verdict, numStr(v.Score), numStr(v.Threshold))
	}
	if s := signal(t, v, "BAYES_99"); s.Raw != "3.50" || !strings.Contains(s.Meaning, "Bayes spam probability is 99 to 100%") {
		t.Errorf("%+v", s)
	}
	if s := signal(t, v, "X-Example-MailScanner-SpamScore"); !strings.Contains(s.Meaning, "12 points") {
		t.Errorf("%+v", s)
	}
	if v := decodeMailScanner([]headers.Field{{Name: "X-MailScanner-SpamCheck", Value: "not spam, SpamAssassin (score=1.2, required 6)"}}); v.Verdict != NotSpam {
		t.Errorf("%s", v.Verdict)
	}
}
