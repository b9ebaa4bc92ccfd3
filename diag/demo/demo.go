// Package demo holds mxray's embedded demo: a zone file served in-process by
// "mxray --demo" with no network at all, and a sample message whose hops and
// DKIM signatures point at the demo domains. Every name and address in it is
// reserved for documentation (RFC 2606 *.example, RFC 5737 and RFC 3849
// ranges), so the demo can never reach or describe a real host.
//
// The sample is written by ./internal/gensample from the keys in testdata;
// rerun it after changing the sample's text.
package demo

import (
	_ "embed"
)

//go:embed demo.zone
var zoneText string

//go:embed sample.eml
var sampleMessage []byte

// DefaultDomain is the domain "mxray --demo" opens on.
const DefaultDomain = "healthy.example"

// SampleName is the file name the sample message is shown under.
const SampleName = "sample.eml"

// Domain is one demo domain and what it shows.
type Domain struct {
	Name        string
	Description string
}

// Domains lists the domains worth opening in the demo, in the order the
// input screen offers them.
func Domains() []Domain {
	return []Domain{
		{"healthy.example", "everything right: 3 MX with FCrDNS, SPF 3 levels / 8 lookups, RSA-2048 and ed25519 DKIM, DMARC p=reject, MTA-STS, TLS-RPT"},
		{"broken.example", "a bit of everything wrong: SPF over 10 lookups with a loop, a void include and +all, weak and revoked DKIM, DMARC p=none with pct and a bad rua, a CNAME MX, a missing PTR"},
		{"mailer.example", "an email service provider that both domains include"},
	}
}

// ZoneText returns the demo zone file (RFC 1035 master-file format, several
// zones).
func ZoneText() string { return zoneText }

// SampleMessage returns a copy of the sample message: a newsletter from
// healthy.example relayed by mailer.example to receiver.example, with three
// DKIM signatures, one of them by a key that is no longer published.
func SampleMessage() []byte {
	return append([]byte(nil), sampleMessage...)
}
