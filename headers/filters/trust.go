package filters

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mxray/mxray/headers"
	"github.com/mxray/mxray/headers/forwarding"
)

// placement is where each field of a message sits relative to the point
// where the message entered the receiving organisation.
type placement struct {
	m *headers.Message
	a *headers.Analysis
	// recv are the indexes of the Received fields in m.Fields, top first.
	recv []int
	// hop maps a Received field's index to its hop in a.Hops.
	hop map[int]headers.Hop
	// boundary is the index of the topmost Received field whose hop is not
	// internal: the hop on which the message entered the receiving
	// organisation; -1 when every hop is internal.
	boundary int
	// regionEnd is the index of the first field that is not the
	// receiver's: the Received field of the hop below the boundary
	// (len(m.Fields) when there is none). Fields between the boundary
	// hop's Received field and that one count as the receiver's, as
	// headers.Analyze counts them for Authentication-Results: milters
	// insert their fields below the MTA's own Received field.
	regionEnd int
	noHops    bool // no Received field, or no Analysis to read them with
}

func placeFields(m *headers.Message, a *headers.Analysis) *placement {
	p := &placement{m: m, a: a, hop: map[int]headers.Hop{}, boundary: -1, regionEnd: len(m.Fields)}
	for i, f := range m.Fields {
		if strings.EqualFold(f.Name, "Received") {
			p.recv = append(p.recv, i)
		}
	}
	if a == nil || len(p.recv) == 0 {
		p.noHops = true
		return p
	}
	byLine := map[int]headers.Hop{}
	for _, h := range a.Hops {
		byLine[h.Line] = h
	}
	for _, i := range p.recv {
		if h, ok := byLine[m.Fields[i].Line]; ok {
			p.hop[i] = h
		}
	}
	for k, i := range p.recv {
		h, ok := p.hop[i]
		if ok && h.Internal {
			continue
		}
		p.boundary = i
		if k+1 < len(p.recv) {
			p.regionEnd = p.recv[k+1]
		}
		break
	}
	return p
}

// last returns the index of the bottom Received field.
func (p *placement) last() int { return p.recv[len(p.recv)-1] }

// zone names the part of the header field i belongs to, for grouping: all
// of the receiver's region is one zone; below it, each stretch between two
// Received fields is its own.
func (p *placement) zone(i int) string {
	switch {
	case p.noHops:
		return "?"
	case p.boundary < 0:
		return "R"
	case i > p.last():
		return "B"
	case i < p.regionEnd:
		return "R"
	}
	return "E" + strconv.Itoa(p.segment(i))
}

// segment counts the Received fields above field i.
func (p *placement) segment(i int) int {
	n := 0
	for _, r := range p.recv {
		if r < i {
			n++
		}
	}
	return n
}

// below returns the first Received field under field i, or -1.
func (p *placement) below(i int) int {
	for _, r := range p.recv {
		if r > i {
			return r
		}
	}
	return -1
}

// addedBy names the server that most likely added field i: the receiving
// host of the first Received field below it, with its hop.
func (p *placement) addedBy(i int) string {
	r := p.below(i)
	if r < 0 {
		return ""
	}
	h, ok := p.hop[r]
	switch {
	case ok && h.By != "":
		return h.By + " (hop " + strconv.Itoa(h.Index) + ")"
	case ok:
		return "the server of hop " + strconv.Itoa(h.Index)
	}
	return "the server of the Received field on line " + strconv.Itoa(p.m.Fields[r].Line)
}

// hopName describes the hop of Received field r: "hop 3 (received by
// mx.example.net from mail.example.org)".
func (p *placement) hopName(r int) string {
	h, ok := p.hop[r]
	if !ok {
		return "an unreadable Received field on line " + strconv.Itoa(p.m.Fields[r].Line)
	}
	s := "hop " + strconv.Itoa(h.Index)
	switch {
	case h.By != "" && h.From != "":
		s += " (received by " + h.By + " from " + h.From + ")"
	case h.By != "":
		s += " (received by " + h.By + ")"
	case h.From != "":
		s += " (from " + h.From + ")"
	}
	return s
}

// inOrg reports whether host belongs to the receiving organisation.
func (p *placement) inOrg(host string) bool {
	return p.a != nil && forwarding.InOrg(host, p.a.ReceivingOrg)
}

