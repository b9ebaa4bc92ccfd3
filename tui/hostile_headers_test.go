package tui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/termsafe/termsafetest"
	"github.com/mxray/mxray/internal/syncbuf"
)

// hostileClass is one kind of terminal attack a header can carry: the
// bytes planted, and the escaped form the screen must show instead.
type hostileClass struct {
	name    string
	payload string
	shown   string // termsafe's visible form of the payload
	// quoted is the visible form inside a quoted string (a display name,
	// a reason), where a backslash quotes the next character (RFC 5322
	// §3.2.4); "" when it is shown.
	quoted string
}

// inQuotes is the visible form of the payload inside a quoted string.
func (c hostileClass) inQuotes() string {
	if c.quoted != "" {
		return c.quoted
	}
	return c.shown
}

// hostileClasses are the attacks of issue 10, each with a marker no
// renderer writes, so a raw copy in the output can be told apart.
func hostileClasses() []hostileClass {
	return []hostileClass{
		{"C0 controls", "c0\x07\x08\x00z", `c0\x07\x08\x00z`, ""},
		{"C1 CSI as a character", "c1\u009b2Jz", `c1\u009b2Jz`, ""},
		{"C1 raw 0x9b byte", "c1raw\x9b2Jz", `c1raw\x9b2Jz`, ""},
		{"CSI clear screen", "csi\x1b[2Jz", `csi\x1b[2Jz`, ""},
		{"OSC 52 clipboard", "osc\x1b]52;c;YmFk\x07z", `osc\x1b]52;c;YmFk\x07z`, ""},
		{"OSC 8 hyperlink", "lnk\x1b]8;;http://evil.example/\x1b\\z", `lnk\x1b]8;;http://evil.example/\x1b\z`, `lnk\x1b]8;;http://evil.example/\x1bz`},
		{"DCS", "dcs\x1bPq#0;bad\x1b\\z", `dcs\x1bPq#0;bad\x1b\z`, `dcs\x1bPq#0;bad\x1bz`},
		{"APC", "apc\x1b_Gf=100;bad\x1b\\z", `apc\x1b_Gf=100;bad\x1b\z`, `apc\x1b_Gf=100;bad\x1bz`},
		{"bidi override", "bidi\u202emoc.elpmaxe\u202cz", `bidi\u202emoc.elpmaxe\u202cz`, ""},
		{"bidi isolate", "iso\u2066x\u2069z", `iso\u2066x\u2069z`, ""},
		{"zero width", "zw\u200b\u200c\u200d\u2060\ufeffz", `zw\u200b\u200c\u200d\u2060\ufeffz`, ""},
	}
}

// qWord is s as an RFC 2047 Q-encoded word, every byte encoded.
func qWord(s string) string {
	var b strings.Builder
	b.WriteString("=?utf-8?q?")
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, "=%02X", s[i])
	}
	return b.String() + "?="
}

// hostileMessage is the demo's sample with x planted in the Subject (as
// written and as an RFC 2047 word that decodes to it), the From display
// name, the sending hop's from-name, the receiver's SPF reason, a rule's
// description in its X-Spam-Report and a value of an
// X-Forefront-Antispam-Report added beside it.
func hostileMessage(x string) []byte {
	m := string(demo.SampleMessage())
	r := strings.NewReplacer(
		"BAYES_00 BODY: Bayes spam probability is 0 to 1%", "BAYES_00 BODY: Bayes spam probability is 0 to 1%"+x,
		"Authentication-Results: mx.receiver.example;", "X-Forefront-Antispam-Report: CIP:203.0.113.10;CTRY:F"+x+";SFV:NSPM;SCL:1;DIR:INB;\r\n"+
			"Authentication-Results: mx.receiver.example;",
		"Subject: Your November statement is ready", "Subject: S"+x+" "+qWord("W"+x),
		"From: Alice Example <", "From: \"Alice "+x+"\" <",
		"Received: from relay.mailer.example (", "Received: from relay"+x+".mailer.example (",
		"spf=pass (sender IP is 203.0.113.10)", "spf=pass reason=\"R"+x+"\" (sender IP is 203.0.113.10)",
	)
	return []byte(r.Replace(m))
}

