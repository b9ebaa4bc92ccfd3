package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/mxray/mxray/diag/blocklist"
	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
	"github.com/mxray/mxray/tui/kit"
)

// blocklistDemo serves what mxray --demo serves: the demo zone and the
// demo's blocklists.
func blocklistDemo(t testing.TB) *zoneserver.Server {
	return zoneservertest.New(t, demo.ServedZoneText())
}

// demoConfig is a test configuration as mxray --demo makes it: the demo's
// lists asked (none when lists is false).
func demoConfig(srv *zoneserver.Server, target string, lists bool) Config {
	cfg := testConfig(srv, target)
	cfg.Demo = true
	if lists {
		set := blocklist.Demo()
		cfg.Blocklists = &set
	}
	return cfg
}

// TestGoldenBlocklists compares the Blocklist pane on the demo at 80x24
// and 120x40: broken.example (one MX address listed, the question about
// the other refused), healthy.example (on no list), the demo's sample
// message (its sending IP's policy listing beside the From domain's MX
// addresses), blocklists off, and loading (go test ./tui -update
// rewrites them).
func TestGoldenBlocklists(t *testing.T) {
	srv := blocklistDemo(t)
	for _, size := range goldenSizes {
		w, h := size[0], size[1]
		for _, st := range []struct {
			name, target string
			lists        bool
		}{
			{"broken", "broken.example", true},
			{"healthy", "healthy.example", true},
			{"off", "broken.example", false},
		} {
			t.Run(fmt.Sprintf("%s/%dx%d", st.name, w, h), func(t *testing.T) {
				golden.RequireEqual(t, blocklistPane(t, demoConfig(srv, st.target, st.lists), w, h).screen())
			})
		}
		t.Run(fmt.Sprintf("message/%dx%d", w, h), func(t *testing.T) {
			cfg := withMessage(t, demoConfig(srv, "", true), demo.SampleMessage(), demo.SampleName)
			golden.RequireEqual(t, blocklistPane(t, cfg, w, h).screen())
		})
		t.Run(fmt.Sprintf("loading/%dx%d", w, h), func(t *testing.T) {
			m := New(context.Background(), demoConfig(srv, "broken.example", true))
			t.Cleanup(func() { m.cancelSession() })
			m.Update(teaSize(w, h))
			m.Update(openMsg{target: mustTarget(t, "broken.example")})
			m.setFocus(m.indexOf(finding.PartBlocklists))
			golden.RequireEqual(t, screenOf(m))
		})
	}
}

// blocklistPane runs cfg at w×h until everything is in, with the
// Blocklist pane focused.
func blocklistPane(t *testing.T, cfg Config, w, h int) *driver {
	t.Helper()
	m := New(context.Background(), cfg)
	t.Cleanup(func() { m.cancelSession() })
	d := newDriver(t, m, w, h)
	d.rewrite = stableLog
	d.idle()
	d.m.setFocus(d.m.indexOf(finding.PartBlocklists))
	return d
}

// TestBlocklistsPaneKeys: the listed row comes first; y copies its
// delisting URL; enter on an address opens it in the SPF pane (its
// verdict) and the MX pane (its row); the cursor stays on its row as the
// other panes follow.
func TestBlocklistsPaneKeys(t *testing.T) {
	d := blocklistPane(t, demoConfig(blocklistDemo(t), "broken.example", true), 120, 40)
	d.key("y")
	d.until("the copy", func(*Model) bool { return len(d.copied) == 1 })
	if d.copied[0] != "https://dnsbl.example/removal?q=198.51.100.10" {
		t.Fatalf("copied %q", d.copied)
	}
	d.key("j", "enter")
	d.idle()
	if got := d.m.focused().ID(); got != finding.PartSPF {
		t.Fatalf("enter focused %s, want the SPF pane", got)
	}
	// The second row is the refused question about 198.51.100.25: the
	// SPF pane evaluates that address, the MX pane stands on its row.
	if v := spfOf(d.m).Verdict(); v == nil || v.IP.String() != "198.51.100.25" {
		t.Fatalf("SPF verdict %+v", v)
	}
	if sel := mxOf(d.m).Selected(); sel.IP.String() != "198.51.100.25" {
		t.Errorf("MX pane on %v", sel)
	}
	if text, _ := d.m.pane(finding.PartBlocklists).(kit.Copier).Copy(); text != "https://dnsbl.example/lookup?q=198.51.100.25" {
		t.Errorf("the cursor left its row: it copies %q", text)
	}
}

