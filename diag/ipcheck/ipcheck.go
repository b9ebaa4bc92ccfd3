// Package ipcheck evaluates one client IP against a domain, as the
// workbench does for "IP DOMAIN": the domain's SPF verdict for it (RFC 7208
// check_host()) with the deciding path, and its reverse DNS with forward
// confirmation (FCrDNS).
package ipcheck

import (
	"context"
	"encoding/json"
	"net/netip"
	"strings"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/ptrcheck"
	"github.com/mxray/mxray/diag/render"
	"github.com/mxray/mxray/diag/spfcheck"
	"github.com/mxray/mxray/spf"
)

// Result is what the workbench shows for "IP DOMAIN", and mxray check
// 'IP DOMAIN' or check DOMAIN --ip IP: the domain's SPF verdict for the IP
// (RFC 7208 check_host() with the domain as the MAIL FROM domain) with its
// deciding path, and the IP's PTR names and their forward confirmation.
type Result struct {
	IP     netip.Addr
	Domain string
	SPF    *spf.Verdict // nil only when the check could not run at all
	PTR    ptrcheck.Result
}

// Check evaluates ip against domain: the SPF verdict and the PTR check,
// at once, through client. known, when not nil, is domain's SPF part of
// an investigation: the verdict reuses its tree instead of asking again.
func Check(ctx context.Context, client *dnsclient.Client, domain string, ip netip.Addr, known *spfcheck.Report) *Result {
	ip = ip.Unmap()
	c := &Result{IP: ip, Domain: domain}
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.PTR = ptrcheck.Check(ctx, client, ip)
	}()
	q := spfcheck.Query{Domain: domain, IPs: []netip.Addr{ip}}
	if known != nil {
		q.Tree = known.Tree
	}
	ans := spfcheck.Check(ctx, client, q)
	if len(ans.Verdicts) > 0 {
		c.SPF = ans.Verdicts[0]
	}
	<-done
	return c
}

// ipCheckJSON is the ip_check object of mxray check's JSON.
type ipCheckJSON struct {
	IP     string          `json:"ip"`
	Domain string          `json:"domain"`
	SPF    *ipSPFJSON      `json:"spf"`
	PTR    ptrcheck.Result `json:"ptr"`
}

type ipSPFJSON struct {
	Result      spf.Result `json:"result"`
	DecidedBy   string     `json:"decided_by"`
	Matched     *spf.Match `json:"matched"`
	Explanation string     `json:"explanation"`
	Lookups     int        `json:"lookups"`
	VoidLookups int        `json:"void_lookups"`
	Error       *string    `json:"error"`
}

// MarshalJSON writes {ip, domain, spf: {result, decided_by, matched,
// explanation, lookups, void_lookups, error}, ptr: {ip, ptr, fcrdns, ...}}.
func (c *Result) MarshalJSON() ([]byte, error) {
	j := ipCheckJSON{IP: c.IP.String(), Domain: c.Domain, PTR: c.PTR}
	if v := c.SPF; v != nil {
		j.SPF = &ipSPFJSON{Result: v.Result, DecidedBy: spfcheck.DecidedBy(v), Matched: v.Matched, Explanation: v.Explanation, Lookups: v.Lookups, VoidLookups: v.VoidLookups}
		if v.Err != nil {
			e := v.Err.Error()
			j.SPF.Error = &e
		}
	}
	return json.Marshal(j)
}

// AddTo ends a report's document with the IP's section.
func (c *Result) AddTo(d *render.Doc) {
	d.Heading(2, "IP "+c.IP.String()+" for "+c.Domain)
	rows := [][2]string{}
	if v := c.SPF; v != nil {
		rows = append(rows, [2]string{"SPF", string(v.Result)}, [2]string{"Decided by", spfcheck.DecidedBy(v)})
		if v.Explanation != "" && v.Result == spf.Fail {
			rows = append(rows, [2]string{"Explanation", v.Explanation})
		}
	}
	ptr := "none"
	if len(c.PTR.PTR) > 0 {
		ptr = strings.Join(c.PTR.PTR, ", ")
	}
	rows = append(rows, [2]string{"PTR", ptr})
	confirmed := "no: no PTR name resolves back to " + c.IP.String()
	switch {
	case c.PTR.FCrDNS:
		confirmed = "yes, by " + c.PTR.ConfirmedBy
	case c.PTR.Error != "":
		confirmed = "unknown: " + c.PTR.Error
	case len(c.PTR.PTR) == 0:
		confirmed = "no PTR name to confirm"
	}
	rows = append(rows, [2]string{"Forward-confirmed", confirmed})
	d.Fields(rows...)
}
