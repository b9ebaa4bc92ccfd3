package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/tui"
)

// runTUI opens the workbench on the terminal: on the target given, on a
// FILE or "-" (stdin) of headers or of DMARC aggregate reports (told apart
// by content), on healthy.example under --demo without one, else on the
// input screen.
//
// The exit status is 0 whenever the workbench ran, whatever it found: the
// TUI is interactive, and findings are for the technician to read, not for
// a script to test (mxray check gives the 0/1 status for that).
func runTUI(ctx context.Context, o *options, env *environment) (int, error) {
	return startTUI(ctx, o, env, tuiDeps{openTTY: openTTY})
}

// tuiDeps is what starting the workbench needs from the machine, so tests
// can stand in for it.
type tuiDeps struct {
	// openTTY opens the terminal for keys when stdin carries the headers.
	openTTY func() (io.ReadCloser, error)
	// width and height give the screen's size when env.stdout is not a
	// terminal that can report it (tests); 0 asks the terminal.
	width, height int
}

// openTTY opens the controlling terminal.
func openTTY() (io.ReadCloser, error) { return os.Open("/dev/tty") }

// startTUI builds the workbench's configuration and runs it.
func startTUI(ctx context.Context, o *options, env *environment, deps tuiDeps) (int, error) {
	cfg, cleanup, err := tuiConfig(o, env, deps)
	if err != nil {
		return exitCannot, err
	}
	defer cleanup()
	if err := tui.Run(ctx, cfg); err != nil {
		return exitCannot, fmt.Errorf("the workbench stopped: %w", err)
	}
	return exitOK, nil
}

// tuiConfig turns the command line into the workbench's configuration.
// A header FILE or "-" is read here, once, with the 4 MiB cap and the
// errors of mxray headers, and must hold header fields: the workbench opens
// straight on the message read. With "-" the keys come from the terminal (/dev/tty), as stdin is
// the message. cleanup stops the in-process DNS server and closes the
// terminal.
func tuiConfig(o *options, env *environment, deps tuiDeps) (tui.Config, func(), error) {
	cfg := tui.Config{Demo: o.demo, ASCII: o.ascii, Output: env.stdout, Width: deps.width, Height: deps.height}
	var closers []func()
	cleanup := func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	switch {
	case len(o.args) > 0 && isHeadersTarget(o.args[0]):
		kind, stdin, err := inputKind(o.args[0], env.stdin)
		if err != nil {
			return cfg, cleanup, err
		}
		if o.args[0] == "-" {
			tty, err := deps.openTTY()
			if err != nil {
				return cfg, cleanup, fmt.Errorf("the input came on stdin, so the keys must come from the terminal, and it cannot be opened: %w", err)
			}
			closers = append(closers, func() { tty.Close() })
			cfg.Input = tty
		}
		if kind == diag.InputReports {
			cfg.Reports, err = reportInputs(o, stdin)
			if err != nil {
				return cfg, cleanup, err
			}
			break
		}
		raw, source, err := readHeaders(o, stdin)
		if err != nil {
			return cfg, cleanup, err
		}
		msg, err := diag.ReadMessage(source, raw, diag.HeaderOptions{Now: time.Now()})
		if err != nil {
			return cfg, cleanup, fmt.Errorf("%s: %w", source, err)
		}
		cfg.Message = msg
	case len(o.args) > 0:
		cfg.Target = o.args[0]
	case o.demo:
		cfg.Target = demo.DefaultDomain
	}
	dnsSet, err := setupDNSWithLists(o, env, false)
	if err != nil {
		cleanup()
		return cfg, func() {}, err
	}
	closers = append(closers, dnsSet.close)
	cfg.Blocklists = dnsSet.blocklists
	// Each run gets a fresh client (its own cache) whose query log streams
	// into the DNS log pane; a message's re-check shares its run's client.
	cfg.NewClient = func(onQuery func(dnsclient.LogEntry)) *dnsclient.Client {
		c := dnsSet.config
		c.OnQuery = onQuery
		return dnsclient.New(c)
	}
	cfg.Dial = dnsSet.dial
	cfg.Selectors, cfg.Deadline, cfg.Timeout, cfg.Offline = o.selectors, o.deadline, o.timeout, dnsSet.offline
	cfg.PolicyRoots = dnsSet.policyRoots
	cfg.Provenance = &o.prov
	if !o.noProbe {
		// The SMTP & TLS pane probes when the MX answers arrive; under
		// --demo the demo's mail servers start then, not before.
		probe, err := newProbeSetup(o, dnsSet)
		if err != nil {
			cleanup()
			return cfg, func() {}, err
		}
		closers = append(closers, probe.close)
		cfg.SMTP = probe.options
	}
	return cfg, cleanup, nil
}
