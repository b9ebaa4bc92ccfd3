package dkim

import "strings"

// CommonSelector is a selector some provider or software uses by default,
// probed when no message names the domain's selectors.
type CommonSelector struct {
	Name string // the selector
	Who  string // who publishes keys under it
}

// CommonSelectors returns the selectors Discover probes, most widely used
// first. A fresh slice each call: callers may change it.
//
// Sources, checked where a provider documents its selector; the rest are
// generic names that appear in every published selector list and in
// control panels' defaults:
//   - google: Google Workspace, default prefix (support.google.com/a/answer/174126).
//   - selector1, selector2: Microsoft 365, CNAMEs to *.onmicrosoft.com or,
//     since 2024, *.dkim.mail.microsoft (learn.microsoft.com,
//     defender-office-365/email-authentication-dkim-configure).
//   - k1, k2, k3: Mailchimp, CNAMEs to dkim.mcsv.net, dkim2.mcsv.net,
//     dkim3.mcsv.net (mailchimp.com/help/set-up-email-domain-authentication).
//   - mandrill: Mandrill (Mailchimp Transactional).
//   - s1, s2: SendGrid automated security, CNAMEs into sendgrid.net;
//     smtpapi: SendGrid's older manual setup (docs.sendgrid.com).
//   - fm1, fm2, fm3: Fastmail, CNAMEs to fmN.<domain>.dkim.fmhosted.com
//     (fastmail.help/hc/en-us/articles/360060591153).
//   - protonmail, protonmail2, protonmail3: Proton Mail custom domains
//     (proton.me/support/anti-spoofing-custom-domain).
//   - zendesk1, zendesk2: Zendesk (support.zendesk.com, "Digitally signing
//     your email with DKIM or DMARC").
//   - pdk1, pdk2: Mailgun Automatic Sender Security
//     (documentation.mailgun.com, dkim_security); krs, mailo, smtp: selectors
//     Mailgun assigned to older domains.
//   - sig1: iCloud+ custom email domains (support.apple.com).
//   - s1024, s2048: Yahoo's own selectors and a common size-named pair.
//   - cm: Campaign Monitor; mailjet: Mailjet; ctct1, ctct2: Constant
//     Contact; everlytickey1, everlytickey2: Everlytic; turbo-smtp:
//     turboSMTP; litesrv: MailerLite; mxvault: MXGuardDog-style hosted
//     filters (in common selector lists; the owner could not be confirmed).
//   - default (cPanel, Plesk, many panels), dkim, mail, key1, key2,
//     dkim1024, selector, email: generic defaults of signing software.
//
// Not probed, because they cannot be guessed: Amazon SES Easy DKIM (three
// random 32-character tokens per domain), Postmark (a date-stamped
// selector ending in "pm", e.g. 20240101000000pm), HubSpot (hs1-<portal
// id>, hs2-<portal id>), SparkPost (scph plus digits, e.g. scph0717), and
// Microsoft 365's own per-domain selector1-<domain> names, which live under
// the tenant's onmicrosoft.com domain rather than the customer's.
func CommonSelectors() []CommonSelector {
	return []CommonSelector{
		{"google", "Google Workspace"},
		{"selector1", "Microsoft 365"},
		{"selector2", "Microsoft 365"},
		{"k1", "Mailchimp"},
		{"k2", "Mailchimp"},
		{"k3", "Mailchimp"},
		{"mandrill", "Mandrill (Mailchimp Transactional)"},
		{"s1", "SendGrid"},
		{"s2", "SendGrid"},
		{"smtpapi", "SendGrid (older setup)"},
		{"default", "cPanel, Plesk and other panels"},
		{"dkim", "generic"},
		{"mail", "generic"},
		{"smtp", "generic; Mailgun (older domains)"},
		{"fm1", "Fastmail"},
		{"fm2", "Fastmail"},
		{"fm3", "Fastmail"},
		{"protonmail", "Proton Mail"},
		{"protonmail2", "Proton Mail"},
		{"protonmail3", "Proton Mail"},
		{"zendesk1", "Zendesk"},
		{"zendesk2", "Zendesk"},
		{"pdk1", "Mailgun"},
		{"pdk2", "Mailgun"},
		{"krs", "Mailgun (older domains)"},
		{"mailo", "Mailgun (older domains)"},
		{"sig1", "iCloud+ custom domains"},
		{"s1024", "Yahoo; generic"},
		{"s2048", "Yahoo; generic"},
		{"cm", "Campaign Monitor"},
		{"mailjet", "Mailjet"},
		{"ctct1", "Constant Contact"},
		{"ctct2", "Constant Contact"},
		{"everlytickey1", "Everlytic"},
		{"everlytickey2", "Everlytic"},
		{"turbo-smtp", "turboSMTP"},
		{"litesrv", "MailerLite"},
		{"mxvault", "hosted mail filters"},
		{"key1", "generic"},
		{"key2", "generic"},
		{"dkim1024", "generic"},
		{"selector", "generic"},
		{"email", "generic"},
	}
}

// cnameProviders maps the end of a CNAME target to the provider hosting the
// key there. The suffixes do not overlap.
func cnameProviders() []struct{ suffix, provider string } {
	return []struct{ suffix, provider string }{
		{"onmicrosoft.com", ProviderMicrosoft},
		{"dkim.mail.microsoft", ProviderMicrosoft},
		{"dkim.amazonses.com", ProviderAmazonSES},
		{"mcsv.net", "Mailchimp"},
		{"sendgrid.net", "SendGrid"},
		{"dkim.fmhosted.com", "Fastmail"},
		{"domains.proton.ch", "Proton Mail"},
		{"zendesk.com", "Zendesk"},
		{"mailgun.com", "Mailgun"},
		{"mailgun.org", "Mailgun"},
		{"hubspotemail.net", "HubSpot"},
		{"icloudmailadmin.com", "iCloud+"},
		{"mandrillapp.com", "Mandrill (Mailchimp Transactional)"},
		{"sparkpostmail.com", "SparkPost"},
		{"mtasv.net", "Postmark"},
	}
}

// The providers Discover treats specially.
const (
	ProviderMicrosoft = "Microsoft 365"
	ProviderAmazonSES = "Amazon SES"
)

// providerOf names who hosts the key a CNAME points to, or "".
func providerOf(target string) string {
	t := strings.ToLower(strings.TrimSuffix(target, "."))
	for _, p := range cnameProviders() {
		if t == p.suffix || strings.HasSuffix(t, "."+p.suffix) {
			return p.provider
		}
	}
	return ""
}
