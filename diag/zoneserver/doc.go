// Package zoneserver is the in-process authoritative DNS server that serves
// zone text: mxray's --zone overlay and the offline --demo run on it, and
// tests use it as their DNS (through zoneserver/zoneservertest, which keeps
// package testing out of the binary).
//
// It serves zones written in RFC 1035 §5 master-file syntax (parsed with
// miekg/dns's ZoneParser; $ORIGIN and $TTL work, $INCLUDE is refused) on
// 127.0.0.1 over UDP and TCP on the same port, and answers the way a real
// authoritative server does (RFC 1034 §4.3.2):
//
//   - AA set on every answer from a served zone; REFUSED for a name outside
//     every zone.
//   - CNAMEs are chased while the target stays inside the served zones (the
//     chain is bounded and loops stop), RFC 1034 §3.6.2.
//   - Wildcards per RFC 4592: "*.<closest encloser>" answers names that do
//     not exist; it never shadows an existing name or an empty non-terminal.
//   - NXDOMAIN and NODATA carry the zone's SOA in the authority section with
//     the negative-caching TTL of RFC 2308 §3; an empty non-terminal exists
//     and answers NODATA.
//   - NS records below an apex are delegations: names at or under them get a
//     referral (AA clear, NS in authority, glue in additional).
//   - EDNS0 (RFC 6891) is echoed; a UDP answer larger than the client's
//     buffer (512 bytes without EDNS0) is truncated with TC set, and the
//     whole answer is served over TCP (RFC 7766).
//
// Tests change its behaviour while it serves: latency for every answer or
// per name, answers held back per name until the test releases them (Hold,
// with Pending to see them waiting: no clock to race), and faults per name
// and type (drop, SERVFAIL, REFUSED, forced truncation, a decoy reply with a
// wrong ID or a wrong question first).
// Replace swaps the zones atomically.
package zoneserver