// TestFlowBlocklistToSPF: in the real program, the Blocklist pane shows
// broken.example's listed MX address and the refused question; enter on
// the listed address gives its SPF verdict against broken.example's tree.
func TestFlowBlocklistToSPF(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	srv := blocklistDemo(t)
	m := New(ctx, demoConfig(srv, "broken.example", true))
	f := &flow{t: t, vt: newVTScreen(80, 24, true)}
	f.tm = teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	t.Cleanup(func() {
		if err := f.tm.Quit(); err != nil {
			t.Log(err)
		}
	})
	f.waitFor("done", "DNSBL    ✗ listed · 198.51.100.10 on Demo ZEN")
	for range 5 { // Overview → MX → SPF → DKIM → DMARC → Blocklist
		f.keys("tab")
	}
	f.waitFor("[DNSBL]", "›198.51.100.10  Demo ZEN    ✗ listed     127.0.0.2", "198.51.100.25  Demo mirror ? no answer  127.255.255.254")
	f.keys("enter")
	f.waitFor("[SPF", "IP 198.51.100.10", "✓ pass · 1/10 lookups", "mx ◀ matched: pass")
	if !strings.Contains(f.vt.String(), "198.51.100.10") {
		t.Error("the SPF pane does not name the address")
	}
}

// hostileLists is a list file whose words are attacks: a bidi override in
// the list's name, a zero-width space in a meaning.
const hostileLists = "mxray-blocklists 1\nlist evil.test\n name Evil \u202e list\n kind ip\n lookup https://evil.test/?q={subject}\n code 127.0.0.2 listed error spam \u200b sender\nend\n"

// TestHostileBlocklistPane: what a list answers (TXT with an OSC 52
// clipboard write and a screen clear) and what a list file says reach the
// Blocklist pane escaped, and y copies nothing raw.
func TestHostileBlocklistPane(t *testing.T) {
	srv := zoneservertest.New(t, hostileZone+`
$ORIGIN evil.test.
@           SOA ns.example. hostmaster.example. 1 3600 600 604800 300
2.0.0.127   A   127.0.0.2
77.2.0.192  A   127.0.0.2
77.2.0.192  TXT "\027]52;c;aGFja2Vk\007 listed \027[2J"
`)
	set, err := blocklist.Parse("evil.txt", []byte(hostileLists))
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(srv, "hostile.example")
	cfg.Blocklists = &set
	d := blocklistPane(t, cfg, 120, 40)
	view := d.m.View().Content
	assertOnlySGR(t, finding.PartBlocklists, view)
	plain := ansi.Strip(view)
	for _, bad := range []string{"\x1b", "\x07", "\u202e", "\u200b"} {
		if strings.Contains(plain, bad) {
			t.Fatalf("the pane draws a raw %q:\n%s", bad, plain)
		}
	}
	for _, esc := range []string{`\x1b]52;c;aGFja2Vk\x07`, `\x1b[2J`, `\u202e`, `\u200b`} {
		if !strings.Contains(plain, esc) {
			t.Errorf("the pane does not show the escaped form %s:\n%s", esc, plain)
		}
	}
	d.key("y")
	d.until("the copy", func(*Model) bool { return len(d.copied) == 1 })
	if c := d.copied[0]; c != "https://evil.test/?q=192.0.2.77" {
		t.Errorf("copied %q", c)
	}
}