// rawControl reports the first terminal-active character in plain text
// (SGR removed), by termsafetest's definition.
func rawControl(plain string) (string, bool) {
	bad := termsafetest.Unsafe(plain)
	return bad, bad != ""
}

// TestHostileHeadersInView: each class of attack, planted in the Subject,
// an RFC 2047 word, the From display name, a Received from-name and the
// receiver's Authentication-Results reason, is drawn harmlessly by the
// hops, then-vs-now and verdicts panes: no escape sequence but the panes' own
// colours, no raw control, bidi or zero-width character, and the attack
// shown as a visible escape where each field is drawn.
func TestHostileHeadersInView(t *testing.T) {
	srv := demoServer(t)
	for _, c := range hostileClasses() {
		t.Run(c.name, func(t *testing.T) {
			// Wide enough for the Subject line to hold both plantings.
			d := openHeaders(t, srv, "hostile.eml", hostileMessage(c.payload), 200, 50)
			views := map[finding.Part]string{}
			for _, id := range []finding.Part{finding.PartHops, finding.PartThenNow, finding.PartVerdicts} {
				d.m.setFocus(d.m.indexOf(id))
				view := d.m.panes[d.m.indexOf(id)].View()
				assertOnlySGR(t, id, view)
				assertOnlySGR(t, id, d.m.View().Content)
				plain := ansi.Strip(view)
				if what, bad := rawControl(plain); bad {
					t.Fatalf("%s pane draws %s:\n%s", id, what, plain)
				}
				views[id] = plain
			}
			// Where each field is drawn, its planted text shows escaped.
			for _, want := range []struct {
				pane finding.Part
				text string
			}{
				{finding.PartHops, "relay" + c.shown},          // the from-name, in the hop's detail
				{finding.PartThenNow, "S" + c.shown},           // the Subject as written
				{finding.PartThenNow, "W" + c.shown},           // the Subject's encoded word, decoded
				{finding.PartThenNow, "Alice " + c.inQuotes()}, // the From display name
				{finding.PartThenNow, "R" + c.inQuotes()},      // the receiver's reason
				{finding.PartVerdicts, "0 to 1%" + c.shown},    // a rule's description in X-Spam-Report
			} {
				if !strings.Contains(unwrapped(views[want.pane]), want.text) {
					t.Errorf("%s pane does not show %q:\n%s", want.pane, want.text, views[want.pane])
				}
			}
		})
	}
}

// unwrapped joins a pane's lines with their indentation removed, so text
// wrapped over several lines can be searched whole.
func unwrapped(view string) string {
	var b strings.Builder
	for l := range strings.SplitSeq(view, "\n") {
		l = strings.TrimRight(l, " │")
		b.WriteString(strings.TrimLeft(l, " │›"))
	}
	return b.String()
}

// program runs the workbench in a real tea.Program, writing to a buffer
// and reading keys from a pipe, at a fixed size; a vtScreen follows what a
// terminal would show.
type program struct {
	t    *testing.T
	out  *syncbuf.Buffer
	in   *io.PipeWriter
	done chan error
	vt   *vtScreen
	fed  int
}

func startProgram(t *testing.T, cfg Config, w, h int) *program {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	p := &program{t: t, out: &syncbuf.Buffer{}, in: pw, done: make(chan error, 1), vt: newVTScreen(w, h, true)}
	cfg.Input, cfg.Output, cfg.Width, cfg.Height = pr, p.out, w, h
	go func() { p.done <- Run(ctx, cfg, tea.WithoutSignals()) }()
	t.Cleanup(func() {
		cancel()
		pw.Close()
		select {
		case <-p.done:
		case <-time.After(patience):
			t.Error("the program did not stop")
		}
	})
	return p
}

// screen is what the terminal shows now.
func (p *program) screen() string {
	b := p.out.Bytes()
	_, _ = p.vt.Write(b[p.fed:])
	p.fed = len(b)
	return p.vt.String()
}

