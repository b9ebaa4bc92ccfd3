package zoneserver

import (
	"fmt"
	"sort"

	"github.com/miekg/dns"
)

// zone is one served zone: its records by owner and type, and the set of
// names that exist in it (owners plus every empty non-terminal above them).
type zone struct {
	apex  string
	soa   *dns.SOA
	nodes map[string]map[uint16][]dns.RR
	names map[string]struct{}
}

func newZone(apex string, soa *dns.SOA) *zone {
	z := &zone{
		apex:  apex,
		soa:   soa,
		nodes: map[string]map[uint16][]dns.RR{},
		names: map[string]struct{}{apex: {}},
	}
	z.nodes[apex] = map[uint16][]dns.RR{dns.TypeSOA: {soa}}
	return z
}

// add stores rr, whose owner is at or below the apex, and marks its owner
// and the names between it and the apex as existing.
func (z *zone) add(rr dns.RR) error {
	h := rr.Header()
	owner := canonical(h.Name)
	node := z.nodes[owner]
	if node == nil {
		node = map[uint16][]dns.RR{}
		z.nodes[owner] = node
	}
	_, hasCNAME := node[dns.TypeCNAME]
	switch {
	case h.Rrtype == dns.TypeCNAME && hasCNAME:
		return fmt.Errorf("%w (two CNAME records)", ErrCNAMEConflict)
	case h.Rrtype == dns.TypeCNAME && len(node) > 0, h.Rrtype != dns.TypeCNAME && hasCNAME:
		return ErrCNAMEConflict
	}
	node[h.Rrtype] = append(node[h.Rrtype], rr)
	for n := owner; n != z.apex; {
		z.names[n] = struct{}{}
		p, ok := parent(n)
		if !ok {
			break
		}
		n = p
	}
	return nil
}

// negativeSOA is the SOA to put in the authority section of NXDOMAIN and
// NODATA answers: its TTL is the smaller of the SOA's TTL and its MINIMUM
// field (RFC 2308 §3).
func (z *zone) negativeSOA() dns.RR {
	soa := dns.Copy(z.soa).(*dns.SOA)
	if soa.Minttl < soa.Hdr.Ttl {
		soa.Hdr.Ttl = soa.Minttl
	}
	return soa
}

// zoneSet is every zone one server answers for, deepest apex first so that
// find picks the most specific zone.
type zoneSet struct {
	zones []*zone
}

func (zs *zoneSet) addZone(z *zone) {
	zs.zones = append(zs.zones, z)
	sort.SliceStable(zs.zones, func(i, j int) bool {
		return dns.CountLabel(zs.zones[i].apex) > dns.CountLabel(zs.zones[j].apex)
	})
}

// find returns the deepest zone whose apex is name or an ancestor of it.
func (zs *zoneSet) find(name string) *zone {
	name = canonical(name)
	for _, z := range zs.zones {
		if dns.IsSubDomain(z.apex, name) {
			return z
		}
	}
	return nil
}

// exact returns the zone with this apex.
func (zs *zoneSet) exact(apex string) *zone {
	for _, z := range zs.zones {
		if z.apex == apex {
			return z
		}
	}
	return nil
}

// apexes lists the zone apexes, sorted.
func (zs *zoneSet) apexes() []string {
	out := make([]string, len(zs.zones))
	for i, z := range zs.zones {
		out[i] = z.apex
	}
	sort.Strings(out)
	return out
}
