// Package tui is mxray's workbench: a Bubble Tea v2 application that shows
// one investigation of a domain in linked panes as its answers arrive.
//
// The panes follow the RFCs the checks implement: the SPF record tree and
// check_host() verdicts of RFC 7208, the DKIM key records of RFC 6376 (with
// RFC 8301 key sizes and RFC 8463 Ed25519 keys), the DMARC policy discovery
// and tree walk of RFC 9989 beside the RFC 7489 Organizational Domain, the MX
// records and their reverse DNS (RFC 5321 §5.1, RFC 7505 null MX, FCrDNS),
// and the MTA-STS (RFC 8461), TLS-RPT (RFC 8460) and BIMI records. Copying
// uses OSC 52 (tea.SetClipboard) so it works over SSH.
//
// A message header (pasted, typed in the header editor, or given as a file
// or on stdin) adds two panes: the Received chain of RFC 5321 §4.4 hop by
// hop, and each check of the message as the receiver recorded it in its
// RFC 8601 Authentication-Results (with RFC 8617 ARC) beside what DNS says
// today: SPF for the envelope sender (RFC 7208 §2.4), every DKIM-Signature
// (RFC 6376 §3.5), DMARC for the RFC 5322 From domain. Header text is
// decoded (RFC 2047) for display only and kept byte for byte for the run
// and the export.
//
// The root Model owns the screens (the input screen and the workbench), the
// focus, the layout, the key map, the styles and the one Selection (an IP,
// a domain, a selector, a message's signature or hop) that links the panes. Panes are plain structs
// behind the small Pane interface: keys go to the global bindings first and
// then to the focused pane, every other message to every pane, and after a
// pane handles a key the root asks it what is selected and tells the others.
//
// All DNS work runs in tea.Cmds tagged with a run id (and, for a pane's own
// lookups, a request id); replies from a cancelled or earlier run are
// dropped. Nothing from DNS or a header reaches the screen without passing
// through diag/termsafe.
package tui
