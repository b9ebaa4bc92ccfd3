// Command mxray troubleshoots email authentication: it asks DNS everything
// that decides whether mail from a domain (or one message) passes SPF, DKIM
// and DMARC, and explains each problem with its fix. With a terminal it opens
// the workbench TUI; the check, spf, headers and report subcommands print
// reports as text, Markdown or JSON.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/termsafe"
)

// Exit statuses (DESIGN.md): 0 ran and found no error-severity problem, 1 ran
// and found at least one, 2 could not run.
const (
	exitOK       = 0
	exitFindings = 1
	exitCannot   = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := &environment{
		stdin:       os.Stdin,
		stdout:      os.Stdout,
		stdoutFile:  os.Stdout,
		stderr:      os.Stderr,
		stdoutIsTTY: term.IsTerminal(os.Stdout.Fd()),
		stderrIsTTY: term.IsTerminal(os.Stderr.Fd()),
		getenv:      os.Getenv,
	}
	os.Exit(run(ctx, os.Args[1:], env))
}

// environment is what run reads and writes, so tests can drive it.
type environment struct {
	stdin       io.Reader
	stdout      io.Writer
	stdoutFile  *os.File // stdout as a file, for check -f --resume; nil in tests that capture it
	stderr      io.Writer
	stdoutIsTTY bool
	stderrIsTTY bool
	// getenv reads the environment (the Spamhaus DQS key); nil reads
	// nothing, so tests do not depend on the machine's.
	getenv func(string) string
	// now is the clock reports are judged against (time.Now when nil).
	now func() time.Time
	// dns, when set, is the DNS set-up to use whatever the flags say: a
	// command run inside mxray serve, on the server's.
	dns *dnsSetup
	// attemptTimeout, when set, decides which DNS attempts time out
	// (dnsclient.Config.AttemptTimeout): tests let exactly the questions a
	// fault drops time out, at once.
	attemptTimeout func(server, name string, qtype uint16) <-chan struct{}
}

// clock is the environment's clock.
func (env *environment) clock() time.Time {
	if env.now != nil {
		return env.now()
	}
	return time.Now()
}

// run executes one command line and returns the exit status.
func run(ctx context.Context, args []string, env *environment) int {
	o, err := parseArgs(args, env.stderr)
	if err != nil {
		return fail(env, err)
	}
	o.prov = diag.Provenance{Version: version(), GeneratedAt: env.clock(), Mode: diag.ModeNone}
	o.shared, o.attemptTimeout = env.dns, env.attemptTimeout
	switch {
	case o.help:
		fmt.Fprint(env.stdout, usage(o))
		return exitOK
	case o.version:
		fmt.Fprintf(env.stdout, "mxray %s\n", version())
		return exitOK
	}
	if cli := o.command != "" && o.command != "serve"; cli {
		// The reports and messages of a command: ASCII only with --ascii,
		// the DNS query log on stderr with --trace. (The workbench draws
		// its own ASCII and shows its own DNS log.)
		e := *env
		if o.ascii {
			out, errs := &asciiWriter{w: env.stdout, json: o.json}, &asciiWriter{w: env.stderr}
			defer out.flush()
			defer errs.flush()
			e.stdout, e.stderr = out, errs
		}
		if o.trace {
			o.tracer = &tracer{w: e.stderr, json: o.json}
		}
		env = &e
	}
	var code int
	switch o.command {
	case "check":
		code, err = runCheck(ctx, o, env)
	case "spf":
		code, err = runSPF(ctx, o, env)
	case "headers":
		code, err = runHeaders(ctx, o, env)
	case "smtp":
		code, err = runSMTP(ctx, o, env)
	case "dns":
		code, err = runDNS(ctx, o, env)
	case "report":
		code, err = runReport(ctx, o, env)
	case "serve":
		code, err = runServe(ctx, o, env)
	default:
		code, err = runDefault(ctx, o, env)
	}
	if err != nil {
		return fail(env, err)
	}
	return code
}

// fail prints err as one line and returns exit status 2.
func fail(env *environment, err error) int {
	msg := termsafe.String(err.Error())
	if errors.Is(err, errUsage) {
		msg = strings.TrimPrefix(msg, errUsage.Error()+": ") + " (see mxray --help)"
	}
	fmt.Fprintf(env.stderr, "mxray: %s\n", msg)
	return exitCannot
}
