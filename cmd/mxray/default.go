package main

import (
	"context"
	"fmt"

	"github.com/mxray/mxray/diag"
)

// runDefault runs mxray without a subcommand: the TUI on a terminal, or a
// text report of the target when stdout is not one.
func runDefault(ctx context.Context, o *options, env *environment) (int, error) {
	if len(o.args) > 1 {
		return exitCannot, fmt.Errorf("%w: give one TARGET (quote \"IP DOMAIN\")", errUsage)
	}
	if !env.stdoutIsTTY || o.json || o.format != "" {
		return printTarget(ctx, o, env)
	}
	return runTUI(ctx, o, env)
}

// printTarget prints the report a TUI would show, for pipes and scripts.
func printTarget(ctx context.Context, o *options, env *environment) (int, error) {
	if len(o.args) == 0 {
		if o.demo {
			o.args = []string{demoDefault}
		} else {
			return exitCannot, fmt.Errorf("%w: give a TARGET (a domain, an address, a header FILE or -)", errUsage)
		}
	}
	if isHeadersTarget(o.args[0]) {
		kind, stdin, err := inputKind(o.args[0], env.stdin)
		if err != nil {
			return exitCannot, err
		}
		env.stdin = stdin
		if kind == diag.InputReports {
			return runReport(ctx, o, env)
		}
		return runHeaders(ctx, o, env)
	}
	if t, err := diag.ParseTarget(o.args[0]); err == nil && t.Kind == diag.TargetIPDomain {
		// "IP DOMAIN" asks whether that IP may send for the domain.
		o.args, o.ips = []string{t.Domain}, []string{t.IP.String()}
		return runSPF(ctx, o, env)
	}
	return runCheck(ctx, o, env)
}
