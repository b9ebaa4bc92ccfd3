package dkim

import (
	"context"
	"strings"
	"sync"

	"github.com/miekg/dns"

	"github.com/mxray/mxray/diag/dnsclient"
)

// sender is a mail provider mxray recognises from a domain's MX hosts or
// SPF includes, with the DKIM selectors it publishes under the customer's
// domain.
type sender struct {
	name      string
	mx        []string // MX host name suffixes
	include   []string // SPF include/redirect target suffixes
	selectors []string
}

// senders lists the providers selectors are inferred from. Sources (checked
// for each; the selectors, MX hosts and SPF includes are as the provider's
// set-up pages give them):
//   - Microsoft 365: selector1 and selector2, CNAMEs to
//     selectorN-<domain>._domainkey.<tenant>.onmicrosoft.com or, since 2024,
//     *.dkim.mail.microsoft (learn.microsoft.com,
//     defender-office-365/email-authentication-dkim-configure; the
//     New-DkimSigningConfig examples show the same names); MX
//     <domain>.mail.protection.outlook.com, SPF include:spf.protection.outlook.com.
//   - Google Workspace: google, the default prefix of a generated key
//     (support.google.com/a/answer/174126); MX aspmx.l.google.com and its
//     alternates, or smtp.google.com since 2023; SPF include:_spf.google.com.
//   - Amazon SES: Easy DKIM selectors are three random 32-character tokens,
//     so none is probed; include:amazonses.com and MX inbound-smtp.<region>.
//     amazonaws.com only name the provider (the SES finding says so).
//   - SendGrid: s1 and s2 (automated security), smtpapi for older manual
//     set-ups (docs.sendgrid.com, "How to set up domain authentication");
//     SPF include:sendgrid.net.
//   - Mailchimp: k1, k2 and k3, CNAMEs to dkim{,2,3}.mcsv.net
//     (mailchimp.com/help/set-up-email-domain-authentication); SPF
//     include:servers.mcsv.net. Mandrill (Mailchimp Transactional):
//     mandrill, SPF include:spf.mandrillapp.com.
//   - Mailgun: pdk1 and pdk2 for Automatic Sender Security
//     (documentation.mailgun.com, user-manual/domains/dkim_security); older
//     domains got mx, smtp, krs, pic or mailo (spfwise.com's Mailgun set-up
//     guide shows mx._domainkey); MX mxa/mxb.mailgun.org, SPF
//     include:mailgun.org.
//   - Zoho Mail: the admin names the selector; zoho (the example Zoho's own
//     help pages use, help.zoho.com "Email domain verification") and zmail
//     are the usual choices; MX mx.zoho.com/.eu/.in/.com.au, SPF
//     include:zoho.com (mxtoolbox.com's Zoho Mail provider page).
//   - Fastmail: fm1, fm2 and fm3, CNAMEs to fmN.<domain>.dkim.fmhosted.com
//     (fastmail.help/hc/en-us/articles/360060591153); MX
//     in1-smtp.messagingengine.com, SPF include:spf.messagingengine.com.
//   - Proton Mail: protonmail, protonmail2 and protonmail3
//     (proton.me/support/anti-spoofing-custom-domain); MX
//     mail.protonmail.ch, SPF include:_spf.protonmail.ch.
//   - Zendesk: zendesk1 and zendesk2, SPF include:mail.zendesk.com
//     (support.zendesk.com, "Digitally signing your email with DKIM").
//   - iCloud+ custom domains: sig1, MX mx01.mail.icloud.com, SPF
//     include:icloud.com (support.apple.com).
//   - Mailjet: mailjet, include:spf.mailjet.com; Constant Contact: ctct1 and
//     ctct2, include:spf.constantcontact.com; Campaign Monitor: cm,
//     include:_spf.createsend.com.
func senders() []sender {
	return []sender{
		{"Microsoft 365", []string{"mail.protection.outlook.com", "mx.microsoft"}, []string{"spf.protection.outlook.com"}, []string{"selector1", "selector2"}},
		{"Google Workspace", []string{"aspmx.l.google.com", "googlemail.com", "smtp.google.com"}, []string{"_spf.google.com"}, []string{"google"}},
		{ProviderAmazonSES, []string{"amazonaws.com"}, []string{"amazonses.com"}, nil},
		{"SendGrid", []string{"mx.sendgrid.net"}, []string{"sendgrid.net"}, []string{"s1", "s2", "smtpapi"}},
		{"Mailchimp", nil, []string{"servers.mcsv.net", "mcsv.net"}, []string{"k1", "k2", "k3"}},
		{"Mandrill (Mailchimp Transactional)", nil, []string{"spf.mandrillapp.com", "mandrillapp.com"}, []string{"mandrill"}},
		{"Mailgun", []string{"mailgun.org"}, []string{"mailgun.org"}, []string{"pdk1", "pdk2", "mx", "smtp", "krs", "pic", "mailo"}},
		{"Zoho Mail", []string{"zoho.com", "zoho.eu", "zoho.in", "zoho.com.au", "zoho.jp", "zohomail.com"}, []string{"zoho.com", "zoho.eu", "zoho.in", "zoho.com.au", "zohomail.com"}, []string{"zoho", "zmail"}},
		{"Fastmail", []string{"messagingengine.com"}, []string{"spf.messagingengine.com"}, []string{"fm1", "fm2", "fm3"}},
		{"Proton Mail", []string{"protonmail.ch"}, []string{"_spf.protonmail.ch"}, []string{"protonmail", "protonmail2", "protonmail3"}},
		{"Zendesk", nil, []string{"mail.zendesk.com"}, []string{"zendesk1", "zendesk2"}},
		{"iCloud+", []string{"mail.icloud.com"}, []string{"icloud.com"}, []string{"sig1"}},
		{"Mailjet", nil, []string{"spf.mailjet.com"}, []string{"mailjet"}},
		{"Constant Contact", nil, []string{"spf.constantcontact.com"}, []string{"ctct1", "ctct2"}},
		{"Campaign Monitor", nil, []string{"_spf.createsend.com"}, []string{"cm"}},
	}
}

