package main

import (
	"context"
	"errors"
	"os"
	"strings"
)

const demoDefault = "healthy.example"

func isHeadersTarget(s string) bool {
	if s == "-" || strings.Contains(s, "/") {
		return true
	}
	_, err := os.Stat(s)
	return err == nil
}

func runHeaders(ctx context.Context, o *options, env *environment) (int, error) {
	return exitCannot, errors.New("headers: not implemented yet")
}
