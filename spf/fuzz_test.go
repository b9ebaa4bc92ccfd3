package spf

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

// FuzzParse: no panic; every error is a *SyntaxError wrapping ErrSyntax and
// pointing at its term; String() of what parsed parses cleanly to the same
// terms and the same text.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a:%{d}/24//64 mx -all",
		"v=spf1 include:_spf.example.com ~all redirect=%{d}.x.example. exp=%{ir}.e.%{d2}",
		"v=spf1 exists:%{l2r+-}.%{i}._spf.%{D} foo=%{c}%%%_%- ?ptr:example.com",
		"v=spf1 moo.cow/far_out=man:dog/cat ip4:1.2.3.4 -all",
		"V=SpF1 a//129 ip4:1.2.3 -all. redirect:x.example",
		"v=spf1 \x80a:example.net ~all\x0d",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		r, err := Parse(text)
		if r == nil {
			t.Fatal("nil record")
		}
		if (err == nil) != (len(r.Errors) == 0) {
			t.Fatalf("err %v but %d errors", err, len(r.Errors))
		}
		for _, se := range r.Errors {
			if !errors.Is(se, ErrSyntax) {
				t.Fatalf("%v does not wrap ErrSyntax", se)
			}
			if se.Pos < 0 || se.Pos+len(se.Term) > len(text) || text[se.Pos:se.Pos+len(se.Term)] != se.Term {
				t.Fatalf("error %q at %d does not point into %q", se.Term, se.Pos, text)
			}
			if se.Reason == "" {
				t.Fatal("error without a reason")
			}
		}
		for _, tm := range r.Terms {
			if text[tm.Pos:tm.Pos+len(tm.Text)] != tm.Text {
				t.Fatalf("term %q at %d does not point into the text", tm.Text, tm.Pos)
			}
		}
		if errors.Is(err, ErrNotSPF) {
			return
		}
		s1 := r.String()
		r2, err := Parse(s1)
		if err != nil {
			t.Fatalf("re-parse of %q (from %q): %v", s1, text, err)
		}
		if s2 := r2.String(); s2 != s1 || !sameTerms(r, r2) {
			t.Fatalf("unstable: %q -> %q -> %q", text, s1, s2)
		}
	})
}

// FuzzMacroExpand: no panic; a macro-string re-renders as written; an
// expanded domain is a queryable name within 253 bytes and 63-byte labels;
// an explanation stays within MaxExplanation.
func FuzzMacroExpand(f *testing.F) {
	f.Add("%{ir}.%{v}._spf.%{d2}", "strong-bad@email.example.com", "mx.example.org", []byte{192, 0, 2, 3})
	f.Add("%{l2r+-}.%{L}.%{s}%%%_%-.example.com", "~jack&jill=up-a_b3.c@example.com", "JUMPIN' JUPITER", []byte{0x20, 1, 0xd, 0xb8, 15: 1})
	f.Add("%{d999r}.%{o1}.%{h}.x", "a@b", "", []byte{})
	f.Add("%{c} %{r} %{t} %{p}", "", "h", []byte{127, 0, 0, 1})
	f.Fuzz(func(t *testing.T, s, sender, helo string, ipb []byte) {
		var addr netip.Addr
		switch len(ipb) {
		case 4:
			addr = netip.AddrFrom4([4]byte(ipb))
		case 16:
			addr = netip.AddrFrom16([16]byte(ipb)).Unmap()
		}
		local, dom := splitSender(sender, helo)
		env := &macroEnv{sender: local + "@" + dom, local: local, senderD: dom, domain: dom, ip: addr, helo: helo}
		for _, mode := range []macroMode{modeDomain, modeModifier, modeExplain} {
			m, merr := parseMacroString(s, mode)
			if merr != nil {
				if merr.off < 0 || merr.off > len(s) || merr.reason == "" {
					t.Fatalf("mode %d: bad error %+v", mode, merr)
				}
				continue
			}
			if m.String() != s {
				t.Fatalf("re-render %q != %q", m.String(), s)
			}
			if name, ok := m.expandDomain(env); ok {
				if name == "" || len(name) > 253 || strings.HasSuffix(name, ".") {
					t.Fatalf("expanded name %q", name)
				}
				for _, l := range strings.Split(name, ".") {
					if l == "" || len(l) > 63 {
						t.Fatalf("bad label in %q", name)
					}
				}
			}
			if out := m.expandText(env); len(out) > MaxExplanation {
				t.Fatalf("explanation of %d bytes", len(out))
			}
		}
	})
}
