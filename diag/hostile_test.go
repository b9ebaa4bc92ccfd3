package diag

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/mxray/mxray/diag/render"
	"github.com/mxray/mxray/diag/spfcheck"
	"github.com/mxray/mxray/diag/termsafe/termsafetest"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
	"github.com/mxray/mxray/spf"
)

// Hostile DNS content at the library level: what a stranger's zone can put
// in an answer (huge TXT records, control characters in records and in
// names) is read whole where it should be, bounded where it must be, and
// reaches the text and Markdown writers only as visible escapes. The end
// to end versions through the command line are in cmd/mxray/hostile_test.go.

// rendered writes d as text and as Markdown.
func rendered(t *testing.T, d *render.Doc) (text, markdown string) {
	t.Helper()
	var tb, mb bytes.Buffer
	if err := render.Text(&tb, d, render.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := render.Markdown(&mb, d, render.Options{}); err != nil {
		t.Fatal(err)
	}
	return tb.String(), mb.String()
}

// TestHugeTXTAnswer: an SPF record of 200 character-strings (about 50 KB,
// far past UDP, so it comes over TCP) beside a DMARC record of many small
// strings is read whole, parsed, drawn and evaluated without a question.
func TestHugeTXTAnswer(t *testing.T) {
	var terms []string
	for i, size := 0, 0; size < 50_000; i++ {
		terms = append(terms, fmt.Sprintf("ip4:10.%d.%d.0/24", i/256, i%256))
		size += len(terms[i]) + 1
	}
	record := "v=spf1 " + strings.Join(terms, " ") + " -all"
	last := netip.MustParseAddr(fmt.Sprintf("10.%d.%d.9", (len(terms)-1)/256, (len(terms)-1)%256))
	var dmarcParts []string
	dmarc := "v=DMARC1; p=reject; rua=mailto:d@huge.example"
	for i := 0; i < len(dmarc); i += 2 {
		dmarcParts = append(dmarcParts, `"`+dmarc[i:min(i+2, len(dmarc))]+`"`)
	}
	zone := "$ORIGIN example.\n@ SOA ns.example. h.example. 1 3600 600 86400 300\n" +
		"$ORIGIN huge.example.\n@ SOA ns.example. h.example. 1 3600 600 86400 300\n" +
		"@ TXT " + zoneTXT(record) + "\n" +
		"_dmarc TXT ( " + strings.Join(dmarcParts, " ") + " )\n"
	srv := zoneservertest.New(t, zone)

	rep := Investigate(context.Background(), clientFor(srv), "huge.example", Options{Offline: true}, nil)

	if rep.SPF == nil || rep.SPF.Tree.Root.Record != record {
		t.Fatalf("the %d-byte SPF record was not read whole", len(record))
	}
	if n := len(rep.SPF.Tree.Root.Strings); n != (len(record)+254)/255 {
		t.Errorf("%d character-strings, want %d", n, (len(record)+254)/255)
	}
	if rep.DMARC == nil || rep.DMARC.Record != dmarc {
		t.Errorf("DMARC record of %d strings read as %q", len(dmarcParts), rep.DMARC.Record)
	}
	if f, ok := hasCode(rep.Findings, "spf.record_size"); !ok || !strings.Contains(f.Message, fmt.Sprint(len(record))) {
		t.Errorf("no spf.record_size finding giving %d bytes: %v", len(record), codes(rep.Findings))
	}
	tcp := false
	for _, e := range rep.Log {
		tcp = tcp || (e.Name == "huge.example." && e.Type == "TXT" && e.TCP)
	}
	if !tcp {
		t.Error("the 50 KB answer did not come over TCP")
	}
	v := rep.SPF.Tree.CheckHost(context.Background(), last, "", "")
	if v.Result != spf.Pass || v.Lookups != 0 {
		t.Errorf("%s: %s with %d lookups, want pass by the last ip4 term", last, v.Result, v.Lookups)
	}
	text, md := rendered(t, rep.Doc())
	if !strings.Contains(text, terms[len(terms)-1]+" -all") || !strings.Contains(md, terms[len(terms)-1]+" -all") {
		t.Error("the report does not show the whole record")
	}
}

// hostileTXT pairs text planted in a TXT record with how the text and
// Markdown writers must show it.
var hostileTXT = []struct{ name, raw, shown string }{
	{"c0", "\x00\x01\x07\x1a\x7f", `\x00\x01\x07\x1a\x7f`},
	{"c1", "\u0090\u009b2J", `\u0090\u009b2J`},
	{"raw 0x9b", "\x9b2J", `\x9b2J`},
	{"csi", "\x1b[2J", `\x1b[2J`},
	{"osc52", "\x1b]52;c;Ym9v\x07", `\x1b]52;c;Ym9v\x07`},
	{"osc8", "\x1b]8;;http://evil.example/\x1b\\x\x1b]8;;\x1b\\", `\x1b]8;;http://evil.example/\x1b\x\x1b]8;;\x1b\`},
	{"dcs", "\x1bP1$r\x1b\\", `\x1bP1$r\x1b\`},
	{"apc", "\x1b_Gf=100\x1b\\", `\x1b_Gf=100\x1b\`},
	{"bidi", "\u202e\u2066x\u2069", `\u202e\u2066x\u2069`},
	{"zero width", "\u200b\u200d\u2060\ufeff", `\u200b\u200d\u2060\ufeff`},
}

// masterEscape writes s for a quoted master-file string, every byte that
// is not printable ASCII (and the quote and backslash) as \DDD.
func masterEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			fmt.Fprintf(&b, `\%03d`, c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// TestHostileSPFReport: the "mxray spf" report (verdict table, record tree,
// findings) drawn from a record carrying each class, as text and as
// Markdown (the TUI exports it as Markdown; the command line prints text).
func TestHostileSPFReport(t *testing.T) {
	var zone strings.Builder
	zone.WriteString("$ORIGIN example.\n@ SOA ns.example. h.example. 1 3600 600 86400 300\n")
	zone.WriteString("$ORIGIN h.example.\n@ SOA ns.example. h.example. 1 3600 600 86400 300\n")
	for i, c := range hostileTXT {
		fmt.Fprintf(&zone, "d%d TXT \"v=spf1 ip4:192.0.2.0/24 a:QP%sQP.h.example -all\"\n", i, masterEscape(c.raw))
	}
	srv := zoneservertest.New(t, zone.String())
	for i, c := range hostileTXT {
		t.Run(c.name, func(t *testing.T) {
			domain := fmt.Sprintf("d%d.h.example", i)
			rep := spf.CheckIPs(context.Background(), spfcheck.Resolver(clientFor(srv)), []netip.Addr{lateIP}, spf.Identity{Domain: domain}, spfcheck.Advice())
			if rep.Results[0].Result != spf.PermError {
				t.Errorf("result %s, want permerror for a term with controls", rep.Results[0].Result)
			}
			text, md := rendered(t, spfcheck.TreeReport(rep.Tree, rep.Results, spfcheck.Findings(rep.Findings())))
			want := "QP" + c.shown + "QP"
			for name, out := range map[string]string{"text": text, "markdown": md} {
				if strings.Contains(out, c.raw) {
					t.Errorf("%s: the planted bytes reached the report", name)
				}
				if bad := termsafetest.Unsafe(out); bad != "" {
					t.Errorf("%s: %s", name, bad)
				}
			}
			if !strings.Contains(text, want) {
				t.Errorf("text: the record is not shown as %s:\n%s", want, text)
			}
			// Markdown escapes the sanitiser's backslashes again, or puts the
			// word in a code span; either way the escape is there.
			first := c.shown[:4] // \xNN
			if strings.HasPrefix(c.shown, `\u`) {
				first = c.shown[:6] // \uNNNN
			}
			if !strings.Contains(md, first) {
				t.Errorf("markdown: %s is not shown", first)
			}
			js, err := json.Marshal(rep)
			if err != nil {
				t.Fatal(err)
			}
			var back struct {
				Tree struct{ Record string } `json:"tree"`
			}
			if err := json.Unmarshal(js, &back); err != nil {
				t.Fatal(err)
			}
			if wantJSON := strings.ToValidUTF8("QP"+c.raw+"QP", "\ufffd"); !strings.Contains(back.Tree.Record, wantJSON) {
				t.Errorf("JSON record %q does not keep %q", back.Tree.Record, wantJSON)
			}
		})
	}
}

// TestHostileDNSNames: MX targets and PTR names carrying control bytes
// (legal in DNS names, RFC 2181 §11) reach the report as the \DDD
// presentation escapes of RFC 1035 §5.1, never as raw bytes.
func TestHostileDNSNames(t *testing.T) {
	zone := `
$ORIGIN example.
@        SOA ns.example. h.example. 1 3600 600 86400 300
$ORIGIN n.example.
@        SOA ns.example. h.example. 1 3600 600 86400 300
@        MX  10 mx\027[2J\226\128\174
mx\027[2J\226\128\174 A 192.0.2.44
@        TXT "v=spf1 mx -all"
$ORIGIN 2.0.192.in-addr.arpa.
@        SOA ns.example. h.example. 1 3600 600 86400 300
44       PTR ptr\027]52\007\194\155.n.example.
`
	srv := zoneservertest.New(t, zone)
	rep := Investigate(context.Background(), clientFor(srv), "n.example", Options{Offline: true}, nil)
	if rep.MX == nil || len(rep.MX.Hosts) != 1 || len(rep.MX.Hosts[0].Addresses) != 1 {
		t.Fatalf("MX = %+v", rep.MX)
	}
	text, md := rendered(t, rep.Doc())
	for name, out := range map[string]string{"text": text, "markdown": md} {
		if bad := termsafetest.Unsafe(out); bad != "" {
			t.Errorf("%s: %s", name, bad)
		}
		for _, want := range []string{`mx\`, `027`, `ptr\`} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: no %s: the names are not shown", name, want)
			}
		}
	}
	for _, want := range []string{`mx\027[2J\226\128\174.n.example`, `ptr\027]52\007\194\155.n.example`} {
		if !strings.Contains(text, want) {
			t.Errorf("text: %s is not shown in presentation form", want)
		}
	}
	if v := rep.SPF.Tree.CheckHost(context.Background(), netip.MustParseAddr("192.0.2.44"), "", ""); v.Result != spf.Pass {
		t.Errorf("the mx term did not resolve the odd MX name: %s (%v)", v.Result, v.Err)
	}
}
