package tui

import (
	"net/netip"
	"strings"
)

// SelectionKind says what a Selection names.
type SelectionKind int

// The kinds of selection.
const (
	SelectNone     SelectionKind = iota
	SelectIP                     // an address: a sending IP, an MX address
	SelectDomain                 // a domain or host name: an SPF node, an MX host
	SelectSelector               // a DKIM selector
)

// Selection is the one thing the workbench has selected, owned by the root
// and shared by every pane: choosing an IP in one pane evaluates it against
// the SPF tree and shows its reverse DNS; choosing a domain or selector
// moves the panes that show it to it.
type Selection struct {
	Kind     SelectionKind // what Name or IP hold
	IP       netip.Addr    // for SelectIP
	Name     string        // the domain (lower case, no trailing dot) or selector
	ViaPane  PaneID        // the pane it was chosen in
	Explicit bool          // chosen on purpose (enter, a typed IP), not by moving a cursor
}

// IPSelection selects an address.
func IPSelection(ip netip.Addr) Selection {
	return Selection{Kind: SelectIP, IP: ip.Unmap()}
}

// DomainSelection selects a domain or host name.
func DomainSelection(name string) Selection {
	return Selection{Kind: SelectDomain, Name: normName(name)}
}

// SelectorSelection selects a DKIM selector.
func SelectorSelection(s string) Selection {
	return Selection{Kind: SelectSelector, Name: s}
}

// IsZero reports whether nothing is selected.
func (s Selection) IsZero() bool { return s.Kind == SelectNone }

// Same reports whether two selections name the same thing, wherever they
// were chosen.
func (s Selection) Same(o Selection) bool {
	return s.Kind == o.Kind && s.IP == o.IP && s.Name == o.Name
}

// String is the selection as a person reads it.
func (s Selection) String() string {
	switch s.Kind {
	case SelectIP:
		return s.IP.String()
	case SelectDomain, SelectSelector:
		return s.Name
	default:
		return ""
	}
}

// normName lower-cases a DNS name and drops the trailing dot.
func normName(s string) string {
	return strings.TrimSuffix(strings.ToLower(s), ".")
}
