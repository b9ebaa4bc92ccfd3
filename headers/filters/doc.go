// Package filters decodes the verdicts that receiving spam filters write
// into a message's header, judges whether each was written inside the
// receiving organisation, explains forwarding and address rewriting, and
// answers in one sentence why the message landed where it did.
//
// It reads Microsoft 365 (X-Forefront-Antispam-Report, X-Microsoft-Antispam,
// X-Microsoft-Antispam-Mailbox-Delivery, X-CustomSpam, and the compauth
// reason of its Authentication-Results), Exchange Server
// (X-MS-Exchange-Organization-SCL and friends), SpamAssassin and the
// programs that run it (X-Spam-*), rspamd (X-Spamd-Result, X-Rspamd-*),
// Proofpoint, Mimecast, Cisco Secure Email (IronPort), Barracuda, Gmail
// (X-Gm-*) and MailScanner. Each decoder names the published document its
// tables come from; a value the vendor does not document is shown raw and
// marked undocumented, and a widely reported but unofficial reading is
// marked as a guess. SpamAssassin's rule descriptions come from a table
// generated from its rules files (see below); rspamd's common symbols from
// a hand table naming rspamd's own descriptions.
//
// It reads, or reads according to:
//
//   - RFC 5321 §4.4 and RFC 5322 §3.6.7 (trace fields: which server added
//     what, through headers.Analysis's hops);
//   - RFC 8601 (Authentication-Results: the compauth method and the
//     results the why sentence cites);
//   - RFC 7208 (SPF results) and RFC 7489 (DMARC results and policies);
//
// Decode takes a headers.Message and the headers.Analysis of it: a filter's
// fields count as the receiver's (trusted) only when they sit above the
// Received field of the hop below the one on which the message entered the
// receiving organisation; fields further down were already in the message
// when it arrived (the sender's own filter, a forwarder's, or forged) and
// say who added them; fields below every Received field cannot be placed
// (filters that append at the end of the header put them there) unless
// they name their host, or unless they are the stamps of a service that
// writes them there and the receiving organisation is that service
// (Microsoft 365's Exchange Online). Microsoft 365's own words in its
// Authentication-Results (compauth and its reason code, read from the one
// table in headers/authres; dmarc's action=) join its verdict. Explain adds the forwarding story (package
// headers/forwarding) and the why sentence, given the authentication
// results (forwarding.AuthFromAnalysis, or the re-check's). Lines renders
// the section as plain text.
//
// The package is pure: no network, no terminal. Every string it returns
// may carry what a sender wrote; callers pass it through the terminal
// sanitiser before display.
//
// # Refreshing the SpamAssassin rule table
//
// sarules.tsv is generated, never edited. To refresh it from a newer
// SpamAssassin, install Debian's spamassassin package of that version
// (apt-get install spamassassin) and run
//
//	go generate ./headers/filters
//
// which runs internal/gensarules over /usr/share/spamassassin/*.cf and
// records the package version in the file's first line; then update the
// version in SOURCES.md and commit both. The output is sorted and
// deterministic, and TestRegenerate in internal/gensarules checks it
// against the installed package when that is the recorded version.
package filters