// hopBy reports whether host received the message at an internal hop.
func (p *placement) hopBy(host string) bool {
	for _, h := range p.hop {
		if h.Internal && strings.EqualFold(strings.TrimSuffix(h.By, "."), strings.TrimSuffix(host, ".")) {
			return true
		}
	}
	return false
}

// orgList names the receiving organisation for prose.
func (p *placement) orgList() string {
	if p.a == nil || len(p.a.ReceivingOrg) == 0 {
		return "the receiving organisation"
	}
	return "the receiving organisation (" + strings.Join(p.a.ReceivingOrg, ", ") + ")"
}

// judge sets the trust fields of v, read from group g: first from where
// the fields sit, then from what they say about their author.
func (p *placement) judge(v *FilterVerdict, g *group) {
	i := g.index[0]
	switch {
	case p.noHops && p.a == nil:
		v.Trust, v.TrustReason = TrustUnknown, "no analysis of the Received chain was given, so where these fields were added is not known"
	case p.noHops:
		v.Trust, v.TrustReason = TrustUnknown, "the header has no Received field, so nothing shows where these fields were added"
	case p.boundary < 0:
		v.Trust, v.TrustReason = TrustReceiver, "every hop in the Received chain is inside "+p.orgList()
	case i > p.last():
		v.Trust = TrustUnknown
		v.TrustReason = "they sit below every Received field: written by the sender's own system, or appended at the end " +
			"of the header by a filter on the way (Exim, Haraka, MailScanner and milters append there); nothing shows which"
	case i < p.regionEnd:
		v.Trust = TrustReceiver
		v.TrustReason = "added after the message entered " + p.orgList() + " at " + p.hopName(p.boundary)
	default:
		v.Trust = TrustEarlier
		v.AddedBy = p.addedBy(i)
		v.TrustReason = fmt.Sprintf("they were already in the message when it reached %s at %s: added by %s or earlier, or forged",
			p.orgList(), p.hopName(p.boundary), v.AddedBy)
	}
	if g.d.evidence != nil {
		p.weigh(v, g.d.evidence(g.fields), !p.noHops && p.boundary >= 0 && i > p.boundary && i < p.regionEnd)
		if v.Trust == TrustEarlier && v.AddedBy == "" && !p.noHops && i < p.last() {
			v.AddedBy = p.addedBy(i)
		}
	}
	v.Trusted = v.Trust == TrustReceiver
}

// weigh adjusts the trust of v by what the fields say about their author.
// entry is true when the fields sit just below the Received field of the
// hop on which the message entered the receiving organisation: written by
// the receiving server (a milter inserting below its own Received field)
// or by the sender's last server (prepending above its own), so a host the
// fields name decides.
func (p *placement) weigh(v *FilterVerdict, e evidence, entry bool) {
	if e.outside != "" && v.Trust != TrustEarlier {
		v.Trust = TrustEarlier
		v.TrustReason = e.outside
		if e.host != "" {
			v.AddedBy = e.host
		}
		return
	}
	if e.service != "" && v.Trust == TrustUnknown && !p.noHops && p.inOrg(e.service) {
		v.Trust, v.TrustReason = TrustReceiver, e.serviceWhy
		return
	}
	if e.host == "" || p.noHops {
		return
	}
	inside := p.inOrg(e.host)
	switch {
	case v.Trust == TrustUnknown && inside:
		v.Trust = TrustReceiver
		v.TrustReason = "appended at the end of the header, and the fields name the receiver's own host " + e.host
	case v.Trust == TrustUnknown && strings.Contains(e.host, "."):
		v.Trust = TrustEarlier
		v.AddedBy = e.host
		v.TrustReason = "appended at the end of the header, and the fields name " + e.host +
			", which is not part of " + p.orgList() + ": they were written before the message arrived"
	case v.Trust == TrustReceiver && entry && !inside && strings.Contains(e.host, ".") && !p.hopBy(e.host):
		v.Trust = TrustEarlier
		v.AddedBy = e.host
		v.TrustReason = "they sit just below the Received field of " + p.hopName(p.boundary) + ", where the message entered " +
			p.orgList() + ", and name " + e.host + ", which is not part of it: the sender's side wrote them"
	case v.Trust == TrustEarlier && inside:
		v.TrustReason += "; they name " + e.host + ", a host of the receiving organisation: it handled the message earlier " +
			"(a forward inside the organisation), or the name is forged"
	}
}
