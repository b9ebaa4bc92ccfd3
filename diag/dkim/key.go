package dkim

import (
	"crypto"
	"errors"
	"fmt"
	"strings"

	"github.com/mxray/mxray/headers/rfc5322"
	"github.com/mxray/mxray/headers/taglist"
)

// KeyType is the k= tag of a key record (RFC 6376 §3.6.1).
type KeyType string

// The key types.
const (
	KeyRSA     KeyType = "rsa"     // RFC 6376 §3.6.1, the default when k= is absent
	KeyEd25519 KeyType = "ed25519" // RFC 8463 §4
)

// KeyFormat says how p= encodes the public key.
type KeyFormat string

// The encodings met in published records.
const (
	// FormatSPKI is an RSA key as DER SubjectPublicKeyInfo, as RFC 6376
	// §3.6.1 and Appendix C publish it.
	FormatSPKI KeyFormat = "spki"
	// FormatPKCS1 is a bare DER RSAPublicKey (PKCS #1); RFC 6376 erratum 3017
	// notes records use it and many verifiers accept it.
	FormatPKCS1 KeyFormat = "pkcs1"
	// FormatRaw is the raw 32-byte Ed25519 key of RFC 8463 §4.
	FormatRaw KeyFormat = "raw"
)

// KeyVersion is the only value v= may take (RFC 6376 §3.6.1).
const KeyVersion = "DKIM1"

// The RFC 6376 §3.6.1 t= flags and s= service types.
const (
	FlagTesting     = "y"     // t=y: the domain is testing DKIM
	FlagStrict      = "s"     // t=s: i= must be in d= itself, not a subdomain
	ServiceAll      = "*"     // s=*: every service
	ServiceEmail    = "email" // s=email: electronic mail
	MinRSABits      = 1024    // RFC 8301 §3.2: shorter RSA keys must not be accepted
	RecommendedBits = 2048    // RFC 8301 §3.2: signers should use at least 2048
)

// Key is a DKIM key record broken down (RFC 6376 §3.6.1).
type Key struct {
	Record  string    `json:"record"`           // the TXT record as published, strings joined
	Version string    `json:"v,omitempty"`      // "v"
	Type    KeyType   `json:"key_type"`         // "k", rsa when absent
	Bits    int       `json:"key_bits"`         // key size from p=: RSA modulus bits, 256 for Ed25519
	Format  KeyFormat `json:"format,omitempty"` // how p= encodes the key
	Hashes  []string  `json:"h,omitempty"`      // "h", acceptable hash algorithms; empty = all
	// Services is "s", the service types; empty = all ("*").
	Services []string `json:"s,omitempty"`
	Flags    []string `json:"t,omitempty"` // "t", as written
	Testing  bool     `json:"testing"`     // t=y
	Strict   bool     `json:"strict"`      // t=s
	Notes    string   `json:"n,omitempty"` // "n", notes for humans
	Revoked  bool     `json:"revoked"`     // p= present and empty
	// Errors lists what is wrong with the record, each with its position.
	Errors []*KeyError `json:"-"`

	// Public is the key: *rsa.PublicKey or ed25519.PublicKey; nil when
	// revoked or unreadable.
	Public crypto.PublicKey `json:"-"`
	// Tags are the tags as written, in order.
	Tags []taglist.Tag `json:"-"`
}

// The sentinel errors a *KeyError wraps; tell them apart with errors.Is.
var (
	// ErrKeySyntax: the record breaks the RFC 6376 §3.2 tag-list grammar,
	// or lacks p=.
	ErrKeySyntax = errors.New("key record syntax error")
	// ErrKeyVersion: v= is not DKIM1, or not the first tag.
	ErrKeyVersion = errors.New("key record version error")
	// ErrKeyType: k= names a key type this verifier does not know.
	ErrKeyType = errors.New("unknown key type")
	// ErrKeyData: p= is not valid base64 or does not hold a key of type k=.
	ErrKeyData = errors.New("unreadable public key data")
	// ErrKeyRevoked: p= is empty: the key was revoked.
	ErrKeyRevoked = errors.New("key revoked")
	// ErrKeyTooSmall: an RSA key shorter than 1024 bits (RFC 8301 §3.2).
	ErrKeyTooSmall = errors.New("key too small")
	// ErrKeyNotEmail: s= lists service types and email is not among them.
	ErrKeyNotEmail = errors.New("key not for email")
	// ErrKeyHash: h= lists no hash algorithm a signature may use (only
	// sha1, which RFC 8301 forbids, or only unknown ones).
	ErrKeyHash = errors.New("key allows no usable hash")
)

