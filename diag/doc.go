// Package diag is mxray's investigation: everything that asks DNS about a
// domain or a pasted message, decides what it means, and reports it.
//
// A domain's investigation (Investigate) asks every independent question
// at once through one dnsclient.Client and streams each part (Event) as it
// is known: the MX hosts and their reverse DNS (RFC 5321 §5.1, RFC 7505,
// forward-confirmed PTR), the SPF record tree (RFC 7208, prefetched for
// check_host()), the DKIM keys (RFC 6376, RFC 8301, RFC 8463), the DMARC
// policy by the RFC 9989 tree walk beside the RFC 7489 organizational
// domain, the MTA-STS (RFC 8461), TLS-RPT (RFC 8460) and BIMI records, and
// whether the MX addresses and the domain are on DNS blocklists (RFC 5782,
// package blocklist; asked once the addresses are known, inside the
// critical path). The parts are listed once, in parts.go: how each is found, where it goes
// in the Report, its findings and its verdict (Report.Verdict), which
// views draw without deciding anything themselves.
//
// A message is read once (ReadMessage: RFC 5322 parsing and the header's
// analysis, by package headers) and checked by one pipeline
// (CheckMessage): SPF, every DKIM-Signature and DMARC re-checked against
// today's DNS and set beside what the receiver recorded (RFC 8601
// Authentication-Results, RFC 8617 ARC), the sending IP and the message's
// domains asked of the blocklists, with the From domain investigated
// through the same client when asked. MessageChecks sums the checks up.
//
// Every problem is a finding.Finding with a typed part and subject; the
// spf and headers packages keep their own problem types, converted here
// once. Reports are written as JSON (the contract of DESIGN.md), Markdown
// and text (package render), every string through package termsafe.
package diag