// inference is what the domain's MX and SPF answers say about its senders.
type inference struct {
	providers []string // names of the senders recognised, in table order
	selectors []string // their selectors, in table order, without repeats
}

// infer asks the domain's MX and TXT records (the investigation's MX and SPF
// parts ask the same questions at the same time, so the client merges them
// and nothing more goes on the wire) and recognises the senders they name.
func infer(ctx context.Context, r dnsclient.Resolver, domain string) inference {
	var mx, txt dnsclient.Answer
	var wg sync.WaitGroup
	wg.Go(func() { mx = r.Lookup(ctx, dns.Fqdn(domain), dns.TypeMX) })
	txt = r.Lookup(ctx, dns.Fqdn(domain), dns.TypeTXT)
	wg.Wait()
	var hosts []string
	for _, m := range mx.MX() {
		hosts = append(hosts, m.Host)
	}
	return inferFrom(hosts, spfTargets(txt.TXT()))
}

// inferFrom recognises senders from MX host names and SPF include and
// redirect targets.
func inferFrom(mxHosts, includes []string) inference {
	var inf inference
	seen := map[string]bool{}
	for _, s := range senders() {
		if !matchesAny(mxHosts, s.mx) && !matchesAny(includes, s.include) {
			continue
		}
		inf.providers = append(inf.providers, s.name)
		for _, sel := range s.selectors {
			if !seen[sel] {
				seen[sel] = true
				inf.selectors = append(inf.selectors, sel)
			}
		}
	}
	return inf
}

// matchesAny reports whether a name equals one of the suffixes or ends in
// "."+suffix.
func matchesAny(names, suffixes []string) bool {
	for _, n := range names {
		n = strings.ToLower(strings.TrimSuffix(n, "."))
		for _, s := range suffixes {
			if n == s || strings.HasSuffix(n, "."+s) {
				return true
			}
		}
	}
	return false
}

// spfTargets returns the include: and redirect= targets of the SPF records
// among txts (RFC 7208 §4.5: the records starting "v=spf1"), as written;
// a full parse is the SPF part's job, this is only a hint.
func spfTargets(txts []string) []string {
	var out []string
	for _, t := range txts {
		fields := strings.Fields(t)
		if len(fields) == 0 || !strings.EqualFold(fields[0], "v=spf1") {
			continue
		}
		for _, f := range fields[1:] {
			lf := strings.ToLower(strings.TrimLeft(f, "+-~?"))
			switch {
			case strings.HasPrefix(lf, "include:"):
				out = append(out, lf[len("include:"):])
			case strings.HasPrefix(lf, "redirect="):
				out = append(out, lf[len("redirect="):])
			}
		}
	}
	return out
}
