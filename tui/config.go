package tui

import (
	"crypto/x509"
	"io"
	"time"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/blocklist"
	"github.com/mxray/mxray/diag/dmarcreport"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/smtp"
)

// defaultTimeout bounds a pane's own lookup for the zero Config.
const defaultTimeout = 2 * time.Second

// Config is what the workbench needs from the command line.
type Config struct {
	// Target is what the user gave on the command line ("" opens the input
	// screen). A target that does not parse opens the input screen with
	// the text kept and the reason shown.
	Target string
	// Demo lists the demo domains on the input screen.
	Demo bool
	// ASCII draws with ASCII only (--ascii); a locale that is not UTF-8
	// does too.
	ASCII bool
	// NewClient returns a fresh DNS client for one investigation, whose
	// OnQuery calls onQuery (from lookup goroutines).
	NewClient func(onQuery func(dnsclient.LogEntry)) *dnsclient.Client
	// Selectors are DKIM selectors to look up besides the common ones.
	Selectors []string
	// Deadline bounds a whole investigation (diag.DefaultDeadline when 0).
	Deadline time.Duration
	// Timeout bounds one lookup a pane starts: an IP's SPF verdict or PTR,
	// a what-if tree (2 s when 0).
	Timeout time.Duration
	// Offline is set under --zone: no MTA-STS policy fetch.
	Offline bool
	// PolicyRoots are the roots the MTA-STS policy fetch trusts (the
	// demo's own CA under --demo); nil means the system's.
	PolicyRoots *x509.CertPool
	// Blocklists are the DNS blocklists each run asks about the MX
	// addresses and the domain (and a message's sending IP and domains);
	// nil asks none (--no-blocklists).
	Blocklists *blocklist.Set
	// SMTP gives the SMTP & TLS pane's probe its options (port, EHLO name,
	// the dial hook, roots; the pane sets the resolver); nil turns the
	// probe off (--no-probe). The pane calls it in a command, where it may
	// start something (the demo's mail servers) the first time.
	SMTP func() (smtp.Options, error)
	// ExportDir is where e writes the Markdown report ("" for the working
	// directory).
	ExportDir string
	// ExportToView makes e show the Markdown report in a scrollable view
	// instead of writing files (y there copies it with OSC 52, esc closes
	// it): mxray serve, where nothing a session does writes on the server.
	ExportToView bool
	// Dial makes the dial of one investigation's connections (the MTA-STS
	// policy fetch; the SMTP probe) from the investigation's DNS client;
	// nil is diag.Dialer(client, Timeout). mxray serve gives
	// diag.PublicDialer unless the operator allows private targets.
	Dial func(client *dnsclient.Client) diag.DialFunc
	// Audit, when set, hears what the user does (mxray serve's audit log):
	// targets checked, headers given, copies and exports, by size only.
	Audit Auditor
	// Env is the environment read for NO_COLOR and the locale (os.Environ
	// when nil).
	Env []string
	// Now is the clock for elapsed times and for judging a message's DKIM
	// expiry (time.Now when nil).
	Now func() time.Time

	// Message is a message to open straight on (mxray FILE.eml, mxray -),
	// already read by the caller with diag.ReadMessage; nil opens on
	// Target. Its bytes are kept, byte for byte, for the whole session.
	Message *diag.Message
	// Reports are DMARC aggregate reports to open straight on (mxray FILE
	// or mxray - holding reports): read in a command when the workbench
	// starts, merged, and their main policy domain investigated. nil
	// opens on Message or Target.
	Reports []dmarcreport.Input

	// Provenance, when set, ends every exported report with which mxray
	// made it and from which DNS (its GeneratedAt is each run's start).
	Provenance *diag.Provenance

	// Location is the zone the hops' local times are shown in (time.Local
	// when nil).
	Location *time.Location

	// Input is where Run reads keys (the terminal when nil): with mxray -
	// stdin holds the headers, and keys come from /dev/tty.
	Input io.Reader
	// Output is where Run draws (the terminal when nil).
	Output io.Writer
	// Width and Height are the terminal's size for an Output that cannot
	// report one (a pipe in a test); 0 asks the terminal.
	Width, Height int
}
