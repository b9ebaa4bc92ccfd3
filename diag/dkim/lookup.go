package dkim

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"fmt"
	"strings"

	"github.com/miekg/dns"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/headers"
)

// KeyLookup is what DNS answered for one key record, s._domainkey.d: the
// observation a re-check's words are built from. DKIM verification and
// the ARC verifier (diag/arc) share it.
type KeyLookup struct {
	Name   string           // the name asked, s._domainkey.d, no final dot
	Status dnsclient.Status // the answer's status
	Server string           // the server that answered, host:port ("" when unknown)
	// ServerName names the server for people ("the demo zone"), when the
	// client's configuration does.
	ServerName string
	Target     string   // the end of a CNAME chain, when one was followed
	Records    []string // the TXT records found, strings joined
	Key        *Key     // the first record parsed; nil when there is none
	Err        error    // why the record cannot be read (ParseKey's error)
}

// LookupKey asks r for the key record of selector s in domain d (RFC 6376
// §3.6.2.1) and parses the first TXT record found.
func LookupKey(ctx context.Context, r dnsclient.Resolver, s, d string) KeyLookup {
	name := strings.TrimSuffix(keyName(s, d), ".")
	a := r.Lookup(ctx, name+".", dns.TypeTXT)
	l := KeyLookup{Name: name, Status: a.Status, Server: a.Server, ServerName: a.ServerName, Records: a.TXT()}
	if len(a.CNAMEs) > 0 {
		l.Target = strings.TrimSuffix(a.Target(), ".")
	}
	if a.Status == dnsclient.StatusRecords && len(l.Records) == 0 {
		l.Status = dnsclient.StatusNoData
	}
	if len(l.Records) > 0 {
		l.Key, l.Err = ParseKey(l.Records[0])
	}
	return l
}

// Observed says in words what DNS answered, naming the server: "DNS
// (192.0.2.53) answers NXDOMAIN for s1._domainkey.example.com TXT".
func (l KeyLookup) Observed() string {
	who := "DNS"
	if l.ServerName != "" {
		who = "DNS (" + l.ServerName + ")"
	} else if l.Server != "" {
		who = "DNS (" + serverHost(l.Server) + ")"
	}
	switch l.Status {
	case dnsclient.StatusRecords:
		return fmt.Sprintf("%s answers %d TXT record(s) for %s", who, len(l.Records), l.Name)
	case dnsclient.StatusNXDomain:
		return fmt.Sprintf("%s answers NXDOMAIN for %s TXT", who, l.Name)
	case dnsclient.StatusNoData:
		return fmt.Sprintf("%s answers no TXT record for %s (the name exists)", who, l.Name)
	}
	return fmt.Sprintf("%s gave no usable answer for %s TXT (%s)", who, l.Name, l.Status)
}

// serverHost drops the port 53 from host:port.
func serverHost(s string) string {
	if h, p, ok := strings.Cut(s, "]:"); ok && p == "53" {
		return strings.TrimPrefix(h, "[")
	}
	if strings.Count(s, ":") == 1 && strings.HasSuffix(s, ":53") {
		return strings.TrimSuffix(s, ":53")
	}
	return s
}

// VerifyHash checks a signature made over the SHA-256 hash sum with the
// key: RSA PKCS #1 v1.5 for KeyRSA, Ed25519 over the hash for KeyEd25519
// (RFC 8463 §3). want is the key type the signature's algorithm needs.
func VerifyHash(k *Key, want KeyType, sum, sig []byte) bool {
	switch pub := k.Public.(type) {
	case *rsa.PublicKey:
		return want == KeyRSA && rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum, sig) == nil
	case ed25519.PublicKey:
		return want == KeyEd25519 && ed25519.Verify(pub, sum, sig)
	}
	return false
}

// SelectHeaders returns, for each field name of an h= list in order, the
// index in fields of the field it signs, chosen from the bottom up as
// RFC 6376 §5.4.2 says, or -1 when none is left (the null string is
// hashed).
func SelectHeaders(fields []headers.Field, names []string) []int {
	return indexFields(fields).selectHeaders(names)
}

// WithoutSignature returns a raw DKIM-Signature (or ARC-Message-Signature,
// ARC-Seal) field with the value of its b= tag removed, as it is hashed
// (RFC 6376 §3.7).
func WithoutSignature(raw string) string { return withoutB(raw) }
