package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/blocklist"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/spf13/pflag"
)

// options holds every flag of every subcommand. Global flags may stand
// before or after the subcommand and mix with positional arguments, so one
// flag set parses them all; flags that belong to another subcommand are then
// refused by name.
type options struct {
	// global
	resolvers     []string
	authoritative bool
	timeout       time.Duration
	deadline      time.Duration
	zone          string
	demo          bool
	ascii         bool
	version       bool
	help          bool

	// output, for check, spf, headers and report
	json   bool
	format string
	redact bool

	// check
	selectors []string
	file      string
	batch     batchFlags // check -f

	// spf
	ipFile string
	ips    []string
	sender string
	helo   string
	record string

	// headers
	noRecheck    bool
	trustedHosts string
	sendingIP    string

	// blocklists, for check, headers and the workbench
	noBlocklists   bool
	blocklists     bool // check -f: ask them (it does not by default)
	blocklistZones []string
	blocklistFile  string
	dqsKey         string

	// trace is --trace; tracer writes the DNS query log (set by run).
	trace  bool
	tracer *tracer

	// prov says which mxray made the reports of this run, when and from
	// which DNS (run and setupDNS fill it in).
	prov diag.Provenance
	// attemptTimeout is the environment's (tests'): see
	// dnsclient.Config.AttemptTimeout.
	attemptTimeout func(server, name string, qtype uint16) <-chan struct{}

	// serve
	listen         string
	authorizedKeys string
	trustedUserCA  string
	hostKey        string
	maxSessions    int
	idleTimeout    time.Duration
	auditLog       string
	allowPrivate   bool

	// shared is the DNS set-up of a command run inside mxray serve: the
	// server's, shared by every session (env.dns); nil otherwise.
	shared *dnsSetup

	// the SMTP probe: check --smtp, mxray smtp, the workbench's pane
	smtp    bool
	port    int
	ehlo    string
	noProbe bool

	command string   // "", "check", "spf", "headers", "report", "serve", "smtp", "dns"
	args    []string // positional arguments after the command
	set     *pflag.FlagSet
}

// commands lists the subcommands; "" is mxray without one (the TUI, or a
// text report when stdout is not a terminal).
var commands = []string{"check", "spf", "headers", "report", "serve", "smtp", "dns"}

// commandFlags returns the flags that only the given subcommand takes.
func commandFlags(cmd string) []string {
	switch cmd {
	case "check":
		return append(append([]string{"selector", "file", "json", "format", "redact", "blocklists", "smtp", "port", "ehlo", "ip"}, blocklistFlags...), batchFlagNames...)
	case "spf":
		return []string{"ip", "sender", "helo", "record", "json", "format", "ip-file"}
	case "headers":
		return append([]string{"json", "format", "redact", "no-recheck", "trusted-hosts", "sending-ip"}, blocklistFlags...)
	case "report":
		return []string{"json", "format"}
	case "serve":
		return append(slices.Clip(serveFlags), "no-probe", "port", "ehlo")
	case "smtp":
		return []string{"json", "format", "port", "ehlo"}
	case "dns":
		return []string{"json", "format"}
	default:
		return append([]string{"json", "format", "redact", "no-probe", "port", "ehlo"}, blocklistFlags...)
	}
}

// blocklistFlags are the flags that choose the blocklists asked: check,
// headers and the workbench take them.
var blocklistFlags = []string{"no-blocklists", "blocklist", "blocklist-file", "spamhaus-dqs-key"}

// errUsage marks mistakes on the command line: exit status 2.
var errUsage = errors.New("usage")

