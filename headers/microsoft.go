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

// ParseForefront reads the value of an X-Forefront-Antispam-Report field.
func ParseForefront(value string) Forefront {
	var f Forefront
	for _, item := range strings.Split(rfc5322.Unfold(value), ";") {
		k, v, ok := strings.Cut(item, ":")
		if !ok {
			continue
		}
		k = strings.ToUpper(strings.TrimSpace(k))
		v = strings.TrimSpace(v)
		if k == "" {
			continue
		}
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
	if f.Pairs == nil {
		f.Pairs = []authres.Property{}
	}
	return f
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
