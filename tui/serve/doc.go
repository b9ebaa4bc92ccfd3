// Package serve is mxray's workbench served over SSH (mxray serve): one
// instance on a jump host, and a team opens the workbench with
// "ssh -p 2222 host" with nothing to install. It is the part of mxray a
// stranger can reach, so it is built as a bastion on charm.land/wish/v2 and
// charm.land/ssh (SSH: RFC 4251–4254).
//
// Who gets in (RFC 4252): public keys only, from an OpenSSH authorized_keys
// file (sshd(8), AUTHORIZED_KEYS FILE FORMAT) read again whenever its
// content changes, and optionally user certificates (OpenSSH
// PROTOCOL.certkeys) signed by a trusted CA, with their principals, validity
// window and source-address checked. No password, no keyboard-interactive.
// A line that cannot be used is reported with its number at start-up and on
// every reload, and never hides the lines after it; a line with an option
// the server would not honour (command=, from=, ...) is not used rather than
// used without its restriction. A removed key's sessions are closed.
//
// What a session may do (RFC 4254 §6): a PTY session runs the workbench,
// built for it by the caller's NewModelFunc, with the PTY's size and only
// TERM and COLORTERM in its environment; bracketed paste, colours and the
// background-colour query pass through as on a local terminal. A session
// with a command runs one CLI subcommand through the caller's
// RunCommandFunc, its output streamed: only check, spf, dns and headers - (the
// message on stdin), checked by ParseCommand, which refuses anything that
// names a path on the server or changes what the operator set, with a
// message and exit status 2. No shell, no port, agent or X11 forwarding, no
// subsystems (sftp), no other environment variable.
//
// Bounds: sessions overall and per key (the one over the limit is told the
// server is busy and its connection closed), a per-session cap on DNS
// questions a minute (a dnsclient.RateLimiter in SessionInfo.Limiter, for
// the session's DNS clients), an idle timeout on input, a maximum session
// length, handshake and connection deadlines behind them, and Shutdown,
// which tells every session the server is going and closes it within
// CloseGrace. Each closing is told to the user before the session ends.
//
// Every connection, refusal, command, check, paste, copy, export and
// disconnection is an audit Event; JSONLog writes them as JSON Lines to a
// file opened append-only with mode 0600. Header content and copied text
// are never recorded: a paste is its size and From domain.
//
// The workbench itself and the CLI are not imported here: the caller
// passes NewModelFunc and RunCommandFunc, and each session's SessionInfo
// carries its DNS question limiter, its SessionAudit and the operator's
// --allow-private-targets for diag/netguard.
package serve
