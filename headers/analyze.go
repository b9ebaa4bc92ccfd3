package headers

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/mxray/mxray/headers/authres"
	"github.com/mxray/mxray/headers/trace"
)

// Analyze derives from a parsed header what email authentication needs:
// the Received chain with the sending IP and HELO, the envelope sender and
// the From domain, the DKIM signatures, ARC sets, and what the receiver
// recorded (its own Authentication-Results, Received-SPF and Microsoft's
// report), with findings. It never touches the network.
//
// The receiving organisation is the organisational domain (public suffix
// plus one label) of the top hop's "by" host, going down through hops
// that are internal for other reasons when that host has no public name,
// and of the receiver's authserv-id when the hops name none. Walking down
// from the top, hops are internal while their client is a trusted host, a
// private, loopback or link-local address, a local or LMTP hand-off, or a
// host of the receiving organisation; the sending IP is the client of the
// first hop that is not. The receiver's own records are cross-checked
// against it.
func Analyze(m *Message, opts Options) *Analysis {
	a := &analyzer{m: m, opts: opts, trust: readTrust(opts.TrustedHosts), orgs: orgs{}}
	a.readHops()
	a.findBoundary()
	a.readAuth()
	a.settleSendingIP()
	a.readEnvelope()
	a.readFrom()
	a.readDate()
	a.readDKIM()
	a.readOtherSignatures()
	a.readARC()
	a.checkHops()
	a.checkExtensions()
	a.pasteFindings()
	return a.result()
}

// analyzer carries the work of Analyze.
type analyzer struct {
	m     *Message
	opts  Options
	trust trust
	orgs  orgs
	out   Analysis
	fs    findings

	hops []hopInfo // top first
	// boundary is the position in hops of the first hop, from the top,
	// that is not internal; -1 when every hop is internal.
	boundary int
	// regionEnd is the field index where the receiver's region ends: the
	// Received field of the hop below the boundary, or len(Fields).
	regionEnd int

	receiverIP    netip.Addr // what the receiver recorded
	receiverIPSrc string
	receiverHELO  string
	recordedIPs   []recordedIP
	receiverSPF   *SPFEntry
	verdictGroup  []AuthResultEntry
	receiveTime   time.Time // the top hop's date, when known

	// namedByHost says the receiver's name came from the by-host of its
	// own hops (a public name), not only from its records.
	namedByHost bool
	// extended lists the hops found internal because the client recorded
	// results as the receiver (extendByRecords).
	extended []extension
}

// hopInfo is a Received field with its place in the header.
type hopInfo struct {
	r      trace.Received
	err    error
	field  int // index in Message.Fields
	index  int // 1 = the oldest
	reason string
	// chainBreak: the hop's by-host is not the next hop's client, and the
	// time jumps too far for clock skew (checkChain).
	chainBreak bool
}

// recordedIP is a client IP the receiver recorded, and where.
type recordedIP struct {
	ip     netip.Addr
	source string
}

func (a *analyzer) readHops() {
	for i, f := range a.m.Fields {
		if !strings.EqualFold(f.Name, "Received") {
			continue
		}
		r, err := trace.ParseReceived(f.Value)
		a.hops = append(a.hops, hopInfo{r: r, err: err, field: i})
	}
	for k := range a.hops {
		a.hops[k].index = len(a.hops) - k
	}
	if len(a.hops) > 0 && !a.hops[0].r.Date.IsZero() {
		a.receiveTime = a.hops[0].r.Date
	}
}

// findBoundary settles the receiving organisation and the first external
// hop.
func (a *analyzer) findBoundary() {
	// The receiver's name: the top hop's by-host, or further down while
	// hops are internal for reasons other than their name.
	for _, h := range a.hops {
		if org := orgOf(h.r.By); org != "" {
			a.orgs[org] = true
			a.namedByHost = true
			break
		}
		if h.err == nil && internalReason(h.r, orgs{}, a.trust) == "" {
			break
		}
	}
	for _, n := range a.trust.names {
		if org := orgOf(n); org != "" {
			a.orgs[org] = true
		}
	}
	a.walk()
	// The receiver's authserv-id names it too: the topmost
	// Authentication-Results written after the message arrived (above the
	// boundary hop's Received field; above the oldest hop's when every hop
	// is internal). Results further down may be the sender's inventions.
	if id := a.receiverAuthServID(); id != "" {
		if org := orgOf(id); org != "" && !a.orgs[org] {
			a.orgs[org] = true
			a.walk()
		}
	}
	a.extendByRecords()
}

