package serve

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplitCommand(t *testing.T) {
	tests := []struct {
		line string
		want []string // nil with err
		err  string
	}{
		{"check example.com --json", []string{"check", "example.com", "--json"}, ""},
		{"  check\texample.com  ", []string{"check", "example.com"}, ""},
		{"", nil, ""},
		{"spf x --record 'v=spf1 -all'", []string{"spf", "x", "--record", "v=spf1 -all"}, ""},
		{`spf x --record "v=spf1 ip4:192.0.2.0/24 -all"`, []string{"spf", "x", "--record", "v=spf1 ip4:192.0.2.0/24 -all"}, ""},
		{`a "b\"c" 'd\e' f\ g`, []string{"a", `b"c`, `d\e`, "f g"}, ""},
		{`"a"'b'c`, []string{"abc"}, ""},
		{`''`, []string{""}, ""},
		{`"\x"`, []string{`\x`}, ""},
		{"helo [192.0.2.1] *.example ~x", []string{"helo", "[192.0.2.1]", "*.example", "~x"}, ""},
		{"a#b", []string{"a#b"}, ""},
		{"a '#;|&$' b", []string{"a", "#;|&$", "b"}, ""},
		{"héllo wörld", []string{"héllo", "wörld"}, ""},
		{"check a; id", nil, "';' would need a shell"},
		{"check a && id", nil, "'&' would need a shell"},
		{"check a | tee x", nil, "'|' would need a shell"},
		{"check a > /tmp/x", nil, "'>' would need a shell"},
		{"headers - < /etc/passwd", nil, "'<' would need a shell"},
		{"check $(id)", nil, "'$' would need a shell"},
		{"check `id`", nil, "'`' would need a shell"},
		{`check "$HOME"`, nil, "'$' inside double quotes"},
		{"check a # comment", nil, "'#' (a comment)"},
		{"check a\nid", nil, "a line break"},
		{"check a\rid", nil, "a line break"},
		{"check \x1b[31m", nil, "control character"},
		{"check '\x1b'", nil, "control character"},
		{"check \"\x00\"", nil, "control character"},
		{"check \xff", nil, "not valid UTF-8"},
		{"check 'open", nil, "unterminated single quote"},
		{`check "open`, nil, "unterminated double quote"},
		{`check a\`, nil, "lone backslash"},
		{"(check a)", nil, "'(' would need a shell"},
		{strings.Repeat("a ", MaxCommandWords+1), nil, "more than 64 words"},
		{strings.Repeat("a", MaxCommandBytes+1), nil, "longer than 4096 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			got, err := SplitCommand(tt.line)
			if tt.err != "" {
				if err == nil || !errors.Is(err, ErrCommandRefused) || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("SplitCommand = %q, %v; want error %q", got, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("SplitCommand = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseCommand(t *testing.T) {
	tests := []struct {
		line  string
		args  []string // nil: refused
		stdin bool
		err   string
	}{
		{"check example.com", []string{"check", "example.com"}, false, ""},
		{"check example.com --json", []string{"check", "--json", "example.com"}, false, ""},
		{"--json check example.com", []string{"check", "--json", "example.com"}, false, ""},
		{"check --format markdown --redact example.com", []string{"check", "--format=markdown", "--redact", "example.com"}, false, ""},
		{"check --format=text example.com --selector s1 --selector=s2", []string{"check", "--format=text", "--selector=s1", "--selector=s2", "example.com"}, false, ""},
		{"check example.com --smtp --ip 192.0.2.1 --no-blocklists", []string{"check", "--smtp", "--ip=192.0.2.1", "--no-blocklists", "example.com"}, false, ""},
		{"check example.com --blocklist zen.example --spamhaus-dqs-key k", []string{"check", "--blocklist=zen.example", "--spamhaus-dqs-key=k", "example.com"}, false, ""},
		{"check https://example.com/x", []string{"check", "https://example.com/x"}, false, ""},
		{"check --json=false example.com", []string{"check", "--json=false", "example.com"}, false, ""},
		{"spf example.com --ip 192.0.2.1 --ip 2001:db8::1 --sender a@example.com --helo mx.example.com --json",
			[]string{"spf", "--ip=192.0.2.1", "--ip=2001:db8::1", "--sender=a@example.com", "--helo=mx.example.com", "--json", "example.com"}, false, ""},
		{"spf example.com --ip-file -", []string{"spf", "--ip-file=-", "example.com"}, true, ""},
		{"spf example.com --record 'v=spf1 -all' --ip 192.0.2.1", []string{"spf", "--record=v=spf1 -all", "--ip=192.0.2.1", "example.com"}, false, ""},
		{"spf --sender '' --helo '[192.0.2.1]' --ip 192.0.2.1", []string{"spf", "--sender=", "--helo=[192.0.2.1]", "--ip=192.0.2.1"}, false, ""},
		{"headers -", []string{"headers", "-"}, true, ""},
		{"dns _dmarc.example.com TXT --json", []string{"dns", "--json", "_dmarc.example.com", "TXT"}, false, ""},
		{"dns example.com -", nil, false, "reads nothing from stdin"},
		{"headers - --json --no-recheck --trusted-hosts mx.example,10.0.0.0/8", []string{"headers", "--json", "--no-recheck", "--trusted-hosts=mx.example,10.0.0.0/8", "-"}, true, ""},
		{"headers", []string{"headers"}, false, ""},
		{"--help", []string{"--help"}, false, ""},
		{"-h", []string{"--help"}, false, ""},
		{"--version", []string{"--version"}, false, ""},
		{"check --help", []string{"check", "--help"}, false, ""},
		// A flag value that looks like a flag stays a value.
		{"check example.com --selector --zone", []string{"check", "--selector=--zone", "example.com"}, false, ""},

		{"", nil, false, "no command given"},
		{"--json", nil, false, "no subcommand given"},
		{"example.com", nil, false, `"example.com" is not a subcommand`},
		{"report a.xml", nil, false, "report reads DMARC report files"},
		{"smtp example.com", nil, false, `"smtp" is not allowed over SSH`},
		{"serve", nil, false, "serve is not allowed"},
		{"bash", nil, false, `"bash" is not allowed`},
		{"sh -c id", nil, false, `"sh" is not allowed`},
		{"headers /etc/passwd", nil, false, `headers "/etc/passwd" would read a file on the server`},
		{"headers message.eml", nil, false, "would read a file on the server"},
		{"headers - extra", nil, false, "would read a file"},
		{"check -", nil, false, "reads nothing from stdin"},
		{"check --zone z.txt example.com", nil, false, "--zone names a file on the server"},
		{"--zone=z.txt check example.com", nil, false, "--zone names a file on the server"},
		{"check -f domains.txt", nil, false, "-f/--file names a file on the server"},
		{"check -fdomains.txt", nil, false, "-f/--file names a file on the server"},
		{"check -f=domains.txt", nil, false, "-f/--file names a file on the server"},
		{"check --file domains.txt", nil, false, "-f/--file names a file"},
		{"check x --blocklist-file bl.txt", nil, false, "--blocklist-file names a file"},
		{"spf x --ip-file ips.txt", nil, false, `--ip-file "ips.txt" names a file on the server`},
		{"spf x --ip-file=/etc/shadow", nil, false, "--ip-file"},
		{"check x --audit-log /tmp/a", nil, false, "--audit-log names a file"},
		{"check x --resolver 10.0.0.1", nil, false, "--resolver is set by the server's operator"},
		{"check x --authoritative", nil, false, "--authoritative is set by the server's operator"},
		{"check x --timeout 1h", nil, false, "--timeout is set"},
		{"check x --deadline=1h", nil, false, "--deadline is set"},
		{"--demo check x", nil, false, "--demo is set"},
		{"check -f - --concurrency 100", nil, false, "-f/--file"},
		{"check x --concurrency 100", nil, false, "--concurrency belongs to batch checks"},
		{"check x --allow-private-targets", nil, false, "--allow-private-targets belongs to mxray serve"},
		{"check x --no-such-flag", nil, false, `unknown flag "--no-such-flag"`},
		{"check x -x", nil, false, `unknown flag "-x"`},
		{"check x -hf", nil, false, `unknown flag "-hf"`},
		{"check -- --zone", nil, false, "'--' is not accepted"},
		{"check x --selector", nil, false, "--selector needs a value"},
		{"check x --json=maybe", nil, false, "--json takes no value"},
		{"check x; rm -rf /", nil, false, "would need a shell"},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			cmd, err := ParseCommand(tt.line)
			if tt.args == nil {
				if err == nil || !errors.Is(err, ErrCommandRefused) || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("ParseCommand = %+v, %v; want refused with %q", cmd, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(cmd.Args, tt.args) || cmd.ReadsStdin != tt.stdin {
				t.Errorf("ParseCommand = %q stdin=%v, want %q stdin=%v", cmd.Args, cmd.ReadsStdin, tt.args, tt.stdin)
			}
		})
	}
}

// quoteAll joins words into a command line that splits back into them.
func quoteAll(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}

func FuzzSplitCommand(f *testing.F) {
	for _, s := range []string{"check example.com --json", `a "b\"c" 'd' e\ f`, "a;b", "'", `"$x"`, "a\\", "\xff", "#", "a '' b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		words, err := SplitCommand(line)
		if err != nil {
			if !errors.Is(err, ErrCommandRefused) {
				t.Fatalf("error %v does not wrap ErrCommandRefused", err)
			}
			return
		}
		if len(words) > MaxCommandWords {
			t.Fatalf("%d words", len(words))
		}
		for _, w := range words {
			if !utf8.ValidString(w) {
				t.Fatalf("invalid UTF-8 word %q", w)
			}
			for _, r := range w {
				if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
					t.Fatalf("control character in word %q", w)
				}
			}
		}
		// Quoted again, the words split back into themselves.
		if len(quoteAll(words)) <= MaxCommandBytes {
			again, err := SplitCommand(quoteAll(words))
			if err != nil || !slices.Equal(again, words) {
				t.Fatalf("round trip of %q: %q, %v", words, again, err)
			}
		}
	})
}

// denied are flags that must never reach the CLI from a session.
var denied = []string{"zone", "file", "blocklist-file", "audit-log", "host-key", "authorized-keys", "trusted-user-ca",
	"resolver", "authoritative", "timeout", "deadline", "demo", "listen", "max-sessions", "idle-timeout", "allow-private-targets"}

func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{
		"check example.com --json", "--json check example.com", "spf x --ip 192.0.2.1 --ip-file -", "headers -",
		"headers /etc/passwd", "check --zone z x", "check -f x", "check -fx", "check x --selector --zone",
		"check -- --zone", "-h", "check x -hf y", "spf x --record 'v=spf1 -all'", "check x --json=1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		cmd, err := ParseCommand(line)
		if err != nil {
			if !errors.Is(err, ErrCommandRefused) {
				t.Fatalf("error %v does not wrap ErrCommandRefused", err)
			}
			return
		}
		if cmd.Name != "" && !slices.Contains(SessionCommands, cmd.Name) {
			t.Fatalf("subcommand %q allowed", cmd.Name)
		}
		if cmd.Name != "" && cmd.Args[0] != cmd.Name {
			t.Fatalf("args %q do not start with %q", cmd.Args, cmd.Name)
		}
		var pos []string
		for _, a := range cmd.Args[min(1, len(cmd.Args)):] {
			switch {
			case a == "-":
				pos = append(pos, a)
			case strings.HasPrefix(a, "--"):
				name, val, _ := strings.Cut(a[2:], "=")
				rule, ok := sessionFlags[name]
				if !ok || rule.deny != "" || slices.Contains(denied, name) {
					t.Fatalf("flag %q passed in %q", a, cmd.Args)
				}
				if rule.stdinOnly && val != "-" {
					t.Fatalf("%q passed", a)
				}
			case strings.HasPrefix(a, "-"):
				t.Fatalf("short flag %q passed", a)
			default:
				pos = append(pos, a)
			}
		}
		if cmd.Name == "headers" && len(pos) > 0 && (len(pos) > 1 || pos[0] != "-") {
			t.Fatalf("headers with %q", pos)
		}
		if cmd.Name == "" && len(pos) > 0 {
			t.Fatalf("positional %q without a subcommand", pos)
		}
		// The canonical arguments parse to themselves.
		again, err := ParseCommand(quoteAll(cmd.Args))
		if err != nil || !slices.Equal(again.Args, cmd.Args) || again.ReadsStdin != cmd.ReadsStdin {
			t.Fatalf("canonical %q parses to %q, %v", cmd.Args, again.Args, err)
		}
	})
}
