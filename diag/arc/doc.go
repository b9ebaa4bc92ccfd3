// Package arc verifies the Authenticated Received Chain of a pasted
// message (RFC 8617): the tags of every ARC set, the ARC-Message-Signature
// and ARC-Seal signatures against keys from DNS, and the chain validation
// status, which it compares with the cv= the newest sealer wrote.
//
// ARC is moving to Historic: the IETF DKIM working group's DKIM2 is its
// successor, and receivers keep evaluating ARC in the meantime. This
// package checks what ARC headers say; it does not seal.
//
// It implements RFC 8617 §4 (the three header fields and their tags,
// including the instance tag i=, 1 to 50), §5.1.1 (what the seal signs:
// every ARC set up to its own, in instance order, AAR then AMS then AS,
// relaxed header canonicalization, the seal's own b= empty) and §5.2 (the
// validator's steps: structure, the newest cv=, the newest AMS, every seal
// from the newest down). Signatures are checked with the DKIM machinery of
// diag/dkim: the key lookup (LookupKey, so the same DNS client, cache and
// query log as the re-check), canonicalization, header selection (RFC 6376
// §5.4.2) and the RSA and Ed25519 checks, with RFC 8301's rules (no
// rsa-sha1, no RSA key under 1024 bits).
//
// Why not a library: github.com/emersion/go-msgauth (v0.7.0, the newest the
// module proxy serves) has DKIM, DMARC and Authentication-Results but no
// ARC, and its DKIM verifier cannot be reused for ARC's two signatures
// (ARC-Message-Signature's i= is an instance, not an identity, and the
// seal's hash input is a sequence of ARC sets, which a DKIM verifier has no
// way to build). The ValiMail ARC test suite (testdata/arc/valimail) runs
// as a table test against this package.
package arc
