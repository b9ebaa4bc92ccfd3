package spf

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mxray/mxray/spf/internal/fakedns"
)

var bg = context.Background()

func ip(s string) netip.Addr { return netip.MustParseAddr(s) }

func TestDiamondCountedTwice(t *testing.T) {
	// top includes a and b; both include shared, which costs 2 itself.
	r := newFakeDNS().
		TXT("top.example", "v=spf1 include:a.example include:b.example -all").
		TXT("a.example", "v=spf1 include:shared.example ~all").
		TXT("b.example", "v=spf1 include:shared.example ~all").
		TXT("shared.example", "v=spf1 a mx ip4:192.0.2.0/24 -all").
		A("shared.example", "192.0.2.10").MX("shared.example", "mx.shared.example").A("mx.shared.example", "198.51.100.1")
	tree := Prefetch(bg, r, "top.example")
	var shared []*Node
	tree.Root.Walk(func(n *Node) bool {
		if n.Domain == "shared.example" {
			shared = append(shared, n)
		}
		return true
	})
	if len(shared) != 2 || shared[0] == shared[1] {
		t.Fatalf("shared appears %d times, want 2 distinct nodes", len(shared))
	}
	// 2 includes at top + (1 include + 2 for shared) in each of a and b.
	if got := tree.WorstCaseLookups(); got != 2+2*(1+2) {
		t.Errorf("worst case = %d, want 8", got)
	}
	if n := r.TimesAsked("TXT", "shared.example"); n != 1 {
		t.Errorf("shared.example TXT asked %d times, want 1 (answers are shared)", n)
	}
	v := tree.CheckHost(bg, ip("203.0.113.9"), "x@top.example", "")
	if v.Result != Fail || v.Lookups != 8 {
		t.Errorf("no match: %s with %d lookups, want fail with 8 (the diamond evaluated twice)", v.Result, v.Lookups)
	}
}

func TestLoopDetectedOnPath(t *testing.T) {
	r := newFakeDNS().
		TXT("a.example", "v=spf1 include:b.example -all").
		TXT("b.example", "v=spf1 include:c.example ~all").
		TXT("c.example", "v=spf1 include:a.example ?all")
	tree := Prefetch(bg, r, "a.example")
	c := tree.Root.Children[0].Children[0]
	loop := c.Children[0]
	if loop.Status != NodeLoop || !errors.Is(loop.Err, ErrLoop) {
		t.Fatalf("loop node = %s %v", loop.Status, loop.Err)
	}
	v := tree.CheckHost(bg, ip("192.0.2.1"), "x@a.example", "")
	if v.Result != PermError || !errors.Is(v.Err, ErrLookupLimit) {
		t.Errorf("evaluation = %s %v, want permerror from the lookup limit", v.Result, v.Err)
	}
	if v.Lookups != LookupLimit+1 {
		t.Errorf("lookups at the decision = %d, want %d (the 11th trips the limit)", v.Lookups, LookupLimit+1)
	}
}

func TestLazyVersusWorstCase(t *testing.T) {
	r := newFakeDNS().
		TXT("example.com", "v=spf1 ip4:192.0.2.1 a mx include:_spf.example.net exists:%{i}.bl.example.com -all").
		A("example.com", "198.51.100.1").MX("example.com", "mail.example.com").A("mail.example.com", "198.51.100.2").
		TXT("_spf.example.net", "v=spf1 a:out.example.net ip4:203.0.113.0/24 -all").A("out.example.net", "203.0.113.200").
		A("198.51.100.77.bl.example.com", "127.0.0.2")
	tree := Prefetch(bg, r, "example.com")
	if tree.WorstCaseLookups() != 5 || tree.Root.Incomplete {
		t.Errorf("worst case = %d, want 5 (a, mx, include, a in the include, exists)", tree.WorstCaseLookups())
	}
	tests := []struct {
		ip      string
		res     Result
		lookups int
		voids   int
		path    []string
		term    string
		terms   []string
	}{
		{"192.0.2.1", Pass, 0, 0, []string{"example.com"}, "ip4:192.0.2.1", []string{"ip4:192.0.2.1"}},
		{"198.51.100.1", Pass, 1, 0, []string{"example.com"}, "a", []string{"a"}},
		{"198.51.100.2", Pass, 2, 0, []string{"example.com"}, "mx", []string{"mx"}},
		{"203.0.113.200", Pass, 4, 0, []string{"example.com", "_spf.example.net"}, "a:out.example.net", []string{"include:_spf.example.net", "a:out.example.net"}},
		{"203.0.113.8", Pass, 4, 0, []string{"example.com", "_spf.example.net"}, "ip4:203.0.113.0/24", []string{"include:_spf.example.net", "ip4:203.0.113.0/24"}},
		{"192.0.2.99", Fail, 5, 1, []string{"example.com"}, "-all", []string{"-all"}},
	}
	for _, tc := range tests {
		v := tree.CheckHost(bg, ip(tc.ip), "someone@example.com", "")
		if v.Result != tc.res || v.Lookups != tc.lookups || v.VoidLookups != tc.voids || v.WorstCaseLookups != 5 {
			t.Errorf("%s: %s lookups %d voids %d worst %d, want %s %d %d 5", tc.ip, v.Result, v.Lookups, v.VoidLookups, v.WorstCaseLookups, tc.res, tc.lookups, tc.voids)
		}
		if v.Matched == nil {
			t.Errorf("%s: no match recorded", tc.ip)
			continue
		}
		if strings.Join(v.Matched.Path, ">") != strings.Join(tc.path, ">") || v.Matched.Term != tc.term ||
			strings.Join(v.Matched.Terms, ">") != strings.Join(tc.terms, ">") || v.Matched.RecordDomain != tc.path[len(tc.path)-1] {
			t.Errorf("%s: matched %+v, want path %v term %s", tc.ip, *v.Matched, tc.path, tc.term)
		}
	}
	// 198.51.100.77 is listed by the exists term, reached only at evaluation.
	if v := tree.CheckHost(bg, ip("198.51.100.77"), "x@example.com", ""); v.Result != Pass || v.Matched.Term != "exists:%{i}.bl.example.com" {
		t.Errorf("exists: %s %+v", v.Result, v.Matched)
	}
}

