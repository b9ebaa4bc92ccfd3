package demo

import _ "embed"

//go:embed blocklists.zone
var blocklistZoneText string

//go:embed blocklists.txt
var blocklistLists []byte

// BlocklistZoneText returns the zone of the demo blocklists (RFC 5782
// DNSBLs under dnsbl.example), served beside ZoneText under --demo. Its A
// records are blocklist return codes in 127.0.0.0/8, so it is kept apart
// from ZoneText, whose A records are all documentation addresses.
//
// What it shows: broken.example's MX address 198.51.100.10 is on the demo
// ZEN-style list with an SBL code; the demo mirror refuses the question
// about its other MX address, 198.51.100.25, with 127.255.255.254, as
// Spamhaus does through a public resolver; healthy.example is on no list.
// The sample message's sending IP, 203.0.113.10, has a policy (PBL)
// listing.
func BlocklistZoneText() string { return blocklistZoneText }

// ServedZoneText is everything "mxray --demo" serves: ZoneText and
// BlocklistZoneText together.
func ServedZoneText() string { return ZoneText() + "\n" + BlocklistZoneText() }

// BlocklistLists returns a copy of the demo list file (the format of
// diag/blocklist), which replaces the default lists under --demo.
func BlocklistLists() []byte { return append([]byte(nil), blocklistLists...) }
