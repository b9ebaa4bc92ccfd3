// Package dmarcreport reads DMARC aggregate feedback reports: the data a
// consultant needs before moving a domain to p=reject (which servers send
// as the domain, and which of them fail). Package readiness, below it,
// names the sources and gives the answer.
//
// It reads both report schemas: RFC 7489 Appendix C and RFC 9990 (namespace
// urn:ietf:params:xml:ns:dmarc-2.0, with "testing", "np",
// "discovery_method" and the disposition "pass"), and the deviations real
// receivers produce: no namespace or another one, empty elements, IPv6 in
// several forms, several auth_results per record, stray whitespace and
// capitalisation, "pct" present or not, "identities" for "identifiers".
//
// Reports come as .xml, .xml.gz, .zip, or as attachments of a message
// (.eml, RFC 5322 and MIME, RFC 2045/2046) or a mailbox (mbox, RFC 4155),
// detected by content, never by name; many files are merged into one
// [Set]. Every input is hostile: XML is read token by token on one
// goroutine by a small streaming scanner written for this package
// (internal/xmlscan, whose doc says why encoding/xml and the fast
// tokenizers do not fit), so the document is never held in memory and a
// million-row report reads in seconds; DTDs and entities are refused,
// decompression is capped in size and ratio, and archives in member count
// and nesting depth. Each problem is a [*FileError] naming the file, the
// member and the line; a bad file never stops the others, and a report
// that lies (negative counts, end before begin) gets a [Problem] instead
// of being counted.
//
// Rows are aggregated by (policy domain, source IP) as they are read, so
// memory follows the number of distinct sources, not of rows.
//
// Text taken from reports is raw; whoever shows it passes it through
// diag/termsafe (diag/render does).
package dmarcreport
