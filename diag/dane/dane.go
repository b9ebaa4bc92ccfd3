// Package dane checks a mail server's certificate against the TLSA records
// of its MX host: DNS-Based Authentication of Named Entities (RFC 6698),
// with the operational rules of RFC 7671 and the SMTP profile of RFC 7672.
//
// For SMTP the TLSA records live at _25._tcp.<MX host> (RFC 7672 §2.2.3).
// Only the usages DANE-TA(2) and DANE-EE(3) apply; PKIX-TA(0) and PKIX-EE(1)
// are unusable for SMTP (RFC 7672 §3.1.3) and are reported as such. With
// DANE-EE the certificate's names and validity dates are not checked (RFC
// 7672 §3.1.1); with DANE-TA the chain must lead from the server's
// certificate to the matched trust anchor and the certificate must name the
// MX host (RFC 7672 §3.1.2, §3.2).
//
// DANE means something only when the TLSA records are DNSSEC-validated:
// senders ignore records that are not (RFC 7672 §2.2). mxray does not
// validate DNSSEC itself; it reads the resolver's AD bit
// (dnsclient.Answer.DNSSEC) and trusts the resolver's validation.
package dane

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/mxray/mxray/diag/dnsclient"
)

// Usage is a TLSA certificate usage (RFC 6698 §2.1.1, names of RFC 7218).
type Usage uint8

// The certificate usages.
const (
	PKIXTA Usage = 0 // CA constraint; unusable for SMTP (RFC 7672 §3.1.3)
	PKIXEE Usage = 1 // service certificate constraint; unusable for SMTP
	DANETA Usage = 2 // trust anchor assertion (RFC 7672 §3.1.2)
	DANEEE Usage = 3 // domain-issued certificate (RFC 7672 §3.1.1)
)

// Selector says which part of a certificate is matched (RFC 6698 §2.1.2).
type Selector uint8

// The selectors.
const (
	SelectorCert Selector = 0 // the full certificate (DER)
	SelectorSPKI Selector = 1 // the SubjectPublicKeyInfo (DER)
)

// MatchingType says how the selected data is compared (RFC 6698 §2.1.3).
type MatchingType uint8

// The matching types.
const (
	MatchFull   MatchingType = 0 // exact match
	MatchSHA256 MatchingType = 1 // SHA-256 hash
	MatchSHA512 MatchingType = 2 // SHA-512 hash
)

// Port is the SMTP port whose TLSA records mail senders use (RFC 7672 §2.2.3).
const Port = 25

// maxRecords caps the TLSA records considered for one host.
const maxRecords = 32

// Record is one TLSA record.
type Record struct {
	Usage        Usage
	Selector     Selector
	MatchingType MatchingType
	Data         []byte // the certificate association data
}

// String writes the record in presentation form: "3 1 1 <hex>".
func (r Record) String() string {
	return fmt.Sprintf("%d %d %d %s", r.Usage, r.Selector, r.MatchingType, hex.EncodeToString(r.Data))
}

// usable says why a record cannot be used for SMTP, or "" when it can.
func (r Record) usable() string {
	switch r.Usage {
	case PKIXTA, PKIXEE:
		return fmt.Sprintf("usage %d (PKIX-%s) is not used for SMTP (RFC 7672 §3.1.3)", r.Usage, map[Usage]string{PKIXTA: "TA", PKIXEE: "EE"}[r.Usage])
	case DANETA, DANEEE:
	default:
		return fmt.Sprintf("usage %d is not defined", r.Usage)
	}
	if r.Selector > SelectorSPKI {
		return fmt.Sprintf("selector %d is not defined", r.Selector)
	}
	want := map[MatchingType]int{MatchSHA256: sha256.Size, MatchSHA512: sha512.Size}
	switch {
	case r.MatchingType > MatchSHA512:
		return fmt.Sprintf("matching type %d is not defined", r.MatchingType)
	case r.MatchingType != MatchFull && len(r.Data) != want[r.MatchingType]:
		return fmt.Sprintf("%d bytes of data for matching type %d, which needs %d", len(r.Data), r.MatchingType, want[r.MatchingType])
	case len(r.Data) == 0:
		return "no association data"
	}
	return ""
}