// waitFor waits until the screen shows every text.
func (p *program) waitFor(texts ...string) {
	p.t.Helper()
	deadline := time.Now().Add(patience)
	for {
		s := p.screen()
		ok := true
		for _, want := range texts {
			ok = ok && strings.Contains(s, want)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("the screen never showed %q; it shows:\n%s", texts, s)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// send writes bytes to the program's input as a terminal would.
func (p *program) send(s string) {
	p.t.Helper()
	if _, err := p.in.Write([]byte(s)); err != nil {
		p.t.Fatal(err)
	}
}

// wait waits for the program to end.
func (p *program) wait() error {
	p.t.Helper()
	select {
	case err := <-p.done:
		p.done <- err // for the cleanup
		return err
	case <-time.After(patience):
		p.t.Fatalf("the program did not end; screen:\n%s", p.screen())
	}
	return nil
}

// TestHostileHeadersProgramOutput runs the workbench on a message full of
// every class of attack (and a file name carrying one, for the window
// title), visits the hops, then-vs-now and verdicts panes, and checks the bytes the
// program wrote: no planted sequence appears raw, nor any C1, bidi or
// zero-width character; only the renderer's own sequences remain. The
// screen shows the attacks as visible escapes.
func TestHostileHeadersProgramOutput(t *testing.T) {
	var all string
	for _, c := range hostileClasses() {
		all += c.payload
	}
	cfg := testConfig(demoServer(t), "")
	cfg = withMessage(t, cfg, hostileMessage(all), "evil\x1b]52;c;YmFk\x07.eml")
	p := startProgram(t, cfg, 120, 40)
	p.waitFor("✓ done", "[Hops]", `relay`)
	p.send("\t") // then vs now
	p.waitFor("[Then", `S`+hostileClasses()[0].shown, `reason`)
	p.send("jjj\t") // the verdicts, on the way to the DKIM pane through the signatures
	p.waitFor("[Vrd]", "── 2 filter verdicts")
	p.send("jjj") // BAYES_00, its planted description shown whole below
	p.waitFor("── BAYES_00", "1%"+hostileClasses()[0].shown)
	p.send("\t\t\t")
	p.waitFor("[DKIM]")
	p.send("q")
	if err := p.wait(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	out := p.out.Bytes()
	for _, c := range hostileClasses() {
		if bytes.Contains(out, []byte(c.payload)) {
			t.Errorf("%s: the planted bytes reached the terminal: %q", c.name, excerptOf(out, c.payload))
		}
	}
	for _, bad := range []string{"\x1b]52", "\x1b]8;", "YmFk\x07", "\x1bPq#0", "\x1b_Gf", "\u009b", "\u202e", "\u2066", "\u200b", "\ufeff", "\u2060"} {
		if bytes.Contains(out, []byte(bad)) {
			t.Errorf("the output holds %q raw: %q", bad, excerptOf(out, bad))
		}
	}
	// Every escape sequence written is the renderer's: CSI (cursor, erase,
	// modes, styles), the window title (OSC 0/2) or a terminal query.
	var state byte
	for s := out; len(s) > 0; {
		seq, _, n, next := ansi.DecodeSequence(s, state, nil)
		state = next
		if n <= 0 {
			break
		}
		if len(seq) > 1 && seq[0] == ansi.ESC {
			switch seq[1] {
			case '[', '7', '8', '=', '>', 'M':
			case ']':
				if !bytes.HasPrefix(seq, []byte("\x1b]0;")) && !bytes.HasPrefix(seq, []byte("\x1b]2;")) && !bytes.HasPrefix(seq, []byte("\x1b]11;?")) {
					t.Errorf("an OSC that is not the window title: %q", seq)
				}
				if bytes.Contains(seq, []byte("\x1b]52")) {
					t.Errorf("the title carries an OSC 52: %q", seq)
				}
			case 'P':
				if !bytes.HasPrefix(seq, []byte("\x1bP+q")) && !bytes.HasPrefix(seq, []byte("\x1bP$q")) {
					t.Errorf("a DCS that is not a query: %q", seq)
				}
			default:
				t.Errorf("an unexpected sequence: %q", seq)
			}
		}
		s = s[n:]
	}
	if u := p.vt.Unknown(); len(u) > 0 {
		t.Errorf("the emulator met sequences it does not know: %q", u)
	}
}

// excerptOf is a little of out around the first bad.
func excerptOf(out []byte, bad string) []byte {
	i := bytes.Index(out, []byte(bad))
	if i < 0 {
		return nil
	}
	return out[max(0, i-20):min(len(out), i+len(bad)+20)]
}
