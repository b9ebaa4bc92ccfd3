package filters

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxray/mxray/headers/forwarding"
	"github.com/mxray/mxray/headers/internal/headerstest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// The plain-text section for a few headers, against golden files
// (refresh with go test -update after checking the change by eye).
func TestLinesGolden(t *testing.T) {
	cases := map[string]func(t *testing.T) Report{
		"ms365-junk": func(t *testing.T) Report {
			above := "X-Microsoft-Antispam-Mailbox-Delivery: ucf:0;jmr:1;auth:0;dest:J;ENG:(910001);\n" +
				"Authentication-Results: spf=fail (sender IP is 192.0.2.10) smtp.mailfrom=receiver.example; dkim=none (message not signed)\n" +
				" header.d=none;dmarc=fail action=none header.from=receiver.example;compauth=fail reason=601\n" +
				"X-Forefront-Antispam-Report: CIP:192.0.2.10;CTRY:US;LANG:en;SCL:5;SRV:;IPV:NLI;SFV:SPM;H:mail.sender.example;PTR:mail.sender.example;CAT:SPOOF;SFS:(13230031)(4022899009);DIR:INB;\n" +
				"X-Microsoft-Antispam: BCL:0;ARA:13230031\n"
			// The sender's SpamAssassin, naming its host, just below the entry hop.
			m, a := headerstest.Parse(t, ms365Message(above, "X-Spam-Checker-Version: SpamAssassin 3.4.6 (2021-04-09) on mail.sender.example\n"+
				"X-Spam-Status: No, score=0.1 required=5.0 tests=DKIM_SIGNED autolearn=no\n"))
			return Explain(m, a, forwarding.AuthFromAnalysis(a))
		},
		"ietf-list-amavis": func(t *testing.T) Report {
			m, a := load(t, "arc/stalwart-mail-auth/001.txt")
			return Explain(m, a, forwarding.AuthFromAnalysis(a))
		},
		"gmail-forwarded": func(t *testing.T) Report {
			m, a := load(t, "headers/gmail-forwarded-arc-i2-pass2.eml")
			return Explain(m, a, forwarding.AuthFromAnalysis(a))
		},
	}
	for name, mk := range cases {
		t.Run(name, func(t *testing.T) {
			got := strings.Join(Lines(mk(t)), "\n") + "\n"
			path := filepath.Join("testdata", "golden", name+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("Lines differ from %s (go test -update to refresh):\n%s", path, got)
			}
		})
	}
}

func TestSignalLine(t *testing.T) {
	tests := []struct {
		s    Signal
		want string
	}{
		{Signal{Name: "SCL", Raw: "5", Meaning: "spam"}, "SCL    5 — spam"},
		{Signal{Name: "dest", Raw: "J", Meaning: "junk", Guess: true, Undocumented: true}, "dest   J — [guess] junk"},
		{Signal{Name: "SFP", Raw: "", Meaning: "x", Undocumented: true}, "SFP    (empty) — [undocumented] x"},
		{Signal{Name: "SFS", Raw: strings.Repeat("(1)", 30), Meaning: "ids"}, "SFS    " + strings.Repeat("(1)", 19) + "... — ids"},
	}
	for _, tt := range tests {
		if got := SignalLine(tt.s, 5); got != tt.want {
			t.Errorf("got  %q\nwant %q", got, tt.want)
		}
	}
}

// The JSON field names are the contract of DESIGN.md.
func TestJSONContract(t *testing.T) {
	v := FilterVerdict{Filter: SpamAssassin, Verdict: Unknown, Signals: []Signal{{Name: "BAYES_99", Raw: "BAYES_99", Meaning: "m"}},
		Field: "X-Spam-Status", Trust: TrustUnknown, Fields: []string{"X-Spam-Status"}}
	b, err := json.Marshal(Report{Verdicts: []FilterVerdict{v}, Why: "w", Forwarding: forwarding.Explain(nil, Auth{})})
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got["why"] != "w" {
		t.Errorf("why: %v", got["why"])
	}
	fv := got["filter_verdicts"].([]any)[0].(map[string]any)
	for _, k := range []string{"filter", "verdict", "score", "threshold", "folder", "signals", "field", "trusted"} {
		if _, ok := fv[k]; !ok {
			t.Errorf("filter_verdicts[0] lacks %q: %s", k, b)
		}
	}
	for _, k := range []string{"score", "threshold", "folder"} {
		if fv[k] != nil {
			t.Errorf("%s = %v, want null", k, fv[k])
		}
	}
	sig := fv["signals"].([]any)[0].(map[string]any)
	for _, k := range []string{"name", "raw", "meaning", "guess"} {
		if _, ok := sig[k]; !ok {
			t.Errorf("signal lacks %q", k)
		}
	}
	v.Folder, v.Score = Junk, fptr(5)
	b, _ = json.Marshal(v)
	var back FilterVerdict
	if err := json.Unmarshal(b, &back); err != nil || back.Folder != Junk || !eqNum(back.Score, fptr(5)) {
		t.Errorf("round trip: %+v %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"folder":null}`), &back); err != nil || back.Folder != NoFolder {
		t.Errorf("null folder: %q %v", back.Folder, err)
	}
}

func BenchmarkExplain(b *testing.B) {
	m, a := load(b, "arc/stalwart-mail-auth/001.txt")
	auth := forwarding.AuthFromAnalysis(a)
	LookupSARule("BAYES_99") // the table is parsed once, on first use
	for b.Loop() {
		Explain(m, a, auth)
	}
}

func BenchmarkDecodeMicrosoft(b *testing.B) {
	m, a := headerstest.Parse(b, ms365Message("X-Forefront-Antispam-Report: CIP:192.0.2.10;CTRY:US;LANG:en;SCL:5;SRV:;IPV:NLI;SFV:SPM;H:x;PTR:x;CAT:SPM;SFS:(1)(2)(3);DIR:INB;\n"+
		"X-Microsoft-Antispam: BCL:0;\nX-Microsoft-Antispam-Mailbox-Delivery: ucf:0;jmr:1;dest:J;\n", ""))
	for b.Loop() {
		Decode(m, a)
	}
}
