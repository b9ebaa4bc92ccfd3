// Package headers reads pasted mail headers the way a technician pastes
// them and derives what email authentication needs from them: the Received
// chain and the sending IP, the HELO name, the envelope sender, the From
// domain, DKIM-Signature fields, and what the receiver itself recorded.
//
// It implements, or reads according to:
//
//   - RFC 5322 (Internet Message Format): header fields, folding, dates
//     (§3.3 and the obsolete syntax of §4.3), address lists (§3.4);
//   - RFC 5321 §4.4 (the Received trace field) and RFC 3848 (the WITH
//     protocol types);
//   - RFC 2047 (encoded words, decoded for display only);
//   - RFC 8601 (Authentication-Results);
//   - RFC 7208 §9.1 (Received-SPF);
//   - RFC 6376 §3.5 (DKIM-Signature, through ParseDKIMSignature);
//   - RFC 8617 (ARC: ARC-Seal, ARC-Message-Signature,
//     ARC-Authentication-Results and the structure of the chain);
//   - RFC 5952 (IPv6 addresses are written in their canonical text form).
//
// The package is pure: it never touches the network or a terminal. Parse
// turns raw bytes into a Message (fields in order, the body when there is
// one, and the damage it repaired); Analyze turns a Message into an
// Analysis, which marshals to the headers JSON contract of DESIGN.md.
// Values are kept as received: invalid UTF-8 stays as bytes, and the
// display layer escapes it.
package headers
