// Package headers reads pasted mail headers the way a technician pastes
// them and derives what email authentication needs from them: the Received
// chain and the sending IP, the HELO name, the envelope sender, the From
// domain, DKIM-Signature fields, and what the receiver itself recorded.
//
// It implements, or reads according to:
//
//   - RFC 5322 (Internet Message Format): header fields and folding, the
//     From address list (§3.4); its lexical pieces are in headers/rfc5322;
//   - RFC 2047 (encoded words, decoded for display only);
//   - RFC 6376 §3.5 (DKIM-Signature, through ParseDKIMSignature; the
//     tag-list of §3.2 is in headers/taglist);
//   - RFC 8617 (ARC): the structure of the chain, from the fields read by
//     headers/authres;
//   - RFC 5952 (IPv6 addresses are written in their canonical text form);
//   - RFC 8601 §5 (whose Authentication-Results to trust: every one is
//     listed, labelled by whose word it is);
//   - RFC 4870 (DomainKey-Signature, historic) and DKIM2 (an
//     Internet-Draft): such fields are listed, not evaluated.
//
// Parse repairs what copying and pasting does to a header (reply quoting,
// lost indentation, re-wrapping at a mail client's width, lines cut by a
// terminal) and says what it repaired (Problem, RepairKind); a field whose
// bytes a repair may have changed is marked (Field.Repair) so that a DKIM
// re-check can say it cannot be checked rather than "altered". Analyze
// finds where the message entered the receiving organisation from the
// receiver's hops and its own records (Authentication-Results and
// Received-SPF it wrote, names in private namespaces), and checks that the
// Received chain connects (a break with a jump in time is an inserted
// field, not clock skew).
//
// The field-level parsers live in subpackages: headers/trace reads the
// Received trace (RFC 5321 §4.4, RFC 3848) and dates (RFC 5322 §3.3,
// §4.3); headers/authres reads Authentication-Results (RFC 8601), the ARC
// fields and Received-SPF (RFC 7208 §9.1).
//
// The package is pure: it never touches the network or a terminal. Parse
// turns raw bytes into a Message (fields in order, the body when there is
// one, and the damage it repaired); Analyze turns a Message into an
// Analysis, which marshals to the headers JSON contract of DESIGN.md.
// Values are kept as received: invalid UTF-8 stays as bytes, and the
// display layer escapes it.
package headers
