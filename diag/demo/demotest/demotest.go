// Package demotest starts what mxray --demo serves, for tests: the demo
// zone with its secure zones marked validated, and the demo's mail
// servers, all stopped when the test ends. Only tests import it.
package demotest

import (
	"testing"

	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/smtp"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// EHLOName is the name the tests' probes say in EHLO.
const EHLOName = "probe.demo.example"

// Mail starts the demo's mail servers and returns the probe's options for
// them (the demo's dial hook, roots and tarpit threshold, EHLOName).
func Mail(tb testing.TB) smtp.Options {
	tb.Helper()
	mail, err := demo.StartSMTP()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { mail.Close() })
	return mail.ProbeOptions(smtp.Options{EHLOName: EHLOName})
}

// Serve serves the demo zone, its secure zones marked validated, and
// starts the demo's mail servers (Mail).
func Serve(tb testing.TB) (*zoneserver.Server, smtp.Options) {
	tb.Helper()
	srv := zoneservertest.New(tb, demo.ZoneText())
	demo.MarkSecure(srv)
	return srv, Mail(tb)
}
