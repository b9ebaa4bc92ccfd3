package serve

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits of a session command: the one string an SSH exec request carries.
const (
	// MaxCommandBytes caps the command line.
	MaxCommandBytes = 4096
	// MaxCommandWords caps the words it splits into.
	MaxCommandWords = 64
)

// ErrCommandRefused marks a session command that is not run; tell it apart
// with errors.Is. The session ends with exit status 2 and the message.
var ErrCommandRefused = errors.New("command refused")

// CommandError is a refused session command: Reason is what the user reads.
type CommandError struct {
	Reason string
}

func (e *CommandError) Error() string { return e.Reason }

// Unwrap makes errors.Is(err, ErrCommandRefused) hold.
func (e *CommandError) Unwrap() error { return ErrCommandRefused }

func refuse(format string, args ...any) error {
	return &CommandError{Reason: fmt.Sprintf(format, args...)}
}

// SplitCommand splits a command line into words as a POSIX shell splits
// them (XCU §2.2, quoting), and does nothing else: there is no shell behind
// it. Words are separated by spaces and tabs; 'single quotes' keep
// everything literally; "double quotes" keep everything but \" \\ \$ \`;
// outside quotes a backslash keeps the next character. Anything a shell
// would act on instead of passing on is refused with its reason: ; & | < >
// ( ) ` and $ outside single quotes, # starting a word, a newline or other
// control character, invalid UTF-8, an unterminated quote, a line over
// MaxCommandBytes or more than MaxCommandWords words. Globs and ~ are kept
// as written.
func SplitCommand(line string) ([]string, error) {
	if len(line) > MaxCommandBytes {
		return nil, refuse("the command is longer than %d bytes", MaxCommandBytes)
	}
	if !utf8.ValidString(line) {
		return nil, refuse("the command is not valid UTF-8")
	}
	var (
		words   []string
		cur     strings.Builder
		inWord  bool
		i       int
		noShell = func(what string) error {
			return refuse("%s would need a shell, and mxray serve runs none: give one subcommand and its arguments (redirect on your side: ssh HOST check DOMAIN --json > out.json)", what)
		}
	)
	end := func() error {
		if inWord {
			if len(words) == MaxCommandWords {
				return refuse("the command has more than %d words", MaxCommandWords)
			}
			words = append(words, cur.String())
			cur.Reset()
			inWord = false
		}
		return nil
	}
	for i < len(line) {
		r, size := utf8.DecodeRuneInString(line[i:])
		switch {
		case r == ' ' || r == '\t':
			if err := end(); err != nil {
				return nil, err
			}
			i += size
			continue
		case r == '\n' || r == '\r':
			return nil, noShell("a line break")
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return nil, refuse("the command holds a control character (%U)", r)
		case r == '#' && !inWord:
			return nil, noShell("'#' (a comment)")
		case strings.ContainsRune(";&|<>()`$", r):
			return nil, noShell(fmt.Sprintf("%q", r))
		case r == '\\':
			inWord = true
			if i+1 >= len(line) {
				return nil, refuse("the command ends with a lone backslash")
			}
			r2, size2 := utf8.DecodeRuneInString(line[i+1:])
			if r2 < 0x20 || r2 == 0x7f {
				return nil, refuse("the command holds a control character (%U)", r2)
			}
			cur.WriteRune(r2)
			i += 1 + size2
			continue
		case r == '\'':
			inWord = true
			j := strings.IndexByte(line[i+1:], '\'')
			if j < 0 {
				return nil, refuse("the command has an unterminated single quote")
			}
			quoted := line[i+1 : i+1+j]
			if err := checkQuoted(quoted); err != nil {
				return nil, err
			}
			cur.WriteString(quoted)
			i += j + 2
			continue
		case r == '"':
			inWord = true
			n, err := doubleQuoted(line[i+1:], &cur)
			if err != nil {
				return nil, err
			}
			i += 1 + n
			continue
		}
		inWord = true
		cur.WriteRune(r)
		i += size
	}
	if err := end(); err != nil {
		return nil, err
	}
	return words, nil
}

// checkQuoted refuses control characters inside quotes.
func checkQuoted(s string) error {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return refuse("the command holds a control character (%U)", r)
		}
	}
	return nil
}

