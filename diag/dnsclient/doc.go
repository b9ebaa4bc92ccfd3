// Package dnsclient asks DNS every question an mxray investigation needs,
// and records each one for the DNS log.
//
// One *Client serves one investigation. Its behaviour, and why:
//
//   - Queries are RFC 1035 messages with an EDNS0 OPT record (RFC 6891)
//     advertising a 1232-byte UDP buffer, the DNS Flag Day 2020 value that
//     avoids IP fragmentation; RD is set unless the client asks the zone's
//     own nameservers. Message IDs come from crypto/rand and every question
//     has its own socket, so its source port is a fresh ephemeral one
//     (RFC 5452 §9.2).
//   - Replies are read off the socket by this package, not by miekg/dns's
//     Exchange: a reply whose ID, question or QR bit does not match is
//     ignored and the client keeps waiting for the real one until the
//     deadline (RFC 5452 §4.3), so a stray or spoofed datagram cannot end
//     a lookup early.
//   - A UDP reply with TC set is asked again over TCP, for that question only
//     (RFC 7766 §5); nothing shared is mutated to do it.
//   - Timeout bounds one question including its one retry: the first attempt
//     gets half of it, the retry (the next server, or the same one when there
//     is only one) the rest. SERVFAIL and REFUSED move on to the next server;
//     the status says SERVFAIL or REFUSED only when every server tried said
//     so. The caller's context ends a lookup at once.
//   - CNAME chains are followed (RFC 1034 §3.6.2): when a reply holds the
//     aliases but not the final records, the target is asked for. Chains are
//     bounded and loops stopped. NXDOMAIN and NODATA (RFC 2308) are answers,
//     with the negative TTL from the SOA; they are told apart because SPF's
//     void-lookup limit and DMARC's tree walk depend on it.
//   - Answers are cached for the client's life, and identical questions in
//     flight are merged into one on the wire. Limits protect the
//     investigation from hostile zones: a budget of questions on the wire,
//     of CNAMEs per chain and of TXT bytes in total.
//   - Questions have a priority (WithPriority): critical ones take slots from
//     their own pool and never wait behind leaf probes.
//   - Clients may share three things across investigations (a batch run, a
//     server's sessions): a Cache of replies (LRU-bounded, TTLs honoured and
//     capped, RFC 2308 negative answers, never failures), a Limiter called
//     before every question put on the wire (a global --qps cap), and a
//     Health tracker that notices when the resolvers stopped answering
//     altogether and makes questions fail at once instead of timing out one
//     by one.
//   - Overlays send names inside given zones to another server (mxray's
//     --zone and --demo); Authoritative mode finds each name's zone cut and
//     asks that zone's nameservers directly, bypassing caches.
package dnsclient
