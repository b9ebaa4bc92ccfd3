package advice

import (
	"context"
	"net/netip"

	"github.com/mxray/mxray/spf"
	"github.com/mxray/mxray/spf/internal/fakedns"
)

// fakeDNS is the in-memory resolver these tests build zones in, the same
// as the engine's tests (package fakedns).
type fakeDNS = fakedns.Zone[spf.TXTRecord]

func newFakeDNS() *fakeDNS { return fakedns.New[spf.TXTRecord](spf.ErrNXDomain) }

var bg = context.Background()

func ip(s string) netip.Addr { return netip.MustParseAddr(s) }

// on is the option every tree of these tests is built with.
var on = spf.WithAdvisor(Advisor{})

func hasFinding(fs []spf.Finding, code string, sev spf.Severity) bool {
	for _, f := range fs {
		if f.Code == code && f.Severity == sev {
			return true
		}
	}
	return false
}

func findingByCode(fs []spf.Finding, code string) *spf.Finding {
	for i := range fs {
		if fs[i].Code == code {
			return &fs[i]
		}
	}
	return nil
}

func codes(fs []spf.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, string(f.Severity)+":"+f.Code)
	}
	return out
}