// doubleQuoted reads a double-quoted string after its opening quote into
// cur and returns how many bytes it took, the closing quote included.
func doubleQuoted(s string, cur *strings.Builder) (int, error) {
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '"':
			return i + 1, nil
		case r == '$' || r == '`':
			return 0, refuse("%q inside double quotes would expand in a shell, and mxray serve runs none: use single quotes", r)
		case r == '\\' && i+1 < len(s) && strings.IndexByte("\"\\$`", s[i+1]) >= 0:
			cur.WriteByte(s[i+1])
			i += 2
			continue
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return 0, refuse("the command holds a control character (%U)", r)
		}
		cur.WriteRune(r)
		i += size
	}
	return 0, refuse("the command has an unterminated double quote")
}

// Command is a session command that may run: Args is what to hand the CLI
// (the subcommand first, then every flag as --name or --name=value, then the
// positional arguments), so it parses exactly as it was checked.
type Command struct {
	// Name is "check", "spf" or "headers" ("" for a bare --help or --version).
	Name string
	// Args are the CLI arguments, Name first.
	Args []string
	// ReadsStdin is set when the command reads the session's stdin
	// (headers -, spf --ip-file -).
	ReadsStdin bool
}

// SessionCommands are the subcommands a session may run.
// dns is among them because the nameserver addresses it finds in DNS pass
// the server's public-address guard (dnsclient.Config.CheckNameserver)
// before they are asked.
var SessionCommands = []string{"check", "spf", "headers", "dns"}

// flagRule says how a flag is treated in a session command.
type flagRule struct {
	value     bool   // takes a value
	stdinOnly bool   // the only value allowed is "-" (stdin)
	deny      string // non-empty: refused, with this reason
}

const (
	denyServerFile = "names a file on the server"
	denyOperator   = "is set by the server's operator"
	denyBatch      = "belongs to batch checks (-f), which are not offered over SSH"
	denyServe      = "belongs to mxray serve itself"
)

// sessionFlags lists every flag of the CLI (DESIGN.md) with its treatment
// in a session. A flag not listed is refused: a flag added to the CLI later
// stays refused here until it is judged and added.
var sessionFlags = map[string]flagRule{
	// Output and help.
	"json": {}, "format": {value: true}, "redact": {}, "ascii": {}, "help": {}, "version": {},
	// check
	"selector": {value: true}, "smtp": {}, "ip": {value: true},
	// check --smtp: the probe's port and EHLO name (the probe reaches
	// public addresses only, whatever the port); --no-probe is the
	// workbench's, and the CLI says so.
	"port": {value: true}, "ehlo": {value: true}, "no-probe": {},
	// check and headers: blocklists (DNS questions only)
	"no-blocklists": {}, "blocklists": {}, "blocklist": {value: true}, "spamhaus-dqs-key": {value: true},
	// spf
	"sender": {value: true}, "helo": {value: true}, "record": {value: true},
	"ip-file": {value: true, stdinOnly: true},
	// headers
	"no-recheck": {}, "trusted-hosts": {value: true}, "sending-ip": {value: true},

	// Paths on the server.
	"zone":            {value: true, deny: denyServerFile},
	"file":            {value: true, deny: denyServerFile},
	"blocklist-file":  {value: true, deny: denyServerFile},
	"audit-log":       {value: true, deny: denyServerFile},
	"host-key":        {value: true, deny: denyServerFile},
	"authorized-keys": {value: true, deny: denyServerFile},
	"trusted-user-ca": {value: true, deny: denyServerFile},
	// What the operator decides for every session.
	"resolver": {value: true, deny: denyOperator}, "authoritative": {deny: denyOperator},
	"timeout": {value: true, deny: denyOperator}, "deadline": {value: true, deny: denyOperator},
	"demo": {deny: denyOperator}, "trace": {deny: denyOperator},
	// Batch checks.
	"concurrency": {value: true, deny: denyBatch}, "qps": {value: true, deny: denyBatch},
	"unordered": {deny: denyBatch}, "resume": {deny: denyBatch},
	// mxray serve's own flags.
	"listen": {value: true, deny: denyServe}, "max-sessions": {value: true, deny: denyServe},
	"idle-timeout": {value: true, deny: denyServe}, "allow-private-targets": {deny: denyServe},
}

// shorthands maps the CLI's one-letter flags to their names.
var shorthands = map[byte]string{'h': "help", 'f': "file"}

