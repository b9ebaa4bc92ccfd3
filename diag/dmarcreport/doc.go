// Package dmarcreport reads DMARC aggregate feedback reports and answers the
// question a consultant asks before moving a domain to p=reject: which
// servers send as this domain, which of them fail DMARC, and what must change.
//
// It reads both report schemas: RFC 7489 Appendix C and RFC 9990 (namespace
// urn:ietf:params:xml:ns:dmarc-2.0, with "testing", "np",
// "discovery_method" and the disposition "pass"), and the deviations real
// receivers produce: no namespace or a wrong one, empty elements, IPv6 in
// several forms, several auth_results per record, stray whitespace and
// capitalisation, "pct" present or not, "identities" for "identifiers".
//
// Reports come as .xml, .xml.gz, .zip, or as attachments of a message
// (.eml) or mailbox (mbox), detected by content, never by name; many files
// are merged into one [Set]. Every input is hostile: XML is decoded token
// by token with encoding/xml (the document is never held in memory), DTDs
// and entities are refused, decompression is capped in size and ratio, and
// archives in member count and nesting depth. Each problem is a
// [*FileError] naming the file, the member and the line; a bad file never
// stops the others, and a report that lies (negative counts, end before
// begin) becomes a finding instead of data.
//
// Rows are aggregated by (policy domain, source IP) as they are read, so
// memory follows the number of distinct sources, not of rows. [Set.Enrich]
// then names each source (PTR with forward confirmation, RFC 1912 §2.1)
// and finds the term of the domain's current SPF record (RFC 7208) that
// authorises it; it can be skipped (offline) and streams one
// [Enrichment] per source as it is known. [Set.Result] gives the readiness
// answer and the findings, in the "report" JSON contract of DESIGN.md, and
// [Result.Doc] its text and Markdown form.
//
// Text taken from reports is raw; the renderers pass it through
// diag/termsafe (via diag/render) before it reaches a terminal.
package dmarcreport
