package spf

import "testing"

// TestDeciding: a verdict names the very nodes it was decided by, the
// right one of two records of the same domain, and no node when nothing
// matched.
func TestDeciding(t *testing.T) {
	r := newFakeDNS().
		TXT("top.example", "v=spf1 include:a.example include:b.example -all").
		TXT("a.example", "v=spf1 include:shared.example ~all").
		TXT("b.example", "v=spf1 ip4:198.51.100.0/24 include:shared.example ~all").
		TXT("shared.example", "v=spf1 ip4:192.0.2.0/24 -all")
	tree := Prefetch(bg, r, "top.example")
	var a, b *Node
	for _, ti := range tree.Root.Terms {
		switch {
		case ti.Child != nil && ti.Child.Domain == "a.example":
			a = ti.Child
		case ti.Child != nil && ti.Child.Domain == "b.example":
			b = ti.Child
		}
	}
	child := func(n *Node) *Node {
		for _, ti := range n.Terms {
			if ti.Child != nil {
				return ti.Child
			}
		}
		return nil
	}

	d, ok := tree.CheckHost(bg, ip("192.0.2.7"), "", "").Deciding()
	if !ok || len(d.Path) != 3 || d.Path[0] != tree.Root || d.Path[1] != a || d.Path[2] != child(a) || d.Matched != child(a) || d.Term != "ip4:192.0.2.0/24" {
		t.Fatalf("192.0.2.7 decided by %+v (ok %v), want top > a > a's shared by ip4:192.0.2.0/24", d, ok)
	}
	d, ok = tree.CheckHost(bg, ip("198.51.100.9"), "", "").Deciding()
	if !ok || len(d.Path) != 2 || d.Path[1] != b || d.Matched != b {
		t.Fatalf("198.51.100.9 decided by %+v, want b's own record", d)
	}
	v := tree.CheckHost(bg, ip("203.0.113.1"), "", "")
	if d, ok := v.Deciding(); !ok || d.Matched != tree.Root || d.Term != "-all" {
		t.Fatalf("203.0.113.1 decided by %+v, want the top's -all", d)
	}
	if _, ok := (&Verdict{}).Deciding(); ok {
		t.Fatal("a verdict with no match is decided by something")
	}
}

// TestWithTree: Check evaluates against a tree it is given for the domain
// it checks, asking DNS nothing for it, and builds its own for another.
func TestWithTree(t *testing.T) {
	r := newFakeDNS().
		TXT("a.example", "v=spf1 ip4:192.0.2.0/24 -all").
		TXT("b.example", "v=spf1 -all")
	tree := Prefetch(bg, r, "a.example")
	asked := r.TimesAsked("TXT", "a.example")
	v := Check(bg, r, ip("192.0.2.1"), Identity{Sender: "x@A.example."}, WithTree(tree))
	if v.Tree() != tree || v.Result != Pass || r.TimesAsked("TXT", "a.example") != asked {
		t.Fatalf("with its tree: tree reused %v, result %s, TXT asked %d times (was %d)", v.Tree() == tree, v.Result, r.TimesAsked("TXT", "a.example"), asked)
	}
	v = Check(bg, r, ip("192.0.2.1"), Identity{Sender: "x@b.example"}, WithTree(tree))
	if v.Tree() == tree || v.Result != Fail {
		t.Fatalf("another domain: tree reused %v, result %s", v.Tree() == tree, v.Result)
	}
	v = Check(bg, r, ip("192.0.2.1"), Identity{Sender: "x@a.example"}, WithTree(tree), WithRecord("v=spf1 -all"))
	if v.Tree() == tree || v.Result != Fail {
		t.Fatalf("with a what-if record: tree reused %v, result %s", v.Tree() == tree, v.Result)
	}
	if got := (Identity{HELO: "mail.example"}).CheckedDomain(); got != "mail.example" {
		t.Errorf("a bounce checks %q, want the HELO name", got)
	}
}
