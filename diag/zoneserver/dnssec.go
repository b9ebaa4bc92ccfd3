package zoneserver

import (
	"sync"

	"github.com/miekg/dns"
)

// adZones are the zones whose answers the server marks as DNSSEC-validated.
type adZones struct {
	mu    sync.Mutex
	zones map[string]bool // canonical apex → marked
}

// SetAD makes the server set the AD (Authenticated Data) bit on answers for
// names at or below zone, as a validating resolver does for a signed zone
// (RFC 4035 §3.2.3), when the query set DO or AD (RFC 6840 §5.8); on false
// it stops. The zones themselves are not signed: this stands in for a
// resolver's validation in tests and in the demo, where mxray's DANE check
// reads the AD bit and trusts it. Safe to call while the server serves.
func (s *Server) SetAD(zone string, on bool) {
	s.ad.mu.Lock()
	defer s.ad.mu.Unlock()
	if s.ad.zones == nil {
		s.ad.zones = map[string]bool{}
	}
	if on {
		s.ad.zones[canonical(zone)] = true
	} else {
		delete(s.ad.zones, canonical(zone))
	}
}

// markAD sets AD on resp when its question lies in a zone marked by SetAD,
// the reply is an answer (NOERROR or NXDOMAIN) and the query asked for
// DNSSEC (DO or AD set).
func (s *Server) markAD(req, resp *dns.Msg) {
	if len(req.Question) != 1 || (resp.Rcode != dns.RcodeSuccess && resp.Rcode != dns.RcodeNameError) {
		return
	}
	opt := req.IsEdns0()
	if !req.AuthenticatedData && (opt == nil || !opt.Do()) {
		return
	}
	name := canonical(req.Question[0].Name)
	s.ad.mu.Lock()
	defer s.ad.mu.Unlock()
	for zone := range s.ad.zones {
		if dns.IsSubDomain(zone, name) {
			resp.AuthenticatedData = true
			return
		}
	}
}
