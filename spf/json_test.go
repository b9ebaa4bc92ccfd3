package spf

import (
	"encoding/json"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

func jsonZone() *fakeDNS {
	return newFakeDNS().
		TXT("example.com", "v=spf1 mx include:_spf.provider.example ptr ~all exp=why.example.com").
		MX("example.com", "mx1.example.com").A("mx1.example.com", "192.0.2.10", "2001:db8::10").
		TXT("_spf.provider.example", "v=spf1 ip4:198.51.100.0/24 include:gone.provider.example -all").
		TXT("why.example.com", "%{i} is not a server of %{d}").
		TXT("mail.example.net", "v=spf1 a -all").A("mail.example.net", "203.0.113.25")
}

func TestJSONGolden(t *testing.T) {
	t.Run("flat", func(t *testing.T) {
		out, err := json.MarshalIndent(Prefetch(bg, jsonZone(), "example.com").Flatten(), "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		golden.RequireEqual(t, append(out, '\n'))
	})
}
