package kit

import (
	"net/netip"
	"strings"

	"github.com/mxray/mxray/diag/finding"
)

// SelectionKind says what a Selection names.
type SelectionKind int

// The kinds of selection.
const (
	SelectNone      SelectionKind = iota
	SelectIP                      // an address: a sending IP, an MX address
	SelectDomain                  // a domain or host name: an SPF node, an MX host
	SelectSelector                // a DKIM selector
	SelectSignature               // a DKIM-Signature of a message: its d= and s=
	SelectHop                     // a Received hop with no client IP recorded
)

// Selection is the one thing the workbench has selected, owned by the root
// and shared by every pane: choosing an IP in one pane evaluates it against
// the SPF tree and shows its reverse DNS; choosing a domain or selector
// moves the panes that show it to it; choosing a message's DKIM-Signature
// shows the key it names.
type Selection struct {
	Kind     SelectionKind // what Name, Domain, IP or Hop hold
	IP       netip.Addr    // for SelectIP
	Name     string        // the domain (lower case, no trailing dot) or selector
	Domain   string        // for SelectSignature: the signing domain (d=), lower case
	Hop      int           // the Received hop (1 = origin) it came from, 0 for none
	ViaPane  finding.Part  // the pane it was chosen in
	Explicit bool          // chosen on purpose (enter, a typed IP), not by moving a cursor
	// Suggest, for an IP, is an SPF term that would authorise it if the
	// investigated domain's record had it ("include:spf.mailer.example"):
	// the Reports pane's fix for a failing source, which the SPF pane's
	// what-if editor tries.
	Suggest string
}

// IPSelection selects an address.
func IPSelection(ip netip.Addr) Selection {
	return Selection{Kind: SelectIP, IP: ip.Unmap()}
}

// DomainSelection selects a domain or host name.
func DomainSelection(name string) Selection {
	return Selection{Kind: SelectDomain, Name: NormName(name)}
}

// SelectorSelection selects a DKIM selector.
func SelectorSelection(s string) Selection {
	return Selection{Kind: SelectSelector, Name: s}
}

// SignatureSelection selects a message's DKIM-Signature by its d= and s=.
func SignatureSelection(d, s string) Selection {
	return Selection{Kind: SelectSignature, Name: s, Domain: NormName(d)}
}

// HopSelection selects a Received hop by its index (1 = origin).
func HopSelection(index int) Selection {
	return Selection{Kind: SelectHop, Hop: index}
}

// IsZero reports whether nothing is selected.
func (s Selection) IsZero() bool { return s.Kind == SelectNone }

// Same reports whether two selections name the same thing, wherever they
// were chosen.
func (s Selection) Same(o Selection) bool {
	return s.Kind == o.Kind && s.IP == o.IP && s.Name == o.Name && s.Domain == o.Domain &&
		(s.Kind != SelectHop || s.Hop == o.Hop)
}

// String is the selection as a person reads it.
func (s Selection) String() string {
	switch s.Kind {
	case SelectIP:
		return s.IP.String()
	case SelectDomain, SelectSelector:
		return s.Name
	case SelectSignature:
		return "d=" + s.Domain + " s=" + s.Name
	case SelectHop:
		return "hop " + Itoa(s.Hop)
	default:
		return ""
	}
}

// NormName lower-cases a DNS name and drops the trailing dot, as a
// Selection holds names.
func NormName(s string) string {
	return strings.TrimSuffix(strings.ToLower(s), ".")
}
