package dkim

import (
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/mxray/mxray/headers/rfc5322"
	"github.com/mxray/mxray/headers/taglist"
)

// decodePublic reads p= for the key type: base64 (whitespace ignored), then
// for RSA a SubjectPublicKeyInfo or a PKCS #1 RSAPublicKey, for Ed25519 the
// raw 32 bytes (RFC 8463 §4).
func (k *Key) decodePublic(txt string, p *taglist.Tag) {
	start := valuePos(txt, p)
	data, err := base64.StdEncoding.DecodeString(rfc5322.StripFWS(p.Value))
	if err != nil {
		pos := start
		var ce base64.CorruptInputError
		if errors.As(err, &ce) {
			pos = start + rawOffset(p.Value, int(ce))
		}
		k.addError(&KeyError{Pos: pos, Tag: "p", Err: ErrKeyData, Reason: "p= is not valid base64", cause: err})
		return
	}
	switch k.Type {
	case KeyEd25519:
		if len(data) == ed25519.PublicKeySize {
			k.Public = ed25519.PublicKey(data)
			k.Bits = 8 * ed25519.PublicKeySize
			k.Format = FormatRaw
			return
		}
		reason := fmt.Sprintf("an ed25519 p= must hold exactly %d bytes, this one holds %d", ed25519.PublicKeySize, len(data))
		if pub, err := x509.ParsePKIXPublicKey(data); err == nil {
			if _, ok := pub.(ed25519.PublicKey); ok {
				reason = "p= holds the Ed25519 key wrapped in SubjectPublicKeyInfo; RFC 8463 §4 wants only the raw 32-byte key"
			}
		}
		k.addError(&KeyError{Pos: start, Tag: "p", Err: ErrKeyData, Reason: reason})
	case KeyRSA:
		pub, format, err := parseRSA(data)
		if err != nil {
			k.addError(&KeyError{Pos: start, Tag: "p", Err: ErrKeyData, Reason: err.Error(), cause: err})
			return
		}
		k.Public = pub
		k.Bits = pub.N.BitLen()
		k.Format = format
	}
}

// parseRSA reads an RSA public key as SubjectPublicKeyInfo, else as PKCS #1.
func parseRSA(der []byte) (*rsa.PublicKey, KeyFormat, error) {
	pub, err := x509.ParsePKIXPublicKey(der)
	if err == nil {
		if r, ok := pub.(*rsa.PublicKey); ok {
			return r, FormatSPKI, nil
		}
		return nil, "", fmt.Errorf("p= holds a %T, not an RSA key (k=rsa)", pub)
	}
	if r, err1 := x509.ParsePKCS1PublicKey(der); err1 == nil {
		return r, FormatPKCS1, nil
	}
	return nil, "", fmt.Errorf("p= is neither a SubjectPublicKeyInfo nor a PKCS #1 RSA public key: %w", err)
}

// rawOffset maps an offset in s with whitespace removed back to s.
func rawOffset(s string, stripped int) int {
	n := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\r', '\n':
			continue
		}
		if n == stripped {
			return i
		}
		n++
	}
	return len(s)
}
