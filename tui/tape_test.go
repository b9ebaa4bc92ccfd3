package tui

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// tapeCmd is one command of a VHS tape, with the "# expect:" lines written
// before it (kept on the Sleep they belong to).
type tapeCmd struct {
	line    int
	name    string // "Type", "Enter", "Ctrl+U", "Sleep", ...
	text    string // Type's text; Sleep's duration; Set's and Output's arguments
	count   int    // repeat count of a key
	expects []string
}

// tapeKeys maps the VHS key commands the parser knows to key names.
var tapeKeys = map[string]string{
	"Enter": "enter", "Tab": "tab", "Shift+Tab": "shift+tab", "Escape": "esc",
	"Backspace": "backspace", "Space": "space", "Up": "up", "Down": "down",
	"Left": "left", "Right": "right", "PageUp": "pgup", "PageDown": "pgdown",
}

// parseTape reads the commands of a tape this test knows: Output, Set,
// Require, Hide, Show, Sleep, Type (with an optional @speed), the key
// commands of tapeKeys with an optional count, and Ctrl+<letter>. Any
// other command is an error, so the tape cannot use what the replay does
// not check.
func parseTape(r io.Reader) ([]tapeCmd, error) {
	var cmds []tapeCmd
	var expects []string
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, "# expect:"); ok {
			expects = append(expects, strings.TrimSpace(rest))
			continue
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, arg, _ := strings.Cut(line, " ")
		arg = strings.TrimSpace(arg)
		c := tapeCmd{line: n, name: name, count: 1}
		base, _, _ := strings.Cut(name, "@")
		switch {
		case name == "Output" || name == "Set" || name == "Require":
			if arg == "" {
				return nil, fmt.Errorf("line %d: %s needs an argument", n, name)
			}
			c.text = arg
		case name == "Hide" || name == "Show":
			if arg != "" {
				return nil, fmt.Errorf("line %d: %s takes no argument", n, name)
			}
		case name == "Sleep":
			if _, err := time.ParseDuration(arg); err != nil {
				return nil, fmt.Errorf("line %d: Sleep %q: %w", n, arg, err)
			}
			c.text = arg
			c.expects, expects = expects, nil
		case base == "Type":
			text, err := unquoteTape(arg)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", n, err)
			}
			c.name, c.text = "Type", text
		case tapeKeys[name] != "" || isCtrl(name):
			if arg != "" {
				k, err := strconv.Atoi(arg)
				if err != nil || k < 1 {
					return nil, fmt.Errorf("line %d: %s count %q", n, name, arg)
				}
				c.count = k
			}
		default:
			return nil, fmt.Errorf("line %d: unknown command %q", n, name)
		}
		cmds = append(cmds, c)
	}
	if len(expects) > 0 {
		return nil, fmt.Errorf("%d expect lines after the last Sleep", len(expects))
	}
	return cmds, sc.Err()
}

// isCtrl reports whether name is Ctrl+<one letter>.
func isCtrl(name string) bool {
	k, ok := strings.CutPrefix(name, "Ctrl+")
	return ok && len(k) == 1 && (k[0] >= 'A' && k[0] <= 'Z' || k[0] >= 'a' && k[0] <= 'z')
}

// unquoteTape reads a VHS string: "...", '...' or `...`, no escapes.
func unquoteTape(s string) (string, error) {
	if len(s) >= 2 {
		q := s[0]
		if (q == '"' || q == '\'' || q == '`') && s[len(s)-1] == q {
			return s[1 : len(s)-1], nil
		}
	}
	return "", fmt.Errorf("Type %s: not a quoted string", s)
}

// launchArgs finds the mxray command line the hidden part of the tape
// types, and returns its arguments after the binary.
func launchArgs(cmds []tapeCmd) ([]string, error) {
	hidden := false
	for _, c := range cmds {
		switch c.name {
		case "Hide":
			hidden = true
		case "Show":
			return nil, fmt.Errorf("the tape shows before it starts mxray")
		case "Type":
			if !hidden {
				continue
			}
			last := c.text[strings.LastIndex(c.text, "&&")+1:]
			fields := strings.Fields(strings.TrimPrefix(last, "&"))
			if len(fields) > 0 && strings.HasSuffix(fields[0], "mxray") {
				return fields[1:], nil
			}
		}
		if hidden && c.name == "Enter" {
			break
		}
	}
	return nil, fmt.Errorf("no hidden command starts mxray")
}

// TestTapeReplay replays demo.tape on the demo zone, at the size VHS
// records it in (about 160x45 for Width 1400, Height 840, FontSize 14) and
// at 80x24, checking the screen at every Sleep.
func TestTapeReplay(t *testing.T) {
	f, err := os.Open("../demo.tape")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmds, err := parseTape(f)
	if err != nil {
		t.Fatal(err)
	}
	args, err := launchArgs(cmds)
	if err != nil {
		t.Fatal(err)
	}
	cfgTarget, demoMode := "", false
	for _, a := range args {
		switch {
		case a == "--demo":
			demoMode = true
		case strings.HasPrefix(a, "-"):
			t.Fatalf("the tape starts mxray with %s, which the replay does not know", a)
		default:
			cfgTarget = a
		}
	}
	if !demoMode {
		t.Fatal("the tape must run mxray --demo")
	}
	if cfgTarget == "" {
		cfgTarget = demo.DefaultDomain
	}
	srv := zoneservertest.New(t, demo.ZoneText())
	for _, size := range [][2]int{{160, 45}, {80, 24}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			cfg := withDemoSMTP(t, srv, testConfig(srv, cfgTarget))
			cfg.Demo = true
			d := newDriver(t, New(context.Background(), cfg), size[0], size[1])
			shown, checks := false, 0
			for _, c := range cmds {
				switch {
				case c.name == "Show":
					shown = true
				case !shown:
				case c.name == "Sleep":
					d.idle()
					screen := d.screen()
					for _, want := range c.expects {
						checks++
						if !strings.Contains(screen, want) {
							t.Fatalf("demo.tape line %d: the screen lacks %q:\n%s", c.line, want, screen)
						}
					}
				case c.name == "Type":
					d.typeText(c.text)
				case isCtrl(c.name):
					for range c.count {
						d.key("ctrl+" + strings.ToLower(c.name[len("Ctrl+"):]))
					}
				case tapeKeys[c.name] != "":
					for range c.count {
						d.key(tapeKeys[c.name])
					}
				}
			}
			d.until("the tape's quit", func(*Model) bool { return d.quit })
			if checks < 10 {
				t.Fatalf("only %d expectations checked", checks)
			}
		})
	}
}

// TestParseTapeRefusesUnknown: a command the replay does not know fails
// the parse, as do malformed ones.
func TestParseTapeRefusesUnknown(t *testing.T) {
	for _, tape := range []string{
		"Screenshot x.png\n",
		"Alt+x\n",
		"Type hello\n",
		"Sleep soon\n",
		"Tab two\n",
		"Hide now\n",
		"# expect: x\n",
		"Ctrl+Enter\n",
	} {
		if _, err := parseTape(strings.NewReader(tape)); err == nil {
			t.Errorf("parseTape(%q) accepted it", tape)
		}
	}
	cmds, err := parseTape(strings.NewReader("Type@80ms 'a b'\nDown 3\nCtrl+U\n# expect: z\nSleep 500ms\n"))
	if err != nil || len(cmds) != 4 || cmds[0].text != "a b" || cmds[1].count != 3 || cmds[3].expects[0] != "z" {
		t.Fatalf("parseTape: %+v, %v", cmds, err)
	}
}
