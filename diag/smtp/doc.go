// Package smtp probes the mail servers of a domain the way a sending server
// meets them, and says in plain words why one would refuse or mistrust it.
//
// For each MX address, concurrently, and each step bounded by its own
// timeout under the caller's context, the probe:
//
//   - connects to port 25 (RFC 5321 §4.5.3.2 timeouts shortened for a
//     diagnosis; the dial goes through a function the caller gives);
//   - reads the greeting (RFC 5321 §4.2, §4.3.1: "220" and the server's name,
//     one line or many) and notes a greeting delayed past a threshold
//     (a tarpit: greylisting or anti-spam delay, not a TLS fault);
//   - says EHLO with a name the caller sets (RFC 5321 §4.1.1.1) and reads the
//     extensions;
//   - when STARTTLS is offered, upgrades (RFC 3207) and reads the TLS
//     version, cipher and certificate chain, then checks the chain, the
//     validity dates and the names apart (diag/tlscert; RFC 6125), against
//     the MTA-STS policy's mx patterns (RFC 8461 §4.1, §4.2) and the MX
//     host's TLSA records (RFC 7672, diag/dane);
//   - sends QUIT. It never sends MAIL or RCPT: no message, no relay test.
//
// Every read is capped (line length, lines per reply, bytes per connection)
// so a hostile server cannot exhaust memory, and every string a server sent
// is kept as received: render it through diag/termsafe (Doc does).
//
// The verdict (Status) tells causes apart: blocked_here (port 25 times out
// on every MX while the same hosts answer on another port: this network
// blocks outgoing port 25), refused, tarpit, no_starttls, tls_error,
// cert_invalid and ok; unreachable and error cover what none of those names.
package smtp
