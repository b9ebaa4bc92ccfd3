package spf

import (
	"errors"
	"strings"
	"testing"
)

func TestParseTerms(t *testing.T) {
	tests := []struct {
		record string
		want   string // canonical String()
		check  func(t *testing.T, r *Record)
	}{
		{"v=spf1", "v=spf1", func(t *testing.T, r *Record) {
			if len(r.Terms) != 0 {
				t.Errorf("terms = %d", len(r.Terms))
			}
		}},
		{"V=SPF1   A  -ALL ", "v=spf1 a -all", func(t *testing.T, r *Record) {
			if r.Terms[0].Pos != 9 || r.Terms[1].Pos != 12 {
				t.Errorf("positions %d %d, want 9 12", r.Terms[0].Pos, r.Terms[1].Pos)
			}
			if r.Terms[1].Qualifier != QualifierFail || r.Terms[1].Mechanism != All {
				t.Errorf("term 1 = %+v", r.Terms[1])
			}
		}},
		{"v=spf1 a:x.example.com/24//64 mx//48 a/0", "v=spf1 a:x.example.com/24//64 mx//48 a/0", func(t *testing.T, r *Record) {
			a := r.Terms[0]
			if a.Target.String() != "x.example.com" || a.CIDR4 != 24 || a.CIDR6 != 64 {
				t.Errorf("a = %+v", a)
			}
			if mx := r.Terms[1]; mx.Target != nil || mx.CIDR4 != -1 || mx.CIDR6 != 48 {
				t.Errorf("mx = %+v", mx)
			}
			if r.Terms[2].CIDR4 != 0 {
				t.Errorf("a/0 = %+v", r.Terms[2])
			}
		}},
		{"v=spf1 ip4:192.0.2.0/24 ip6:2001:DB8::/32 ip4:192.0.2.1 ~Include:_spf.Example.com ?exists:%{i}._spf.%{d} ptr:example.com redirect=_spf.example.com exp=exp.%{d} foo=bar",
			"v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 ip4:192.0.2.1 ~include:_spf.Example.com ?exists:%{i}._spf.%{d} ptr:example.com redirect=_spf.example.com exp=exp.%{d} foo=bar",
			func(t *testing.T, r *Record) {
				if r.Terms[0].Network.String() != "192.0.2.0/24" || r.Terms[2].Network.Bits() != 32 || r.Terms[2].CIDR4 != -1 {
					t.Errorf("ip4 = %v %v", r.Terms[0].Network, r.Terms[2])
				}
				if r.Redirect() == nil || r.Exp() == nil || r.HasAll() {
					t.Errorf("redirect %v exp %v all %v", r.Redirect(), r.Exp(), r.HasAll())
				}
				if r.Terms[8].Modifier != "foo" || r.Terms[8].Value.String() != "bar" {
					t.Errorf("unknown modifier = %+v", r.Terms[8])
				}
				if !r.Terms[4].Target.HasMacros() || r.Terms[4].Target.onlyDomainMacros() {
					t.Error("exists target should have client macros")
				}
				if !r.Terms[7].Target.onlyDomainMacros() {
					t.Error("exp=exp.%{d} uses only %{d}")
				}
			}},
		{"v=spf1 a:foo:bar/baz.example.com mx:example.xn--zckzah a:%{H}.bar a:macro%%percent%_%_space%-url.example.com",
			"v=spf1 a:foo:bar/baz.example.com mx:example.xn--zckzah a:%{H}.bar a:macro%%percent%_%_space%-url.example.com", nil},
		{"v=spf1 ip6:::ffff:192.0.2.1 ip6:::1.1.1.1/0", "v=spf1 ip6:::ffff:192.0.2.1 ip6:::101:101/0", nil},
	}
	for _, tc := range tests {
		t.Run(tc.record, func(t *testing.T) {
			r, err := Parse(tc.record)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := r.String(); got != tc.want {
				t.Errorf("String() = %q, want %q", got, tc.want)
			}
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		record string
		err    error
		term   string
		pos    int
		reason string // a piece of the technician's explanation
	}{
		{"v=spf10 a", ErrNotSPF, "v=spf10", 0, "v=spf1"},
		{"spf1 a", ErrNotSPF, "spf1", 0, "starts with"},
		{"v=spf1 redirect:example.com", ErrUnknownMechanism, "redirect:example.com", 7, "write redirect=example.com"},
		{"v=spf1 exp:e.example.com", ErrUnknownMechanism, "exp:e.example.com", 7, "write exp=e.example.com"},
		{"v=spf1 ~allinclude:x.example.com", ErrUnknownMechanism, "~allinclude:x.example.com", 7, "run together"},
		{"v=spf1 ip4:192.0.2.1 v=spf1 -all v=spf1", ErrNotSPF, "", 0, ""}, // not an error: see lookalikes
		{"v=spf1 a:192.0.2.1", ErrDomainSpec, "a:192.0.2.1", 7, "write ip4:192.0.2.1"},
		{"v=spf1 ip4:192.0.2", ErrNetwork, "ip4:192.0.2", 7, "ip4:192.0.2.0/24"},
		{"v=spf1 ip4:192.0.2.1:25", ErrNetwork, "ip4:192.0.2.1:25", 7, "port"},
		{"v=spf1 ip4:2001:db8::1", ErrNetwork, "ip4:2001:db8::1", 7, "write ip6:"},
		{"v=spf1 ip6:192.0.2.1", ErrNetwork, "ip6:192.0.2.1", 7, "write ip4:"},
		{"v=spf1 ip4:192.0.2.0/33", ErrCIDR, "ip4:192.0.2.0/33", 7, "0 to 32"},
		{"v=spf1 ip4:192.0.2.0/024", ErrCIDR, "ip4:192.0.2.0/024", 7, "leading zeros"},
		{"v=spf1 a/33", ErrCIDR, "a/33", 7, "//33"},
		{"v=spf1 a//129", ErrCIDR, "a//129", 7, "0 to 128"},
		{"v=spf1 a/24/64", ErrCIDR, "a/24/64", 7, ""},
		{"v=spf1 ptr/24", ErrArgument, "ptr/24", 7, "no CIDR"},
		{"v=spf1 include:x.example.com/24", ErrDomainSpec, "include:x.example.com/24", 7, "no CIDR"},
		{"v=spf1 include", ErrArgument, "include", 7, "include:example.com"},
		{"v=spf1 include:", ErrArgument, "include:", 7, "empty"},
		{"v=spf1 a:museum", ErrDomainSpec, "a:museum", 7, "fully qualified"},
		{"v=spf1 a:abc.123", ErrDomainSpec, "a:abc.123", 7, "numeric"},
		{"v=spf1 -all.", ErrUnknownMechanism, "-all.", 7, ""},
		{"v=spf1 -all:x", ErrArgument, "-all:x", 7, "nothing after"},
		{"v=spf1 exists:%{i}.%{c}.example.com", ErrMacro, "exists:%{i}.%{c}.example.com", 7, "explanation"},
		{"v=spf1 exists:%(ir).example.com", ErrMacro, "exists:%(ir).example.com", 7, "%%"},
		{"v=spf1 exists:%{d0}.example.com", ErrMacro, "exists:%{d0}.example.com", 7, "zero"},
		{"v=spf1 exists:%{x}.example.com", ErrMacro, "exists:%{x}.example.com", 7, "not a macro letter"},
		{"v=spf1 exists:%{d2:}.example.com", ErrMacro, "exists:%{d2:}.example.com", 7, "delimiter"},
		{"v=spf1 exists:%{d.example.com", ErrMacro, "exists:%{d.example.com", 7, "never closed"},
		{"v=spf1 foo=%", ErrMacro, "foo=%", 7, "lone"},
		{"v=spf1 a:ex\u00e4mple.com", ErrCharacter, "a:ex\u00e4mple.com", 7, "US-ASCII"},
		{"v=spf1 a\tmx", ErrCharacter, "a\tmx", 7, "spaces only"},
		{"v=spf1 redirect=a.example.com redirect=b.example.com", ErrDuplicateModifier, "redirect=b.example.com", 30, "at most one"},
		{"v=spf1 exp=", ErrArgument, "exp=", 7, "needs a domain"},
		{"v=spf1 1up=foo", ErrUnknownMechanism, "1up=foo", 7, ""},
		{"v=spf1 =all", ErrUnknownMechanism, "=all", 7, ""},
		{"v=spf1 +", ErrUnknownMechanism, "+", 7, "no mechanism"},
	}
	for _, tc := range tests {
		t.Run(tc.record, func(t *testing.T) {
			r, err := Parse(tc.record)
			if tc.term == "" {
				if err != nil {
					t.Fatalf("Parse: unexpected %v", err)
				}
				return
			}
			if !errors.Is(err, tc.err) || !errors.Is(err, ErrSyntax) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("err %T is not a *SyntaxError", err)
			}
			if se.Term != tc.term || se.Pos != tc.pos {
				t.Errorf("term %q at %d, want %q at %d", se.Term, se.Pos, tc.term, tc.pos)
			}
			if !strings.Contains(se.Reason, tc.reason) {
				t.Errorf("reason %q lacks %q", se.Reason, tc.reason)
			}
			if r == nil || len(r.Errors) == 0 || r.Errors[0] != se {
				t.Errorf("Record.Errors does not start with the returned error")
			}
		})
	}
}

func TestParseReportsEveryError(t *testing.T) {
	r, err := Parse("v=spf1 a:bad..com/99 ip4:1.2.3 mx -al include:ok.example.com")
	if err == nil {
		t.Fatal("no error")
	}
	if len(r.Errors) != 3 {
		t.Errorf("errors = %d, want 3: %v", len(r.Errors), r.Errors)
	}
	if got := r.String(); got != "v=spf1 mx include:ok.example.com" {
		t.Errorf("valid terms = %q", got)
	}
}

func TestParseStringParseStable(t *testing.T) {
	records := []string{
		"v=spf1 +a:%{d}/24//64 -mx:%{o} ~ptr ?exists:%{ir}.%{l1r-}.%{d2}.x.example.com include:%{D}.%{S} ip6:::1/128 -all",
		"v=spf1 redirect=%{d}.d.spf.example.com. exp=explain._spf.%{d}",
		"v=spf1 foo=%{c}%{r}%{t}%% bar=%_%- ip4:0.0.0.0/0",
		"V=Spf1 IP4:192.000.2.1 A:x.example.com MX -ALL",
	}
	for _, text := range records {
		r1, _ := Parse(text)
		s1 := r1.String()
		r2, err := Parse(s1)
		if err != nil {
			t.Errorf("%q: re-parse of %q: %v", text, s1, err)
			continue
		}
		if s2 := r2.String(); s2 != s1 || !sameTerms(r1, r2) {
			t.Errorf("%q: unstable: %q then %q", text, s1, s2)
		}
	}
}

// sameTerms reports whether two parses have the same terms.
func sameTerms(a, b *Record) bool {
	if len(a.Terms) != len(b.Terms) {
		return false
	}
	for i := range a.Terms {
		if a.Terms[i].String() != b.Terms[i].String() {
			return false
		}
	}
	return true
}
