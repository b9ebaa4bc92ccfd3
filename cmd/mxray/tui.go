package main

import (
	"context"
	"fmt"

	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/tui"
)

// runTUI opens the workbench on the terminal: on the target given, on
// healthy.example under --demo without one, else on the input screen.
// Header files and "-" go to the headers path until the TUI shows headers.
//
// The exit status is 0 whenever the workbench ran, whatever it found: the
// TUI is interactive, and findings are for the technician to read, not for
// a script to test (mxray check gives the 0/1 status for that).
func runTUI(ctx context.Context, o *options, env *environment) (int, error) {
	target := ""
	if len(o.args) > 0 {
		target = o.args[0]
		if isHeadersTarget(target) {
			return runHeaders(ctx, o, env)
		}
	} else if o.demo {
		target = demo.DefaultDomain
	}
	dnsSet, err := setupDNS(o)
	if err != nil {
		return exitCannot, err
	}
	defer dnsSet.close()
	cfg := tui.Config{
		Target: target,
		Demo:   o.demo,
		ASCII:  o.ascii,
		// Each investigation gets a fresh client (its own cache) whose
		// query log streams into the DNS log pane.
		NewClient: func(onQuery func(dnsclient.LogEntry)) *dnsclient.Client {
			c := dnsSet.config
			c.OnQuery = onQuery
			return dnsclient.New(c)
		},
		Selectors: o.selectors,
		Deadline:  o.deadline,
		Timeout:   o.timeout,
		Offline:   dnsSet.offline,
	}
	if err := tui.Run(ctx, cfg); err != nil {
		return exitCannot, fmt.Errorf("the workbench stopped: %w", err)
	}
	return exitOK, nil
}