func newFlagSet(o *options, out io.Writer) *pflag.FlagSet {
	fs := pflag.NewFlagSet("mxray", pflag.ContinueOnError)
	fs.SetOutput(out)
	fs.SetInterspersed(true)
	fs.SortFlags = false
	fs.Usage = func() {}

	fs.StringArrayVar(&o.resolvers, "resolver", nil, "DNS server HOST[:PORT] to ask; repeat to try several in order (default: /etc/resolv.conf)")
	fs.BoolVar(&o.authoritative, "authoritative", false, "ask each domain's own nameservers directly, bypassing caches")
	fs.DurationVar(&o.timeout, "timeout", 2*time.Second, "time limit for one DNS question, including its retry")
	fs.DurationVar(&o.deadline, "deadline", 15*time.Second, "time limit for a whole investigation's DNS (an SMTP probe is bounded by its own step timeouts)")
	fs.StringVar(&o.zone, "zone", "", "answer names inside this zone FILE from the file, everything else from DNS")
	fs.BoolVar(&o.demo, "demo", false, "use the embedded demo zone and nothing else (offline)")
	fs.BoolVar(&o.ascii, "ascii", false, "write and draw with ASCII only")
	fs.BoolVar(&o.trace, "trace", false, "check, spf, headers, smtp, report: write every DNS question and its answer to stderr as it happens (JSON Lines with --json)")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")
	fs.BoolVarP(&o.help, "help", "h", false, "show this help")

	fs.BoolVar(&o.json, "json", false, "write JSON (stable field names, for scripts)")
	fs.StringVar(&o.format, "format", "", "output format: text or markdown (json with --json)")
	fs.BoolVar(&o.redact, "redact", false, "mask addresses and Message-IDs in the report")

	fs.StringArrayVar(&o.selectors, "selector", nil, "check: DKIM selector to look up (repeatable)")
	fs.StringVarP(&o.file, "file", "f", "", "check: read domains from FILE (one per line) and check them all")

	addBatchFlags(fs, &o.batch)

	fs.StringArrayVar(&o.ips, "ip", nil, "spf, check: client IP to evaluate (repeatable); check shows its SPF verdict, PTR and forward confirmation")
	fs.StringVar(&o.ipFile, "ip-file", "", "spf: evaluate every IP in FILE (one per line; - for stdin)")
	fs.StringVar(&o.sender, "sender", "", "spf: envelope sender (MAIL FROM) address")
	fs.StringVar(&o.helo, "helo", "", "spf: HELO/EHLO name")
	fs.StringVar(&o.record, "record", "", "spf: evaluate this record text instead of the published one (what-if)")

	fs.BoolVar(&o.noRecheck, "no-recheck", false, "headers: parse only; do not ask DNS what it says now")
	fs.StringVar(&o.trustedHosts, "trusted-hosts", "", "headers: comma list of host names and CIDRs of the receiver's own servers")
	fs.StringVar(&o.sendingIP, "sending-ip", "", "headers: take this as the sending IP instead of working it out")

	fs.BoolVar(&o.noBlocklists, "no-blocklists", false, "check, headers, TUI: do not ask DNS blocklists (asked by default)")
	fs.BoolVar(&o.blocklists, "blocklists", false, "check -f: ask DNS blocklists too (not asked by default in a batch)")
	fs.StringArrayVar(&o.blocklistZones, "blocklist", nil, "check, headers, TUI: also ask this blocklist ZONE (repeatable; domain:ZONE for a domain list)")
	fs.StringVar(&o.blocklistFile, "blocklist-file", "", "check, headers, TUI: ask the blocklists of FILE instead of the built-in ones")
	fs.StringVar(&o.dqsKey, "spamhaus-dqs-key", "", "check, headers, TUI: ask Spamhaus through its Data Query Service with KEY (or $"+blocklist.EnvDQSKey+")")

	fs.BoolVar(&o.smtp, "smtp", false, "check: also probe every MX address (banner, EHLO, STARTTLS, certificate, DANE)")
	fs.IntVar(&o.port, "port", 25, "smtp, check --smtp, workbench: the port to probe")
	fs.StringVar(&o.ehlo, "ehlo", "", "smtp, check --smtp, workbench: the name said in EHLO (default: this machine's FQDN, else mxray.invalid)")
	fs.BoolVar(&o.noProbe, "no-probe", false, "workbench: do not probe the MX servers (the SMTP & TLS pane stays empty)")

	addServeFlags(fs, o)
	return fs
}