// ParseCommand checks a session's command line against what a session may
// run: check, spf, dns and headers - (the message on stdin), with the flags that
// name no file on the server and leave the operator's settings alone. It
// returns the arguments to hand the CLI, or a *CommandError that says why
// not (ErrCommandRefused).
func ParseCommand(line string) (Command, error) {
	words, err := SplitCommand(line)
	if err != nil {
		return Command{}, err
	}
	if len(words) == 0 {
		return Command{}, refuse("no command given: run check DOMAIN, spf DOMAIN --ip IP or headers - < message.eml, or connect with a terminal (ssh -t) for the workbench")
	}
	var (
		cmd        Command
		flags, pos []string
		helpOnly   = true
	)
	for i := 0; i < len(words); i++ {
		w := words[i]
		var name, val string
		var hasVal bool
		switch {
		case w == "--":
			return Command{}, refuse("'--' is not accepted here")
		case strings.HasPrefix(w, "--"):
			name, val, hasVal = strings.Cut(w[2:], "=")
		case strings.HasPrefix(w, "-") && w != "-":
			long, ok := shorthands[w[1]]
			if !ok {
				return Command{}, refuse("unknown flag %s", quoteWord(w))
			}
			name = long
			if rest := w[2:]; rest != "" {
				// -fVALUE and -f=VALUE give a value; -hx is not taken
				// apart into -h -x.
				if !sessionFlags[long].value {
					return Command{}, refuse("unknown flag %s", quoteWord(w))
				}
				val, hasVal = strings.TrimPrefix(rest, "="), true
			}
		default:
			if cmd.Name == "" && len(pos) == 0 {
				cmd.Name = w
				if !slices.Contains(SessionCommands, w) {
					return Command{}, checkSubcommand(&cmd, nil, false)
				}
			} else {
				pos = append(pos, w)
			}
			continue
		}
		rule, ok := sessionFlags[name]
		switch {
		case !ok:
			return Command{}, refuse("unknown flag %s", quoteWord(w))
		case rule.deny != "":
			return Command{}, refuse("%s %s: not allowed over SSH", flagName(name), rule.deny)
		case rule.value && !hasVal:
			if i+1 >= len(words) {
				return Command{}, refuse("%s needs a value", flagName(name))
			}
			i++
			val = words[i]
		case !rule.value && hasVal:
			if _, err := strconv.ParseBool(val); err != nil {
				return Command{}, refuse("%s takes no value (or true/false), not %s", flagName(name), quoteWord(val))
			}
		}
		if rule.stdinOnly {
			if val != "-" {
				return Command{}, refuse("%s %s %s: not allowed over SSH; give %s - and send the list on stdin", flagName(name), quoteWord(val), denyServerFile, flagName(name))
			}
			cmd.ReadsStdin = true
		}
		if name != "help" && name != "version" {
			helpOnly = false
		}
		if rule.value || hasVal {
			flags = append(flags, "--"+name+"="+val)
		} else {
			flags = append(flags, "--"+name)
		}
	}
	if err := checkSubcommand(&cmd, pos, len(flags) > 0 && helpOnly); err != nil {
		return Command{}, err
	}
	if cmd.Name != "" {
		cmd.Args = append(cmd.Args, cmd.Name)
	}
	cmd.Args = append(append(cmd.Args, flags...), pos...)
	return cmd, nil
}

// checkSubcommand checks the subcommand and its positional arguments.
func checkSubcommand(cmd *Command, pos []string, helpOnly bool) error {
	switch cmd.Name {
	case "":
		if helpOnly {
			return nil
		}
		return refuse("no subcommand given: run check, spf or headers -")
	case "check", "spf", "dns":
		for _, p := range pos {
			if p == "-" {
				return refuse("%s reads nothing from stdin here: give the domain as an argument", cmd.Name)
			}
		}
		return nil
	case "headers":
		switch {
		case len(pos) == 0:
			return nil
		case len(pos) == 1 && pos[0] == "-":
			cmd.ReadsStdin = true
			return nil
		}
		return refuse("headers %s would read a file on the server: not allowed over SSH; send the message on stdin instead: ssh HOST headers - < message.eml", quoteWord(pos[0]))
	case "report":
		return refuse("report reads DMARC report files on the server: not allowed over SSH; run it where the files are")
	case "serve":
		return refuse("serve is not allowed over SSH")
	}
	if strings.ContainsAny(cmd.Name, ".@:") {
		return refuse("%s is not a subcommand: to look at a domain run check %s, or connect with a terminal (ssh -t) for the workbench", quoteWord(cmd.Name), quoteWord(cmd.Name))
	}
	return refuse("%s is not allowed over SSH: only check, spf, dns and headers - run here", quoteWord(cmd.Name))
}

func flagName(name string) string {
	if name == "file" {
		return "-f/--file"
	}
	return "--" + name
}

// quoteWord shows a word of the user's command in a message, quoted and
// cut short, with anything unprintable escaped (%q).
func quoteWord(w string) string {
	const max = 80
	if len(w) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(w[cut]) {
			cut--
		}
		w = w[:cut] + "…"
	}
	return strconv.Quote(w)
}
