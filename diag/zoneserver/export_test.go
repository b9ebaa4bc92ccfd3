package zoneserver

import "strings"

// AdvertisedUDPSize lets the external tests (which start servers through
// zoneservertest) check the EDNS0 size the server echoes.
const AdvertisedUDPSize = advertisedUDPSize

// bigZone has a TXT RRset far larger than 512 bytes.
func bigZone() string {
	var b strings.Builder
	b.WriteString("$ORIGIN example.\n@ SOA ns hm 1 2 3 4 60\nwww A 192.0.2.1\n")
	for i := range 20 {
		b.WriteString("big TXT \"" + strings.Repeat(string(rune('a'+i)), 100) + "\"\n")
	}
	return b.String()
}

// BigZone is bigZone for the external tests.
var BigZone = bigZone
