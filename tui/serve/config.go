package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag/dnsclient"
)

// Defaults of Config.
const (
	DefaultMaxSessions           = 50
	DefaultMaxSessionsPerKey     = 5
	DefaultIdleTimeout           = 15 * time.Minute
	DefaultMaxSessionLength      = 8 * time.Hour
	DefaultDNSQuestionsPerMinute = 600
	DefaultHandshakeTimeout      = 30 * time.Second
	DefaultKeysPollInterval      = 2 * time.Second
	DefaultCloseGrace            = 2 * time.Second
	// DefaultBusyCloseGrace is how long a connection refused as busy stays
	// open for the client to read why, when it has no other session.
	DefaultBusyCloseGrace = 5 * time.Second
)

// maxQuestionsPerMinute bounds Config.DNSQuestionsPerMinute (and so the
// limiter's burst).
const maxQuestionsPerMinute = 1_000_000

// newLimiter returns a session's DNS question limiter: bursts of perMinute,
// then perMinute a minute; nil for no limit.
func newLimiter(perMinute int) dnsclient.Limiter {
	if perMinute <= 0 {
		return nil
	}
	l, err := dnsclient.NewRateLimiter(float64(perMinute)/60, perMinute, nil)
	if err != nil {
		return nil // unreachable: perMinute is checked by withDefaults
	}
	return l
}

// maxChannelsPerConn caps the session channels one connection may have
// open at once (OpenSSH connection sharing opens several).
const maxChannelsPerConn = 8

// SessionInfo is what the server tells the workbench and the CLI about one
// session.
type SessionInfo struct {
	// ID names the session in the audit log: the connection's id, a dot,
	// the session's number on it.
	ID string
	// User is the SSH user name given (not checked: the key decides).
	User string
	// KeyFingerprint and KeyComment say whose key was admitted.
	KeyFingerprint string
	KeyComment     string
	// Remote is the client's address.
	Remote string
	// Term is the terminal type of a PTY session ("" for a command).
	Term string
	// Env holds only TERM and COLORTERM, as "NAME=value", for the
	// program's colour and capability detection (tea.WithEnvironment).
	Env []string
	// Width and Height are the PTY's size when the session started.
	Width, Height int
	// Limiter caps this session's DNS questions (nil: no limit): give it
	// as dnsclient.Config.Limiter to every DNS client made for the session.
	// It is the session's own; the DNS cache may be shared, this never is.
	Limiter dnsclient.Limiter
	// Audit records what the user does in this session.
	Audit *SessionAudit
	// AllowPrivateTargets is the operator's --allow-private-targets: fetches
	// and probes may reach private destinations (netguard).
	AllowPrivateTargets bool
}

// Model is the Bubble Tea model of a session's workbench. It is an alias,
// so that the caller (cmd/mxray, which must not import Bubble Tea) can
// write a NewModelFunc returning the workbench.
type Model = tea.Model

// NewModelFunc builds the workbench for one PTY session. ctx ends when the
// session does: everything the model starts must stop with it.
type NewModelFunc func(ctx context.Context, info SessionInfo) Model

// RunCommandFunc runs one checked CLI command (args from ParseCommand:
// the subcommand first) for a command session, streaming its output, and
// returns its exit status. stdin is the session's input for a command that
// reads it (ReadsStdin), else empty. It must return soon after ctx ends.
type RunCommandFunc func(ctx context.Context, info SessionInfo, args []string, stdin io.Reader, stdout, stderr io.Writer) int

