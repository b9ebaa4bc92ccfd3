package spf

import (
	"strings"
	"testing"
)

// TestReasonWords: every way check_host() can end in an error reads as
// words for a customer: no "spf:" prefixes and no Go error chain
// ("domain (term): spf: permanent error: ..."), and each says what and
// where. Before Reason, "Decided by" printed err.Error().
func TestReasonWords(t *testing.T) {
	r := newFakeDNS().
		TXT("limit.example", "v=spf1 "+strings.Repeat("a:a.example ", 11)+"-all").A("a.example", "192.0.2.1").
		TXT("gone.example", "v=spf1 include:nothing.example -all").
		TXT("two.example", "v=spf1 -all").TXT("two.example", "v=spf1 ~all").
		TXT("bad.example", "v=spf1 ip4:192.0.2 -all").
		TXT("loop.example", "v=spf1 include:loop2.example -all").TXT("loop2.example", "v=spf1 include:loop.example -all").
		TXT("void.example", "v=spf1 a:v1.example a:v2.example a:v3.example -all").
		TXT("temp.example", "v=spf1 a:slow.example -all").Timeout("slow.example")
	for _, c := range []struct {
		domain string
		want   []string
	}{
		{"limit.example", []string{"more than 10 DNS lookups", `"a:a.example" in limit.example's record`}},
		{"gone.example", []string{"nothing.example has no SPF record", `"include:nothing.example" in gone.example's record`}},
		{"two.example", []string{"two.example publishes more than one SPF record"}},
		{"bad.example", []string{"syntax error in bad.example's record", "ip4:192.0.2"}},
		{"loop.example", []string{"more than 10 DNS lookups", "loop"}},
		{"void.example", []string{"more than 2 lookups that found nothing", `"a:v3.example"`}},
		{"temp.example", []string{"a DNS lookup failed", "slow.example", `"a:slow.example" in temp.example's record`}},
		{"localhost", []string{`"localhost" is a single label`, "RFC 7208 §4.3"}},
	} {
		v := Prefetch(bg, r, c.domain).CheckHost(bg, ip("198.51.100.1"), "", "")
		got := Reason(v.Err)
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s (%s): %q lacks %q", c.domain, v.Result, got, w)
			}
		}
		if strings.Contains(got, "spf:") || strings.Contains(got, "): ") || strings.Contains(got, "error:") {
			t.Errorf("%s: %q reads as a Go error chain", c.domain, got)
		}
	}
	if Reason(nil) != "" {
		t.Error("Reason(nil) is not empty")
	}
}
