package headers

import (
	"net/netip"
	"strings"

	"github.com/mxray/mxray/headers/authres"
	"github.com/mxray/mxray/headers/rfc5322"
	"github.com/mxray/mxray/headers/trace"
)

// Forefront is an X-Forefront-Antispam-Report field, which Microsoft 365
// (Exchange Online Protection) adds on receipt: "CIP:192.0.2.1;CTRY:US;
// SFV:NSPM;SCL:1;…".
type Forefront struct {
	CIP   netip.Addr         `json:"-"`              // "CIP": the connecting client IP
	CTRY  string             `json:"ctry,omitempty"` // country of the client IP
	SFV   string             `json:"sfv,omitempty"`  // spam filter verdict: NSPM, SPM, SKS, SFE, BLK, …
	SCL   string             `json:"scl,omitempty"`  // spam confidence level, -1 to 9
	H     string             `json:"h,omitempty"`    // the HELO the client gave
	PTR   string             `json:"ptr,omitempty"`  // the client IP's reverse-DNS name
	CAT   string             `json:"cat,omitempty"`  // the policy category applied: NONE, SPM, PHSH, SPOOF, …
	DIR   string             `json:"dir,omitempty"`  // direction: INB, OUT, INT
	IPV   string             `json:"ipv,omitempty"`  // IP filter verdict
	Pairs []authres.Property `json:"pairs"`          // every KEY:value in order
}

// ParseForefront reads the value of an X-Forefront-Antispam-Report field
// (its items by SplitItems, keys upper-cased).
func ParseForefront(value string) Forefront {
	f := Forefront{Pairs: []authres.Property{}}
	for _, p := range SplitItems(value, ':') {
		k, v := strings.ToUpper(p.Name), p.Value
		f.Pairs = append(f.Pairs, authres.Property{Name: k, Value: v})
		switch k {
		case "CIP":
			if ip, ok := trace.ParseIP(v); ok {
				f.CIP = ip
			}
		case "CTRY":
			f.CTRY = v
		case "SFV":
			f.SFV = v
		case "SCL":
			f.SCL = v
		case "H":
			f.H = v
		case "PTR":
			f.PTR = v
		case "CAT":
			f.CAT = v
		case "DIR":
			f.DIR = v
		case "IPV":
			f.IPV = v
		}
	}
	return f
}

// SplitItems reads a field made of "KEY:value;KEY:value;…" items, as
// Microsoft's anti-spam fields are (X-Forefront-Antispam-Report,
// X-Microsoft-Antispam, X-Microsoft-Antispam-Mailbox-Delivery, Exchange
// Server's X-MS-Exchange-Organization-Antispam-Report) and, with "=",
// Mimecast's X-Mimecast-Impersonation-Protect: folded lines joined, items
// split on ';', key and value on the first sep and trimmed, the key's case
// kept, in order. An item without sep is kept as a key with no value;
// empty items and Microsoft's stray "(null)" are dropped.
func SplitItems(value string, sep byte) []authres.Property {
	var out []authres.Property
	value = strings.ReplaceAll(rfc5322.Unfold(value), "(null)", "")
	for item := range strings.SplitSeq(value, ";") {
		k, v, _ := strings.Cut(item, string(sep))
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if k == "" && v == "" {
			continue
		}
		out = append(out, authres.Property{Name: k, Value: v})
	}
	return out
}

// spfCommentIP reads the IP of Microsoft's "(sender IP is 192.0.2.1)"
// comment on an spf result.
func spfCommentIP(comment string) (netip.Addr, bool) {
	const marker = "sender ip is "
	low := strings.ToLower(comment)
	k := strings.Index(low, marker)
	if k < 0 {
		return netip.Addr{}, false
	}
	rest := strings.TrimSpace(comment[k+len(marker):])
	word, _, _ := strings.Cut(rest, " ")
	word = strings.TrimRight(word, ");,")
	return trace.ParseIP(word)
}
