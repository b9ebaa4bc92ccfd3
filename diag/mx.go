package diag

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"

	"github.com/miekg/dns"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/ptrcheck"
)

// MXHost is one mail exchanger of a domain with its addresses and their
// reverse DNS.
type MXHost struct {
	Preference   uint16            `json:"preference"`
	Host         string            `json:"host"` // without the trailing dot
	Addresses    []ptrcheck.Result `json:"addresses"`
	LoadBalanced bool              `json:"load_balanced"`    // another host has the same preference
	CNAME        string            `json:"cname,omitempty"`  // the alias target when Host is a CNAME (not allowed)
	Filter       string            `json:"filter,omitempty"` // the filtering service this host belongs to
	Errors       []string          `json:"errors"`

	codes []string // the finding code of each entry in Errors
}

// fail records why the host is unusable.
func (h *MXHost) fail(code, text string) {
	h.Errors = append(h.Errors, text)
	h.codes = append(h.codes, code)
}

// MXReport is what the MX part of an investigation found.
type MXReport struct {
	Hosts    []MXHost          `json:"hosts"`
	NullMX   bool              `json:"null_mx"`            // RFC 7505 "0 ." alone: the domain accepts no mail
	Implicit []netip.Addr      `json:"implicit,omitempty"` // no MX: the domain's own addresses receive mail (RFC 5321 §5.1)
	Status   dnsclient.Status  `json:"status"`
	Findings []finding.Finding `json:"-"`
}

// filterService is a mail-filtering service recognised by its MX host names.
type filterService struct {
	Name     string
	Suffixes []string // MX host name suffixes, without leading dot
}

// knownFilters is the one table of filtering services recognised by their
// MX host names.
func knownFilters() []filterService {
	return []filterService{
		{"Proofpoint", []string{"pphosted.com", "ppe-hosted.com"}},
		{"Mimecast", []string{"mimecast.com", "mimecast.co.za", "mimecast-offshore.com"}},
		{"Barracuda", []string{"barracudanetworks.com"}},
		{"Microsoft Exchange Online Protection", []string{"mail.protection.outlook.com", "mail.protection.partner.outlook.cn", "mail.protection.office365.us"}},
		{"Cisco Secure Email (IronPort)", []string{"iphmx.com"}},
		{"Trend Micro", []string{"tmes.trendmicro.com", "tmes.trendmicro.eu", "tmes-anz.trendmicro.com", "in.hes.trendmicro.com", "in.hes.trendmicro.eu"}},
		{"Sophos", []string{"prod.hydra.sophos.com", "sophos.com"}},
		{"Hornetsecurity", []string{"hornetsecurity.com"}},
		{"Vade", []string{"security-mail.net", "vadesecure.com"}},
		{"ExchangeDefender", []string{"exchangedefender.com"}},
		{"SpamTitan", []string{"spamtitan.com"}},
	}
}

// FilterFor returns the filtering service an MX host name belongs to, or "".
func FilterFor(host string) string {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, f := range knownFilters() {
		for _, s := range f.Suffixes {
			if host == s || strings.HasSuffix(host, "."+s) {
				return f.Name
			}
		}
	}
	return ""
}

// CheckMX looks up the domain's MX records, each host's addresses, and each
// address's PTR with its forward confirmation. Every host is followed at
// once; the chain MX → A/AAAA → PTR → A is the critical path.
func CheckMX(ctx context.Context, r dnsclient.Resolver, domain string) MXReport {
	return checkMX(ctx, r, domain, nil)
}

// mxAddr is an address that receives the domain's mail, and its MX host
// (the domain itself for an implicit MX).
type mxAddr struct {
	ip   netip.Addr
	host string
}

