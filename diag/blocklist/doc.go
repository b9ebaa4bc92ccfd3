// Package blocklist answers "is this IP address or domain on a blocklist?"
// the way RFC 5782 (DNS blacklists and whitelists) defines it, and refuses
// to guess.
//
// An IP address is asked as its reversed octets (IPv4, RFC 5782 §2.1) or
// its 32 reversed nibbles (IPv6, §2.4) under the list's zone; an
// IPv4-mapped IPv6 address is asked as IPv4. A domain is asked by name
// (§3), either the full name or its registered domain (public suffix plus
// one label), as each list's documentation says. The A and TXT questions
// go out together, through the investigation's own dnsclient.Client (its
// cache and DNS log), at leaf priority, so blocklists never lengthen the
// investigation's critical path.
//
// Each answer is classified, never guessed:
//
//   - listed: the A records are return codes the list documents as
//     listings, each with its meaning (for Spamhaus ZEN, SBL, CSS, XBL and
//     PBL tell different stories; PBL is not a spam listing);
//   - not_listed: NXDOMAIN, or NODATA (the name exists without an A
//     record, which RFC 5782 §2.1 does not count as an entry);
//   - error: a timeout, SERVFAIL or REFUSED; a code the list documents as
//     an error (Spamhaus's 127.255.255.252/254/255: typo, public resolver,
//     over the free-use volume; URIBL's and SURBL's 127.0.0.1: query
//     blocked); any answer outside 127.0.0.0/8 or undocumented for that
//     list. Errors say what to do about them.
//
// Every list gets a health test once per Check, asked at the same moment as
// the real questions so that it costs no extra round trip: 127.0.0.2 (or the
// list's documented test domain) must be listed and 127.0.0.1 (or the
// domain "invalid") must not (RFC 5782 §5). A list that fails it is not
// usable: its answers are not counted, and every result from it is an error
// saying why.
//
// A list added by its zone alone (--blocklist ZONE, Set.Add) that is not
// one of the defaults documents nothing, so it is read by the conventions
// every list keeps: a code in 127.0.0.0/8 is a listing ("listed (zone
// gives no meanings)") except 127.0.0.0, 127.0.0.1 (RFC 5782 §5; URIBL's
// and SURBL's refusal) and the 127.255.255.0/24 error range, which are
// errors; anything else is an error as on every list.
//
// # The list file
//
// The default lists are data: blocklists.txt, embedded, versioned and
// reviewed; --blocklist-file replaces them with a file in the same format.
// It is line-based; '#' starts a comment line, blank lines are ignored,
// leading white space is ignored, and every other line is a keyword and its
// value:
//
//	mxray-blocklists 1                  the format and its version (the first line that is not a comment)
//	revision 2026-12-02                 the data's revision (optional)
//	list zen.spamhaus.org               starts a list; its query zone
//	  name Spamhaus ZEN                 required
//	  kind ip                           required: ip or domain
//	  ipv6 yes                          ip lists: whether IPv6 addresses are listed (default no)
//	  query registered                  domain lists: full or registered (default registered)
//	  lookup https://…?q={subject}      where to look a subject up; {subject} is replaced
//	  delist https://…                  where to ask for removal (default: lookup)
//	  refuses-public-resolvers yes      the list refuses queries through public resolvers
//	  dqs {key}.zen.dq.spamhaus.net     the Spamhaus Data Query Service zone, used with a DQS key
//	  note …                            one sentence shown with the list's errors
//	  source …                          where the code table comes from (repeatable)
//	  test-listed 127.0.0.2             health test: must be listed (default 127.0.0.2 or "test")
//	  test-unlisted 127.0.0.1           health test: must not be listed (default 127.0.0.1 or "invalid")
//	  code 127.0.0.2 listed error SBL: …          a return code (or a range a-b) that is a listing,
//	                                              its severity (error, warning, info or policy) and meaning
//	  code 127.255.255.254 error refused …        a return code that is an error, its kind (refused,
//	                                              limited, typo, key or query) and meaning
//	  bit 2 listed error URIBL black: …           bitmask lists: a bit of the last octet
//	end                                 ends the list
//
// A list has code lines or bit lines, not both. Parse errors name the file
// and line.
package blocklist
