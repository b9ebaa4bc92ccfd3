package filters

import (
	"strings"
	"testing"

	"github.com/mxray/mxray/headers"
)

func TestParseRspamdResult(t *testing.T) {
	tests := []struct {
		name, value string
		isSpam      string
		score, req  *float64
		symbols     []string // NAME=score[options]
	}{
		{"current, folded",
			"default: False [3.40 / 15.00];\tR_SPF_ALLOW(-0.20)[+ip4:192.0.2.0/24];\tDKIM_TRACE(0.00)[example.com:+];\tBAYES_SPAM(5.10)[99.99%];\tMIME_TRACE(0.00)[0:+,1:~]",
			"False", fptr(3.4), fptr(15), []string{"R_SPF_ALLOW=-0.2[+ip4:192.0.2.0/24]", "DKIM_TRACE=0[example.com:+]", "BAYES_SPAM=5.1[99.99%]", "MIME_TRACE=0[0:+,1:~]"}},
		{"older, spaces",
			"default: True [16.2 / 15]  R_SPF_FAIL (1) [-all]  FUZZY_DENIED (12.5) [1:abc:0.99]",
			"True", fptr(16.2), fptr(15), []string{"R_SPF_FAIL=1[-all]", "FUZZY_DENIED=12.5[1:abc:0.99]"}},
		{"no options", "default: False [0.00 / 15.00]; ARC_NA(0.00); FROM_HAS_DN(0.00)", "False", fptr(0), fptr(15), []string{"ARC_NA=0[]", "FROM_HAS_DN=0[]"}},
		{"nested brackets", "default: False [1 / 15]; SYM(1.00)[a[b]c]; NEXT(0.1)[]", "False", fptr(1), fptr(15), []string{"SYM=1[a[b]c]", "NEXT=0.1[]"}},
		{"garbage", "][ (( default", "", nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := parseRspamdResult(tt.value)
			if r.isSpam != tt.isSpam || !eqNum(r.score, tt.score) || !eqNum(r.required, tt.req) {
				t.Errorf("got %q %s / %s", r.isSpam, numStr(r.score), numStr(r.required))
			}
			var got []string
			for _, s := range r.symbols {
				got = append(got, s.name+"="+numStr(s.score)+"["+s.options+"]")
			}
			if strings.Join(got, " ") != strings.Join(tt.symbols, " ") {
				t.Errorf("symbols %v, want %v", got, tt.symbols)
			}
		})
	}
}

func TestDecodeRspamd(t *testing.T) {
	tests := []struct {
		name    string
		fields  []headers.Field
		verdict Verdict
		score   *float64
		thr     *float64
		note    bool
	}{
		{"reject", []headers.Field{{Name: "X-Spamd-Result", Value: "default: True [16.00 / 15.00]; FUZZY_DENIED(16.00)[x]"}}, Spam, fptr(16), fptr(15), false},
		{"add header action", []headers.Field{{Name: "X-Rspamd-Action", Value: "add header"}, {Name: "X-Rspamd-Score", Value: "7.5"}}, Spam, fptr(7.5), nil, false},
		{"no action", []headers.Field{{Name: "X-Rspamd-Action", Value: "no action"}, {Name: "X-Rspamd-Score", Value: "1"}}, NotSpam, fptr(1), nil, false},
		{"greylist", []headers.Field{{Name: "X-Rspamd-Action", Value: "greylist"}}, Unknown, nil, nil, false},
		{"spam flag", []headers.Field{{Name: "X-Spamd-Result", Value: "default: False [7.00 / 15.00]"}, {Name: "X-Spam", Value: "Yes"}}, Spam, fptr(7), fptr(15), false},
		// The Haraka plugin's fields: a low score under rspamd's defaults.
		{"haraka", []headers.Field{{Name: "X-Rspamd-Bar", Value: "-"}, {Name: "X-Rspamd-Report", Value: "R_DKIM_ALLOW(-0.2) MIME_GOOD(-0.1) DMARC_POLICY_ALLOW(-0.5) R_SPF_ALLOW(-0.2)"}, {Name: "X-Rspamd-Score", Value: "-1"}},
			NotSpam, fptr(-1), nil, true},
		{"score between defaults", []headers.Field{{Name: "X-Spamd-Result", Value: "default: False [5.00 / 15.00]"}}, Unknown, fptr(5), fptr(15), false},
		{"custom reject score", []headers.Field{{Name: "X-Spamd-Result", Value: "default: False [2.00 / 8.00]"}}, Unknown, fptr(2), fptr(8), false},
		{"undocumented flag", []headers.Field{{Name: "X-Spam", Value: "undefined"}}, Unknown, nil, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := decodeRspamd(tt.fields)
			if v.Verdict != tt.verdict || !eqNum(v.Score, tt.score) || !eqNum(v.Threshold, tt.thr) || (v.Note != "") != tt.note {
				t.Errorf("got %s %s/%s note %q", v.Verdict, numStr(v.Score), numStr(v.Threshold), v.Note)
			}
		})
	}
	v := decodeRspamd([]headers.Field{{Name: "X-Spamd-Result", Value: "default: False [1 / 15]; R_SPF_FAIL(1.00)[-all]; MY_LOCAL(0.5)"}, {Name: "X-Rspamd-Server", Value: "rspamd1.receiver.example"}})
	if s := signal(t, v, "R_SPF_FAIL"); !strings.Contains(s.Meaning, "SPF failed") || !strings.Contains(s.Meaning, "[-all]") || !strings.Contains(s.Meaning, "scored 1") {
		t.Errorf("R_SPF_FAIL = %+v", s)
	}
	if s := signal(t, v, "MY_LOCAL"); !strings.Contains(s.Meaning, "does not describe") {
		t.Errorf("MY_LOCAL = %+v", s)
	}
	if s := signal(t, v, "default"); s.Raw != "False" {
		t.Errorf("metric signal = %+v", s)
	}
	if e := rspamdEvidence([]headers.Field{{Name: "X-Rspamd-Server", Value: "rspamd1.receiver.example"}}); e.host != "rspamd1.receiver.example" {
		t.Errorf("evidence %+v", e)
	}
	if e := rspamdEvidence([]headers.Field{{Name: "X-Rspamd-Server", Value: "localhost"}}); e.host != "" {
		t.Errorf("a short name is no evidence: %+v", e)
	}
}

// Signals keep the header's order: Haraka writes the bar before the report.
func TestRspamdSignalOrder(t *testing.T) {
	v := decodeRspamd([]headers.Field{{Name: "X-Rspamd-Bar", Value: "-"}, {Name: "X-Rspamd-Report", Value: "A(1) B(-2)"}, {Name: "X-Rspamd-Score", Value: "-1"}})
	var got []string
	for _, s := range v.Signals {
		got = append(got, s.Name)
	}
	if strings.Join(got, " ") != "X-Rspamd-Bar A B X-Rspamd-Score" {
		t.Errorf("order %v", got)
	}
}
