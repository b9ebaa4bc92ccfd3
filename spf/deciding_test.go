package spf

import "testing"

// TestDeciding: a verdict names the very nodes it was decided by, the
// right one of two records of the same domain, and no node when nothing
// matched.
func TestDeciding(t *testing.T) {
	r := newFakeDNS().
		txt("top.example", "v=spf1 include:a.example include:b.example -all").
		txt("a.example", "v=spf1 include:shared.example ~all").
		txt("b.example", "v=spf1 ip4:198.51.100.0/24 include:shared.example ~all").
		txt("shared.example", "v=spf1 ip4:192.0.2.0/24 -all")
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
