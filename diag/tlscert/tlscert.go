// Package tlscert describes the certificate a TLS server presents and checks
// it the way mail senders do, with the three questions kept apart so a
// report can tell causes apart (a self-signed certificate is still
// described, and "expired" is not reported as "untrusted"):
//
//   - the chain: does it lead to a trusted root (RFC 5280 §6 path
//     validation, by crypto/x509), judged as of a moment inside the
//     certificate's own validity so that expiry is its own answer;
//   - the validity period: is now between notBefore and notAfter;
//   - the names: is the certificate valid for the host name (RFC 6125 §6.4:
//     DNS-IDs in subjectAltName, a wildcard only as the whole left-most
//     label; the subject CN is not used).
//
// mxray's SMTP probe (RFC 3207 STARTTLS, RFC 7672 DANE, RFC 8461 §4.2
// MTA-STS certificate validation) inspects the certificate after a
// handshake that accepted it, with InspectConfig; the MTA-STS policy fetch
// (RFC 8461 §3.3: HTTPS with a valid certificate) refuses it during the
// handshake, with StrictConfig. Both judge it with Verify.
package tlscert

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// Why a certificate fails; an *Error wraps one or more of them. Tell them
// apart with errors.Is.
var (
	// ErrNoCertificate: the server presented no certificate.
	ErrNoCertificate = errors.New("no certificate presented")
	// ErrUntrusted: the chain does not lead to a trusted root (self-signed,
	// an unknown CA, a missing intermediate, a bad signature).
	ErrUntrusted = errors.New("certificate chain is not trusted")
	// ErrExpired: now is after the certificate's notAfter.
	ErrExpired = errors.New("certificate has expired")
	// ErrNotYetValid: now is before the certificate's notBefore.
	ErrNotYetValid = errors.New("certificate is not valid yet")
	// ErrName: the certificate is not valid for the host name.
	ErrName = errors.New("certificate is not valid for the host name")
)

// Error says which certificate check failed for which host.
type Error struct {
	Host string // the name the certificate was checked for
	Err  error  // wraps one or more of the sentinels above
}

// Error reads "certificate for mx1.example.com: certificate has expired
// (notAfter 2024-01-02)".
func (e *Error) Error() string { return "certificate for " + e.Host + ": " + e.Err.Error() }

// Unwrap returns the causes.
func (e *Error) Unwrap() error { return e.Err }

