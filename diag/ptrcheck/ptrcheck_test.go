package ptrcheck

import (
	"net/netip"
	"testing"
)

func TestGeneric(t *testing.T) {
	ip := netip.MustParseAddr("198.51.100.30")
	for name, want := range map[string]bool{
		"dsl-198-51-100-30.pool.isp.example": true,
		"30.100.51.198.static.example":       true,
		"host-198-51-100-30.example":         true,
		"c633641e.example":                   true,
		"cpe-01.cable.example":               true,
		"mail.example.com":                   false,
		"mx1.healthy.example":                false,
		"dynamo.example":                     false,
		"smtp-out-30.example":                false,
	} {
		if got := Generic(ip, name); got != want {
			t.Errorf("Generic(%s) = %v, want %v", name, got, want)
		}
	}
}
