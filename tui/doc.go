// Package tui is mxray's workbench, a Bubble Tea v2 application that shows
// one investigation in linked panes as its answers arrive; this root
// package holds the pane manager (focus, key routing, layout and the one
// Selection), the session (the current run, its export, the recent
// targets) and the two screens (the input screen with its header editor,
// and the workbench).
//
// Each pane is a package of its own under tui/ (overview, mx, spf, dkim,
// dmarc, blocklists, hops, thennow, findings, dnslog), registered in registry.go; a
// pane imports tui/kit (the style sheet, key map, Selection, shared state
// and widgets) and diag's types, never another pane. The panes follow the
// RFCs the checks implement: the SPF record tree and check_host() verdicts
// of RFC 7208, the DKIM key records of RFC 6376 (with RFC 8301 key sizes
// and RFC 8463 Ed25519 keys), the DMARC policy discovery and tree walk of
// RFC 9989 beside the RFC 7489 Organizational Domain, the MX records and
// their reverse DNS (RFC 5321 §5.1, RFC 7505 null MX, FCrDNS), and the
// MTA-STS (RFC 8461), TLS-RPT (RFC 8460) and BIMI records, and the DNS
// blocklists of RFC 5782. Copying uses OSC
// 52 (tea.SetClipboard) so it works over SSH.
//
// Served over SSH (mxray serve, tui/serve), the workbench writes nothing:
// Config.ExportToView shows the Markdown report in a scrollable view that
// y copies whole; Config.Dial keeps fetches and probes to public addresses;
// Config.Audit hears what the user does, by size, never content.
//
// A message header (pasted, typed in the header editor, or given as a file
// or on stdin) is read once by diag.ReadMessage and checked by
// diag.CheckMessage, and adds two panes: the Received chain of RFC 5321
// §4.4 hop by hop, and each check of the message as the receiver recorded
// it in its RFC 8601 Authentication-Results (with RFC 8617 ARC) beside what
// DNS says today. Header text is decoded (RFC 2047) for display only and
// kept byte for byte for the run and the export.
//
// Keys go to the global bindings first and then to the focused pane, every
// other message to every pane, and after a pane handles a key the pane
// manager asks it what is selected and tells the others. All DNS work runs
// in tea.Cmds tagged with a run id (and, for a pane's own lookups, a
// request id); replies from a cancelled or earlier run are dropped. Nothing
// from DNS or a header reaches the screen without passing through
// diag/termsafe.
package tui
