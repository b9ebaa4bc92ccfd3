package policy

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/headers/taglist"
)

// lookupRecords asks for TXT at name and keeps the records that start with
// prefix; RFC 8461 §3.1 and RFC 8460 §3 discard the others, and a count
// other than one means no record.
func lookupRecords(ctx context.Context, r dnsclient.Resolver, name, prefix string) (dnsclient.Answer, []string) {
	a := r.Lookup(ctx, dns.Fqdn(name), dns.TypeTXT)
	var recs []string
	for _, t := range a.TXT() {
		if strings.HasPrefix(t, prefix) {
			recs = append(recs, t)
		}
	}
	return a, recs
}

// recordFindings reports a missing, failed or duplicated record.
func recordFindings(part, name string, a dnsclient.Answer, recs []string, what, fix string) []finding.Finding {
	switch {
	case a.Status.Temporary():
		return []finding.Finding{{Severity: finding.Warning, Code: part + ".lookup_error", Part: finding.Part(part), Subject: finding.Domain(name),
			Message: fmt.Sprintf("The TXT query for %s ended in %s, so %s could not be checked.", name, a.Status, what),
			Fix:     "Make the name servers answer TXT queries for " + name + ", then check again."}}
	case len(recs) == 0:
		return []finding.Finding{{Severity: finding.Info, Code: part + ".no_record", Part: finding.Part(part), Subject: finding.Domain(name),
			Message: fmt.Sprintf("No %s record at %s.", what, name), Fix: fix}}
	case len(recs) > 1:
		return []finding.Finding{{Severity: finding.Error, Code: part + ".multiple_records", Part: finding.Part(part), Subject: finding.Domain(name),
			Message: fmt.Sprintf("%s has %d %s records (%s); senders then act as if there were none.", name, len(recs), what, quoteAll(recs)),
			Fix:     "Keep exactly one and delete the others."}}
	}
	return nil
}

