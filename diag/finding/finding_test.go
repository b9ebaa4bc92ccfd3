package finding

import (
	"encoding/json"
	"net/netip"
	"testing"
)

func TestSortAndHasError(t *testing.T) {
	fs := []Finding{
		{Severity: Info, Code: "b.note", Part: "b"},
		{Severity: Warning, Code: "a.warn", Part: "a"},
		{Severity: Error, Code: "z.err", Part: "z", Subject: Domain("B")},
		{Severity: Error, Code: "z.err", Part: "z", Subject: Domain("a")},
		{Severity: Warning, Code: "a.aaa", Part: "a"},
	}
	if !HasError(fs) {
		t.Error("HasError = false with two errors")
	}
	Sort(fs)
	want := []string{"z.err/a", "z.err/B", "a.aaa/", "a.warn/", "b.note/"}
	for i, f := range fs {
		if got := f.Code + "/" + f.Subject.String(); got != want[i] {
			t.Errorf("position %d = %s, want %s", i, got, want[i])
		}
	}
	if HasError(fs[2:]) {
		t.Error("HasError = true with no error")
	}
	if got := Worst(fs[2:]); got != Warning {
		t.Errorf("Worst = %q, want warning", got)
	}
	if got := Worst(fs, "b"); got != Info {
		t.Errorf("Worst of part b = %q, want info", got)
	}
	if got := Worst(fs, "none"); got != "" {
		t.Errorf("Worst of no finding = %q, want none", got)
	}
}

// TestSubjectText: each kind of subject is written as the JSON contract
// has it, and a finding's JSON keeps the contract's field names.
func TestSubjectText(t *testing.T) {
	for _, tt := range []struct {
		s    Subject
		want string
	}{
		{Subject{}, ""},
		{Domain("example.com"), "example.com"},
		{Host("mx1.example.com"), "mx1.example.com"},
		{IP(netip.MustParseAddr("2001:db8::1")), "2001:db8::1"},
		{Server("mx1.example.com", netip.MustParseAddr("192.0.2.10")), "mx1.example.com/192.0.2.10"},
		{Server("", netip.MustParseAddr("192.0.2.10")), "192.0.2.10"},
		{Selector("s1"), "s1"},
		{Signature("example.com", "s1"), "d=example.com s=s1"},
		{Hop(3), "hop 3"},
		{Line(12), "line 12"},
		{Text("compauth"), "compauth"},
		{Text(""), ""},
		{File("reports/a.xml.gz"), "reports/a.xml.gz"},
		{Report("google.com 1234"), "google.com 1234"},
	} {
		if got := tt.s.String(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.s, got, tt.want)
		}
	}
	if !Domain("Example.COM.").Is("example.com") || Domain("a.example").Is("b.example") {
		t.Error("Is does not compare as DNS names do")
	}
	b, err := json.Marshal(Finding{Severity: Warning, Code: "x.y", Message: "m", Fix: "f", Part: PartPTR, Subject: Hop(2), Home: PartHops})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"severity":"warning","code":"x.y","message":"m","fix":"f","part":"ptr","subject":"hop 2"}`; string(b) != want {
		t.Errorf("JSON %s, want %s", b, want)
	}
	b, _ = json.Marshal(Finding{Severity: Info, Code: "x.z"})
	if want := `{"severity":"info","code":"x.z","message":"","fix":""}`; string(b) != want {
		t.Errorf("JSON %s, want %s", b, want)
	}
}

// TestWhere: a finding shows where its Home says, else with its part, the
// reverse DNS with the MX hosts and the investigation's own in the DNS log.
func TestWhere(t *testing.T) {
	for _, tt := range []struct {
		f    Finding
		want Part
	}{
		{Finding{Part: PartSPF}, PartSPF},
		{Finding{Part: PartPTR}, PartMX},
		{Finding{Part: PartDNS}, PartDNSLog},
		{Finding{Part: PartHeaders, Home: PartHops}, PartHops},
	} {
		if got := tt.f.Where(); got != tt.want {
			t.Errorf("%+v: %s, want %s", tt.f, got, tt.want)
		}
	}
}

// TestSentence: a full stop at the end, a capital for a plain first word,
// names and tags left as written.
func TestSentence(t *testing.T) {
	for in, want := range map[string]string{
		"run the check again":                   "Run the check again.",
		"k1._domainkey.example holds a key":     "k1._domainkey.example holds a key.",
		"p= is empty":                           "p= is empty.",
		"Already a sentence.":                   "Already a sentence.",
		`it says "v=spf1 -all."`:                `It says "v=spf1 -all."`,
		"nothing to do if retired; otherwise x": "Nothing to do if retired; otherwise x.",
		"":                                      "",
	} {
		if got := Sentence(in); got != want {
			t.Errorf("Sentence(%q) = %q, want %q", in, got, want)
		}
	}
}
