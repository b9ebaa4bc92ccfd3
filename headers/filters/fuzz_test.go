package filters

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mxray/mxray/headers"
	"github.com/mxray/mxray/headers/forwarding"
)

// valid checks the properties every verdict keeps whatever the input.
func valid(t *testing.T, v FilterVerdict) {
	t.Helper()
	switch v.Verdict {
	case Spam, NotSpam, Bulk, Phish, Malware, Unknown:
	default:
		t.Fatalf("verdict %q", v.Verdict)
	}
	switch v.Folder {
	case NoFolder, Inbox, Junk, Quarantine:
	default:
		t.Fatalf("folder %q", v.Folder)
	}
	if v.Trusted != (v.Trust == TrustReceiver) {
		t.Fatalf("trusted %v with trust %q", v.Trusted, v.Trust)
	}
	if v.Signals == nil || len(v.Signals) > MaxSignals {
		t.Fatalf("%d signals", len(v.Signals))
	}
	if _, err := json.Marshal(v); err != nil {
		t.Fatal(err)
	}
}

func FuzzForefront(f *testing.F) {
	for _, s := range []string{
		"CIP:192.0.2.1;CTRY:US;LANG:en;SCL:5;SRV:;IPV:NLI;SFV:SPM;H:x;PTR:x;CAT:SPM;SFS:(1)(2);DIR:INB;",
		"UIP:(null);(null);(null)SFV:SKI;SCL:-1",
		"CIP:2001:db8::1;;;;SFTY:9.19;CAT:HPHSH",
		"BCL:8;PCL:0;ARA:1",
		"dest:J;OFR:CustomRules;ucf:1",
		"",
		":;:;",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		for _, name := range []string{"X-Forefront-Antispam-Report", "X-Microsoft-Antispam", "X-Microsoft-Antispam-Mailbox-Delivery",
			"X-MS-Exchange-Organization-SCL", "X-MS-Exchange-Organization-Antispam-Report", "X-CustomSpam"} {
			v := decodeMicrosoft([]headers.Field{{Name: name, Value: value}})
			v.Filter, v.Trust, v.Fields, v.Field = Microsoft365, TrustUnknown, []string{name}, name
			if v.Signals == nil {
				v.Signals = []Signal{}
			}
			if v.Verdict == "" {
				t.Fatal("empty verdict")
			}
			valid(t, v)
		}
	})
}

func FuzzSpamAssassin(f *testing.F) {
	for _, s := range []string{
		"Yes, score=7.9 required=5.0 tests=A,B,\n C autolearn=no version=4.0.0",
		"No, score=-7.107 tagged_above=-999 required=5 tests=[BAYES_00=-1.9, X=1]",
		"*  3.5 BAYES_99 BODY: Bayes\n*      [score: 1.0000]",
		"Content analysis details: (5.2 points, 5.0 required)",
		"DCC_CHECK 1.1, LANGUAGES en",
		"Yes, score=1e308 required=NaN tests=[[[",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		for _, name := range []string{"X-Spam-Status", "X-Spam-Report", "X-Spam-Hits", "X-Spam-Level", "X-Spam-Score", "X-Spam-Flag", "X-Spam-Checker-Version"} {
			v := decodeSpamAssassin([]headers.Field{{Name: name, Value: value, Raw: name + ": " + value}})
			if v.Verdict == "" {
				t.Fatal("empty verdict")
			}
			for _, s := range v.Signals {
				if s.Name == "" {
					t.Fatalf("empty signal name from %q", value)
				}
			}
		}
	})
}

