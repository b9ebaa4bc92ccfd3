package smtp

import (
	"context"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/policy"
)

// DialFunc opens a connection, as net.Dialer.DialContext does.
type DialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// Clock tells the time; the probe measures its steps with it (tests give a
// fake one).
type Clock interface {
	Now() time.Time
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// Timeouts bound each step. Zero values take the defaults.
type Timeouts struct {
	Connect  time.Duration // TCP connect
	Greeting time.Duration // from connect to the end of the 220 greeting
	EHLO     time.Duration // EHLO and its reply
	TLS      time.Duration // STARTTLS and its reply, then the handshake, each
	QUIT     time.Duration // QUIT and its reply
}

// Default timeouts. RFC 5321 §4.5.3.2 lets a sender wait 5 minutes for a
// greeting; a diagnosis waits less and reports a slow server as a tarpit.
const (
	DefaultConnectTimeout  = 10 * time.Second
	DefaultGreetingTimeout = 30 * time.Second
	DefaultEHLOTimeout     = 10 * time.Second
	DefaultTLSTimeout      = 10 * time.Second
	DefaultQUITTimeout     = 5 * time.Second
	// DefaultTarpitAfter: a greeting slower than this is a tarpit. Postfix's
	// postscreen may hold it up to 6 s on purpose; 10 s is past that.
	DefaultTarpitAfter = 10 * time.Second
	// DefaultConcurrency: addresses probed at once.
	DefaultConcurrency = 32
	// DefaultPort is SMTP's (RFC 5321 §4.5.4.2).
	DefaultPort = 25
	// FallbackEHLOName is said when the machine has no fully qualified
	// name: .invalid is reserved never to exist (RFC 2606 §2).
	FallbackEHLOName = "mxray.invalid"
)

// Options set up a probe. Zero values take the defaults.
type Options struct {
	// Port to probe (25).
	Port int
	// EHLOName is the name said in EHLO: a domain name or an address
	// literal; DefaultEHLOName() when empty.
	EHLOName string
	// Dial opens the connections; nil dials directly. The demo maps its
	// documentation addresses to loopback listeners here, and a server
	// that must not reach private addresses refuses them here.
	Dial DialFunc
	// Roots are the trusted roots for the certificate chain; nil means the
	// system's (the demo passes its own CA).
	Roots *x509.CertPool
	// Resolver looks up TLSA records for DANE; nil skips DANE.
	Resolver dnsclient.Resolver
	// MTASTS is the domain's MTA-STS policy, when one was fetched; its mx
	// patterns are held against each MX host and certificate.
	MTASTS *policy.STSPolicy
	// Timeouts bound each step.
	Timeouts Timeouts
	// TarpitAfter: a greeting slower than this makes the verdict tarpit.
	TarpitAfter time.Duration
	// Clock measures the steps; nil is the system clock.
	Clock Clock
	// Concurrency bounds the addresses probed at once.
	Concurrency int
	// Limits cap what is read from a server.
	Limits Limits
	// ControlPorts are tried on the MX addresses when port 25 timed out on
	// every one, to tell "this network blocks port 25" from "the servers
	// are down": a connection or a refusal there shows the hosts answer.
	// Nil means 443; an empty non-nil slice tries none.
	ControlPorts []int
	// ControlTargets are further "host:port" addresses tried for the same
	// purpose (for example a known web server).
	ControlTargets []string
}

func (o Options) withDefaults() Options {
	if o.Port <= 0 {
		o.Port = DefaultPort
	}
	if o.EHLOName == "" {
		o.EHLOName = DefaultEHLOName()
	}
	if o.Dial == nil {
		var d net.Dialer
		o.Dial = d.DialContext
	}
	t := &o.Timeouts
	for _, p := range []struct {
		v *time.Duration
		d time.Duration
	}{{&t.Connect, DefaultConnectTimeout}, {&t.Greeting, DefaultGreetingTimeout}, {&t.EHLO, DefaultEHLOTimeout},
		{&t.TLS, DefaultTLSTimeout}, {&t.QUIT, DefaultQUITTimeout}, {&o.TarpitAfter, DefaultTarpitAfter}} {
		if *p.v <= 0 {
			*p.v = p.d
		}
	}
	if o.Clock == nil {
		o.Clock = systemClock{}
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.ControlPorts == nil {
		o.ControlPorts = []int{443}
	}
	o.Limits = o.Limits.withDefaults()
	return o
}

// Validate reports an option the probe cannot use: an EHLO name that is
// not a domain or address literal (ErrBadEHLOName), or a port out of
// range. The command line turns it into a usage error before probing.
func (o Options) Validate() error {
	if o.EHLOName != "" && !ValidEHLOName(o.EHLOName) {
		return fmt.Errorf("%w: %q", ErrBadEHLOName, clip(o.EHLOName))
	}
	if o.Port < 0 || o.Port > 65535 {
		return fmt.Errorf("port %d is not a TCP port", o.Port)
	}
	return nil
}

// DefaultEHLOName is the machine's host name when it is fully qualified,
// else FallbackEHLOName. It asks no DNS.
func DefaultEHLOName() string {
	h, err := os.Hostname()
	h = strings.TrimSuffix(h, ".")
	if err != nil || !strings.Contains(h, ".") || !ValidEHLOName(h) {
		return FallbackEHLOName
	}
	return h
}

// ValidEHLOName reports whether name may follow EHLO (RFC 5321 §4.1.1.1,
// §4.1.3): a domain of letters, digits and hyphens in dot-separated labels,
// or an address literal in brackets. Nothing else is ever sent, so no
// option can smuggle a second command in.
func ValidEHLOName(name string) bool {
	if len(name) == 0 || len(name) > 255 {
		return false
	}
	if lit, ok := strings.CutPrefix(name, "["); ok {
		lit, ok = strings.CutSuffix(lit, "]")
		if !ok || lit == "" {
			return false
		}
		for i := 0; i < len(lit); i++ {
			c := lit[i]
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == '.' || c == ':' || c == 'I' || c == 'P' || c == 'v') {
				return false
			}
		}
		return true
	}
	for _, l := range strings.Split(name, ".") {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}
