// Package readiness answers, from DMARC aggregate reports read by
// diag/dmarcreport, the question asked before a domain moves to an
// enforcing policy (p=quarantine, p=reject; RFC 9989 §4.7): which servers
// send as the domain, which of them fail DMARC, and what must change.
//
// [Enrich] names each source: its PTR name with forward confirmation
// (RFC 1912 §2.1), the term of the domain's current SPF record that
// authorises it (RFC 7208; one prefetched tree per domain, every source
// evaluated against it, the deciding path's top term kept), a well-known
// service from a small embedded table, and, for a failing source, an
// include that would authorise it. It can be skipped (offline) and streams
// one [Enrichment] per source as soon as it is known.
//
// [Build] gives the answer in the "report" JSON contract of DESIGN.md: per
// source the volume, alignment and raw results and an [Action] with the
// fix in words (add this include, sign with d=..., leave forwarding and
// spoofing failing), per domain the share of volume that passes and what
// blocks enforcement, and findings for reports whose policy differs from
// today's DNS, stale reports, testing and pct states, and reports that lie.
// [Result.Doc] lays it out for diag/render's text and Markdown writers.
package readiness
