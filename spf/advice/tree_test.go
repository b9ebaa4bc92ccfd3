package advice

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mxray/mxray/spf"
)

// The findings about the trees of the engine's own tests (spf/tree_test.go,
// spf/whatif_test.go), which check the same zones' structure and verdicts.

func TestLoopFinding(t *testing.T) {
	r := newFakeDNS().
		TXT("a.example", "v=spf1 include:b.example -all").
		TXT("b.example", "v=spf1 include:c.example ~all").
		TXT("c.example", "v=spf1 include:a.example ?all")
	tree := spf.Prefetch(bg, r, "a.example", on)
	if !hasFinding(tree.Findings(), "spf.loop", spf.SeverityError) {
		t.Errorf("no spf.loop finding: %v", codes(tree.Findings()))
	}
	loop := tree.Root.Children[0].Children[0].Children[0]
	if f := loop.Problems; len(f) != 1 || f[0].Code != "spf.loop" {
		t.Errorf("loop node problems = %v, want the loop finding drawn next to it", codes(f))
	}
}

func TestTreeLimitFindings(t *testing.T) {
	t.Run("100-level chain", func(t *testing.T) {
		r := newFakeDNS()
		for i := range 100 {
			r.TXT(fmt.Sprintf("l%d.example", i), fmt.Sprintf("v=spf1 include:l%d.example -all", i+1))
		}
		tree := spf.Prefetch(bg, r, "l0.example", on)
		if !hasFinding(tree.Findings(), "spf.tree_cut", spf.SeverityWarning) || !hasFinding(tree.Findings(), "spf.lookup_limit", spf.SeverityError) {
			t.Errorf("findings %v", codes(tree.Findings()))
		}
	})
	t.Run("1000-include fan-out", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("v=spf1")
		r := newFakeDNS()
		for i := range 1000 {
			fmt.Fprintf(&b, " include:f%d.example", i)
			r.TXT(fmt.Sprintf("f%d.example", i), "v=spf1 a -all")
		}
		r.TXT("wide.example", b.String())
		tree := spf.Prefetch(bg, r, "wide.example", spf.WithMaxNodes(50), on)
		for _, f := range tree.Findings() {
			if len(f.Message) > 600 {
				t.Errorf("%s message of %d bytes: lists must stay short", f.Code, len(f.Message))
			}
		}
		if f := findingByCode(tree.Findings(), "spf.lookup_limit"); f == nil || !strings.Contains(f.Message, "more includes") {
			t.Errorf("lookup finding = %+v", f)
		}
	})
}

func TestMXLimitFinding(t *testing.T) {
	r := newFakeDNS().TXT("many.example", "v=spf1 mx -all").A("h.example", "192.0.2.1")
	for range 11 {
		r.MX("many.example", "h.example")
	}
	tree := spf.Prefetch(bg, r, "many.example", on)
	if !hasFinding(tree.Findings(), "spf.mx_limit", spf.SeverityError) {
		t.Errorf("findings %v", codes(tree.Findings()))
	}
}

func TestPTRFinding(t *testing.T) {
	r := newFakeDNS().TXT("example.com", "v=spf1 ptr -all")
	for i := range 10 {
		r.PTR("192.0.2.5", fmt.Sprintf("h%d.elsewhere.example", i))
	}
	r.PTR("192.0.2.5", "mail.example.com").A("mail.example.com", "192.0.2.5")
	v := spf.Check(bg, r, ip("192.0.2.5"), spf.Identity{Sender: "u@example.com"}, on)
	if !hasFinding(v.Findings(), "spf.ptr", spf.SeverityWarning) {
		t.Errorf("findings %v", codes(v.Findings()))
	}
}

func TestVoidLookupFinding(t *testing.T) {
	r := newFakeDNS().TXT("v.example", "v=spf1 a:gone1.v.example mx:gone2.v.example exists:gone3.v.example ip4:192.0.2.1 -all")
	tree := spf.Prefetch(bg, r, "v.example", on)
	f := findingByCode(tree.Findings(), "spf.void_lookups")
	if f == nil || f.Severity != spf.SeverityError || !strings.Contains(f.Message, `"a:gone1.v.example"`) || !strings.Contains(f.Message, `"exists:gone3.v.example"`) {
		t.Errorf("void finding = %+v", f)
	}
}

func TestWhatIfKeepsTheAdvisor(t *testing.T) {
	r := newFakeDNS().
		TXT("example.com", "v=spf1 include:a.example mx -all").
		TXT("a.example", "v=spf1 ip4:192.0.2.0/24 -all").
		MX("example.com", "mx.example.com").A("mx.example.com", "198.51.100.1")
	tree := spf.Prefetch(bg, r, "example.com", on)
	w := tree.WhatIf(bg, "v=spf1 include:a.example ip4:192.0.2 -all")
	if !hasFinding(w.Findings(), "spf.syntax", spf.SeverityError) {
		t.Errorf("findings %v", codes(w.Findings()))
	}
}

func TestNoAdvisorNoFindings(t *testing.T) {
	r := newFakeDNS().TXT("example.com", "v=spf1 +all")
	tree := spf.Prefetch(bg, r, "example.com")
	v := tree.CheckHost(bg, ip("192.0.2.1"), "", "example.com")
	if fs := tree.Findings(); len(fs) != 0 || len(v.Findings()) != 0 || tree.Errors() != nil || tree.Root.Problems != nil {
		t.Errorf("a tree built without an advisor has findings: %v", codes(fs))
	}
	if fs := spf.Prefetch(bg, r, "example.com", on).Findings(); !hasFinding(fs, "spf.plus_all", spf.SeverityError) {
		t.Errorf("with the advisor: %v", codes(fs))
	}
}
