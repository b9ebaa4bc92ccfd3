// Package ptrcheck checks the reverse DNS of a mail server's address: its
// PTR names and their forward confirmation (FCrDNS: a PTR name whose A or
// AAAA records include the address, the check receivers make, RFC 1912
// §2.1 and RFC 8601's iprev), and whether a name looks like an access
// network's generic name.
package ptrcheck

import (
	"context"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"sync"

	"github.com/miekg/dns"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
)

// maxPTRNames bounds how many PTR names are forward-checked, as RFC 7208
// §4.6.4 bounds them for the SPF ptr mechanism.
const maxPTRNames = 10

// Result is the reverse DNS of one address and its forward confirmation
// (FCrDNS: a PTR name whose A or AAAA records include the address).
type Result struct {
	IP          netip.Addr       `json:"ip"`
	PTR         []string         `json:"ptr"`                    // the PTR names, without the trailing dot
	FCrDNS      bool             `json:"fcrdns"`                 // some PTR name resolves back to IP
	ConfirmedBy string           `json:"confirmed_by,omitempty"` // the first name that did
	Generic     bool             `json:"generic_ptr,omitempty"`  // the name looks like an access network's
	Status      dnsclient.Status `json:"status"`                 // the PTR lookup's status
	Error       string           `json:"error,omitempty"`        // why the check is incomplete
}

// Check looks up the PTR names of ip and confirms each (up to ten) by a
// forward lookup of the same address family, all at once.
func Check(ctx context.Context, r dnsclient.Resolver, ip netip.Addr) Result {
	ip = ip.Unmap()
	c := Result{IP: ip, PTR: []string{}}
	ans := dnsclient.LookupPTR(ctx, r, ip)
	c.Status = ans.Status
	if ans.Status.Temporary() {
		c.Error = "PTR lookup failed: " + ans.Describe()
		return c
	}
	names := ans.Names()
	for _, n := range names {
		c.PTR = append(c.PTR, strings.TrimSuffix(n, "."))
	}
	if len(names) > maxPTRNames {
		names = names[:maxPTRNames]
	}
	qtype := dns.TypeA
	if ip.Is6() {
		qtype = dns.TypeAAAA
	}
	confirmed := make([]bool, len(names))
	var wg sync.WaitGroup
	for i, n := range names {
		wg.Go(func() {
			for _, a := range r.Lookup(ctx, n, qtype).Addrs() {
				if a.Unmap() == ip {
					confirmed[i] = true
				}
			}
		})
	}
	wg.Wait()
	for i, ok := range confirmed {
		if ok {
			c.FCrDNS, c.ConfirmedBy = true, c.PTR[i]
			break
		}
	}
	for _, n := range c.PTR {
		if Generic(ip, n) {
			c.Generic = true
		}
	}
	return c
}

// genericWords are name parts that access and hosting networks put in the
// PTR names of addresses they hand out; receivers treat mail from such names
// as coming from end-user machines.
func genericWords() []string {
	return []string{"dynamic", "dyn", "dsl", "adsl", "vdsl", "xdsl", "pool", "cable", "dhcp", "ppp", "pppoe",
		"dialup", "dial-up", "dial", "broadband", "customer", "cust", "client", "cpe", "residential", "res",
		"fios", "ftth", "fibre", "fiber", "mobile", "wireless", "unassigned", "static", "ip", "host", "user", "home", "nat"}
}

// Generic reports whether name looks like an automatically assigned
// access-network name for ip: it carries the address's digits (in either
// order, with any separator, or in hex), or a word such as "dynamic", "dsl",
// "pool" or "cable" as one of its name parts.
func Generic(ip netip.Addr, name string) bool {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	if ip.Is4() {
		b := ip.As4()
		digits := []string{strconv.Itoa(int(b[0])), strconv.Itoa(int(b[1])), strconv.Itoa(int(b[2])), strconv.Itoa(int(b[3]))}
		for _, order := range [][]string{digits, {digits[3], digits[2], digits[1], digits[0]}} {
			for _, sep := range []string{"-", ".", "_", ""} {
				if sep == "" && len(strings.Join(order, "")) < 8 {
					continue
				}
				if strings.Contains(name, strings.Join(order, sep)) {
					return true
				}
			}
		}
		if strings.Contains(name, fmt.Sprintf("%02x%02x%02x%02x", b[0], b[1], b[2], b[3])) {
			return true
		}
	}
	words := strings.FieldsFunc(name, func(r rune) bool { return r == '.' || r == '-' || r == '_' || (r >= '0' && r <= '9') })
	for _, w := range words {
		for _, g := range genericWords() {
			if w == g {
				return true
			}
		}
	}
	return false
}

// Findings returns what a receiver would hold against this address's
// reverse DNS, for an address that sends or receives mail. part is the
// part they belong to (PartMX or PartPTR); role words the address
// ("MX host mx1.example.com").
func (c Result) Findings(part finding.Part, role string) []finding.Finding {
	var fs []finding.Finding
	subject := c.IP.String()
	about := finding.IP(c.IP)
	switch {
	case c.Error != "":
		fs = append(fs, finding.Finding{Severity: finding.Warning, Code: "ptr.lookup_failed", Part: part, Subject: about,
			Message: fmt.Sprintf("The reverse DNS of %s (%s) could not be checked: %s.", subject, role, c.Error),
			Fix:     "Run the check again; if it persists, ask the owner of the address block to fix its reverse DNS servers."})
	case len(c.PTR) == 0:
		fs = append(fs, finding.Finding{Severity: finding.Warning, Code: "ptr.missing", Part: part, Subject: about,
			Message: fmt.Sprintf("%s (%s) has no PTR record. Many receivers reject or penalise mail from addresses without reverse DNS.", subject, role),
			Fix:     "Ask whoever owns the address (the hosting or network provider) to publish a PTR record naming this host, with a matching A/AAAA record."})
	case !c.FCrDNS:
		fs = append(fs, finding.Finding{Severity: finding.Warning, Code: "ptr.not_confirmed", Part: part, Subject: about,
			Message: fmt.Sprintf("The PTR name of %s (%s), %s, does not resolve back to %s, so forward-confirmed reverse DNS fails.", subject, role, strings.Join(c.PTR, ", "), subject),
			Fix:     fmt.Sprintf("Publish an A/AAAA record for %s pointing at %s, or change the PTR to a name that does.", c.PTR[0], subject)})
	}
	if c.Generic {
		fs = append(fs, finding.Finding{Severity: finding.Warning, Code: "ptr.generic", Part: part, Subject: about,
			Message: fmt.Sprintf("The PTR name of %s (%s) looks like an access-network name (%s); receivers treat such names as end-user machines.", subject, role, strings.Join(c.PTR, ", ")),
			Fix:     "Set a PTR that names the mail server itself (for example mail.yourdomain), with a matching A/AAAA record."})
	}
	return fs
}