// KeyError is one problem in a key record, with the byte offset in the
// record where it is.
type KeyError struct {
	Pos    int    // byte offset in the record
	Tag    string // the tag concerned, when there is one
	Reason string // what is wrong, in words
	Err    error  // one of the ErrKey* sentinels
	cause  error  // the underlying error, e.g. a *taglist.SyntaxError
}

// Error says what is wrong and at which byte.
func (e *KeyError) Error() string {
	if e.Tag != "" {
		return fmt.Sprintf("%v: %s= at byte %d: %s", e.Err, e.Tag, e.Pos, e.Reason)
	}
	return fmt.Sprintf("%v: at byte %d: %s", e.Err, e.Pos, e.Reason)
}

// Unwrap returns the sentinel and, when there is one, the underlying error.
func (e *KeyError) Unwrap() []error {
	if e.cause != nil {
		return []error{e.Err, e.cause}
	}
	return []error{e.Err}
}

// ParseKey reads a DKIM key record (RFC 6376 §3.6.1): the TXT record's
// strings already joined. It returns the key filled as far as it could be
// read and, when the record is broken, an error joining every *KeyError
// found (also listed in Key.Errors). A revoked key (empty p=) is not an
// error here: Key.Revoked says so and Usable reports it.
func ParseKey(txt string) (*Key, error) {
	k := &Key{Record: txt, Type: KeyRSA}
	tags, err := taglist.Parse(txt)
	k.Tags = tags
	if err != nil {
		var te *taglist.SyntaxError
		if errors.As(err, &te) {
			k.addError(&KeyError{Pos: te.Pos, Tag: te.Tag, Reason: te.Reason, Err: ErrKeySyntax, cause: te})
		} else {
			k.addError(&KeyError{Pos: 0, Reason: err.Error(), Err: ErrKeySyntax, cause: err})
		}
	}
	var p *taglist.Tag
	for i := range tags {
		t := &tags[i]
		switch t.Name {
		case "v":
			k.Version = t.Value
			if i != 0 {
				k.addError(&KeyError{Pos: t.Pos, Tag: "v", Err: ErrKeyVersion, Reason: "v= must be the first tag of the record"})
			}
			if t.Value != KeyVersion {
				k.addError(&KeyError{Pos: valuePos(txt, t), Tag: "v", Err: ErrKeyVersion, Reason: fmt.Sprintf("v=%q: the only version is %s", t.Value, KeyVersion)})
			}
		case "k":
			k.Type = KeyType(strings.ToLower(t.Value))
			if k.Type != KeyRSA && k.Type != KeyEd25519 {
				k.addError(&KeyError{Pos: valuePos(txt, t), Tag: "k", Err: ErrKeyType, Reason: fmt.Sprintf("k=%q: known key types are rsa and ed25519", t.Value)})
			}
		case "h":
			k.Hashes = splitColonList(t.Value, true)
		case "s":
			k.Services = splitColonList(t.Value, true)
		case "t":
			k.Flags = splitColonList(t.Value, false)
			for _, f := range k.Flags {
				switch strings.ToLower(f) {
				case FlagTesting:
					k.Testing = true
				case FlagStrict:
					k.Strict = true
				}
			}
		case "n":
			k.Notes = t.Value
		case "p":
			p = t
		}
	}
	switch {
	case p == nil:
		if err == nil {
			k.addError(&KeyError{Pos: len(txt), Tag: "p", Err: ErrKeySyntax, Reason: "p= is required and missing"})
		}
	case rfc5322.StripFWS(p.Value) == "":
		k.Revoked = true
	case k.Type == KeyRSA || k.Type == KeyEd25519:
		k.decodePublic(txt, p)
	}
	return k, k.err()
}