// receiverAuthServID returns the authserv-id of the topmost
// Authentication-Results field above the boundary hop, or "".
func (a *analyzer) receiverAuthServID() string {
	if len(a.hops) == 0 {
		return ""
	}
	limit := a.hops[len(a.hops)-1].field
	if a.boundary >= 0 {
		limit = a.hops[a.boundary].field
	}
	for i := 0; i < limit; i++ {
		f := a.m.Fields[i]
		if !strings.EqualFold(f.Name, "Authentication-Results") {
			continue
		}
		if ar, _ := authres.ParseAuthResults(f.Value); ar.AuthServID != "" {
			return ar.AuthServID
		}
	}
	return ""
}

// walk marks hops internal from the top down to the first that is not.
func (a *analyzer) walk() {
	a.boundary = -1
	for k := range a.hops {
		a.hops[k].reason = ""
	}
	for k := range a.hops {
		h := &a.hops[k]
		h.reason = internalReason(h.r, a.orgs, a.trust)
		if h.reason == "" {
			a.boundary = k
			break
		}
	}
	a.regionEnd = len(a.m.Fields)
	if a.boundary >= 0 && a.boundary+1 < len(a.hops) {
		a.regionEnd = a.hops[a.boundary+1].field
	}
}

// segment returns the number of Received fields above field index i: two
// fields with the same segment were added in the same hop.
func (a *analyzer) segment(i int) int {
	n := 0
	for _, h := range a.hops {
		if h.field < i {
			n++
		}
	}
	return n
}

// inRegion reports whether field i was added by the receiving organisation:
// above the Received field of the hop below the boundary.
func (a *analyzer) inRegion(i int) bool { return i < a.regionEnd }

// settleSendingIP chooses the sending IP and HELO and cross-checks them
// with what the receiver recorded.
func (a *analyzer) settleSendingIP() {
	set := func(ip netip.Addr, source string, hop int, helo string) {
		ip = ip.Unmap()
		a.out.SendingIP = &ip
		a.out.SendingIPSource = source
		a.out.SendingHop = hop
		a.out.HELO = helo
	}
	switch {
	case a.opts.SendingIP.IsValid():
		ip := a.opts.SendingIP.Unmap()
		helo, hop := a.receiverHELO, 0
		for _, h := range a.hops {
			if h.r.IP == ip {
				helo, hop = h.r.HELO, h.index
				break
			}
		}
		set(ip, "option", hop, helo)
	case a.boundary >= 0 && publicIP(a.hops[a.boundary].r.IP):
		h := a.hops[a.boundary]
		set(h.r.IP, "received", h.index, h.r.HELO)
	case publicIP(a.receiverIP):
		set(a.receiverIP, "receiver", 0, a.receiverHELO)
		a.fs.add(SeverityInfo, CodeSendingIPRecorded, a.receiverIP.String(),
			"Nothing to do: this is normal when the receiver relays mail internally before filing it.",
			"No hop in the Received chain shows a public client address entering the receiving organisation; "+
				"the sending IP %s is the one the receiver recorded in its %s.", a.receiverIP, a.receiverIPSrc)
	case a.boundary < 0 && a.originIP() != nil:
		h := a.originIP()
		set(h.r.IP, "origin", h.index, h.r.HELO)
		a.fs.add(SeverityInfo, CodeSendingIPOrigin, fmt.Sprintf("hop %d", h.index),
			"If the message came from outside, add the receiver's perimeter hosts with --trusted-hosts, or give --sending-ip.",
			"Every hop is inside the receiving organisation (%s): the message never crossed into it from outside. "+
				"The sending IP shown, %s, is the client that handed the message in at hop %d.", strings.Join(a.orgs.list(), ", "), h.r.IP, h.index)
	default:
		a.fs.add(SeverityInfo, CodeNoSendingIP, "",
			"Paste the complete header, including every Received field, or give --sending-ip.",
			"No public client IP was found: %s.", a.noIPReason())
	}
	if a.receiverIP.IsValid() {
		ip := a.receiverIP
		a.out.ReceiverClientIP = &ip
	}
	if a.out.SendingIP == nil {
		return
	}
	var differ []string
	for _, rec := range a.recordedIPs {
		if rec.ip != *a.out.SendingIP {
			differ = append(differ, fmt.Sprintf("%s in %s", rec.ip, rec.source))
		}
	}
	if len(differ) > 0 && a.out.SendingIPSource == "receiver" {
		a.fs.add(SeverityWarning, CodeSendingIPMismatch, a.out.SendingIP.String(),
			"Read each verdict as being about the address recorded beside it; ask the receiver's postmaster which one its filter saw.",
			"The receiver's own records disagree about the client: %s in %s, but %s.", a.receiverIP, a.receiverIPSrc, strings.Join(differ, ", "))
	} else if len(differ) > 0 && !a.recordedBelow() {
		a.fs.add(SeverityWarning, CodeSendingIPMismatch, a.out.SendingIP.String(),
			"Read the receiver's verdicts as being about the address it recorded. When the message was forwarded, "+
				"SPF is expected to fail for the original sender; DKIM (and ARC) carry authentication across the forward.",
			"The Received chain says the message entered the receiving organisation from %s, but the receiver recorded %s: "+
				"its SPF verdict is about that address. The message was most likely relayed or forwarded inside the receiver's network, "+
				"or through a host the receiver treats as its own.", a.out.SendingIP, strings.Join(differ, ", "))
	}
}

