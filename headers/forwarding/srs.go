package forwarding

import "strings"

// SRS is a return path rewritten by the Sender Rewriting Scheme, read.
//
// The forms are Shevek's (Mail::SRS, https://metacpan.org/pod/Mail::SRS,
// and libsrs2): "SRS0=HHH=TT=orig-domain=orig-local@forwarder" for one
// forwarder and "SRS1=HHH=first-forwarder==HHH=TT=orig-domain=orig-local@forwarder"
// when a second forwarder rewrites an SRS0 address (the separator after
// SRS0/SRS1 may be "=", "+" or "-"); and Microsoft 365's
// ("Sender Rewriting Scheme (SRS) in Microsoft 365",
// https://learn.microsoft.com/exchange/reference/sender-rewriting-scheme):
// "user+SRS=HHH=TT=orig-domain=orig-local@forwarding-domain", or
// "bounces+SRS=HHH=TT@default-domain" when that would exceed 64 characters
// (then the original sender is not in the address).
type SRS struct {
	Scheme    string `json:"scheme"`              // "SRS0", "SRS1" or "Microsoft 365"
	Hash      string `json:"hash,omitempty"`      // the forwarder's hash (opaque)
	Timestamp string `json:"timestamp,omitempty"` // the forwarder's two-character day stamp
	// OriginalDomain and OriginalLocal are the original envelope sender;
	// empty when the address does not carry it.
	OriginalDomain string `json:"original_domain,omitempty"`
	OriginalLocal  string `json:"original_local,omitempty"`
	// Forwarder is the domain of the address: the last forwarder, whose
	// SPF record the receiver checked.
	Forwarder string `json:"forwarder"`
	// FirstForwarder is the forwarder that first rewrote it (SRS1 only).
	FirstForwarder string `json:"first_forwarder,omitempty"`
}

// Original returns the original envelope sender, or "".
func (s SRS) Original() string {
	if s.OriginalDomain == "" {
		return ""
	}
	return s.OriginalLocal + "@" + s.OriginalDomain
}

// ParseSRS reads an SRS return path ("<…>" and case of the prefix are
// ignored); ok is false when addr is not one.
func ParseSRS(addr string) (SRS, bool) {
	addr = strings.TrimSpace(addr)
	addr = strings.TrimSuffix(strings.TrimPrefix(addr, "<"), ">")
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 || at == len(addr)-1 || len(addr) > 1024 {
		return SRS{}, false
	}
	local, domain := addr[:at], strings.ToLower(addr[at+1:])
	up := asciiUpper(local) // same length as local, whatever its bytes
	switch {
	case len(local) > 5 && (strings.HasPrefix(up, "SRS0") || strings.HasPrefix(up, "SRS1")) && strings.ContainsRune("=+-", rune(local[4])):
		body := local[5:]
		if up[3] == '0' {
			p := strings.SplitN(body, "=", 4)
			if len(p) != 4 || p[2] == "" || p[3] == "" {
				return SRS{}, false
			}
			return SRS{Scheme: "SRS0", Hash: p[0], Timestamp: p[1], OriginalDomain: strings.ToLower(p[2]), OriginalLocal: p[3], Forwarder: domain}, true
		}
		// SRS1: HHH=first-forwarder=<sep>HHH=TT=domain=local
		p := strings.SplitN(body, "=", 3)
		if len(p) != 3 || p[1] == "" || len(p[2]) < 1 {
			return SRS{}, false
		}
		rest := p[2]
		if strings.ContainsRune("=+-", rune(rest[0])) {
			rest = rest[1:]
		}
		q := strings.SplitN(rest, "=", 4)
		if len(q) != 4 || q[2] == "" || q[3] == "" {
			return SRS{}, false
		}
		return SRS{Scheme: "SRS1", Hash: p[0], FirstForwarder: strings.ToLower(p[1]), Timestamp: q[1],
			OriginalDomain: strings.ToLower(q[2]), OriginalLocal: q[3], Forwarder: domain}, true
	}
	if i := strings.Index(up, "+SRS="); i >= 0 {
		p := strings.Split(local[i+len("+SRS="):], "=")
		switch {
		case len(p) == 2 && p[0] != "" && p[1] != "":
			return SRS{Scheme: "Microsoft 365", Hash: p[0], Timestamp: p[1], Forwarder: domain}, true
		case len(p) >= 4 && p[2] != "" && p[3] != "":
			return SRS{Scheme: "Microsoft 365", Hash: p[0], Timestamp: p[1], OriginalDomain: strings.ToLower(p[2]),
				OriginalLocal: strings.Join(p[3:], "="), Forwarder: domain}, true
		}
	}
	return SRS{}, false
}

// asciiUpper upper-cases ASCII letters only, so that indexes into the
// result are indexes into s.
func asciiUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