func (k *Key) addError(e *KeyError) { k.Errors = append(k.Errors, e) }

func (k *Key) err() error {
	switch len(k.Errors) {
	case 0:
		return nil
	case 1:
		return k.Errors[0]
	}
	errs := make([]error, len(k.Errors))
	for i, e := range k.Errors {
		errs[i] = e
	}
	return errors.Join(errs...)
}

// splitColonList splits a colon-separated tag value, whitespace removed,
// empty entries dropped, lower-cased when fold is set.
func splitColonList(v string, fold bool) []string {
	var out []string
	for _, s := range strings.Split(v, ":") {
		s = rfc5322.StripFWS(s)
		if s == "" {
			continue
		}
		if fold {
			s = strings.ToLower(s)
		}
		out = append(out, s)
	}
	return out
}

// valuePos returns the byte offset of t's value in the text it was parsed
// from.
func valuePos(txt string, t *taglist.Tag) int {
	if t.Pos < 0 || t.Pos > len(txt) {
		return t.Pos
	}
	eq := strings.IndexByte(txt[t.Pos:], '=')
	if eq < 0 {
		return t.Pos
	}
	start := t.Pos + eq + 1
	if i := strings.Index(txt[start:], t.Value); i >= 0 && t.Value != "" {
		return start + i
	}
	return start
}

// AcceptsHash reports whether h= allows the hash algorithm (sha256, sha1):
// an absent h= allows all (RFC 6376 §3.6.1).
func (k *Key) AcceptsHash(alg string) bool {
	if len(k.Hashes) == 0 {
		return true
	}
	for _, h := range k.Hashes {
		if h == alg {
			return true
		}
	}
	return false
}

// ForEmail reports whether s= allows email: absent, "*" or "email"
// (RFC 6376 §3.6.1).
func (k *Key) ForEmail() bool {
	if len(k.Services) == 0 {
		return true
	}
	for _, s := range k.Services {
		if s == ServiceAll || s == ServiceEmail {
			return true
		}
	}
	return false
}

// Usable returns nil when the key can verify an rsa-sha256 or
// ed25519-sha256 email signature, else why not: the first syntax error, or
// ErrKeyRevoked, ErrKeyTooSmall, ErrKeyNotEmail, ErrKeyHash, each wrapped
// in a *KeyError.
func (k *Key) Usable() error {
	if len(k.Errors) > 0 {
		return k.Errors[0]
	}
	pPos := len(k.Record)
	if t := findTag(k.Tags, "p"); t != nil {
		pPos = valuePos(k.Record, t)
	}
	if k.Revoked {
		return &KeyError{Pos: pPos, Tag: "p", Err: ErrKeyRevoked, Reason: "p= is empty: the domain revoked this key"}
	}
	if k.Type == KeyRSA && k.Bits < MinRSABits {
		return &KeyError{Pos: pPos, Tag: "p", Err: ErrKeyTooSmall, Reason: fmt.Sprintf("a %d-bit RSA key is below the %d bits RFC 8301 §3.2 requires", k.Bits, MinRSABits)}
	}
	if !k.ForEmail() {
		t := findTag(k.Tags, "s")
		return &KeyError{Pos: valuePos(k.Record, t), Tag: "s", Err: ErrKeyNotEmail, Reason: fmt.Sprintf("s=%s does not include email or *", strings.Join(k.Services, ":"))}
	}
	if !k.AcceptsHash("sha256") {
		t := findTag(k.Tags, "h")
		return &KeyError{Pos: valuePos(k.Record, t), Tag: "h", Err: ErrKeyHash, Reason: fmt.Sprintf("h=%s does not include sha256, and RFC 8301 §3.1 forbids verifying with sha1", strings.Join(k.Hashes, ":"))}
	}
	return nil
}

func findTag(tags []taglist.Tag, name string) *taglist.Tag {
	for i := range tags {
		if tags[i].Name == name {
			return &tags[i]
		}
	}
	return nil
}
