// Package dkim finds, reads and checks DKIM keys, and re-verifies DKIM
// signatures from a pasted message, for mxray's domain investigation and
// header re-check.
//
// It implements:
//   - RFC 6376 (DomainKeys Identified Mail): the key record of §3.6.1, the
//     canonicalization algorithms of §3.4, header field selection of §5.4.2
//     and the verifier steps of §6.1;
//   - RFC 8301 (cryptographic algorithm and key usage update): rsa-sha1
//     signatures are rejected and RSA keys shorter than 1024 bits are
//     unusable;
//   - RFC 8463 (ed25519-sha256): a key's p= is the raw 32-byte Ed25519 public
//     key, and the signature is made over the SHA-256 hash of the signed
//     data.
//
// Three jobs live here:
//
//   - Discover looks up the keys for one domain: the selectors named by
//     messages' DKIM-Signature fields, those given on the command line, and a
//     table of selectors common providers use, probed concurrently at leaf
//     priority so they never slow the critical path.
//   - ParseKey breaks a key record down into its tags, the key type and
//     size, and the problems found, each with its byte position.
//   - Verify re-checks every DKIM-Signature of a message and says why one
//     fails, as precisely as the evidence allows (key gone, expired, a header
//     altered, the body altered, an algorithm RFC 8301 rejects, ...).
//
// Why not github.com/emersion/go-msgauth/dkim for verification: its Verify
// hashes the body before it looks at the header signature, so a message
// pasted without its body (the usual case in a helpdesk ticket) can never
// verify; it rejects every signature carrying l=, does not enforce the key's
// t=s flag, reports causes as untyped strings, and does not export its
// canonicalization. This package therefore does its own canonicalization and
// verification (crypto/rsa PKCS #1 v1.5 with SHA-256, crypto/ed25519 over the
// SHA-256 hash), and its tests use go-msgauth as a differential oracle on
// complete signed messages.
package dkim
