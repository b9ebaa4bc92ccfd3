package thennow

import (
	"fmt"
	"strings"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/headers"
	"github.com/mxray/mxray/tui/kit"
)

// othersWrote lists, for the row's method, the Authentication-Results
// results that are not the receiver's word: another ADMD's (a forwarder, a
// list, the sender), or one that names the receiver but was already in
// the message. They are shown, labelled, never hidden: a foreign dkim=pass
// or dmarc=fail is what an investigator wants to see (RFC 8601 §5 says
// only not to trust it). Raw: the pane sanitises what it draws.
func (p *Pane) othersWrote(r diag.ThenNow) []string {
	var out []string
	g := p.Com.Glyphs
	for _, e := range p.msg.Analysis.AuthenticationResults {
		if e.Trusted || e.Method != string(r.Check) {
			continue
		}
		who := "another ADMD"
		switch e.Trust {
		case headers.TrustReceiverEarlier:
			who = "naming the receiver, already in the message"
		case headers.TrustUnnamed:
			who = "no authserv-id"
		}
		id := kit.OrNone(e.AuthServID)
		out = append(out, fmt.Sprintf("%s Not the receiver's word: %s (%s, line %d) wrote %s=%s", g.Warn, id, who, e.Line, e.Method, strings.ToLower(string(e.Result))))
	}
	return out
}
