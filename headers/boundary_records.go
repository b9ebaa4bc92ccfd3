package headers

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/mxray/mxray/headers/authres"
)

// extension is a hop found to be inside the receiving organisation
// because its client recorded results as the receiver: the gateway that
// took the message in and handed it on to hosts with private names.
type extension struct {
	hop      int        // the hop's position in analyzer.hops (top first)
	ip       netip.Addr // its client IP: the sending IP before the extension
	client   string     // its client's name
	record   string     // the record that names the client: "Authentication-Results (gw.example.com)"
	clientIP netip.Addr // the client-ip of the Received-SPF it wrote, when it wrote one
}

// extendByRecords moves the boundary down past a client that wrote the
// receiver's records itself. When no hop of the receiver has a public name
// (an Exchange organisation behind a gateway writes "by EXCH01.corp.local"),
// the hop that brings the message in from a public host may be the
// receiver's own gateway handing it on: then the fields between that hop
// and the one below it (written by that gateway when the message reached
// it) hold an Authentication-Results whose authserv-id, or a Received-SPF
// whose receiver, is the gateway's own organisation. That organisation is
// the receiver's, and the walk goes on below the gateway. A receiver named
// by a public by-host is never extended this way: an intermediary's
// records below it are another ADMD's.
func (a *analyzer) extendByRecords() {
	for !a.namedByHost && a.boundary >= 0 {
		k := a.boundary
		h := a.hops[k]
		client := h.r.RDNS
		if client == "" && !h.r.RDNSUnknown {
			client = h.r.From
		}
		org := orgOf(client)
		if org == "" || a.orgs[org] {
			return
		}
		record, clientIP := a.recordsBy(k, org)
		if record == "" {
			return
		}
		a.orgs[org] = true
		a.extended = append(a.extended, extension{hop: k, ip: h.r.IP, client: client, record: record, clientIP: clientIP})
		a.walk()
	}
}

// recordsBy looks in the fields the client of hop k wrote (between its
// Received field and the next one below) for an Authentication-Results
// whose authserv-id, or a Received-SPF whose receiver, belongs to org. It
// returns the record in words and the client-ip of that Received-SPF.
func (a *analyzer) recordsBy(k int, org string) (string, netip.Addr) {
	end := len(a.m.Fields)
	if k+1 < len(a.hops) {
		end = a.hops[k+1].field
	}
	record, ip := "", netip.Addr{}
	for i := a.hops[k].field + 1; i < end; i++ {
		f := a.m.Fields[i]
		switch strings.ToLower(f.Name) {
		case "authentication-results":
			if ar, _ := authres.ParseAuthResults(f.Value); orgOf(ar.AuthServID) == org && record == "" {
				record = fmt.Sprintf("Authentication-Results (authserv-id %s, line %d)", ar.AuthServID, f.Line)
			}
		case "received-spf":
			r, _ := authres.ParseReceivedSPF(f.Value)
			host := r.Receiver
			if host == "" {
				host = r.CommentHost()
			}
			if orgOf(host) == org {
				if record == "" {
					record = fmt.Sprintf("Received-SPF (receiver %s, line %d)", host, f.Line)
				}
				if !ip.IsValid() {
					ip = r.ClientIP.Unmap()
				}
			}
		}
	}
	return record, ip
}

// checkExtensions says why each extended hop is internal and, when the
// gateway's own Received-SPF does not confirm the hop now taken as the
// sending one, that the choice is ambiguous, naming both addresses.
func (a *analyzer) checkExtensions() {
	for _, e := range a.extended {
		h := &a.hops[e.hop]
		if h.reason != "" {
			h.reason = fmt.Sprintf("the client %s is the receiver's own gateway: it recorded %s", e.client, e.record)
		}
		chosen := a.out.SendingIP
		if chosen == nil || e.clientIP.IsValid() && e.clientIP == *chosen || a.opts.SendingIP.IsValid() {
			continue
		}
		why := "it recorded no Received-SPF naming the client it took the message from"
		if e.clientIP.IsValid() {
			why = fmt.Sprintf("its own Received-SPF names %s as its client", e.clientIP)
		}
		a.fs.add(SeverityWarning, CodeBoundaryAmbiguous, chosen.String(),
			fmt.Sprintf("If %s is the receiver's own server, confirm it with --trusted-hosts %s; if the message came from it, give --sending-ip %s.", e.client, e.client, e.ip),
			"Two hops could be where the message entered the receiving organisation: hop %d from %s (%s), which recorded %s, or hop %d from %s. "+
				"mxray took %s as the receiver's own gateway and %s as the sending IP, but %s.",
			a.hops[e.hop].index, e.client, e.ip, e.record, a.out.SendingHop, *chosen, e.client, *chosen, why)
	}
}

// recordedBelow handles the receiver recording, as the client it checked,
// the address of a hop below the one the Received chain gives as the
// sending one: the hops between are then likely the receiver's own (a
// filtering service in front of it that passes the original client on),
// and the boundary is ambiguous. It reports whether it said so.
func (a *analyzer) recordedBelow() bool {
	if a.out.SendingIPSource != "received" || !a.receiverIP.IsValid() || a.boundary < 0 {
		return false
	}
	for k := a.boundary + 1; k < len(a.hops); k++ {
		h := a.hops[k]
		if h.r.IP != a.receiverIP {
			continue
		}
		var between []string
		for j := a.boundary; j < k; j++ {
			if c := trustable(a.hops[j]); c != "" {
				between = append(between, c)
			}
		}
		a.fs.add(SeverityWarning, CodeBoundaryAmbiguous, a.out.SendingIP.String(),
			fmt.Sprintf("If %s belong to the receiver (a filtering service in front of it, say), give them with --trusted-hosts %s, or t in the Hops pane on hop %d; otherwise read the receiver's verdicts as being about %s.",
				strings.Join(between, ", "), strings.Join(between, ","), a.hops[k-1].index, a.receiverIP),
			"Two hops could be where the message entered the receiving organisation: the Received chain says hop %d, from %s, but the receiver's own %s names %s, the client of hop %d further down: its verdicts are about that address.",
			a.hops[a.boundary].index, *a.out.SendingIP, a.receiverIPSrc, a.receiverIP, h.index)
		return true
	}
	return false
}

// trustable is what --trusted-hosts would name of a hop's client: its IP,
// else its name.
func trustable(h hopInfo) string {
	if h.r.IP.IsValid() {
		return h.r.IP.String()
	}
	if n := hostKey(h.r.From); n != "" && !strings.ContainsAny(n, " ()[]") {
		return n
	}
	return ""
}
