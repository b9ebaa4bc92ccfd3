package diag

import (
	"errors"
	"testing"
)

func TestParseTarget(t *testing.T) {
	tests := []struct {
		in, domain, unicode, ip string
		kind                    TargetKind
	}{
		{"example.com", "example.com", "example.com", "", TargetDomain},
		{"  Example.COM. ", "example.com", "example.com", "", TargetDomain},
		{"bücher.example", "xn--bcher-kva.example", "bücher.example", "", TargetDomain},
		{"xn--bcher-kva.example", "xn--bcher-kva.example", "bücher.example", "", TargetDomain},
		{"alice@example.org", "example.org", "example.org", "", TargetDomain},
		{"Alice <alice@Mail.Example.org>", "mail.example.org", "mail.example.org", "", TargetDomain},
		{"https://www.example.net:8443/path?q=1", "www.example.net", "www.example.net", "", TargetDomain},
		{"192.0.2.1 example.com", "example.com", "example.com", "192.0.2.1", TargetIPDomain},
		{"example.com 2001:db8::1", "example.com", "example.com", "2001:db8::1", TargetIPDomain},
		{"::ffff:192.0.2.7 example.com", "example.com", "example.com", "192.0.2.7", TargetIPDomain},
		{"_dmarc.example.com", "_dmarc.example.com", "_dmarc.example.com", "", TargetDomain},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTarget(tt.in)
			if err != nil {
				t.Fatalf("ParseTarget: %v", err)
			}
			if got.Domain != tt.domain || got.Unicode != tt.unicode || got.Kind != tt.kind {
				t.Errorf("got %+v", got)
			}
			if tt.ip != "" && got.IP.String() != tt.ip {
				t.Errorf("ip = %s, want %s", got.IP, tt.ip)
			}
		})
	}
	for _, bad := range []string{"", "localhost", "a..b", "192.0.2.1", "exa mple.com x", "has space.com x y", "ex!ample.com", "http://", "1.2.3.4 5.6.7.8"} {
		t.Run("bad "+bad, func(t *testing.T) {
			if _, err := ParseTarget(bad); !errors.Is(err, ErrTarget) {
				t.Errorf("ParseTarget(%q) err = %v, want ErrTarget", bad, err)
			}
		})
	}
}
