package forwarding

import (
	"strings"
	"testing"
)

func FuzzParseSRS(f *testing.F) {
	for _, s := range []string{
		"SRS0=HHH=TT=example.org=alice@fwd.example",
		"SRS1=HHH=first.example==HHH=TT=example.org=alice@second.example",
		"bounces+SRS=44ldt=IX@contoso.com",
		"a+SRS=1=2=3=4=5@x",
		"SRS1=@",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, addr string) {
		s, ok := ParseSRS(addr)
		if !ok {
			return
		}
		if s.Forwarder == "" || !strings.Contains(strings.ToLower(addr), s.Forwarder) {
			t.Fatalf("forwarder %q not in %q", s.Forwarder, addr)
		}
		if (s.OriginalDomain == "") != (s.Original() == "") {
			t.Fatalf("original %q from %+v", s.Original(), s)
		}
	})
}