// Cert describes a server's leaf certificate: the "cert" object of mxray's
// smtp JSON contract.
type Cert struct {
	Subject   string    `json:"subject"`
	SANs      []string  `json:"sans"` // DNS names and IP addresses of subjectAltName
	Issuer    string    `json:"issuer"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	// ChainValid: the chain leads to a trusted root (expiry and names are
	// judged apart).
	ChainValid bool `json:"chain_valid"`
	// Error lists every problem found (chain, period, names), "" when none.
	Error string `json:"error"`
}

// Options say what to trust and when.
type Options struct {
	// Roots are the trusted roots; nil means the system's.
	Roots *x509.CertPool
	// Now is the moment of the check; nil means time.Now.
	Now func() time.Time
}

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// Verification is the outcome of Verify: each check apart.
type Verification struct {
	Cert   Cert
	Chain  error // nil, or wraps ErrUntrusted (or ErrNoCertificate)
	Period error // nil, or wraps ErrExpired or ErrNotYetValid
	Name   error // nil, or wraps ErrName; nil too when no host was given
	// Chains are the verified chains, leaf first (empty when Chain failed).
	Chains [][]*x509.Certificate
}

// Err is every failed check as one *Error, or nil when all passed.
func (v Verification) Err(host string) error {
	if err := errors.Join(v.Chain, v.Period, v.Name); err != nil {
		return &Error{Host: host, Err: err}
	}
	return nil
}

// Verify describes the leaf of chain (as presented: leaf first, then what
// the server sent to help build the path) and checks chain, validity period
// and, when host is not empty, names, each apart.
func Verify(chain []*x509.Certificate, host string, o Options) Verification {
	var v Verification
	if len(chain) == 0 {
		v.Chain = ErrNoCertificate
		v.Cert.Error = ErrNoCertificate.Error()
		return v
	}
	leaf := chain[0]
	v.Cert = Describe(leaf)
	now := o.now()

	switch {
	case now.After(leaf.NotAfter):
		v.Period = fmt.Errorf("%w (notAfter %s)", ErrExpired, leaf.NotAfter.UTC().Format(time.DateOnly))
	case now.Before(leaf.NotBefore):
		v.Period = fmt.Errorf("%w (notBefore %s)", ErrNotYetValid, leaf.NotBefore.UTC().Format(time.DateOnly))
	}
	// Judge the chain inside the leaf's validity, so that an expired leaf
	// is "expired", not "untrusted". An expired intermediate still fails
	// the chain, as it fails for a sender.
	at := now
	switch {
	case errors.Is(v.Period, ErrExpired):
		at = leaf.NotAfter.Add(-time.Second) // its last valid moment
	case errors.Is(v.Period, ErrNotYetValid):
		at = leaf.NotBefore.Add(time.Second) // its first
	}
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	chains, err := leaf.Verify(x509.VerifyOptions{
		Roots:         o.Roots,
		Intermediates: inter,
		CurrentTime:   at,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	if err != nil {
		v.Chain = fmt.Errorf("%w: %v", ErrUntrusted, err)
	} else {
		v.Cert.ChainValid, v.Chains = true, chains
	}
	if host != "" && !MatchesHost(leaf, host) {
		v.Name = fmt.Errorf("%w %s (it names %s)", ErrName, strings.TrimSuffix(host, "."), namesOrNone(v.Cert.SANs))
	}
	var problems []string
	for _, e := range []error{v.Chain, v.Period, v.Name} {
		if e != nil {
			problems = append(problems, e.Error())
		}
	}
	v.Cert.Error = strings.Join(problems, "; ")
	return v
}

func namesOrNone(sans []string) string {
	if len(sans) == 0 {
		return "no subjectAltName"
	}
	return strings.Join(sans, ", ")
}

// Describe reads the fields of the JSON contract off a certificate.
func Describe(c *x509.Certificate) Cert {
	d := Cert{
		Subject:   c.Subject.String(),
		Issuer:    c.Issuer.String(),
		NotBefore: c.NotBefore.UTC(),
		NotAfter:  c.NotAfter.UTC(),
		SANs:      []string{},
	}
	d.SANs = append(d.SANs, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		d.SANs = append(d.SANs, ip.String())
	}
	return d
}

// MatchesHost reports whether c is valid for host by RFC 6125 §6.4: a
// DNS-ID in subjectAltName equal to host (case-insensitively, a trailing
// dot ignored), or a wildcard "*.rest" standing for exactly one whole
// left-most label. An IP address matches an iPAddress SAN. The subject CN
// is not consulted (RFC 6125 §6.4.4 allows it only without DNS-IDs; browsers
// and crypto/x509 no longer do).
func MatchesHost(c *x509.Certificate, host string) bool {
	host = strings.TrimSuffix(host, ".")
	return host != "" && c.VerifyHostname(host) == nil
}

// InspectConfig is the TLS client configuration for looking at a server's
// certificate: the handshake completes whatever the certificate (so a
// self-signed or mismatched one is still described), and the caller judges
// ConnectionState().PeerCertificates with Verify. serverName is sent as SNI.
// minVersion lets old servers be described rather than refused.
func InspectConfig(serverName string, minVersion uint16) *tls.Config {
	return &tls.Config{
		ServerName: sniName(serverName),
		MinVersion: minVersion,
		// Not verified during the handshake, on purpose: Verify judges the
		// chain, period and names afterwards and reports each; nothing is
		// sent over this connection that a forged certificate could steal.
		InsecureSkipVerify: true,
	}
}

// StrictConfig is the TLS client configuration for a connection that must
// be authenticated (the MTA-STS policy fetch): TLS 1.2 or later, and the
// handshake fails with an *Error when the chain, period or names fail,
// saying which.
func StrictConfig(serverName string, o Options) *tls.Config {
	host := strings.TrimSuffix(serverName, ".")
	return &tls.Config{
		ServerName: sniName(serverName),
		MinVersion: tls.VersionTLS12,
		// crypto/tls's own verification is replaced by Verify, which checks
		// the same things with the same crypto/x509 calls, but keeps the
		// causes apart; VerifyConnection runs on every handshake, resumed
		// ones included.
		InsecureSkipVerify: true,
		VerifyConnection: func(cs tls.ConnectionState) error {
			return Verify(cs.PeerCertificates, host, o).Err(host)
		},
	}
}

// sniName is the name to send as SNI: none for an IP address (RFC 6066 §3).
func sniName(name string) string {
	name = strings.TrimSuffix(name, ".")
	if net.ParseIP(name) != nil {
		return ""
	}
	return name
}
