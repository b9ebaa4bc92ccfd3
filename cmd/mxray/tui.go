package main

import (
	"context"
	"errors"
)

// runTUI opens the workbench.
func runTUI(ctx context.Context, o *options, env *environment) (int, error) {
	return exitCannot, errors.New("the TUI is not implemented yet; use mxray check")
}
