package authres

import (
	"fmt"
	"strings"
	"testing"
)

// TestCompAuthReason holds every code Microsoft's table names to its
// documented meaning, and every other string to "undocumented".
func TestCompAuthReason(t *testing.T) {
	tests := []struct {
		code  string
		words []string // each must be in the meaning
		known bool
	}{
		{"000", []string{"failed explicit authentication", "compauth=fail", "p=quarantine or p=reject"}, true},
		{"001", []string{"failed implicit authentication", "compauth=fail", "~all or ?all", "p=none"}, true},
		{"002", []string{"explicitly prohibits", "sender/domain pair", "admin"}, true},
		{"010", []string{"failed DMARC", "p=reject or p=quarantine", "accepted domains", "self-to-self"}, true},
		{"100", []string{"passed authentication", "compauth=pass", "internal codes"}, true},
		{"130", []string{"passed authentication", "ARC result", "override a DMARC failure"}, true},
		{"199", []string{"passed authentication", "compauth=pass"}, true},
		{"201", []string{"soft-passed implicit authentication", "compauth=softpass", "internal codes"}, true},
		{"301", []string{"not checked", "compauth=none"}, true},
		{"401", []string{"bypassed", "compauth=none", "internal codes"}, true},
		{"601", []string{"failed implicit email authentication", "accepted domains", "intra-org"}, true},
		{"703", []string{"passed authentication", "compauth=pass"}, true},
		{"905", []string{"bypassed", "compauth=none"}, true},
		{"003", []string{"no meaning", "003"}, false},
		{"011", []string{"no meaning"}, false},
		{"501", []string{"no meaning", "501"}, false},
		{"801", []string{"no meaning"}, false},
		{" 001 ", []string{"failed implicit authentication"}, true},
		{"", []string{"no reason code"}, false},
		{"12", []string{"three-digit"}, false},
		{"1000", []string{"three-digit"}, false},
		{"abc", []string{"three-digit"}, false},
		{"1a0", []string{"three-digit"}, false},
	}
	for _, tt := range tests {
		m, ok := CompAuthReason(tt.code)
		if ok != tt.known {
			t.Errorf("CompAuthReason(%q) documented = %v, want %v (%q)", tt.code, ok, tt.known, m)
		}
		for _, w := range tt.words {
			if !strings.Contains(m, w) {
				t.Errorf("CompAuthReason(%q) = %q, want it to say %q", tt.code, m, w)
			}
		}
	}
}

// TestCompAuthReasonFamilies walks every three-digit code: documented
// exactly when Microsoft's table covers it (000, 001, 002, 010, and the
// 1xx, 2xx, 3xx, 4xx, 6xx, 7xx and 9xx families).
func TestCompAuthReasonFamilies(t *testing.T) {
	for n := 0; n < 1000; n++ {
		code := fmt.Sprintf("%03d", n)
		want := strings.ContainsRune("1234679", rune(code[0])) || code == "000" || code == "001" || code == "002" || code == "010"
		if m, ok := CompAuthReason(code); ok != want || m == "" {
			t.Errorf("CompAuthReason(%s) = %q, %v; want documented %v", code, m, ok, want)
		}
	}
}

func TestCompAuthResult(t *testing.T) {
	for r, want := range map[Result]string{
		ResultPass: "passed", ResultFail: "failed", ResultSoftPass: "soft-passed", "NONE": "not checked", "bogus": "does not document",
	} {
		if got := CompAuthResult(r); !strings.Contains(got, want) {
			t.Errorf("CompAuthResult(%q) = %q, want %q in it", r, got, want)
		}
	}
}

func TestCompAuthReasonDetail(t *testing.T) {
	for code, want := range map[string]string{
		"001": "the sending domain publishes no email authentication records",
		"000": "for example it failed DMARC",
		"601": "the message failed implicit email authentication",
		"501": "no meaning",
	} {
		d, _ := CompAuthReasonDetail(code)
		if !strings.HasPrefix(d, want) && !strings.Contains(d, want) {
			t.Errorf("CompAuthReasonDetail(%s) = %q, want %q", code, d, want)
		}
		if m, _ := CompAuthReason(code); !strings.Contains(m, d) {
			t.Errorf("the detail %q of %s is not part of its meaning %q", d, code, m)
		}
	}
}