// FromRR reads a TLSA resource record.
func FromRR(rr *dns.TLSA) (Record, error) {
	data, err := hex.DecodeString(rr.Certificate)
	if err != nil {
		return Record{}, fmt.Errorf("TLSA data is not hexadecimal: %w", err)
	}
	return Record{Usage: Usage(rr.Usage), Selector: Selector(rr.Selector), MatchingType: MatchingType(rr.MatchingType), Data: data}, nil
}

// Name is the TLSA owner name for a host and port: _25._tcp.<host>.
func Name(host string, port int) string {
	return "_" + strconv.Itoa(port) + "._tcp." + dns.Fqdn(strings.ToLower(host))
}

// Lookup is the TLSA answer for one MX host.
type Lookup struct {
	Name    string
	Records []Record
	Status  dnsclient.Status
	DNSSEC  dnsclient.DNSSEC
	Err     error // the lookup's failure, or a record that could not be read
}

// Find asks r for the TLSA records of host on port.
func Find(ctx context.Context, r dnsclient.Resolver, host string, port int) Lookup {
	name := Name(host, port)
	a := r.Lookup(ctx, name, dns.TypeTLSA)
	l := Lookup{Name: name, Status: a.Status, DNSSEC: a.DNSSEC, Err: a.Err}
	if l.DNSSEC == "" {
		l.DNSSEC = dnsclient.DNSSECUnknown
	}
	for _, rr := range a.Records {
		t, ok := rr.(*dns.TLSA)
		if !ok || len(l.Records) >= maxRecords {
			continue
		}
		rec, err := FromRR(t)
		if err != nil {
			l.Err = err
			continue
		}
		l.Records = append(l.Records, rec)
	}
	return l
}

// Outcome is the "dane" object of mxray's smtp JSON contract.
type Outcome struct {
	TLSA   []string         `json:"tlsa"`   // the records, in presentation form
	DNSSEC dnsclient.DNSSEC `json:"dnssec"` // of the TLSA answer
	// Match: whether a usable record matched the presented chain; null
	// when there is nothing to match (no usable records, or no chain).
	Match   *bool    `json:"match"`
	Matched string   `json:"matched,omitempty"` // the record that matched
	Notes   []string `json:"notes,omitempty"`   // records that cannot be used, and why
	Error   string   `json:"error,omitempty"`   // the TLSA lookup's failure

	usable int // records DANE senders can use
}

// Usable reports whether DANE senders would act on these records: at least
// one usable record, DNSSEC-validated (RFC 7672 §2.2).
func (o Outcome) Usable() bool { return o.DNSSEC == dnsclient.DNSSECSecure && o.usable > 0 }

// Check matches the records of l against the chain a server presented for
// host (leaf first), as of now. A nil chain (no TLS) gives no Match.
func Check(l Lookup, chain []*x509.Certificate, host string, now time.Time) Outcome {
	o := Outcome{TLSA: []string{}, DNSSEC: l.DNSSEC}
	if l.Err != nil && l.Status.Temporary() {
		o.Error = l.Err.Error()
	}
	for _, r := range l.Records {
		o.TLSA = append(o.TLSA, r.String())
		if why := r.usable(); why != "" {
			o.Notes = append(o.Notes, r.String()+": "+why)
			continue
		}
		o.usable++
	}
	if o.usable == 0 || len(chain) == 0 {
		return o
	}
	match := false
	for _, r := range l.Records {
		if r.usable() != "" {
			continue
		}
		ok, why := matchRecord(r, chain, host, now)
		if ok {
			match, o.Matched = true, r.String()
			break
		}
		if why != "" {
			o.Notes = append(o.Notes, r.String()+": "+why)
		}
	}
	o.Match = &match
	return o
}
