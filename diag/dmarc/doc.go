// Package dmarc checks a domain's DMARC policy the way a receiver finds and
// applies it.
//
// It implements RFC 9989 (DMARCbis, which obsoletes RFC 7489 and RFC 9091;
// its section numbers are those of draft-ietf-dmarc-dmarcbis-41, which has
// the same text and algorithms):
//
//   - the policy record format and its ABNF (§4.7, §4.8), parsed with every
//     syntax error placed at its byte offset;
//   - the DNS Tree Walk (§4.10), its policy discovery (§4.10.1) and the
//     determination of the Organizational Domain for Identifier Alignment
//     (§4.10.2), with the eight-query limit and the jump for long names;
//   - the choice between p, sp and np (§4.7, §4.10.1, RFC 8020 for
//     non-existence), the handling of an invalid p, and the t=y testing
//     downgrade (§4.7);
//   - relaxed and strict Identifier Alignment (§3.2.10, §4.4) and the DMARC
//     pass/fail decision (§5.3.4, §5.3.5) for re-checking a message;
//   - the verification of external report destinations
//     (draft-ietf-dmarc-aggregate-reporting §3, RFC 7489 §7.1).
//
// It also shows the RFC 7489 view: the Organizational Domain taken from the
// Public Suffix List (RFC 7489 §3.2), the policy discovery of RFC 7489
// §6.6.3 and the pct tag, and says where a receiver still on RFC 7489 would
// decide differently.
//
// Every DNS question goes through a dnsclient.Resolver; the names of one
// walk are asked at once and decided in order. Nothing here touches a
// terminal: text is returned raw and the caller sanitizes it.
package dmarc