// originIP returns the oldest hop with a public client IP, or nil.
func (a *analyzer) originIP() *hopInfo {
	for k := len(a.hops) - 1; k >= 0; k-- {
		if publicIP(a.hops[k].r.IP) {
			return &a.hops[k]
		}
	}
	return nil
}

func (a *analyzer) noIPReason() string {
	switch {
	case len(a.hops) == 0:
		return "the header has no Received field"
	case a.boundary >= 0:
		return fmt.Sprintf("hop %d, where the message entered the receiving organisation, records no client address", a.hops[a.boundary].index)
	default:
		return "every hop is internal and records only private, loopback or no addresses"
	}
}

func (a *analyzer) result() *Analysis {
	o := &a.out
	for _, h := range a.hops {
		o.Hops = append(o.Hops, a.hop(h))
	}
	// Oldest first.
	for i, j := 0, len(o.Hops)-1; i < j; i, j = i+1, j-1 {
		o.Hops[i], o.Hops[j] = o.Hops[j], o.Hops[i]
	}
	for i := 1; i < len(o.Hops); i++ {
		if o.Hops[i].Time != nil && o.Hops[i-1].Time != nil {
			d := o.Hops[i].Time.Sub(*o.Hops[i-1].Time).Seconds()
			o.Hops[i].DelaySeconds = &d
		}
	}
	o.ReceivingOrg = a.orgs.list()
	o.Problems = append([]Problem{}, a.m.Problems...)
	o.PasteRepairs = o.Problems
	o.Findings = a.fs.sorted()
	if o.Hops == nil {
		o.Hops = []Hop{}
	}
	for _, p := range []*[]DKIMInfo{&o.DKIMSignatures, &o.GoogleDKIMSignatures} {
		if *p == nil {
			*p = []DKIMInfo{}
		}
	}
	if o.AuthenticationResults == nil {
		o.AuthenticationResults = []AuthResultEntry{}
	}
	if o.ReceivedSPFAll == nil {
		o.ReceivedSPFAll = []SPFEntry{}
	}
	if o.From == nil {
		o.From = []Address{}
	}
	if o.Receiver.DKIMResults == nil {
		o.Receiver.DKIMResults = []DKIMVerdict{}
	}
	return o
}

func (a *analyzer) hop(h hopInfo) Hop {
	r := h.r
	out := Hop{
		Index: h.index, From: r.From, By: r.By, HELO: r.HELO, RDNS: r.RDNS, With: r.With, Protocol: r.Proto,
		ID: r.ID, For: r.For, Via: r.Via, EnvelopeFrom: r.EnvelopeFrom, Notes: r.Notes,
		Internal: h.reason != "", InternalReason: h.reason, Line: a.m.Fields[h.field].Line, ChainBreak: h.chainBreak,
	}
	if r.IP.IsValid() {
		ip := r.IP
		out.IP = &ip
	}
	if !r.Date.IsZero() {
		t := r.Date.UTC()
		out.Time = &t
	}
	if h.err != nil {
		out.Raw = a.m.Fields[h.field].Value
		out.Notes = append(out.Notes, h.err.Error())
	}
	return out
}