// checkMX is CheckMX that also gives addrs (when not nil) the addresses
// that receive the domain's mail as soon as every MX host's are known,
// before their reverse DNS is: parts that need only the addresses
// (blocklists) start one round trip after the MX hosts' A/AAAA answers
// instead of after the PTR chain. addrs is called exactly once, before
// checkMX returns; with no address when there is none.
func checkMX(ctx context.Context, r dnsclient.Resolver, domain string, addrs func([]mxAddr)) MXReport {
	var once sync.Once
	found := func(a []mxAddr) {
		if addrs != nil {
			once.Do(func() { addrs(a) })
		}
	}
	defer found(nil)
	fqdn := dns.Fqdn(domain)
	ans := r.Lookup(ctx, fqdn, dns.TypeMX)
	rep := MXReport{Status: ans.Status, Hosts: []MXHost{}}
	add := func(sev finding.Severity, code string, subject finding.Subject, msg, fix string) {
		rep.Findings = append(rep.Findings, finding.Finding{Severity: sev, Code: code, Part: finding.PartMX, Subject: subject, Message: msg, Fix: fix})
	}
	switch {
	case ans.Status.Temporary():
		add(finding.Error, "mx.lookup_failed", finding.Domain(domain),
			fmt.Sprintf("The MX records of %s could not be read: %s.", domain, ans.Describe()),
			"Check that the domain's nameservers answer; run the check again.")
		return rep
	case ans.Status == dnsclient.StatusNXDomain:
		add(finding.Error, "mx.nxdomain", finding.Domain(domain),
			fmt.Sprintf("%s does not exist in DNS (NXDOMAIN), so it can neither send nor receive mail.", domain),
			"Check the spelling, or register and publish the domain.")
		return rep
	}
	mxs := ans.MX()
	if len(mxs) == 0 {
		rep.Implicit = implicitMX(ctx, r, fqdn, domain, add)
		var own []mxAddr
		for _, ip := range rep.Implicit {
			own = append(own, mxAddr{ip: ip, host: domain})
		}
		found(own)
		return rep
	}
	for _, m := range mxs {
		if m.Host == "." {
			if m.Preference == 0 && len(mxs) == 1 {
				rep.NullMX = true
				add(finding.Info, "mx.null", finding.Domain(domain),
					fmt.Sprintf("%s publishes a null MX (RFC 7505): it accepts no mail.", domain),
					"If the domain sends no mail either, publish the SPF record \"v=spf1 -all\" and DMARC \"v=DMARC1; p=reject\".")
				return rep
			}
			add(finding.Error, "mx.null_mixed", finding.Domain(domain),
				fmt.Sprintf("%s mixes a null MX (\".\") with other MX records; RFC 7505 says a null MX must stand alone.", domain),
				"Remove the \".\" MX record if the domain receives mail, or remove all the others if it does not.")
			continue
		}
		rep.Hosts = append(rep.Hosts, MXHost{Preference: m.Preference, Host: strings.TrimSuffix(m.Host, "."), Addresses: []ptrcheck.Result{}, Errors: []string{}})
	}
	// Each host's addresses, handed over before its PTR checks.
	hostAddrs := make([][]netip.Addr, len(rep.Hosts))
	var wg, known sync.WaitGroup
	known.Add(len(rep.Hosts))
	for i := range rep.Hosts {
		wg.Go(func() {
			resolveMXHost(ctx, r, &rep.Hosts[i], func(ips []netip.Addr) {
				hostAddrs[i] = ips
				known.Done()
			})
		})
	}
	known.Wait()
	var all []mxAddr
	for i, ips := range hostAddrs {
		for _, ip := range ips {
			all = append(all, mxAddr{ip: ip, host: rep.Hosts[i].Host})
		}
	}
	found(all)
	wg.Wait()
	mxFindings(domain, &rep, add)
	return rep
}

// implicitMX explains the RFC 5321 §5.1 fallback when a domain has no MX.
func implicitMX(ctx context.Context, r dnsclient.Resolver, fqdn, domain string, add func(finding.Severity, string, finding.Subject, string, string)) []netip.Addr {
	v4, v6 := dnsclient.LookupAddrs(ctx, r, fqdn)
	addrs := append(v4.Addrs(), v6.Addrs()...)
	if len(addrs) == 0 {
		add(finding.Error, "mx.none", finding.Domain(domain),
			fmt.Sprintf("%s has no MX records and no A/AAAA address, so mail to it cannot be delivered.", domain),
			fmt.Sprintf("Publish MX records for %s naming your mail servers (or a null MX \"0 .\" if it takes no mail).", domain))
		return nil
	}
	add(finding.Warning, "mx.implicit", finding.Domain(domain),
		fmt.Sprintf("%s has no MX records, so senders fall back to its own address (%s) as RFC 5321 §5.1 says; many do not, or treat it as a sign of a domain that takes no mail.", domain, joinAddrs(addrs)),
		fmt.Sprintf("Publish MX records for %s naming the servers that should receive its mail.", domain))
	return addrs
}

