package diag

import (
	"context"
	"time"

	"github.com/miekg/dns"

	"github.com/mxray/mxray/diag/dkim"
	"github.com/mxray/mxray/diag/dmarc"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/policy"
	"github.com/mxray/mxray/diag/spfcheck"
)

// partSpec is one part of a domain investigation: how it is found, where
// it goes in the Report, its findings and its verdict. The table below is
// the one place a part is added; its field on Report, its JSON (the check
// contract) and its section of the written report go with it.
type partSpec struct {
	part  finding.Part
	label string // how a summary names it: "MX", "MTA-STS"
	// weighs are the finding parts its verdict weighs: its own, and the
	// reverse DNS for the MX hosts.
	weighs []finding.Part
	// run asks DNS for the part and returns how to put it in a report.
	// Independent parts run at once; a part that needs another's answer
	// waits on the investigation's channels for it.
	run      func(ctx context.Context, c *dnsclient.Client, inv *investigation) func(*Report)
	has      func(*Report) bool
	findings func(*Report) []finding.Finding
	// verdict decides the part's verdict (once has is true); worst is the
	// worst severity among the findings it weighs.
	verdict func(r *Report, worst finding.Severity) PartVerdict
	// asked, when set, says whether an investigation runs the part: an
	// optional part (the SMTP probe) runs only when asked for, and is not
	// among Parts.
	asked func(Options) bool
	// ownBound marks a part bounded by its own timeouts rather than by the
	// DNS deadline (the SMTP probe): the investigation waits for it after
	// the deadline, and it reports itself what it could not finish.
	ownBound bool
}

// runs reports whether an investigation with opts runs the part.
func (s partSpec) runs(opts Options) bool { return s.asked == nil || s.asked(opts) }

// investigation is what the parts of one investigation share: the domain,
// the options, and the answers some parts wait for (MTA-STS checks the MX
// hosts against its policy; BIMI looks at the organizational domain).
type investigation struct {
	domain  string
	opts    Options
	mxHosts chan []string
	orgDone chan string
	// mxAddrs are the addresses that receive the domain's mail, sent as
	// soon as they are known, before their reverse DNS (blocklists).
	mxAddrs chan []mxAddr
	// mx and mtasts carry those parts' results to the SMTP probe.
	mx     chan *MXReport
	mtasts chan *policy.MTASTSResult
	// parent is the caller's context, without the DNS deadline: the SMTP
	// probe runs under it, bounded by its own step timeouts.
	parent context.Context
}

func newInvestigation(parent context.Context, domain string, opts Options) *investigation {
	return &investigation{domain: domain, opts: opts, mxHosts: make(chan []string, 1), orgDone: make(chan string, 1),
		mxAddrs: make(chan []mxAddr, 1), mx: make(chan *MXReport, 1), mtasts: make(chan *policy.MTASTSResult, 1), parent: parent}
}

// PolicyFetchTimeout bounds the MTA-STS policy fetch over HTTPS.
const PolicyFetchTimeout = 5 * time.Second

// leaf marks a part's questions as leaves: they never lengthen the
// critical path (MX, SPF, DMARC, and DKIM selectors named by headers or
// flags ask at Critical priority; DKIM probes, MTA-STS, TLS-RPT and BIMI
// are leaves).
func leaf(ctx context.Context) context.Context { return dnsclient.WithPriority(ctx, dnsclient.Leaf) }

