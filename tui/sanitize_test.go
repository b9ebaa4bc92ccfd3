package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
	"github.com/mxray/mxray/tui/kit/kittest"
)

// hostileZone plants terminal attacks in records the in-process server
// serves: an OSC 52 clipboard write, a screen clear, a bidi override and a
// zero-width space (zone-file \DDD escapes are raw bytes on the wire).
const hostileZone = `
$ORIGIN example.
@               SOA  ns.example. hostmaster.example. 1 3600 600 604800 300
@               NS   ns.example.
$ORIGIN hostile.example.
@               SOA  ns.example. hostmaster.hostile.example. 1 3600 600 604800 300
@               NS   ns.example.
@               MX   10 mx
mx              A    192.0.2.77
@               TXT  "v=spf1 ip4:192.0.2.77 \027]52;c;aGFja2Vk\007 \027[2J -all \226\128\174moc.elpmaxe\226\128\139"
s1._domainkey   TXT  "v=DKIM1; k=ed25519; n=\027]52;c;aGFja2Vk\007\027[2J\226\128\174\226\128\139; p=oTpZ0HJ80DFiv1kv0k1JEbWLnp6FylDpGnrFBZ9A68w="
_dmarc          TXT  "v=DMARC1; p=reject; rua=mailto:\226\128\174moc.elpmaxe@hostile.example,mailto:x\027[2J@hostile.example; x=\027]52;c;aGFja2Vk\007"
_smtp._tls      TXT  "v=TLSRPTv1; rua=mailto:\027]52;c;aGFja2Vk\007@hostile.example"
$ORIGIN 2.0.192.in-addr.arpa.
@               SOA  ns.example. hostmaster.example. 1 3600 600 604800 300
@               NS   ns.example.
77              PTR  evil\027[2J\226\128\174.hostile.example.
`

// TestHostileTXTEscapedInView: every string from DNS passes through
// termsafe before it is drawn: the screen of every pane carries no escape
// sequence other than the TUI's own colours, no raw bidi override or
// zero-width character, and shows the attacks as visible escapes.
func TestHostileTXTEscapedInView(t *testing.T) {
	srv := zoneservertest.New(t, hostileZone)
	for _, size := range goldenSizes {
		d := openTarget(t, srv, "192.0.2.77 hostile.example", size[0], size[1])
		seen := map[string]bool{}
		for i := range d.m.panes {
			d.m.setFocus(i)
			// Open each SPF record so its text is drawn in the detail.
			view := d.m.View().Content
			assertOnlySGR(t, d.m.focused().ID(), view)
			plain := ansi.Strip(view)
			for _, bad := range []string{"\x1b", "\x07", "\u202e", "\u200b"} {
				if strings.Contains(plain, bad) {
					t.Fatalf("%s pane at %v draws a raw %q:\n%s", d.m.focused().ID(), size, bad, plain)
				}
			}
			for _, esc := range []string{`\x1b]52;c;aGFja2Vk\x07`, `\x1b[2J`, `\u202e`, `\u200b`} {
				if strings.Contains(plain, esc) {
					seen[esc] = true
				}
			}
		}
		for _, esc := range []string{`\x1b]52;c;aGFja2Vk\x07`, `\x1b[2J`, `\u202e`, `\u200b`} {
			if !seen[esc] {
				t.Errorf("at %v no pane showed the escaped form %s", size, esc)
			}
		}
		// What y copies is sanitised too.
		for _, id := range []finding.Part{finding.PartSPF, finding.PartDMARC, finding.PartFindings} {
			d.focusPane(id)
			n := len(d.copied)
			d.key("y")
			d.until("the copy", func(*Model) bool { return len(d.copied) == n+1 })
			if c := d.copied[n]; strings.ContainsAny(c, "\x1b\x07\u202e\u200b") {
				t.Errorf("%s copied raw control text: %q", id, c)
			}
		}
	}
}

// assertOnlySGR fails when view holds an escape sequence other than a
// Select Graphic Rendition (colour and weight) one.
func assertOnlySGR(t *testing.T, id finding.Part, view string) {
	t.Helper()
	if seq := kittest.NonSGR(view); seq != "" {
		t.Fatalf("%s pane draws the sequence %q", id, seq)
	}
}

// TestHostileTXTEscapedInDetail: the detail view (v) of every pane's
// items, whole and wrapped, draws the attacks only as visible escapes,
// every line within the screen's width; y in it copies sanitised text.
func TestHostileTXTEscapedInDetail(t *testing.T) {
	srv := zoneservertest.New(t, hostileZone)
	for _, size := range [][2]int{{60, 20}, {80, 24}, {120, 40}} {
		d := openTarget(t, srv, "192.0.2.77 hostile.example", size[0], size[1])
		seen := map[string]bool{}
		for i := range d.m.panes {
			d.m.setFocus(i)
			for range 6 {
				d.key("v")
				if d.m.overlay == nil {
					break
				}
				view := d.m.View().Content
				assertOnlySGR(t, d.m.focused().ID(), view)
				plain := ansi.Strip(view)
				for _, l := range strings.Split(plain, "\n") {
					if ansi.StringWidth(l) > size[0] {
						t.Fatalf("%s detail at %v: a line is wider than the screen: %q", d.m.focused().ID(), size, l)
					}
				}
				if strings.ContainsAny(plain, "\x1b\x07\u202e\u200b") {
					t.Fatalf("%s detail at %v draws raw control text:\n%s", d.m.focused().ID(), size, plain)
				}
				for _, esc := range []string{`\x1b]52;c;aGFja2Vk\x07`, `\x1b[2J`, `\u202e`, `\u200b`} {
					if strings.Contains(plain, esc) {
						seen[esc] = true
					}
				}
				n := len(d.copied)
				d.key("y")
				d.until("the copy", func(*Model) bool { return len(d.copied) == n+1 })
				if c := d.copied[n]; strings.ContainsAny(c, "\x1b\x07\u202e\u200b") {
					t.Errorf("%s detail copied raw control text: %q", d.m.focused().ID(), c)
				}
				d.key("esc")
				d.key("j")
			}
		}
		for _, esc := range []string{`\x1b]52;c;aGFja2Vk\x07`, `\x1b[2J`, `\u202e`, `\u200b`} {
			if !seen[esc] {
				t.Errorf("at %v no detail showed the escaped form %s", size, esc)
			}
		}
	}
}