func TestEvaluationReadsPrefetchedAnswers(t *testing.T) {
	r := newFakeDNS().
		TXT("example.com", "v=spf1 a mx include:_spf.example.net redirect=other.example").
		A("example.com", "198.51.100.1").MX("example.com", "mail.example.com").A("mail.example.com", "198.51.100.2").
		TXT("_spf.example.net", "v=spf1 ip4:203.0.113.0/24 -all").
		TXT("other.example", "v=spf1 a:x.other.example ~all").A("x.other.example", "192.0.2.44")
	tree := Prefetch(bg, r, "example.com")
	before := r.Queries.Load()
	for i := range 200 {
		addr := netip.AddrFrom4([4]byte{192, 0, 2, byte(i)})
		tree.CheckHost(bg, addr, "u@example.com", "")
		tree.CheckHost(bg, netip.AddrFrom16([16]byte{0x20, 1, 0xd, 0xb8, 15: byte(i)}), "u@example.com", "")
	}
	if after := r.Queries.Load(); after != before {
		t.Errorf("evaluation asked DNS %d times; everything was prefetched (both address families)", after-before)
	}
	if v := tree.CheckHost(bg, ip("192.0.2.44"), "u@example.com", ""); v.Result != Pass || strings.Join(v.Matched.Path, ">") != "example.com>other.example" {
		t.Errorf("redirect: %s %+v", v.Result, v.Matched)
	}
}

func TestPrefetchAsksALevelAtOnce(t *testing.T) {
	// Each level-1 TXT question blocks until all five have arrived: a
	// prefetch that asked them one after another would never finish.
	r := newFakeDNS().TXT("top.example", "v=spf1 include:i1.example include:i2.example include:i3.example include:i4.example redirect=i5.example")
	for i := 1; i <= 5; i++ {
		r.TXT(fmt.Sprintf("i%d.example", i), "v=spf1 -all")
	}
	g := &gatedDNS{fakeDNS: r, want: 5, open: make(chan struct{})}
	ctx, cancel := context.WithTimeout(bg, time.Minute)
	defer cancel()
	tree := Prefetch(ctx, g, "top.example")
	for _, c := range tree.Root.Children {
		if c.Status != NodeOK {
			t.Errorf("%s: %s %v (questions were not asked at once)", c.Domain, c.Status, c.Err)
		}
	}
}

// gatedDNS holds TXT questions for i*.example until want of them are waiting.
type gatedDNS struct {
	*fakeDNS
	mu      sync.Mutex
	waiting int
	want    int
	open    chan struct{}
}

