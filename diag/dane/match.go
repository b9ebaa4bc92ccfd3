package dane

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"time"

	"github.com/mxray/mxray/diag/tlscert"
)

// selected is the part of c that selector s names.
func selected(c *x509.Certificate, s Selector) []byte {
	if s == SelectorSPKI {
		return c.RawSubjectPublicKeyInfo
	}
	return c.Raw
}

// associated reports whether data (selected from a certificate) is what r
// publishes.
func associated(r Record, data []byte) bool {
	switch r.MatchingType {
	case MatchSHA256:
		sum := sha256.Sum256(data)
		return bytes.Equal(sum[:], r.Data)
	case MatchSHA512:
		sum := sha512.Sum512(data)
		return bytes.Equal(sum[:], r.Data)
	}
	return bytes.Equal(data, r.Data)
}

// matchRecord holds one usable record against the chain. DANE-EE matches
// the server's own certificate, whatever its names and dates (RFC 7672
// §3.1.1). DANE-TA matches a certificate the server sent after its own; the
// server's certificate must then chain to it and name host (RFC 7672
// §3.1.2, §3.2.2). why says what failed when a record almost matched.
func matchRecord(r Record, chain []*x509.Certificate, host string, now time.Time) (ok bool, why string) {
	leaf := chain[0]
	if r.Usage == DANEEE {
		return associated(r, selected(leaf, r.Selector)), ""
	}
	for i, ta := range chain[1:] {
		if !associated(r, selected(ta, r.Selector)) {
			continue
		}
		roots := x509.NewCertPool()
		roots.AddCert(ta)
		inter := x509.NewCertPool()
		for _, c := range chain[1 : i+1] {
			inter.AddCert(c)
		}
		if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: now,
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
			return false, "the trust anchor matched, but the server's certificate does not chain to it: " + err.Error()
		}
		if !tlscert.MatchesHost(leaf, host) {
			return false, "the trust anchor matched, but the server's certificate does not name " + host
		}
		return true, ""
	}
	return false, ""
}
