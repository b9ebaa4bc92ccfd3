package spf

import (
	"net/netip"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mxray/mxray/spf"
	"github.com/mxray/mxray/tui/kit"
	"github.com/mxray/mxray/tui/kit/kittest"
)

// TestParseIPs: the field takes addresses between spaces or commas, in
// brackets or not; an IPv4-mapped address is IPv4; repeats go; the first
// bad entry is named.
func TestParseIPs(t *testing.T) {
	got, err := parseIPs(" 192.0.2.7, [2001:db8::1] ::ffff:198.51.100.1,192.0.2.7 ")
	want := []netip.Addr{netip.MustParseAddr("192.0.2.7"), netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("198.51.100.1")}
	if err != nil || len(got) != len(want) {
		t.Fatalf("parseIPs = %v, %v", got, err)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("address %d = %v, want %v", i, got[i], want[i])
		}
	}
	if _, err := parseIPs("192.0.2.7, mail.example.com"); err == nil || !strings.Contains(err.Error(), `"mail.example.com"`) {
		t.Errorf("a name among the addresses: %v", err)
	}
	if _, err := parseIPs(strings.Repeat("192.0.2.1 ", 1) + manyIPs(maxIPs+1)); err == nil {
		t.Error("more than maxIPs addresses were taken")
	}
}

func manyIPs(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(netip.AddrFrom4([4]byte{10, 0, byte(i / 256), byte(i % 256)}).String() + " ")
	}
	return b.String()
}

// run executes a command and gives the pane every message it returns,
// batches unpacked.
func run(p *Pane, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			run(p, c)
		}
	case nil:
	default:
		_, next := p.Update(msg)
		run(p, next)
	}
}

// TestVerdictTable: several addresses in the field give a verdict table;
// the row chosen is the IP the tree's ◀ markers belong to (before, the
// field took one address, and a table's markers belonged to the first
// IP whatever was chosen); enter on a row puts the tree's cursor on its
// deciding term.
func TestVerdictTable(t *testing.T) {
	p := loaded(t)
	p.Focus()
	p.Update(kittest.Key("i"))
	p.Update(tea.PasteMsg{Content: "192.0.2.7, 198.51.100.1"})
	_, cmd := p.Update(kittest.Key("enter"))
	run(p, cmd)
	if !p.multi() || !p.inTable || len(p.verdicts) != 2 || p.Waiting() {
		t.Fatalf("no verdict table: ips %v, verdicts %d, waiting %v", p.ips, len(p.verdicts), p.Waiting())
	}
	marked := func() (table, tree []string) {
		for _, l := range strings.Split(ansi.Strip(p.View()), "\n") {
			if !strings.Contains(l, "◀") {
				continue
			}
			if strings.Contains(l, "192.0.2.7") || strings.Contains(l, "198.51.100.1") {
				table = append(table, strings.Fields(strings.TrimLeft(l, " ›"))[0])
			} else {
				tree = append(tree, strings.TrimSpace(l))
			}
		}
		return table, tree
	}
	table, tree := marked()
	if len(table) != 1 || table[0] != "192.0.2.7" || len(tree) != 3 || !strings.Contains(strings.Join(tree, "|"), "include:_spf.example.com") {
		t.Fatalf("first row chosen: table marks %v, tree marks %v", table, tree)
	}
	if sel := p.Selected(); sel.Kind != kit.SelectIP || sel.IP != netip.MustParseAddr("192.0.2.7") {
		t.Fatalf("selection %+v", sel)
	}
	_, cmd = p.Update(kittest.Key("j"))
	run(p, cmd)
	table, tree = marked()
	if len(table) != 1 || table[0] != "198.51.100.1" || strings.Contains(strings.Join(tree, "|"), "include:_spf.example.com") || !strings.Contains(strings.Join(tree, "|"), "-all") {
		t.Fatalf("second row chosen: table marks %v, tree marks %v", table, tree)
	}
	if v := p.Verdict(); v == nil || v.IP != netip.MustParseAddr("198.51.100.1") || v.Result != spf.Fail {
		t.Fatalf("the verdict shown is not the second row's: %+v", v)
	}
	if sel := p.Selected(); sel.IP != netip.MustParseAddr("198.51.100.1") {
		t.Fatalf("the other panes would not follow the row: %+v", sel)
	}
	p.Update(kittest.Key("enter"))
	if r, ok := p.currentRow(); p.inTable || !ok || r.node != nil || r.term != "-all" {
		t.Fatalf("enter did not open the row's deciding term: in table %v, row %+v", p.inTable, r)
	}
	d, ok := p.Detail()
	if !ok || !strings.Contains(d.Text(), "Verdict for 198.51.100.1") || !strings.Contains(d.Text(), "Result: fail") {
		t.Fatalf("the detail of the deciding term:\n%s", d.Text())
	}
	// Up from the tree's top goes back into the table.
	p.Update(kittest.Key("g"))
	p.Update(kittest.Key("k"))
	if !p.inTable {
		t.Fatal("up from the tree's top did not go back to the table")
	}
}

// TestIPFieldTypingReplaces: the IP field opens on the addresses already
// evaluated; typed text replaces them (before, it was appended to them,
// "192.0.2.7198.51.100.1", an error), while a cursor key first keeps them
// to edit, and a paste replaces them too.
func TestIPFieldTypingReplaces(t *testing.T) {
	submit := func(p *Pane, keys ...string) []netip.Addr {
		for _, k := range keys {
			p.Update(kittest.Key(k))
		}
		_, cmd := p.Update(kittest.Key("enter"))
		run(p, cmd)
		if p.ipErr != "" {
			t.Fatalf("field error %q", p.ipErr)
		}
		return p.ips
	}
	p := loaded(t)
	p.Focus()
	p.Update(kittest.Key("i"))
	p.Update(tea.PasteMsg{Content: "192.0.2.7"})
	if got := submit(p); len(got) != 1 || got[0] != netip.MustParseAddr("192.0.2.7") {
		t.Fatalf("first address: %v", got)
	}
	for _, tt := range []struct {
		name string
		keys []string
		want []string
	}{
		{"typing replaces", []string{"i", "1", "9", "8", ".", "5", "1", ".", "1", "0", "0", ".", "1"}, []string{"198.51.100.1"}},
		{"a cursor key keeps", []string{"i", "right", "space", "1", "9", "2", ".", "0", ".", "2", ".", "7"}, []string{"198.51.100.1", "192.0.2.7"}},
	} {
		got := submit(p, tt.keys...)
		var texts []string
		for _, ip := range got {
			texts = append(texts, ip.String())
		}
		if strings.Join(texts, " ") != strings.Join(tt.want, " ") {
			t.Errorf("%s: %v, want %v", tt.name, texts, tt.want)
		}
	}
	p.Update(kittest.Key("i"))
	p.Update(tea.PasteMsg{Content: "2001:db8::1"})
	if got := submit(p); len(got) != 1 || got[0] != netip.MustParseAddr("2001:db8::1") {
		t.Errorf("a paste into the fresh field: %v", got)
	}
}