// Config is how the server runs: mxray serve's flags, and the two seams to
// the rest of mxray.
type Config struct {
	// Listen is the address ListenAndServe listens on (--listen).
	Listen string
	// AuthorizedKeys is the OpenSSH authorized_keys file of who may log in
	// (--authorized-keys); read again when its content changes.
	AuthorizedKeys string
	// TrustedUserCA is a file of CA public keys whose user certificates are
	// admitted (--trusted-user-ca); "" for none.
	TrustedUserCA string
	// HostKey is the host key file (--host-key); DefaultHostKeyPath when "".
	HostKey string
	// MaxSessions caps sessions open at once (--max-sessions).
	MaxSessions int
	// MaxSessionsPerKey caps the sessions of one key (one fingerprint).
	MaxSessionsPerKey int
	// IdleTimeout closes a session that had no input for this long
	// (--idle-timeout).
	IdleTimeout time.Duration
	// MaxSessionLength closes any session this long after it started.
	MaxSessionLength time.Duration
	// DNSQuestionsPerMinute caps each session's DNS questions put on the
	// wire (SessionInfo.Limiter): bursts of that many, then that many a
	// minute; a question that could only go after its deadline fails at
	// once (dnsclient.ErrRateLimited). Negative for no limit.
	DNSQuestionsPerMinute int
	// AuditLog is the JSON Lines audit file (--audit-log); "" for none.
	AuditLog string
	// Auditor, when set, also receives every audit event.
	Auditor Auditor
	// AllowPrivateTargets is passed on to each session
	// (--allow-private-targets).
	AllowPrivateTargets bool

	// NewModel builds the workbench of a PTY session.
	NewModel NewModelFunc
	// RunCommand runs a command session's checked command.
	RunCommand RunCommandFunc

	// Logf reports to the operator: the lines of the keys files not used,
	// reloads, audit log errors. Nil discards.
	Logf func(format string, args ...any)
	// KeysPollInterval is how often the keys files are read for changes.
	KeysPollInterval time.Duration
	// HandshakeTimeout bounds a connection's handshake and authentication.
	HandshakeTimeout time.Duration
	// CloseGrace is how long a session closed by the server has to end by
	// itself before it is stopped.
	CloseGrace time.Duration
	// Now is the clock for certificates' validity and audit times
	// (time.Now when nil).
	Now func() time.Time
	// ProgramOptions are added to each workbench program's options (tests).
	ProgramOptions []tea.ProgramOption

	busyCloseGrace time.Duration // DefaultBusyCloseGrace; tests shorten it
}

// withDefaults fills the zero fields and checks the rest.
func (c Config) withDefaults() (Config, error) {
	if c.AuthorizedKeys == "" {
		return c, errors.New("serve: --authorized-keys is required: the file of the keys that may log in")
	}
	if c.NewModel == nil || c.RunCommand == nil {
		return c, errors.New("serve: Config.NewModel and Config.RunCommand are required")
	}
	if c.Listen != "" {
		if _, _, err := net.SplitHostPort(c.Listen); err != nil {
			return c, fmt.Errorf("serve: --listen %q: %w", c.Listen, err)
		}
	}
	for _, d := range []struct {
		v   *int
		def int
		n   string
	}{{&c.MaxSessions, DefaultMaxSessions, "--max-sessions"}, {&c.MaxSessionsPerKey, DefaultMaxSessionsPerKey, "max sessions per key"}} {
		switch {
		case *d.v == 0:
			*d.v = d.def
		case *d.v < 0:
			return c, fmt.Errorf("serve: %s must be positive", d.n)
		}
	}
	if c.MaxSessionsPerKey > c.MaxSessions {
		c.MaxSessionsPerKey = c.MaxSessions
	}
	if c.DNSQuestionsPerMinute == 0 {
		c.DNSQuestionsPerMinute = DefaultDNSQuestionsPerMinute
	}
	if c.DNSQuestionsPerMinute > maxQuestionsPerMinute {
		return c, fmt.Errorf("serve: at most %d DNS questions a minute per session", maxQuestionsPerMinute)
	}
	for _, d := range []struct {
		v   *time.Duration
		def time.Duration
		n   string
	}{
		{&c.IdleTimeout, DefaultIdleTimeout, "--idle-timeout"},
		{&c.MaxSessionLength, DefaultMaxSessionLength, "maximum session length"},
		{&c.KeysPollInterval, DefaultKeysPollInterval, "keys poll interval"},
		{&c.HandshakeTimeout, DefaultHandshakeTimeout, "handshake timeout"},
		{&c.CloseGrace, DefaultCloseGrace, "close grace"},
	} {
		switch {
		case *d.v == 0:
			*d.v = d.def
		case *d.v < 0:
			return c, fmt.Errorf("serve: %s must be positive", d.n)
		}
	}
	if c.busyCloseGrace <= 0 {
		c.busyCloseGrace = DefaultBusyCloseGrace
	}
	if c.Logf == nil {
		c.Logf = func(string, ...any) {}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}
