package blocklist

import (
	"net/netip"
	"strings"
	"testing"
)

// FuzzParse: no list file panics the parser; what it accepts holds the
// limits, and every list it accepts can be asked (valid zone, test entries,
// at least one listing code).
func FuzzParse(f *testing.F) {
	f.Add(defaultText)
	f.Add([]byte("mxray-blocklists 1\nlist a.test\n name A\n kind ip\n code 127.0.0.2-127.0.0.9 listed policy x\nend\n"))
	f.Add([]byte("mxray-blocklists 1\nlist a.test\n name A\n kind domain\n bit 1 error refused r\n bit 2 listed error b\nend\n"))
	f.Add([]byte("mxray-blocklists 1\nlist a.test\n\tname\tA\r\n kind ip\n"))
	f.Add([]byte("mxray-blocklists 1\nrevision x\nlist a.test\n dqs {key}.a.test\n code 127.0.0.2 listed error \xff\nend\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("fuzz", data)
		if err != nil {
			return
		}
		if len(s.Lists) > MaxLists || s.Format != FormatVersion {
			t.Fatalf("%d lists, format %d", len(s.Lists), s.Format)
		}
		for _, l := range s.Lists {
			if checkZone(l.Zone) != nil || l.Name == "" || len(l.Codes)+len(l.Bits) > MaxCodes {
				t.Fatalf("accepted %+v", l)
			}
			if l.Kind == KindIP {
				netip.MustParseAddr(l.TestListed)
				netip.MustParseAddr(l.TestUnlisted)
			}
			for _, c := range append(l.Codes, l.Bits...) {
				if c.Bit == 0 && (!c.From.IsLoopback() || c.To.Less(c.From)) {
					t.Fatalf("accepted code %+v", c)
				}
				if strings.ContainsAny(c.Meaning, "\x00\x1b\n") {
					t.Fatalf("control characters in %q", c.Meaning)
				}
			}
		}
	})
}
