// Package smtpcheck is mxray smtp: the mail servers of a domain (its MX
// hosts, with their addresses and reverse DNS), of a host without MX
// records, or one address, each probed by diag/smtp (RFC 5321, RFC 3207)
// and held against the domain's MTA-STS policy (RFC 8461) and TLSA records
// (RFC 7672); its JSON (the smtp contract of DESIGN.md) and its written
// report. The investigation's own SMTP part (check --smtp) is diag's.
package smtpcheck

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/policy"
	"github.com/mxray/mxray/diag/ptrcheck"
	"github.com/mxray/mxray/diag/render"
	"github.com/mxray/mxray/diag/smtp"
)

// Check is what mxray smtp found: the mail servers of a domain (its MX
// hosts with their addresses and PTR), of a host (a name without MX
// records: its own addresses), or one address, each probed. Its JSON is
// the smtp contract (see MarshalJSON).
type Check struct {
	// Domain is the name probed (ASCII); "" when an address was given.
	Domain string
	// IP is the address given; the zero Addr when a name was.
	IP netip.Addr
	// MX is the name's MX table (nil for an address); PTR is the given
	// address's reverse DNS (nil for a name).
	MX  *diag.MXReport
	PTR *ptrcheck.Result
	// Host is set when the name has no MX records and its own addresses
	// were probed: a host name, or a domain relying on RFC 5321 §5.1.
	Host bool
	SMTP *smtp.Report
	// Findings are the probe's, the MX table's and its reverse DNS's, and
	// the MTA-STS policy's about the MX hosts (mta_sts.mx_mismatch).
	Findings    []finding.Finding
	Queries     int
	Unreachable bool // not one DNS server answered
	Log         []dnsclient.LogEntry
}

// Run probes the mail servers of name, or the address ip when name
// is "". A name with MX records has every MX address probed, each held
// against the domain's MTA-STS policy (fetched meanwhile, unless
// opts.Offline) and its TLSA records; a name without has its own
// addresses probed. DNS is bounded by opts.Deadline, the probe by its own
// step timeouts (opts.SMTP; the defaults when nil).
func Run(ctx context.Context, client *dnsclient.Client, name string, ip netip.Addr, opts diag.Options) *Check {
	o := smtp.Options{}
	if opts.SMTP != nil {
		o = *opts.SMTP
	}
	o.Resolver = client
	deadline := opts.Deadline
	if deadline <= 0 {
		deadline = diag.DefaultDeadline
	}
	dctx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()
	c := &Check{Domain: strings.TrimSuffix(name, "."), IP: ip.Unmap()}
	if name == "" {
		ptr := ptrcheck.Check(dctx, client, c.IP)
		c.PTR = &ptr
		c.SMTP = smtp.ProbeReport(ctx, []smtp.Target{{IP: c.IP, PTR: diag.ReverseDNSOf(ptr)}}, o, func() *policy.STSPolicy { return nil }, time.Now())
		c.finish(client, ptr.Findings(finding.PartPTR, "the address probed"))
		return c
	}
	mx := diag.CheckMX(dctx, client, c.Domain)
	c.MX = &mx
	mxFindings := mx.Findings
	if len(mx.Hosts) == 0 && len(mx.Implicit) > 0 {
		// Asked about a host (or a domain without MX): its own addresses
		// are what is probed, so its missing MX is no finding here.
		c.Host = true
		mxFindings = slices.DeleteFunc(slices.Clone(mxFindings), func(f finding.Finding) bool { return f.Code == "mx.implicit" })
	}
	if why := diag.NothingToProbe(&mx); why != "" {
		c.SMTP = &smtp.Report{Results: []smtp.Result{}, Note: why}
		c.finish(client, mxFindings)
		return c
	}
	var sts chan *policy.MTASTSResult
	if !c.Host {
		sts = make(chan *policy.MTASTSResult, 1)
		hosts := make([]string, len(mx.Hosts))
		for i, h := range mx.Hosts {
			hosts[i] = h.Host
		}
		var dial policy.DialFunc
		if !opts.Offline && opts.Dial != nil {
			dial = opts.Dial
		}
		leaf := dnsclient.WithPriority(dctx, dnsclient.Leaf) // never on the critical path
		go func() {
			sts <- policy.CheckMTASTS(leaf, client, c.Domain, hosts, dial, diag.PolicyFetchTimeout, opts.PolicyRoots)
		}()
	}
	var mtasts *policy.MTASTSResult
	c.SMTP = smtp.ProbeReport(ctx, diag.SMTPTargets(c.Domain, &mx), o, func() *policy.STSPolicy {
		if sts == nil {
			return nil
		}
		mtasts = <-sts // bounded by dctx
		return diag.STSPolicyOf(mtasts)
	}, time.Now())
	fs := mxFindings
	if mtasts != nil {
		for _, f := range mtasts.Findings {
			if f.Code == "mta_sts.mx_mismatch" {
				fs = append(fs, f)
			}
		}
	}
	c.finish(client, fs)
	return c
}

