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

// FuzzDecode: no set of A records a list answers panics the reading of
// it or is misread, on any list mxray ships or a zone added by name: a
// listing has its meanings and only 127.0.0.0/8 codes, none of them
// 127.0.0.0, 127.0.0.1 or in 127.255.255.0/24 unless the list's own table
// calls it a listing; an answer holding an address outside 127.0.0.0/8 is
// an error.
func FuzzDecode(f *testing.F) {
	f.Add([]byte{127, 0, 0, 2})
	f.Add([]byte{127, 255, 255, 254, 127, 0, 0, 2})
	f.Add([]byte{127, 0, 0, 10, 127, 0, 0, 4})
	f.Add([]byte{10, 0, 0, 1})
	f.Add([]byte{127, 0, 1, 102})
	lists := append(Default().Lists, Demo().Lists...)
	generic, _ := Set{}.Add("unknown.test")
	lists = append(lists, generic.Lists...)
	f.Fuzz(func(t *testing.T, data []byte) {
		var addrs []netip.Addr
		for i := 0; i+4 <= len(data) && len(addrs) < 8; i += 4 {
			addrs = append(addrs, netip.AddrFrom4([4]byte(data[i:i+4])))
		}
		for _, l := range lists {
			v := decodeAll(&l, addrs)
			if v.kind != "" {
				if v.text == "" || len(v.meanings) != 0 {
					t.Fatalf("%s: error %q without words or with meanings %q", l.Zone, v.kind, v.meanings)
				}
				continue
			}
			if len(addrs) > 0 && (len(v.meanings) == 0 || v.severity == "") {
				t.Fatalf("%s: listing %v without meaning or severity", l.Zone, addrs)
			}
			for _, a := range addrs {
				b := a.As4()
				if b[0] != 127 {
					t.Fatalf("%s: %s read as a listing", l.Zone, a)
				}
				if l.Generic && (b[1] == 255 && b[2] == 255 || b[1] == 0 && b[2] == 0 && b[3] <= 1) {
					t.Fatalf("%s: %s read as a listing", l.Zone, a)
				}
			}
		}
	})
}
