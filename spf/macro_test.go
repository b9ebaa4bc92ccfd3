package spf

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// rfcEnv is the environment of RFC 7208 §7.4's examples: sender
// strong-bad@email.example.com, IPv4 192.0.2.3, IPv6 2001:db8::cb01.
func rfcEnv(ip string) *macroEnv {
	return &macroEnv{sender: "strong-bad@email.example.com", local: "strong-bad",
		senderD: "email.example.com", domain: "email.example.com",
		ip: netip.MustParseAddr(ip), helo: "mx.example.org"}
}

func TestMacroExpansionRFCExamples(t *testing.T) {
	// The expectations are RFC 7208 §7.4's, written down from the RFC.
	tests := []struct{ ip, in, want string }{
		{"192.0.2.3", "%{s}", "strong-bad@email.example.com"},
		{"192.0.2.3", "%{o}", "email.example.com"},
		{"192.0.2.3", "%{d}", "email.example.com"},
		{"192.0.2.3", "%{d4}", "email.example.com"},
		{"192.0.2.3", "%{d3}", "email.example.com"},
		{"192.0.2.3", "%{d2}", "example.com"},
		{"192.0.2.3", "%{d1}", "com"},
		{"192.0.2.3", "%{dr}", "com.example.email"},
		{"192.0.2.3", "%{d2r}", "example.email"},
		{"192.0.2.3", "%{l}", "strong-bad"},
		{"192.0.2.3", "%{l-}", "strong.bad"},
		{"192.0.2.3", "%{lr}", "strong-bad"},
		{"192.0.2.3", "%{lr-}", "bad.strong"},
		{"192.0.2.3", "%{l1r-}", "strong"},
		{"192.0.2.3", "%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com"},
		{"192.0.2.3", "%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com"},
		{"192.0.2.3", "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", "bad.strong.lp.3.2.0.192.in-addr._spf.example.com"},
		{"192.0.2.3", "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", "3.2.0.192.in-addr.strong.lp._spf.example.com"},
		{"192.0.2.3", "%{d2}.trusted-domains.example.net", "example.com.trusted-domains.example.net"},
		{"2001:db8::cb01", "%{ir}.%{v}._spf.%{d2}", "1.0.B.C.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.B.D.0.1.0.0.2.ip6._spf.example.com"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			m, merr := parseMacroString(tc.in, modeDomain)
			if merr != nil {
				t.Fatal(merr)
			}
			got, ok := m.expandDomain(rfcEnv(tc.ip))
			if !ok || got != tc.want {
				t.Errorf("%s = %q (%v), want %q", tc.in, got, ok, tc.want)
			}
		})
	}
}

func TestMacroExpansionDetails(t *testing.T) {
	now := time.Unix(1700000000, 0)
	env := &macroEnv{sender: "~jack&jill=up-a_b3.c@example.com", local: "~jack&jill=up-a_b3.c",
		senderD: "example.com", domain: "example.com", ip: netip.MustParseAddr("2001:db8::1"),
		helo: "JUMPIN' JUPITER", receiver: "mx.receiver.example", now: func() time.Time { return now }}
	tests := []struct {
		in   string
		mode macroMode
		want string
	}{
		{"%{L}", modeExplain, "~jack%26jill%3Dup-a_b3.c"},                                      // RFC 3986 unreserved kept
		{"%{H}", modeExplain, "JUMPIN%27%20JUPITER"},                                           // upper case: URL-escaped
		{"%{h}", modeExplain, "JUMPIN' JUPITER"},                                               // lower case: as is
		{"%{c} %{v} %{r} %{t}", modeExplain, "2001:db8::1 ip6 mx.receiver.example 1700000000"}, // RFC 5952 form for c
		{"%% %_ %-", modeExplain, "%   %20"},
		{"%{l2r+-=}", modeExplain, "up.~jack&jill"}, // several delimiters ("&" is not one), reversed, two right-hand parts
		{"%{d999}", modeExplain, "example.com"},     // more parts than there are
		{"%{p}", modeExplain, "unknown"},            // no PTR source
		{"%{o}..%{d}", modeExplain, "example.com..example.com"},
	}
	for _, tc := range tests {
		m, merr := parseMacroString(tc.in, tc.mode)
		if merr != nil {
			t.Errorf("%s: %v", tc.in, merr)
			continue
		}
		if got := m.expandText(env); got != tc.want {
			t.Errorf("%s = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestExpandDomainTruncation(t *testing.T) {
	// RFC 7208 §7.3: labels are removed from the left until 253 bytes fit.
	long := strings.Repeat("abcdefghi.", 30) + "example.com" // 311 bytes
	env := &macroEnv{local: long}
	m, _ := parseMacroString("%{l}", modeDomain)
	got, ok := m.expandDomain(env)
	if !ok || len(got) > 253 || !strings.HasSuffix(got, ".example.com") || strings.HasPrefix(got, ".") {
		t.Fatalf("got %q (%d bytes, ok %v)", got, len(got), ok)
	}
	if want := strings.Repeat("abcdefghi.", 24) + "example.com"; got != want {
		t.Errorf("got %d bytes, want %d: the longest label-aligned suffix", len(got), len(want))
	}
	for _, bad := range []string{"a..example.com", strings.Repeat("x", 64) + ".example.com", ".", strings.Repeat("y", 300)} {
		env.local = bad
		if name, ok := m.expandDomain(env); ok {
			t.Errorf("%q gave queryable %q", bad, name)
		}
	}
	env.local = "trailing.example.com."
	if got, ok := m.expandDomain(env); !ok || got != "trailing.example.com" {
		t.Errorf("trailing dot: %q %v", got, ok)
	}
}

func TestExpandBoundsHostileInput(t *testing.T) {
	// A megabyte sender used by many macros: the domain keeps only the tail,
	// an explanation stops at MaxExplanation.
	big := strings.Repeat("a.", 1<<19) + "b"
	env := &macroEnv{sender: big, local: big, domain: "example.com"}
	m, _ := parseMacroString(strings.Repeat("%{s}", 50)+".example.com", modeDomain)
	got, ok := m.expandDomain(env)
	if !ok || len(got) > 253 || !strings.HasSuffix(got, "example.com") {
		t.Errorf("domain %d bytes ok %v", len(got), ok)
	}
	e, _ := parseMacroString(strings.Repeat("%{S} ", 50), modeExplain)
	if got := e.expandText(env); len(got) != MaxExplanation {
		t.Errorf("explanation %d bytes, want %d", len(got), MaxExplanation)
	}
}

func TestMacroModes(t *testing.T) {
	for _, l := range []string{"c", "r", "t", "C"} {
		if _, merr := parseMacroString("%{"+l+"}.example.com", modeDomain); merr == nil || !errors.Is(merr.err, ErrMacro) {
			t.Errorf("%%{%s} accepted in a domain-spec", l)
		}
		if _, merr := parseMacroString("%{"+l+"}", modeExplain); merr != nil {
			t.Errorf("%%{%s} refused in an explanation: %v", l, merr)
		}
	}
	if _, merr := parseMacroString("a b", modeDomain); merr == nil {
		t.Error("space accepted in a domain-spec")
	}
	if _, merr := parseMacroString("a b", modeExplain); merr != nil {
		t.Error("space refused in an explanation")
	}
}