func (g *gatedDNS) LookupTXT(ctx context.Context, name string) ([]TXTRecord, error) {
	if strings.HasPrefix(name, "i") {
		g.mu.Lock()
		g.waiting++
		if g.waiting == g.want {
			close(g.open)
		}
		g.mu.Unlock()
		select {
		case <-g.open:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return g.fakeDNS.LookupTXT(ctx, name)
}

func TestTreeLimits(t *testing.T) {
	t.Run("100-level chain", func(t *testing.T) {
		r := newFakeDNS()
		for i := range 100 {
			r.TXT(fmt.Sprintf("l%d.example", i), fmt.Sprintf("v=spf1 include:l%d.example -all", i+1))
		}
		tree := Prefetch(bg, r, "l0.example")
		if n := r.Queries.Load(); n != DefaultMaxDepth+1 {
			t.Errorf("asked %d questions, want %d (one per level down to the depth cap)", n, DefaultMaxDepth+1)
		}
		var cut *Node
		tree.Root.Walk(func(n *Node) bool {
			if n.Status == NodeCut {
				cut = n
			}
			return true
		})
		if cut == nil || cut.Depth != DefaultMaxDepth+1 || !errors.Is(cut.Err, ErrTreeLimit) || !strings.Contains(cut.Err.Error(), "depth limit") {
			t.Fatalf("cut node = %+v", cut)
		}
		if !tree.Root.Incomplete {
			t.Errorf("incomplete %v", tree.Root.Incomplete)
		}
		if v := tree.CheckHost(bg, ip("192.0.2.1"), "x@l0.example", ""); v.Result != PermError || !errors.Is(v.Err, ErrLookupLimit) {
			t.Errorf("evaluation = %s %v", v.Result, v.Err)
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
		tree := Prefetch(bg, r, "wide.example", WithMaxNodes(50))
		fetched, cut := 0, 0
		for _, c := range tree.Root.Children {
			switch c.Status {
			case NodeOK:
				fetched++
			case NodeCut:
				cut++
				if !strings.Contains(c.Err.Error(), "node limit 50") {
					t.Fatalf("cut reason %v", c.Err)
				}
			}
		}
		if fetched != 49 || cut != 951 {
			t.Errorf("fetched %d cut %d, want 49 and 951 (the top counts as a node)", fetched, cut)
		}
		if q := r.Queries.Load(); q > 50+2*50 {
			t.Errorf("asked %d questions, want at most 150 (50 records, 50 a targets of two questions each)", q)
		}
		if tree.Root.Children[49].Status != NodeCut || tree.Root.Children[48].Status != NodeOK {
			t.Error("the cut is not in term order")
		}
		if tree.WorstCaseLookups() < 1000 {
			t.Errorf("worst case %d, want at least the 1000 includes", tree.WorstCaseLookups())
		}
	})
}

func TestMXLimitAndNullMX(t *testing.T) {
	r := newFakeDNS().TXT("many.example", "v=spf1 mx -all").TXT("null.example", "v=spf1 mx ?all").
		A("h.example", "192.0.2.1").Add("null.example", fakedns.Entry{Type: "MX", Name: "."})
	for range 11 {
		r.MX("many.example", "h.example")
	}
	tree := Prefetch(bg, r, "many.example")
	if ti := tree.Root.Terms[0]; !errors.Is(ti.Err, ErrMXLimit) {
		t.Errorf("term error = %v", ti.Err)
	}
	if n := r.TimesAsked("A", "h.example"); n != 0 {
		t.Errorf("addresses of 11 MX names were looked up %d times; the mx is permerror anyway", n)
	}
	if v := tree.CheckHost(bg, ip("192.0.2.1"), "", "many.example"); v.Result != PermError || !errors.Is(v.Err, ErrMXLimit) {
		t.Errorf("many: %s %v", v.Result, v.Err)
	}
	if v := Check(bg, r, ip("192.0.2.1"), Identity{Sender: "a@null.example"}); v.Result != Neutral || v.VoidLookups != 0 {
		t.Errorf("null MX: %s voids %d", v.Result, v.VoidLookups)
	}
}

func TestPTRUsesFirstTenNames(t *testing.T) {
	r := newFakeDNS().TXT("example.com", "v=spf1 ptr -all")
	for i := range 10 {
		r.PTR("192.0.2.5", fmt.Sprintf("h%d.elsewhere.example", i))
	}
	r.PTR("192.0.2.5", "mail.example.com").A("mail.example.com", "192.0.2.5")
	v := Check(bg, r, ip("192.0.2.5"), Identity{Sender: "u@example.com"})
	if v.Result != Fail {
		t.Errorf("the 11th PTR name was used: %s", v.Result)
	}
	r2 := newFakeDNS().TXT("example.com", "v=spf1 ptr -all").PTR("192.0.2.5", "x.example.org", "Mail.Example.COM.").
		A("mail.example.com", "192.0.2.5").A("x.example.org", "192.0.2.5")
	if v := Check(bg, r2, ip("192.0.2.5"), Identity{Sender: "u@example.com"}); v.Result != Pass {
		t.Errorf("validated name under the domain: %s", v.Result)
	}
}

func TestVoidLookupLimit(t *testing.T) {
	r := newFakeDNS().TXT("v.example", "v=spf1 a:gone1.v.example mx:gone2.v.example exists:gone3.v.example ip4:192.0.2.1 -all")
	v := Check(bg, r, ip("192.0.2.1"), Identity{Sender: "u@v.example"})
	if v.Result != PermError || !errors.Is(v.Err, ErrVoidLimit) || v.VoidLookups != 3 {
		t.Errorf("3 voids: %s %v voids %d", v.Result, v.Err, v.VoidLookups)
	}
	v = Check(bg, r, ip("192.0.2.1"), Identity{Sender: "u@v.example"}, WithVoidLimit(3))
	if v.Result != Pass || v.VoidLookups != 3 {
		t.Errorf("limit 3: %s voids %d", v.Result, v.VoidLookups)
	}
	tree := Prefetch(bg, r, "v.example")
	if tree.Root.VoidLookups != 3 {
		t.Errorf("tree void lookups %d, want 3", tree.Root.VoidLookups)
	}
}

func TestTemporaryFailures(t *testing.T) {
	r := newFakeDNS().TXT("example.com", "v=spf1 ip4:192.0.2.1 include:flaky.example -all").Timeout("flaky.example").
		Timeout("down.example")
	tree := Prefetch(bg, r, "example.com")
	if c := tree.Root.Children[0]; c.Status != NodeTempError {
		t.Errorf("flaky include: %s", c.Status)
	}
	if v := tree.CheckHost(bg, ip("192.0.2.1"), "", "example.com"); v.Result != Pass {
		t.Errorf("a match before the broken include still passes: %s", v.Result)
	}
	v := tree.CheckHost(bg, ip("192.0.2.2"), "", "example.com")
	if v.Result != TempError || !errors.Is(v.Err, ErrTemporary) {
		t.Errorf("%s %v", v.Result, v.Err)
	}
	var ee *EvalError
	if !errors.As(v.Err, &ee) || ee.Domain != "flaky.example" {
		t.Errorf("error does not name the failing record: %#v", v.Err)
	}
	if v := Check(bg, r, ip("192.0.2.1"), Identity{Sender: "x@down.example"}); v.Result != TempError {
		t.Errorf("top TXT timeout: %s", v.Result)
	}
}

func TestCancelledPrefetchIsNotCached(t *testing.T) {
	r := newFakeDNS().TXT("example.com", "v=spf1 a -all").A("example.com", "192.0.2.1")
	r.Delay = time.Second
	ctx, cancel := context.WithCancel(bg)
	cancel()
	tree := Prefetch(ctx, r, "example.com")
	if tree.Root.Status != NodeTempError {
		t.Fatalf("cancelled prefetch: %s", tree.Root.Status)
	}
	r.Delay = 0
	if v := tree.CheckHost(bg, ip("192.0.2.1"), "", "example.com"); v.Result != Pass {
		t.Errorf("evaluation after a cancelled prefetch: %s %v (a cancelled question is not an answer)", v.Result, v.Err)
	}
}

func TestEvaluationAsksWhatPrefetchLeft(t *testing.T) {
	r := newFakeDNS().
		TXT("example.com", "v=spf1 include:i1.example include:i2.example include:i3.example include:%{l}._u.example -all").
		TXT("i1.example", "v=spf1 ip4:192.0.2.1 -all").TXT("i2.example", "v=spf1 ip4:192.0.2.2 -all").
		TXT("i3.example", "v=spf1 ip4:192.0.2.3 -all").TXT("bob._u.example", "v=spf1 ip4:192.0.2.4 -all")
	tree := Prefetch(bg, r, "example.com", WithMaxNodes(2))
	if st := []NodeStatus{tree.Root.Children[0].Status, tree.Root.Children[1].Status, tree.Root.Children[2].Status, tree.Root.Children[3].Status}; st[0] != NodeOK || st[1] != NodeCut || st[2] != NodeCut || st[3] != NodeDynamic {
		t.Fatalf("statuses %v", st)
	}
	if r.TimesAsked("TXT", "i3.example") != 0 || r.TimesAsked("TXT", "bob._u.example") != 0 {
		t.Fatal("prefetch fetched past its limit or a dynamic target")
	}
	v := tree.CheckHost(bg, ip("192.0.2.3"), "bob@example.com", "")
	if v.Result != Pass || v.Matched.RecordDomain != "i3.example" || v.Lookups != 3 {
		t.Errorf("cut branch: %s %+v after %d lookups", v.Result, v.Matched, v.Lookups)
	}
	v = tree.CheckHost(bg, ip("192.0.2.4"), "bob@example.com", "")
	if v.Result != Pass || v.Matched.RecordDomain != "bob._u.example" || v.Lookups != 4 {
		t.Errorf("dynamic include: %s %+v after %d lookups", v.Result, v.Matched, v.Lookups)
	}
	if v := tree.CheckHost(bg, ip("192.0.2.4"), "alice@example.com", ""); v.Result != PermError || !errors.Is(v.Err, ErrNoRecord) {
		t.Errorf("dynamic include to nothing: %s %v", v.Result, v.Err)
	}
}