// parseArgs parses the command line into options. Errors wrap errUsage.
func parseArgs(args []string, out io.Writer) (*options, error) {
	o := &options{}
	fs := newFlagSet(o, out)
	o.set = fs
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			o.help = true
			return o, nil
		}
		return nil, fmt.Errorf("%w: %v", errUsage, err)
	}
	pos := fs.Args()
	if len(pos) > 0 {
		switch {
		case slices.Contains(commands, pos[0]):
			o.command, pos = pos[0], pos[1:]
		case len(pos) > 1 && looksLikeCommand(pos[0]):
			return nil, fmt.Errorf("%w: unknown subcommand %q: choose check, spf, headers, report, smtp, dns or serve", errUsage, pos[0])
		}
	}
	o.args = pos
	if o.help || o.version {
		return o, nil
	}
	allowed := commandFlags(o.command)
	var wrong error
	fs.Visit(func(f *pflag.Flag) {
		if wrong != nil || !isCommandFlag(f.Name) || slices.Contains(allowed, f.Name) {
			return
		}
		wrong = fmt.Errorf("%w: --%s belongs to %s, not to %s", errUsage, f.Name, ownerOf(f.Name), commandName(o.command))
	})
	if wrong != nil {
		return nil, wrong
	}
	switch o.format {
	case "", "text", "markdown", "md":
	case "json":
		o.json = true
	default:
		return nil, fmt.Errorf("%w: --format %q: choose text or markdown (or --json)", errUsage, o.format)
	}
	if o.format == "md" {
		o.format = "markdown"
	}
	if o.json && o.format != "" && o.format != "json" {
		return nil, fmt.Errorf("%w: --json and --format %s both given: choose one", errUsage, o.format)
	}
	if o.timeout <= 0 || o.deadline <= 0 {
		return nil, fmt.Errorf("%w: --timeout and --deadline must be positive", errUsage)
	}
	if err := checkBlocklistFlags(o); err != nil {
		return nil, err
	}
	for i, r := range o.resolvers {
		s, err := dnsclient.ParseServer(r)
		if err != nil {
			return nil, fmt.Errorf("%w: --resolver: %v", errUsage, err)
		}
		o.resolvers[i] = s
	}
	if err := o.batch.check(o); err != nil {
		return nil, err
	}
	if o.command == "check" && !o.smtp && (fs.Changed("port") || fs.Changed("ehlo")) {
		return nil, fmt.Errorf("%w: --port and --ehlo set up the SMTP probe: give --smtp with them", errUsage)
	}
	if o.port < 1 || o.port > 65535 {
		return nil, fmt.Errorf("%w: --port %d is not a TCP port (1-65535)", errUsage, o.port)
	}
	if o.demo && (o.zone != "" || len(o.resolvers) > 0 || o.authoritative) {
		return nil, fmt.Errorf("%w: --demo answers from the embedded zone alone; it cannot be combined with --zone, --resolver or --authoritative", errUsage)
	}
	return o, nil
}

// looksLikeCommand reports whether a word given before other arguments is
// meant as a subcommand: a bare word, not a domain, address or path.
func looksLikeCommand(s string) bool {
	return s != "-" && !strings.ContainsAny(s, "./@:[") && strings.ToLower(s) == s
}

// isCommandFlag reports whether a flag belongs to some subcommands only.
func isCommandFlag(name string) bool {
	for _, cmd := range append(commands, "") {
		if slices.Contains(commandFlags(cmd), name) {
			return true
		}
	}
	return false
}

func ownerOf(flag string) string {
	var owners []string
	for _, cmd := range append(commands, "") {
		if slices.Contains(commandFlags(cmd), flag) {
			owners = append(owners, commandName(cmd))
		}
	}
	return strings.Join(owners, " and ")
}

func commandName(cmd string) string {
	if cmd == "" {
		return "'mxray' without a subcommand"
	}
	return "'mxray " + cmd + "'"
}

// outputFormat returns "json", "markdown" or "text".
func (o *options) outputFormat() string {
	switch {
	case o.json:
		return "json"
	case o.format == "markdown":
		return "markdown"
	default:
		return "text"
	}
}
