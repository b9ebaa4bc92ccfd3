package main

import (
	"errors"
	"fmt"
	"sync"

	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/smtp"
)

// probeSetup gives the SMTP probe its options: the flags' (--port,
// --ehlo), the dial hook, and under --demo the demo's mail servers, which
// start on first use only (the workbench and most commands never probe,
// and start-up time matters) and stop at exit (close).
type probeSetup struct {
	base smtp.Options
	demo bool

	mu     sync.Mutex
	mail   *demo.SMTP
	closed bool
}

// errProbeClosed: the demo's mail servers are stopped (mxray is exiting).
var errProbeClosed = errors.New("the demo's mail servers are stopped")

// newProbeSetup reads the probe's flags. The dial is the demo's under
// --demo (it reaches only the demo's own servers), else the DNS set-up's
// probeDial: the system's, or one that reaches only public addresses in
// mxray serve.
func newProbeSetup(o *options, dnsSet *dnsSetup) (*probeSetup, error) {
	base := smtp.Options{Port: o.port, EHLOName: o.ehlo, Dial: dnsSet.probeDial()}
	if err := base.Validate(); err != nil {
		return nil, fmt.Errorf("%w: --ehlo or --port: %v", errUsage, err)
	}
	if base.EHLOName == "" {
		base.EHLOName = smtp.DefaultEHLOName() // worked out once, and shown
	}
	return &probeSetup{base: base, demo: o.demo}, nil
}

// options returns the probe's options, starting the demo's mail servers
// the first time under --demo. Safe for concurrent use.
func (p *probeSetup) options() (smtp.Options, error) {
	if !p.demo {
		return p.base, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return smtp.Options{}, errProbeClosed
	}
	if p.mail == nil {
		mail, err := demo.StartSMTP()
		if err != nil {
			return smtp.Options{}, fmt.Errorf("the demo's mail servers: %w", err)
		}
		p.mail = mail
	}
	return p.mail.ProbeOptions(p.base), nil
}

// started reports whether the demo's mail servers were started.
func (p *probeSetup) started() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.mail != nil
}

// close stops the demo's mail servers, if they were started; options fails
// after it.
func (p *probeSetup) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	if p.mail != nil {
		p.mail.Close()
		p.mail = nil
	}
}
