package tlscert

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net"
	"time"
)

// CA is an in-memory certificate authority: mxray's demo makes one at
// start to issue its SMTP servers' certificates, and tests make them for
// every kind of broken chain. Nothing it issues is ever trusted outside the
// process that made it.
type CA struct {
	Cert *x509.Certificate
	Key  crypto.Signer
	// parents are the CA certificates above Cert, nearest first (none for a
	// root).
	parents []*x509.Certificate
}

// NewCA makes a self-signed root CA named commonName, valid from a day
// before now for ten years, with a new ECDSA P-256 key.
func NewCA(commonName string, now time.Time) (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := caTemplate(commonName, now)
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("tlscert: CA: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &CA{Cert: cert, Key: key}, nil
}

// Intermediate issues a subordinate CA named commonName under ca.
func (ca *CA) Intermediate(commonName string, now time.Time) (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	der, err := x509.CreateCertificate(rand.Reader, caTemplate(commonName, now), ca.Cert, key.Public(), ca.Key)
	if err != nil {
		return nil, fmt.Errorf("tlscert: intermediate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &CA{Cert: cert, Key: key, parents: append([]*x509.Certificate{ca.Cert}, ca.parents...)}, nil
}

func caTemplate(commonName string, now time.Time) *x509.Certificate {
	return &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: commonName},
		NotBefore:             now.Add(-24 * time.Hour),
		NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
}

// Pool is a pool holding only ca's root: what a client told to trust it
// uses as Roots.
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	root := ca.Cert
	if len(ca.parents) > 0 {
		root = ca.parents[len(ca.parents)-1]
	}
	p.AddCert(root)
	return p
}

// Leaf describes a server certificate to issue.
type Leaf struct {
	// Names go into subjectAltName: DNS names, or IP addresses in their
	// text form. The first is also the subject's common name.
	Names     []string
	NotBefore time.Time
	NotAfter  time.Time
	// Key is the certificate's key; nil makes a new ECDSA P-256 key.
	Key crypto.Signer
}

// Issue signs a server certificate for l and returns it with its chain up
// to, not including, the root (the chain a server presents).
func (ca *CA) Issue(l Leaf) (tls.Certificate, error) {
	return issue(l, ca.Cert, ca.Key, append([]*x509.Certificate{ca.Cert}, ca.parents...))
}

// SelfSigned makes a certificate for l signed by its own key, as many mail
// servers present.
func SelfSigned(l Leaf) (tls.Certificate, error) {
	return issue(l, nil, nil, nil)
}

func issue(l Leaf, parent *x509.Certificate, parentKey crypto.Signer, chain []*x509.Certificate) (tls.Certificate, error) {
	key := l.Key
	if key == nil {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return tls.Certificate{}, err
		}
		key = k
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		NotBefore:    l.NotBefore,
		NotAfter:     l.NotAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if len(l.Names) > 0 {
		tmpl.Subject.CommonName = l.Names[0]
	}
	for _, n := range l.Names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), parentKey)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("tlscert: leaf: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, err
	}
	out := tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
	// The root is not sent; intermediates are.
	for i, c := range chain {
		if i == len(chain)-1 {
			break
		}
		out.Certificate = append(out.Certificate, c.Raw)
	}
	return out, nil
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return big.NewInt(time.Now().UnixNano())
	}
	return n
}