// resolveMXHost fills one host's addresses and PTR checks; it gives the
// addresses to found (exactly once, none when it has none) before the PTR
// checks start.
func resolveMXHost(ctx context.Context, r dnsclient.Resolver, h *MXHost, found func([]netip.Addr)) {
	var once sync.Once
	report := func(ips []netip.Addr) { once.Do(func() { found(ips) }) }
	defer report(nil)
	if ip, err := netip.ParseAddr(strings.Trim(h.Host, "[]")); err == nil {
		h.fail("mx.ip_literal", fmt.Sprintf("the MX target is an IP address (%s), not a host name; RFC 5321 requires a name", ip))
		return
	}
	v4, v6 := dnsclient.LookupAddrs(ctx, r, dns.Fqdn(h.Host))
	if c := v4.CNAMEs; len(c) > 0 {
		h.CNAME = strings.TrimSuffix(c[len(c)-1], ".")
	} else if c := v6.CNAMEs; len(c) > 0 {
		h.CNAME = strings.TrimSuffix(c[len(c)-1], ".")
	}
	addrs := append(v4.Addrs(), v6.Addrs()...)
	switch {
	case len(addrs) == 0 && (v4.Status.Temporary() || v6.Status.Temporary()):
		h.fail("mx.lookup_failed", fmt.Sprintf("its addresses could not be looked up: %s", worse(v4, v6).Describe()))
		return
	case len(addrs) == 0:
		h.fail("mx.no_address", "it has no A or AAAA address")
		return
	}
	report(addrs)
	h.Addresses = make([]ptrcheck.Result, len(addrs))
	var wg sync.WaitGroup
	for i, ip := range addrs {
		wg.Go(func() { h.Addresses[i] = ptrcheck.Check(ctx, r, ip) })
	}
	wg.Wait()
}

// mxFindings marks load balancing and filters, and turns host errors into
// findings.
func mxFindings(domain string, rep *MXReport, add func(finding.Severity, string, finding.Subject, string, string)) {
	prefs := map[uint16]int{}
	var filtered []string
	for i := range rep.Hosts {
		h := &rep.Hosts[i]
		prefs[h.Preference]++
		if h.Filter = FilterFor(h.Host); h.Filter != "" && !slices.Contains(filtered, h.Filter) {
			filtered = append(filtered, h.Filter)
		}
	}
	for i := range rep.Hosts {
		h := &rep.Hosts[i]
		h.LoadBalanced = prefs[h.Preference] > 1
		if h.CNAME != "" {
			add(finding.Error, "mx.cname", finding.Host(h.Host),
				fmt.Sprintf("The MX host %s is an alias (CNAME) for %s; RFC 5321 §5.1 and RFC 2181 §10.3 forbid MX targets that are aliases, and some senders will not deliver to it.", h.Host, h.CNAME),
				fmt.Sprintf("Point the MX record at %s directly, or replace the CNAME with A/AAAA records.", h.CNAME))
		}
		for i, e := range h.Errors {
			add(finding.Error, h.codes[i], finding.Host(h.Host),
				fmt.Sprintf("The MX host %s (preference %d) is unusable: %s.", h.Host, h.Preference, e),
				"Point the MX record at a host name that has A/AAAA records for a working mail server.")
		}
		for _, a := range h.Addresses {
			rep.Findings = append(rep.Findings, a.Findings(finding.PartMX, "MX host "+h.Host)...)
		}
		if len(filtered) > 0 && h.Filter == "" {
			add(finding.Warning, "mx.filter_bypass", finding.Host(h.Host),
				fmt.Sprintf("%s routes mail through %s, but the MX host %s (preference %d) is not part of it: senders that use it, spammers included, bypass the filter.", domain, strings.Join(filtered, " and "), h.Host, h.Preference),
				fmt.Sprintf("Remove the MX record for %s, or make the mail server accept connections only from the filtering service's addresses.", h.Host))
		}
	}
}

// worse returns whichever answer failed, preferring the first.
func worse(a, b dnsclient.Answer) dnsclient.Answer {
	if a.Status.Temporary() {
		return a
	}
	return b
}

func joinAddrs(addrs []netip.Addr) string {
	s := make([]string, len(addrs))
	for i, a := range addrs {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}