// finish gathers the findings and the DNS log.
func (c *Check) finish(client *dnsclient.Client, fs []finding.Finding) {
	c.Findings = append(slices.Clone(fs), c.SMTP.Findings...)
	finding.Sort(c.Findings)
	c.Queries = client.Queries()
	c.Log = client.Log()
	c.Unreachable = dnsclient.NoServerAnswered(c.Log)
}

// smtpCheckJSON is the smtp contract of DESIGN.md: the "smtp" list, with
// what was probed beside it. Field names are stable: add, never rename.
type smtpCheckJSON struct {
	Domain   string            `json:"domain,omitempty"`
	IP       *netip.Addr       `json:"ip,omitempty"`
	Queries  int               `json:"queries"`
	Findings []finding.Finding `json:"findings"`
	MX       []diag.MXHost     `json:"mx,omitempty"`
	NullMX   bool              `json:"null_mx,omitempty"`
	// Host: the name has no MX records; its own addresses were probed.
	Host bool `json:"host,omitempty"`
	// PTR is the reverse DNS of the address given.
	PTR *ptrcheck.Result `json:"ptr,omitempty"`
	// MTASTS is the policy the servers were held against; null when none.
	MTASTS *policy.STSPolicy `json:"mta_sts_policy"`
	SMTP   []smtp.Result     `json:"smtp"`
	Note   string            `json:"note,omitempty"`
}

// MarshalJSON writes the smtp contract.
func (c *Check) MarshalJSON() ([]byte, error) {
	j := smtpCheckJSON{Domain: c.Domain, Queries: c.Queries, Findings: c.Findings, Host: c.Host, PTR: c.PTR,
		MTASTS: c.SMTP.Policy, SMTP: c.SMTP.Results, Note: c.SMTP.Note}
	if c.IP.IsValid() {
		j.IP = &c.IP
	}
	if c.MX != nil {
		j.MX, j.NullMX = c.MX.Hosts, c.MX.NullMX
		if c.Host {
			j.MX = nil
		}
	}
	if j.Findings == nil {
		j.Findings = []finding.Finding{}
	}
	if j.SMTP == nil {
		j.SMTP = []smtp.Result{}
	}
	return json.Marshal(j)
}

// Doc lays the check out for the text and Markdown writers: the MX table
// with reverse DNS, the probe's table, the findings.
func (c *Check) Doc() *render.Doc {
	d := &render.Doc{}
	what := c.Domain
	if what == "" {
		what = c.IP.String()
	}
	d.Heading(1, "mxray smtp of "+what)
	d.Para(diag.SummaryLine(c.Findings, c.Queries))
	switch {
	case c.PTR != nil:
		ptr := strings.Join(c.PTR.PTR, ", ")
		if ptr == "" {
			ptr = "(no PTR)"
		}
		fc := "no"
		if c.PTR.FCrDNS {
			fc = "yes"
		}
		d.Fields([2]string{"Address", c.IP.String()}, [2]string{"PTR", ptr}, [2]string{"FCrDNS", fc})
	case c.Host:
		addrs := make([]string, len(c.MX.Implicit))
		for i, a := range c.MX.Implicit {
			addrs[i] = a.String()
		}
		d.Para(fmt.Sprintf("%s has no MX records: its own addresses (%s) were probed.", c.Domain, strings.Join(addrs, ", ")))
	case c.MX != nil:
		diag.MXSection(d, c.MX)
	}
	c.SMTP.Section(d)
	render.FindingsDoc(d, c.Findings)
	return d
}
