package dkim

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"hash"
	"strings"
	"sync"
)

// headerHash computes the RFC 6376 §3.7 hash over the selected header
// fields and the signature field itself with b= emptied, no final CRLF.
func (c *check) headerHash(v *verifier) []byte {
	return c.headerHashWith(v, sha256.New())
}

// headerHashWith computes the header hash with h.
func (c *check) headerHashWith(v *verifier, h hash.Hash) []byte {
	for _, i := range v.idx.selectHeaders(c.sig.SignedHeaders) {
		if i < 0 {
			continue
		}
		h.Write([]byte(CanonicalizeHeader(c.hdrC, v.fields[i].Raw)))
	}
	self := CanonicalizeHeader(c.hdrC, withoutB(v.fields[c.res.Field].Raw))
	h.Write([]byte(strings.TrimSuffix(self, "\r\n")))
	return h.Sum(nil)
}

// verifyHeaders checks b= over the header hash: RSA PKCS #1 v1.5 with
// SHA-256, or Ed25519 over the SHA-256 hash (RFC 8463 §3).
func (c *check) verifyHeaders(v *verifier, k *Key) bool {
	return VerifyHash(k, c.keyType, c.headerHash(v), c.sig.Signature)
}

// verifySHA1 checks an rsa-sha1 signature's b= over the SHA-1 header hash,
// only to say whether it would have verified where SHA-1 is accepted.
func (c *check) verifySHA1(v *verifier, k *Key) bool {
	pub, ok := k.Public.(*rsa.PublicKey)
	return ok && rsa.VerifyPKCS1v15(pub, crypto.SHA1, c.headerHashWith(v, sha1.New()), c.sig.Signature) == nil
}

// checkBody compares bh= with the body when there is one, filling
// BodyHash. It returns false only when l= claims more body than there is.
func (c *check) checkBody(v *verifier) bool {
	if !v.hasBody {
		return true
	}
	limit := int64(-1)
	if c.sig.Length != nil {
		limit = *c.sig.Length
	}
	sum := v.bodies.get(c.bodyC, limit)
	if limit >= 0 {
		switch {
		case sum.length < limit:
			c.res.BodyHash = BodyHashFail
			return false
		case sum.length > limit:
			c.note("%d octets of the %d-octet canonical body are not covered by the signature: they were added after signing, or left unsigned on purpose", sum.length-limit, sum.length)
		}
	}
	if subtle.ConstantTimeCompare(sum.sum, c.sig.BodyHash) == 1 {
		c.res.BodyHash = BodyHashPass
	} else {
		c.res.BodyHash = BodyHashFail
	}
	return true
}

// bodyKey identifies one body hash computation.
type bodyKey struct {
	c     Canonicalization
	limit int64
}

type bodySum struct {
	sum    []byte
	length int64 // the whole canonical body length
}

// bodyHashes computes each (canonicalization, l=) body hash once per
// message, whichever signature asks first.
type bodyHashes struct {
	mu   sync.Mutex
	body []byte
	sums map[bodyKey]bodySum
}

func (b *bodyHashes) get(c Canonicalization, limit int64) bodySum {
	b.mu.Lock()
	defer b.mu.Unlock()
	k := bodyKey{c, limit}
	if s, ok := b.sums[k]; ok {
		return s
	}
	h := sha256.New()
	n, _ := CanonicalizeBody(h, c, b.body, limit)
	s := bodySum{sum: h.Sum(nil), length: n}
	b.sums[k] = s
	return s
}
