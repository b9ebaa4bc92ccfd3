package headers

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mxray/mxray/headers/rfc5322"
	"github.com/mxray/mxray/headers/taglist"
)

// DKIMSignature is a parsed DKIM-Signature field (RFC 6376 §3.5). The same
// shape serves ARC-Message-Signature (RFC 8617 §4.1.2), which adds "i" as an
// instance number instead of an identity.
type DKIMSignature struct {
	Tags []taglist.Tag `json:"-"` // every tag in order, as written

	Version          string     `json:"v,omitempty"` // "v", must be "1"
	Algorithm        string     `json:"a"`           // "a", e.g. rsa-sha256, ed25519-sha256
	Signature        []byte     `json:"-"`           // "b", base64-decoded
	BodyHash         []byte     `json:"-"`           // "bh", base64-decoded
	Canonicalization string     `json:"c"`           // "c" as written; empty means simple/simple
	Domain           string     `json:"d"`           // "d", the signing domain (SDID)
	SignedHeaders    []string   `json:"h"`           // "h", field names in order, as written
	Identity         string     `json:"i,omitempty"` // "i", the AUID; default "@" + d
	Length           *int64     `json:"l"`           // "l", body length limit; nil when absent
	QueryMethods     string     `json:"q,omitempty"` // "q"
	Selector         string     `json:"s"`           // "s"
	Timestamp        *time.Time `json:"t,omitempty"` // "t", signing time
	Expiration       *time.Time `json:"x"`           // "x", expiry; nil when absent
	CopiedHeaders    string     `json:"z,omitempty"` // "z"

	// Problems lists what is wrong with the signature's syntax or semantics,
	// each in words; a signature with problems cannot verify (PERMFAIL).
	Problems []string `json:"problems,omitempty"`
}

// HeaderCanonicalization returns the header canonicalization: "simple" or
// "relaxed" (RFC 6376 §3.4; "simple" when c= is absent).
func (s *DKIMSignature) HeaderCanonicalization() string {
	h, _, _ := strings.Cut(s.Canonicalization, "/")
	if h == "" {
		return "simple"
	}
	return strings.ToLower(h)
}

// BodyCanonicalization returns the body canonicalization: "simple" or
// "relaxed" ("simple" when absent or when c= names only the header one).
func (s *DKIMSignature) BodyCanonicalization() string {
	_, b, ok := strings.Cut(s.Canonicalization, "/")
	if !ok || b == "" {
		return "simple"
	}
	return strings.ToLower(b)
}

// AUID returns the agent or user identifier: i= when present, else "@" + d
// (RFC 6376 §3.5).
func (s *DKIMSignature) AUID() string {
	if s.Identity != "" {
		return s.Identity
	}
	return "@" + s.Domain
}

// ErrDKIMSignature is wrapped by every error ParseDKIMSignature returns.
var ErrDKIMSignature = errors.New("invalid DKIM-Signature")

// ParseDKIMSignature parses the value of a DKIM-Signature field (everything
// after the colon). It checks what RFC 6376 §3.5 and §6.1.1 require of a
// signature before any key is fetched: the required tags, v=1, the i=/d=
// relation, From among the signed fields, and t= not after x=. What it
// finds wrong is listed in Problems; the returned error (wrapping
// ErrDKIMSignature) is non-nil when there is at least one problem. The
// signature is returned filled as far as it could be read, for display.
func ParseDKIMSignature(value string) (*DKIMSignature, error) {
	sig := &DKIMSignature{}
	tags, err := taglist.Parse(value)
	sig.Tags = tags
	if err != nil {
		sig.Problems = append(sig.Problems, err.Error())
	}
	sig.fill()
	sig.check()
	if len(sig.Problems) > 0 {
		return sig, fmt.Errorf("%w: %s", ErrDKIMSignature, strings.Join(sig.Problems, "; "))
	}
	return sig, nil
}

func (s *DKIMSignature) problem(format string, args ...any) {
	s.Problems = append(s.Problems, fmt.Sprintf(format, args...))
}

