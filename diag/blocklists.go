package diag

import (
	"context"
	"net/netip"
	"strings"

	"github.com/mxray/mxray/diag/blocklist"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/render"
	"github.com/mxray/mxray/headers"
	"github.com/mxray/mxray/spf"
)

// BlocklistReport is what the DNS blocklists (RFC 5782) say of the
// addresses and domains asked: one result per subject and list, and the
// findings (listings, answers that could not be had, lists that failed
// their health test).
type BlocklistReport struct {
	// Off says blocklists were not asked (Options.Blocklists nil:
	// --no-blocklists, or check -f without --blocklists).
	Off bool
	// Lists is how many lists the run had to ask.
	Lists    int
	Results  []blocklist.Result
	Findings []finding.Finding
}

// Count is how many results have the status.
func (b *BlocklistReport) Count(st blocklist.Status) int {
	n := 0
	for _, r := range b.Results {
		if r.Status == st {
			n++
		}
	}
	return n
}

// results are the report's results for JSON: nil (left out) when the
// lists were not asked, else a list, empty when there was nothing to ask.
func (b *BlocklistReport) results() *[]blocklist.Result {
	if b == nil || b.Off {
		return nil
	}
	out := b.Results
	if out == nil {
		out = []blocklist.Result{}
	}
	return &out
}

// blocklistReport turns a set's answers into a report, its findings
// weighed by what else is known (bc).
func blocklistReport(set *blocklist.Set, res []blocklist.Result, bc blocklist.Context) *BlocklistReport {
	return &BlocklistReport{Lists: len(set.Lists), Results: res, Findings: blocklist.Findings(res, bc)}
}

// checkDomainBlocklists is the blocklists part of a domain's
// investigation: every address that receives its mail (once the MX part
// knows them) and the domain itself.
func checkDomainBlocklists(ctx context.Context, c *dnsclient.Client, inv *investigation) *BlocklistReport {
	set := inv.opts.Blocklists
	if set == nil {
		return &BlocklistReport{Off: true}
	}
	var addrs []mxAddr
	select {
	case addrs = <-inv.mxAddrs:
	case <-ctx.Done():
	}
	subjects := make([]blocklist.Subject, 0, len(addrs)+1)
	for _, a := range addrs {
		subjects = append(subjects, blocklist.Subject{IP: a.ip, Role: blocklist.RoleMX, Host: a.host})
	}
	subjects = append(subjects, blocklist.Subject{Domain: inv.domain, Role: blocklist.RoleDomain})
	return blocklistReport(set, blocklist.Check(ctx, c, subjects, *set), blocklist.Context{})
}

// messageSubjects are what a message's blocklist check asks about: the
// sending IP (the one the receiver recorded when the Received chain gives
// none), the From domain, the envelope sender's domain and every
// DKIM-Signature's d=.
func messageSubjects(a *headers.Analysis) []blocklist.Subject {
	var out []blocklist.Subject
	if ip := messageSendingIP(a); ip.IsValid() {
		out = append(out, blocklist.Subject{IP: ip, Role: blocklist.RoleSendingIP})
	}
	if a.FromDomain != "" {
		out = append(out, blocklist.Subject{Domain: a.FromDomain, Role: blocklist.RoleFrom})
	}
	if _, d, ok := strings.Cut(a.EnvelopeFrom, "@"); ok && d != "" {
		out = append(out, blocklist.Subject{Domain: d, Role: blocklist.RoleEnvelope})
	}
	for _, s := range a.DKIMSignatures {
		if s.D != "" {
			out = append(out, blocklist.Subject{Domain: s.D, Role: blocklist.RoleDKIM})
		}
	}
	return out
}

// messageSendingIP is the message's sending IP, or the client IP the
// receiver recorded when the Received chain names none.
func messageSendingIP(a *headers.Analysis) netip.Addr {
	switch {
	case a.SendingIP != nil:
		return a.SendingIP.Unmap()
	case a.ReceiverClientIP != nil:
		return a.ReceiverClientIP.Unmap()
	}
	return netip.Addr{}
}

// sendingIPPassedSPF reports whether today's SPF re-check passed the
// message's sending IP: it then sends through a server the domain
// authorises, which changes what a policy listing (Spamhaus PBL) of it
// means.
func sendingIPPassedSPF(a *headers.Analysis, s *SPFRecheck) bool {
	ip := messageSendingIP(a)
	return s != nil && s.Result == spf.Pass && s.IP != nil && ip.IsValid() && s.IP.Unmap() == ip
}

// blocklistDoc writes the blocklists section of a report.
func blocklistDoc(d *render.Doc, b *BlocklistReport) {
	switch {
	case b == nil:
		d.Heading(2, "Blocklists")
		d.Para("not finished")
	case b.Off:
		d.Heading(2, "Blocklists")
		d.Para("Not asked in this run (mxray asks them unless --no-blocklists is given; check -f only with --blocklists).")
	default:
		blocklist.Doc(d, b.Results)
	}
}