// parts are the parts of a domain investigation, in the order they are
// drawn. Each starts at once.
var parts = []partSpec{
	{
		part: finding.PartMX, label: "MX", weighs: []finding.Part{finding.PartMX, finding.PartPTR},
		run: func(ctx context.Context, c *dnsclient.Client, inv *investigation) func(*Report) {
			mx := checkMX(ctx, c, inv.domain, func(a []mxAddr) { inv.mxAddrs <- a })
			hosts := make([]string, 0, len(mx.Hosts))
			for _, h := range mx.Hosts {
				hosts = append(hosts, h.Host)
			}
			inv.mxHosts <- hosts
			inv.mx <- &mx
			return func(r *Report) { r.MX = &mx }
		},
		has:      func(r *Report) bool { return r.MX != nil },
		findings: func(r *Report) []finding.Finding { return r.MX.Findings },
		verdict:  mxVerdict,
	},
	{
		part: finding.PartSPF, label: "SPF",
		run: func(ctx context.Context, c *dnsclient.Client, inv *investigation) func(*Report) {
			s := spfcheck.CheckDomain(ctx, c, inv.domain)
			return func(r *Report) { r.SPF = s }
		},
		has:      func(r *Report) bool { return r.SPF != nil },
		findings: func(r *Report) []finding.Finding { return r.SPF.Findings },
		verdict:  spfVerdict,
	},
	{
		part: finding.PartDKIM, label: "DKIM",
		run: func(ctx context.Context, c *dnsclient.Client, inv *investigation) func(*Report) {
			d := dkim.Discover(ctx, c, inv.domain, inv.opts.HeaderSelectors, inv.opts.Selectors)
			return func(r *Report) { r.DKIM = d }
		},
		has:      func(r *Report) bool { return r.DKIM != nil },
		findings: func(r *Report) []finding.Finding { return r.DKIM.Findings },
		verdict:  dkimVerdict,
	},
	{
		part: finding.PartDMARC, label: "DMARC",
		run: func(ctx context.Context, c *dnsclient.Client, inv *investigation) func(*Report) {
			d := dmarc.Check(ctx, c, inv.domain)
			inv.orgDone <- d.OrgDomain
			return func(r *Report) { r.DMARC = d }
		},
		has:      func(r *Report) bool { return r.DMARC != nil },
		findings: func(r *Report) []finding.Finding { return r.DMARC.Findings },
		verdict:  dmarcVerdict,
	},
	{
		part: finding.PartMTASTS, label: "MTA-STS",
		run: func(ctx context.Context, c *dnsclient.Client, inv *investigation) func(*Report) {
			// The record does not wait for the MX hosts; the policy check
			// against them does.
			defer warm(leaf(ctx), c, "_mta-sts."+inv.domain)()
			var hosts []string
			select {
			case hosts = <-inv.mxHosts:
			case <-ctx.Done():
			}
			var dial policy.DialFunc
			if !inv.opts.Offline && inv.opts.Dial != nil {
				dial = inv.opts.Dial
			}
			m := policy.CheckMTASTS(leaf(ctx), c, inv.domain, hosts, dial, PolicyFetchTimeout, inv.opts.PolicyRoots)
			inv.mtasts <- m
			return func(r *Report) { r.MTASTS = m }
		},
		has:      func(r *Report) bool { return r.MTASTS != nil },
		findings: func(r *Report) []finding.Finding { return r.MTASTS.Findings },
		verdict:  mtastsVerdict,
	},
	{
		part: finding.PartTLSRPT, label: "TLS-RPT",
		run: func(ctx context.Context, c *dnsclient.Client, inv *investigation) func(*Report) {
			t := policy.CheckTLSRPT(leaf(ctx), c, inv.domain)
			return func(r *Report) { r.TLSRPT = t }
		},
		has:      func(r *Report) bool { return r.TLSRPT != nil },
		findings: func(r *Report) []finding.Finding { return r.TLSRPT.Findings },
		verdict:  tlsrptVerdict,
	},
	{
		part: finding.PartBIMI, label: "BIMI",
		run: func(ctx context.Context, c *dnsclient.Client, inv *investigation) func(*Report) {
			// The domain's own record does not wait for DMARC; only the
			// fallback to the organizational domain needs its answer.
			defer warm(leaf(ctx), c, "default._bimi."+inv.domain)()
			org := inv.domain
			select {
			case o := <-inv.orgDone:
				if o != "" {
					org = o
				}
			case <-ctx.Done():
			}
			b := policy.CheckBIMI(leaf(ctx), c, inv.domain, org)
			return func(r *Report) { r.BIMI = b }
		},
		has:      func(r *Report) bool { return r.BIMI != nil },
		findings: func(r *Report) []finding.Finding { return r.BIMI.Findings },
		verdict:  bimiVerdict,
	},
	{
		part: finding.PartBlocklists, label: "DNSBL",
		// It starts with the rest and waits for the MX addresses (not
		// their reverse DNS): its one round of questions ends before the
		// MX part's PTR chain does.
		run: func(ctx context.Context, c *dnsclient.Client, inv *investigation) func(*Report) {
			b := checkDomainBlocklists(ctx, c, inv)
			return func(r *Report) { r.Blocklists = b }
		},
		has:      func(r *Report) bool { return r.Blocklists != nil },
		findings: func(r *Report) []finding.Finding { return r.Blocklists.Findings },
		verdict:  blocklistVerdict,
	},
	{
		part: finding.PartSMTP, label: "SMTP",
		asked:    func(o Options) bool { return o.SMTP != nil },
		ownBound: true,
		run: func(ctx context.Context, c *dnsclient.Client, inv *investigation) func(*Report) {
			o := *inv.opts.SMTP
			o.Resolver = c
			s := runSMTPPart(ctx, inv, o)
			return func(r *Report) { r.SMTP = s }
		},
		has:      func(r *Report) bool { return r.SMTP != nil },
		findings: func(r *Report) []finding.Finding { return r.SMTP.Findings },
		verdict:  smtpVerdict,
	},
}

// warm asks for name's TXT records at once, so that a part which must wait
// for another before it runs finds its first answer in the client's cache
// instead of asking only then. The function it returns waits for the
// question to end.
func warm(ctx context.Context, c *dnsclient.Client, name string) func() {
	asked := make(chan struct{})
	go func() {
		defer close(asked)
		c.Lookup(ctx, dns.Fqdn(name), dns.TypeTXT)
	}()
	return func() { <-asked }
}

// specOf returns the part's entry of the table.
func specOf(p finding.Part) (partSpec, bool) {
	for _, s := range parts {
		if s.part == p {
			return s, true
		}
	}
	return partSpec{}, false
}

// Parts lists the parts every domain investigation runs, in the order
// they are drawn; an optional part (the SMTP probe, PartSMTP) is not among
// them, though a report that holds it has it (Has, Verdict).
func Parts() []finding.Part {
	out := make([]finding.Part, 0, len(parts))
	for _, s := range parts {
		if s.asked == nil {
			out = append(out, s.part)
		}
	}
	return out
}

// PartLabel names a part as a summary does: "MX", "SPF", "MTA-STS".
func PartLabel(p finding.Part) string {
	if s, ok := specOf(p); ok {
		return s.label
	}
	return string(p)
}

// Has reports whether the report holds a part (it is known).
func (r *Report) Has(p finding.Part) bool {
	s, ok := specOf(p)
	return ok && s.has(r)
}