func (s *DKIMSignature) fill() {
	for _, t := range s.Tags {
		v := t.Value
		switch t.Name {
		case "v":
			s.Version = v
		case "a":
			s.Algorithm = strings.ToLower(v)
		case "b":
			s.Signature = s.decodeBase64("b", v)
		case "bh":
			s.BodyHash = s.decodeBase64("bh", v)
		case "c":
			s.Canonicalization = rfc5322.StripFWS(v)
		case "d":
			s.Domain = v
		case "h":
			for _, name := range strings.Split(v, ":") {
				s.SignedHeaders = append(s.SignedHeaders, strings.TrimSpace(name))
			}
		case "i":
			s.Identity = decodeQP(v)
		case "l":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 || len(v) > 76 {
				s.problem("l=%q is not a body length in octets", v)
				continue
			}
			s.Length = &n
		case "q":
			s.QueryMethods = v
		case "s":
			s.Selector = v
		case "t":
			s.Timestamp = s.parseTime("t", v)
		case "x":
			s.Expiration = s.parseTime("x", v)
		case "z":
			s.CopiedHeaders = v
		}
	}
}

// decodeQP decodes the DKIM quoted-printable of RFC 6376 §2.11 (i= and z=
// are written in it): folding white space is dropped and "=XX" is the
// octet of hexadecimal XX. An "=" not followed by two hexadecimal digits
// is kept as written.
func decodeQP(v string) string {
	v = rfc5322.StripFWS(v)
	if !strings.Contains(v, "=") {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '=' && i+2 < len(v) && isHex(v[i+1]) && isHex(v[i+2]) {
			b.WriteByte(unhex(v[i+1])<<4 | unhex(v[i+2]))
			i += 2
			continue
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

func (s *DKIMSignature) decodeBase64(tag, v string) []byte {
	b, err := base64.StdEncoding.DecodeString(rfc5322.StripFWS(v))
	if err != nil {
		s.problem("%s= is not valid base64", tag)
		return nil
	}
	return b
}

func (s *DKIMSignature) parseTime(tag, v string) *time.Time {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 || len(v) > 12 {
		s.problem("%s=%q is not a Unix time", tag, v)
		return nil
	}
	t := time.Unix(n, 0).UTC()
	return &t
}

func (s *DKIMSignature) check() {
	for _, req := range []string{"v", "a", "b", "bh", "d", "h", "s"} {
		if _, ok := taglist.Lookup(s.Tags, req); !ok {
			s.problem("required tag %s= is missing", req)
		}
	}
	if _, ok := taglist.Lookup(s.Tags, "v"); ok && s.Version != "1" {
		s.problem("v=%q: only version 1 exists", s.Version)
	}
	if len(s.SignedHeaders) > 0 && !containsFold(s.SignedHeaders, "from") {
		s.problem("h= does not include From, which RFC 6376 §5.4 requires")
	}
	for _, c := range []string{s.HeaderCanonicalization(), s.BodyCanonicalization()} {
		if c != "simple" && c != "relaxed" {
			s.problem("c=%q: canonicalization must be simple or relaxed", s.Canonicalization)
			break
		}
	}
	if s.Identity != "" && s.Domain != "" {
		_, idDomain, ok := strings.Cut(s.Identity, "@")
		if !ok || !isSubdomainFold(idDomain, s.Domain) {
			s.problem("i=%s is not in d=%s or a subdomain of it", s.Identity, s.Domain)
		}
	}
	if s.Timestamp != nil && s.Expiration != nil && s.Expiration.Before(*s.Timestamp) {
		s.problem("x= is before t=: the signature expired before it was made")
	}
}

func containsFold(list []string, want string) bool {
	for _, s := range list {
		if strings.EqualFold(s, want) {
			return true
		}
	}
	return false
}

// isSubdomainFold reports whether child equals parent or is below it,
// ignoring case and a trailing dot.
func isSubdomainFold(child, parent string) bool {
	child = strings.ToLower(strings.TrimSuffix(child, "."))
	parent = strings.ToLower(strings.TrimSuffix(parent, "."))
	return child == parent || strings.HasSuffix(child, "."+parent)
}