// quoteAll quotes records for a message: "a" and "b"; "a", "b" and "c".
func quoteAll(recs []string) string {
	q := make([]string, len(recs))
	for i, r := range recs {
		q[i] = strconv.Quote(r)
	}
	if len(q) < 2 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

func syntaxFindings(part, subject string, errs []*taglist.SyntaxError, fix string) []finding.Finding {
	var out []finding.Finding
	for _, e := range errs {
		out = append(out, finding.Finding{Severity: finding.Error, Code: part + ".syntax_error", Part: finding.Part(part), Subject: finding.Domain(subject),
			Message: "Syntax error in " + subject + " " + e.Error() + ".", Fix: fix})
	}
	return out
}

func errorStrings(errs []*taglist.SyntaxError) []string {
	out := []string{}
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}

// MTASTSResult is the "mta_sts" object of the check contract.
type MTASTSResult struct {
	Domain string   `json:"domain"`       // the domain checked
	Record string   `json:"record"`       // "" when none
	ID     string   `json:"id,omitempty"` // the record's id
	Errors []string `json:"errors"`       // of the TXT record and of the policy file
	URL    string   `json:"policy_url"`   // where the policy file is (RFC 8461 §3.3)
	// Fetched is false when the policy file was not fetched; NotFetched
	// says why ("policy not fetched" when fetching is disabled).
	Fetched    bool              `json:"fetched"`
	NotFetched string            `json:"not_fetched,omitempty"`
	Policy     *STSPolicy        `json:"policy"`   // the policy file, read; nil when not fetched
	MX         []MXMatch         `json:"mx"`       // each MX host against the policy's mx patterns
	Findings   []finding.Finding `json:"findings"` // what is wrong, each with the fix
}

// CheckMTASTS checks the _mta-sts record of domain, fetches its policy
// through dial (nil disables the fetch, as under --zone) trusting roots
// (nil: the system's) and holds the MX host names against the policy's
// patterns.
func CheckMTASTS(ctx context.Context, r dnsclient.Resolver, domain string, mx []string, dial DialFunc, timeout time.Duration, roots *x509.CertPool) *MTASTSResult {
	return checkMTASTS(ctx, r, domain, mx, func(ctx context.Context) FetchResult {
		return FetchPolicyWithRoots(ctx, domain, dial, timeout, roots)
	})
}

func checkMTASTS(ctx context.Context, r dnsclient.Resolver, domain string, mx []string, fetchFn func(context.Context) FetchResult) *MTASTSResult {
	domain = normalize(domain)
	name := "_mta-sts." + domain
	res := &MTASTSResult{Domain: domain, URL: PolicyURL(domain), Errors: []string{}, MX: []MXMatch{}}
	add := func(sev finding.Severity, code, subject, msg, fix string) {
		res.Findings = append(res.Findings, finding.Finding{Severity: sev, Code: code, Part: finding.PartMTASTS, Subject: finding.Domain(subject), Message: msg, Fix: fix})
	}
	a, recs := lookupRecords(ctx, r, name, "v=STSv1")
	res.Findings = recordFindings("mta_sts", name, a, recs, "MTA-STS",
		"Optional: to make sending servers insist on TLS, publish v=STSv1; id=<date> at "+name+" and a policy at "+res.URL+" (RFC 8461).")
	if len(recs) != 1 {
		return res
	}
	res.Record = recs[0]
	rec, _ := ParseSTSRecord(recs[0])
	if rec == nil { // "v=STSv1" without the ";": not the version field
		add(finding.Error, "mta_sts.syntax_error", name, "The record at "+name+" does not start with the field v=STSv1.", "Write it as v=STSv1; id=20240101000000")
		return res
	}
	res.ID = rec.ID
	res.Errors = append(res.Errors, errorStrings(rec.Errors)...)
	res.Findings = append(res.Findings, syntaxFindings("mta_sts", name, rec.Errors, "Write the record as v=STSv1; id=<1 to 32 letters or digits>; senders ignore a broken record.")...)

	f := fetchFn(ctx)
	if errors.Is(f.Err, ErrNotFetched) {
		res.NotFetched = "policy not fetched"
		add(finding.Info, "mta_sts.not_fetched", res.URL, "The MTA-STS policy was not fetched (an offline zone file).", "Run without --zone to fetch and check the policy.")
		return res
	}
	if f.Err != nil {
		res.NotFetched = f.Err.Error()
		add(finding.Error, "mta_sts.fetch_failed", res.URL,
			fmt.Sprintf("The MTA-STS record is published but the policy at %s cannot be fetched: %v. Senders then treat the domain as having no usable policy.", res.URL, f.Err),
			"Serve the policy over HTTPS at "+res.URL+" with a valid certificate for mta-sts."+domain+", answering 200 without redirects.")
		return res
	}
	res.Fetched = true
	if !textPlain(f.ContentType) {
		add(finding.Warning, "mta_sts.content_type", res.URL, fmt.Sprintf("The policy is served as %q, not text/plain.", f.ContentType), "Serve "+res.URL+" with Content-Type: text/plain.")
	}
	pol, _ := ParseSTSPolicy(f.Body)
	res.Policy = pol
	res.Errors = append(res.Errors, errorStrings(pol.Errors)...)
	res.Findings = append(res.Findings, syntaxFindings("mta_sts", res.URL, pol.Errors, "Correct the policy file: lines of version: STSv1, mode: enforce|testing|none, mx: <host pattern> and max_age: <seconds>.")...)
	switch pol.Mode {
	case ModeTesting:
		add(finding.Info, "mta_sts.mode_testing", res.URL, "The MTA-STS policy is in testing mode: senders report TLS failures (if TLS-RPT is set up) but still deliver.", "Switch to mode: enforce once TLS reports show no failures.")
	case ModeNone:
		add(finding.Info, "mta_sts.mode_none", res.URL, "The MTA-STS policy has mode: none, which withdraws the policy.", "Nothing to do if MTA-STS is being retired; otherwise use testing or enforce.")
	}
	if pol.MaxAge >= 0 && pol.MaxAge < 86400 && pol.Mode != ModeNone {
		add(finding.Warning, "mta_sts.max_age_short", res.URL, fmt.Sprintf("max_age is %d seconds: senders forget the policy quickly, which weakens protection against downgrade.", pol.MaxAge), "Use a max_age of at least 86400 (a day); weeks are common (RFC 8461 §3.2).")
	}
	if pol.Mode != ModeNone && len(pol.MX) > 0 {
		res.MX = pol.CheckMX(mx)
		for _, m := range res.MX {
			if m.Matches {
				continue
			}
			sev := finding.Warning
			if pol.Mode == ModeEnforce {
				sev = finding.Error
			}
			add(sev, "mta_sts.mx_mismatch", m.Host,
				fmt.Sprintf("The MX host %s matches no mx pattern of the MTA-STS policy (%s); senders enforcing it will not deliver to this host.", m.Host, strings.Join(pol.MX, ", ")),
				"Add an mx: line for "+m.Host+" to the policy (and change the id in "+name+"), or remove the host from the MX records.")
		}
	}
	return res
}

// TLSRPTResult is the "tls_rpt" object of the check contract.
type TLSRPTResult struct {
	Domain      string            `json:"domain"`      // the domain checked
	Record      string            `json:"record"`      // the TXT record; "" when none
	RUA         []ReportURI       `json:"rua"`         // "rua": the report destinations
	Errors      []string          `json:"errors"`      // the record's syntax errors, in words
	Explanation string            `json:"explanation"` // what the record asks for, in words
	Findings    []finding.Finding `json:"findings"`    // what is wrong, each with the fix
}

// CheckTLSRPT checks the _smtp._tls record of domain (RFC 8460 §3).
func CheckTLSRPT(ctx context.Context, r dnsclient.Resolver, domain string) *TLSRPTResult {
	domain = normalize(domain)
	name := "_smtp._tls." + domain
	res := &TLSRPTResult{Domain: domain, RUA: []ReportURI{}, Errors: []string{}}
	a, recs := lookupRecords(dnsclient.WithPriority(ctx, dnsclient.Leaf), r, name, "v=TLSRPTv1")
	res.Findings = recordFindings("tls_rpt", name, a, recs, "TLS-RPT",
		"Optional: publish v=TLSRPTv1; rua=mailto:tls-reports@"+domain+" at "+name+" to receive reports of TLS failures when others deliver to you (RFC 8460).")
	if len(recs) != 1 {
		return res
	}
	res.Record = recs[0]
	rec, _ := ParseTLSRPT(recs[0])
	if rec == nil {
		res.Findings = append(res.Findings, finding.Finding{Severity: finding.Error, Code: "tls_rpt.syntax_error", Part: finding.PartTLSRPT, Subject: finding.Domain(name),
			Message: "The record at " + name + " does not start with the field v=TLSRPTv1.", Fix: "Write it as v=TLSRPTv1; rua=mailto:tls-reports@" + domain})
		return res
	}
	res.RUA = rec.RUA
	res.Errors = errorStrings(rec.Errors)
	res.Findings = append(res.Findings, syntaxFindings("tls_rpt", name, rec.Errors, "Write the record as v=TLSRPTv1; rua=mailto:addr@domain (several destinations separated by commas).")...)
	var dests []string
	for _, u := range rec.RUA {
		dests = append(dests, u.URI)
	}
	if len(dests) > 0 {
		res.Explanation = "Sending servers that support TLS reporting send daily reports of TLS successes and failures for mail to " + domain + " to " + strings.Join(dests, " and ") + "."
	}
	return res
}

// BIMIResult is the "bimi" object of the check contract.
type BIMIResult struct {
	Domain   string            `json:"domain"`   // the domain checked
	Name     string            `json:"name"`     // the name the record was found at, or the first asked
	Record   string            `json:"record"`   // the TXT record; "" when none
	Location string            `json:"l"`        // "l": where the logo (SVG) is
	Evidence string            `json:"a"`        // "a": where the Verified Mark Certificate is
	Declined bool              `json:"declined"` // the domain declines to show a logo (an empty l=)
	Errors   []string          `json:"errors"`   // the record's syntax errors, in words
	Findings []finding.Finding `json:"findings"` // what is wrong, each with the fix
}

// CheckBIMI looks up default._bimi.<domain> and, when that has no record
// and orgDomain differs, default._bimi.<orgDomain> (the BIMI draft's
// assertion record discovery). Pair it with BIMIDMARCFindings for the
// DMARC condition.
func CheckBIMI(ctx context.Context, r dnsclient.Resolver, domain, orgDomain string) *BIMIResult {
	domain, orgDomain = normalize(domain), normalize(orgDomain)
	ctx = dnsclient.WithPriority(ctx, dnsclient.Leaf)
	res := &BIMIResult{Domain: domain, Name: "default._bimi." + domain, Errors: []string{}}
	a, recs := lookupRecords(ctx, r, res.Name, "v=BIMI1")
	if len(recs) == 0 && !a.Status.Temporary() && orgDomain != "" && orgDomain != domain {
		name := "default._bimi." + orgDomain
		if oa, orecs := lookupRecords(ctx, r, name, "v=BIMI1"); len(orecs) > 0 || oa.Status.Temporary() {
			a, recs, res.Name = oa, orecs, name
		}
	}
	res.Findings = recordFindings("bimi", res.Name, a, recs, "BIMI",
		"Optional: to show a logo in supporting mailboxes, publish v=BIMI1; l=https://<host>/logo.svg; a=https://<host>/mark.pem at default._bimi."+domain+" (DMARC must be at enforcement).")
	if len(recs) != 1 {
		return res
	}
	res.Record = recs[0]
	rec, _ := ParseBIMI(recs[0])
	if rec == nil {
		res.Findings = append(res.Findings, finding.Finding{Severity: finding.Error, Code: "bimi.syntax_error", Part: finding.PartBIMI, Subject: finding.Domain(res.Name),
			Message: "The record at " + res.Name + " does not start with v=BIMI1.", Fix: "Write it as v=BIMI1; l=https://<host>/logo.svg; a=https://<host>/mark.pem"})
		return res
	}
	res.Location, res.Evidence, res.Declined = rec.Location, rec.Evidence, rec.Declined
	res.Errors = errorStrings(rec.Errors)
	res.Findings = append(res.Findings, syntaxFindings("bimi", res.Name, rec.Errors, "Give l= an https:// URL of an SVG logo and a= an https:// URL of a PEM mark certificate (or leave a= empty).")...)
	switch {
	case rec.Declined:
		res.Findings = append(res.Findings, finding.Finding{Severity: finding.Info, Code: "bimi.declined", Part: finding.PartBIMI, Subject: finding.Domain(res.Name),
			Message: "The BIMI record declines to publish a logo (l= and a= are empty).", Fix: "Nothing to do unless a logo should be shown."})
	case rec.Evidence == "" && rec.Location != "":
		res.Findings = append(res.Findings, finding.Finding{Severity: finding.Info, Code: "bimi.no_evidence", Part: finding.PartBIMI, Subject: finding.Domain(res.Name),
			Message: "The BIMI record has no a= mark certificate; large mailbox providers show logos only with a verified mark certificate (VMC or CMC).", Fix: "Obtain a VMC or CMC for the logo and publish its https URL in a=."})
	}
	return res
}