func FuzzRspamd(f *testing.F) {
	for _, s := range []string{
		"default: False [3.40 / 15.00];\tR_SPF_ALLOW(-0.20)[+ip4:192.0.2.0/24]; X(1)[a[b]c]",
		"default: True [16.2 / 15]  R_SPF_FAIL (1) [-all",
		"R_DKIM_ALLOW(-0.2) MIME_GOOD(-0.1)",
		"[ / ]((((",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		r := parseRspamdResult(value)
		if len(r.symbols) > MaxSignals {
			t.Fatalf("%d symbols", len(r.symbols))
		}
		for _, s := range r.symbols {
			if s.name == "" || !strings.Contains(value, s.name) {
				t.Fatalf("symbol %q not in the input", s.name)
			}
		}
		decodeRspamd([]headers.Field{{Name: "X-Spamd-Result", Value: value}, {Name: "X-Rspamd-Report", Value: value}, {Name: "X-Spam", Value: value}})
	})
}

func FuzzVendors(f *testing.F) {
	for _, s := range []string{
		"rule=notspam policy=outbound score=0 spamscore=0",
		"Policy=x;Similar Internal Domain=true;Newly Observed Domain=false",
		"Yes, SCORE=10.11 using per-user scores of TAG_LEVEL=3.5 QUARANTINE_LEVEL=9.0 KILL_LEVEL=1000.0 tests=A, B",
		"spam, SpamAssassin (not cached, score=12.3, required 6, BAYES_99 3.50)",
		"https://h.example:443/x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		fs := func(names ...string) []headers.Field {
			var out []headers.Field
			for _, n := range names {
				out = append(out, headers.Field{Name: n, Value: value, Raw: n + ": " + value})
			}
			return out
		}
		decodeProofpoint(fs("X-Proofpoint-Spam-Details", "X-Proofpoint-Virus-Version"))
		proofpointEvidence(fs("X-Proofpoint-Spam-Details"))
		decodeMimecast(fs("X-Mimecast-Spam-Score", "X-Mimecast-Impersonation-Protect"))
		decodeIronPort(fs("X-IronPort-Anti-Spam-Filtered", "X-Amp-Result", "X-IronPort-Reputation", "X-IronPort-MailFlowPolicy"))
		decodeBarracuda(fs("X-Barracuda-Spam-Status", "X-Barracuda-Spam-Report", "X-Barracuda-Spam-Score"))
		barracudaEvidence(fs("X-Barracuda-URL"))
		decodeGoogle(fs("X-Gm-Spam", "X-Gm-Phishy"))
		decodeMailScanner(fs("X-A-MailScanner-SpamCheck", "X-A-MailScanner-SpamScore"))
	})
}

// FuzzExplain runs the whole pipeline on a pasted header.
func FuzzExplain(f *testing.F) {
	f.Add(postfixMessage(saReceiver, saSender, saNoHost, saSender+"X-Spamd-Result: default: False [1 / 15]; A(1)\n"))
	f.Add(ms365Message("X-Forefront-Antispam-Report: SFV:SPM;SCL:5;CAT:SPOOF;DIR:INB\nX-Microsoft-Antispam-Mailbox-Delivery: dest:J\n",
		"X-Forefront-Antispam-Report: DIR:OUT;SCL:1\n"))
	f.Add("Return-Path: <SRS0=a=b=c.example=d@e.example>\nList-Id: <l.example>\nSender: x@y.example\nFrom: a@c.example\nX-Spam: Yes\n")
	f.Fuzz(func(t *testing.T, text string) {
		m, err := headers.Parse([]byte(text))
		if err != nil {
			return
		}
		a := headers.Analyze(m, headers.Options{})
		r := Explain(m, a, forwarding.AuthFromAnalysis(a))
		for _, v := range r.Verdicts {
			valid(t, v)
		}
		if r.Why == "" || !strings.HasSuffix(r.Why, ".") {
			t.Fatalf("why %q", r.Why)
		}
		for _, l := range Lines(r) {
			if utf8.ValidString(text) && !utf8.ValidString(l) {
				t.Fatalf("a valid input gave an invalid line %q", l)
			}
		}
		if _, err := json.Marshal(r); err != nil {
			t.Fatal(err)
		}
	})
}
