package smtp

import (
	"strings"

	"github.com/mxray/mxray/diag/policy"
	"github.com/mxray/mxray/diag/tlscert"
)

// sameHost compares host names case-insensitively, a trailing dot ignored.
func sameHost(a, b string) bool {
	return a != "" && strings.EqualFold(strings.TrimSuffix(a, "."), strings.TrimSuffix(b, "."))
}

// crossCheck holds what the server said about itself against what DNS
// says: the banner's name against the MX name and the PTR names, the
// certificate against the MTA-STS policy.
func crossCheck(r *Result, t Target, o Options) {
	if r.BannerHost != "" {
		r.BannerMatchesMX = sameHost(r.BannerHost, r.Host)
		if t.PTR != nil {
			r.noPTR = len(t.PTR.Names) == 0
			m := false
			for _, n := range t.PTR.Names {
				m = m || sameHost(r.BannerHost, n)
			}
			r.BannerMatchesPTR = &m
		}
	}
	ApplyMTASTS(r, o.MTASTS)
}

// ApplyMTASTS holds a probed address against an MTA-STS policy: it sets
// names_match_mta_sts (and the pattern matched), or leaves them null when
// there is no policy, no TLS or no host name. The probe does it when
// Options.MTASTS is set; a caller whose policy arrives after the probe
// (the TUI) calls it then.
func ApplyMTASTS(r *Result, pol *policy.STSPolicy) {
	if r.TLS == nil {
		return
	}
	r.TLS.NamesMatchMTASTS, r.TLS.MTASTSPattern = nil, ""
	if pol == nil || pol.Mode == policy.ModeNone || r.Host == "" {
		return
	}
	// RFC 8461 §4.1: the MX host must match an mx pattern; §4.2: the
	// certificate must be valid for that host (RFC 6125).
	ok := false
	for _, p := range pol.MX {
		if policy.MatchPattern(p, r.Host) {
			r.TLS.MTASTSPattern = p
			ok = len(r.Chain) > 0 && tlscert.MatchesHost(r.Chain[0], r.Host)
			break
		}
	}
	r.TLS.NamesMatchMTASTS = &ok
}
