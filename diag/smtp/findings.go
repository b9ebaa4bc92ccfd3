package smtp

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/policy"
	"github.com/mxray/mxray/diag/tlscert"
)

// Part is the findings' part: the SMTP & TLS pane.
const Part = finding.PartSMTP

// ExpiresSoon is how close to its notAfter a certificate is reported.
const ExpiresSoon = 14 * 24 * time.Hour

// Subject names one probed address in findings: written "host/ip", or the
// IP alone.
func Subject(host string, ip netip.Addr) finding.Subject { return finding.Server(host, ip) }

// newFinding is the one place an smtp finding is made.
func newFinding(sev finding.Severity, code string, subject finding.Subject, msg, fix string) finding.Finding {
	return finding.Finding{Severity: sev, Code: "smtp." + code, Part: Part, Subject: subject, Message: msg, Fix: fix}
}

// Findings says what is wrong with the probed servers, each cause once, in
// words a technician can read to a customer. pol is the MTA-STS policy the
// probe held the servers against (nil when none); now dates the expiry
// warning.
func Findings(rs []Result, pol *policy.STSPolicy, now time.Time) []finding.Finding {
	var fs []finding.Finding
	blocked := 0
	for _, r := range rs {
		if r.Status == StatusBlockedHere {
			blocked++
		}
	}
	if blocked > 0 {
		fs = append(fs, newFinding(finding.Warning, "blocked_here", finding.Text("port "+fmt.Sprint(rs[0].Port)),
			fmt.Sprintf("Port %d could not be reached on any MX address from this network (%s). That is most likely a block on outgoing port %d here (common on home, office and cloud networks), not a fault of the mail servers.", rs[0].Port, rs[0].Evidence, rs[0].Port),
			"Run the SMTP check from a network that allows outgoing connections to port 25, for example a mail server's own shell."))
	}
	enforce := pol != nil && pol.Mode == policy.ModeEnforce
	for _, r := range rs {
		fs = append(fs, resultFindings(r, pol, enforce, now)...)
	}
	return fs
}

// unfinished reports a probe the caller's context ended: no verdict on the
// server.
func unfinished(r Result) bool {
	return errors.Is(r.Err, context.Canceled) || (errors.Is(r.Err, context.DeadlineExceeded) && !errors.Is(r.Err, ErrStepTimeout))
}

func resultFindings(r Result, pol *policy.STSPolicy, enforce bool, now time.Time) []finding.Finding {
	var fs []finding.Finding
	sub := Subject(r.Host, r.IP)
	add := func(sev finding.Severity, code, msg, fix string) {
		fs = append(fs, newFinding(sev, code, sub, msg, fix))
	}
	name := r.Host
	if name == "" {
		name = r.IP.String()
	}
	if unfinished(r) {
		add(finding.Info, "not_finished", fmt.Sprintf("The probe of %s (%s) was stopped at %s before it finished (%s).", name, r.IP, r.Step, r.Error),
			"Run the check again, with a longer --deadline if it keeps happening.")
		return fs
	}
	switch r.Status {
	case StatusUnreachable:
		add(finding.Error, "unreachable", fmt.Sprintf("%s (%s) did not answer on port %d: %s. %s", name, r.IP, r.Port, r.Error, r.Evidence),
			"Check that the mail server is running and that its firewall lets the internet reach port "+fmt.Sprint(r.Port)+". Senders try the other MX hosts meanwhile.")
	case StatusRefused:
		msg := fmt.Sprintf("%s (%s) refused the connection on port %d: nothing listens there, or a firewall rejects it.", name, r.IP, r.Port)
		if r.Step == StepGreeting {
			msg = fmt.Sprintf("%s (%s) answered with a refusal instead of a greeting (%s): it offers no mail service to this client (RFC 5321 §3.1).", name, r.IP, r.Error)
		}
		add(finding.Error, "refused", msg, "Make the mail server accept SMTP connections on port "+fmt.Sprint(r.Port)+" from the internet, or remove this host from the MX records.")
	case StatusError:
		fix := "Check the mail server's logs for this connection; it should answer EHLO with 250 and a list of extensions (RFC 5321 §4.1.1.1)."
		if r.Step == StepEHLO && errors.Is(r.Err, ErrRejected) {
			fix = "Some servers refuse an EHLO name that does not resolve: run the probe again with this machine's own host name as the EHLO name; otherwise check the server's logs."
		}
		add(finding.Error, "protocol_error", fmt.Sprintf("The SMTP conversation with %s (%s) failed at %s: %s.", name, r.IP, r.Step, r.Error), fix)
	case StatusTLSError:
		add(finding.Error, "tls_error", fmt.Sprintf("%s (%s) offers STARTTLS but the TLS handshake failed: %s. Senders that require TLS cannot deliver; others fall back to plain text.", name, r.IP, r.Error),
			"Check that the server's certificate and private key are installed and match, and that it supports TLS 1.2 or later with current ciphers.")
	case StatusNoSTARTTLS:
		sev, why := finding.Warning, "mail to it travels unencrypted"
		if enforce || r.DANE.Usable() {
			sev, why = finding.Error, "senders that follow the domain's MTA-STS or DANE policy will not deliver to it at all"
		}
		add(sev, "no_starttls", fmt.Sprintf("%s (%s) does not offer STARTTLS: %s.", name, r.IP, why),
			"Turn on STARTTLS on the mail server with a certificate for "+name+" (in Postfix: smtpd_tls_security_level = may and smtpd_tls_chain_files).")
	}
	if r.Tarpit {
		// The threshold, not the measurement (timing_ms has it): the
		// finding reads the same however slow this run was.
		msg := fmt.Sprintf("%s (%s) took more than %s to greet.", name, r.IP, seconds(r.tarpitAfter))
		if r.tarpitAfter <= 0 {
			msg = fmt.Sprintf("%s (%s) took %s to greet.", name, r.IP, seconds(r.Timing.Greeting))
		}
		if r.Status == StatusTarpit && r.Step == StepGreeting {
			msg = fmt.Sprintf("%s (%s) accepted the connection but sent no greeting within %s.", name, r.IP, seconds(r.Timing.Greeting))
		}
		add(finding.Warning, "tarpit", msg+" That is a deliberate delay (greylisting, an anti-spam tarpit) or an overloaded server, not a TLS problem; impatient senders give up.",
			"If the delay is deliberate, keep it well under the 5 minutes senders wait for a greeting (RFC 5321 §4.5.3.2); otherwise look at the server's load and at slow DNS lookups before the greeting.")
	}
	if r.TLS != nil {
		tlsFindings(r, name, enforce, now, add)
	}
	mtaSTSFindings(r, pol, enforce, add)
	daneFindings(r, name, add)
	bannerFindings(r, name, add)
	return fs
}

// seconds words a delay of a second or more to a tenth of a second (the
// timing fields have the milliseconds), a shorter one in milliseconds.
func seconds(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Truncate(100 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}

// adder records one finding about the address being reported on.
type adder func(sev finding.Severity, code, msg, fix string)

func tlsFindings(r Result, name string, enforce bool, now time.Time, add adder) {
	if strings.Contains(r.TLS.Version, "1.0") || strings.Contains(r.TLS.Version, "1.1") {
		add(finding.Warning, "tls_old", fmt.Sprintf("%s (%s) negotiated %s, which is deprecated (RFC 8996).", name, r.IP, r.TLS.Version),
			"Enable TLS 1.2 and 1.3 on the mail server.")
	}
	// Opportunistic senders (RFC 7435) deliver whatever the certificate;
	// MTA-STS in enforce mode and DANE make a bad one stop mail.
	sev := finding.Warning
	if enforce {
		sev = finding.Error
	}
	danePass := r.DANE.Usable() && r.DANE.Match != nil && *r.DANE.Match
	if danePass {
		sev = finding.Info
	}
	if v := r.CertCheck; v != nil {
		switch {
		case errors.Is(v.Chain, tlscert.ErrNoCertificate):
		case v.Chain != nil:
			add(sev, "cert_untrusted", fmt.Sprintf("The certificate of %s (%s) does not chain to a trusted root (%s)%s.", name, r.IP, r.TLS.Cert.Issuer, certImpact(enforce, danePass)),
				"Install a certificate from a public CA (for example Let's Encrypt) with its intermediate certificates.")
		}
		switch {
		case errors.Is(v.Period, tlscert.ErrExpired):
			add(sev, "cert_expired", fmt.Sprintf("The certificate of %s (%s) expired on %s%s.", name, r.IP, r.TLS.Cert.NotAfter.Format(time.DateOnly), certImpact(enforce, danePass)),
				"Renew the certificate and reload the mail server.")
		case errors.Is(v.Period, tlscert.ErrNotYetValid):
			add(sev, "cert_not_yet_valid", fmt.Sprintf("The certificate of %s (%s) is not valid before %s.", name, r.IP, r.TLS.Cert.NotBefore.Format(time.DateOnly)),
				"Check the server's clock and the certificate's dates.")
		case v.Chain == nil && r.TLS.Cert.NotAfter.Sub(now) < ExpiresSoon:
			add(finding.Warning, "cert_expiring", fmt.Sprintf("The certificate of %s (%s) expires on %s.", name, r.IP, r.TLS.Cert.NotAfter.Format(time.DateOnly)),
				"Renew it now, and check that automatic renewal reloads the mail server.")
		}
		if v.Name != nil && r.Host != "" {
			add(sev, "cert_name_mismatch", fmt.Sprintf("The certificate of %s (%s) is not valid for %s: it names %s%s.", name, r.IP, r.Host, strings.Join(r.TLS.Cert.SANs, ", "), certImpact(enforce, danePass)),
				"Get a certificate whose subjectAltName includes "+r.Host+" (the name in the MX record), or point the MX record at a name the certificate carries.")
		}
	}
}

// mtaSTSFindings holds a covered MX host's certificate against the policy
// (RFC 8461 §4.2). An MX host that no mx pattern covers (§4.1) is the
// MTA-STS part's finding (mta_sts.mx_mismatch): it is a fact of the policy
// and the MX records, found with or without a probe.
func mtaSTSFindings(r Result, pol *policy.STSPolicy, enforce bool, add adder) {
	if pol == nil || pol.Mode == policy.ModeNone || r.Host == "" {
		return
	}
	sev := finding.Warning
	if enforce {
		sev = finding.Error
	}
	if r.TLS != nil && r.TLS.NamesMatchMTASTS != nil && !*r.TLS.NamesMatchMTASTS && r.TLS.MTASTSPattern != "" {
		add(sev, "mta_sts_cert_mismatch", fmt.Sprintf("The MTA-STS policy covers %s (mx: %s), but its certificate does not name it, so senders enforcing the policy will not deliver to it (RFC 8461 §4.2).", r.Host, r.TLS.MTASTSPattern),
			"Get a certificate whose subjectAltName includes "+r.Host+".")
	}
}

func certImpact(enforce, danePass bool) string {
	switch {
	case danePass:
		return "; DANE senders accept it through its TLSA record, but MTA-STS senders would not"
	case enforce:
		return "; senders enforcing the domain's MTA-STS policy will not deliver to it"
	}
	return "; most senders still deliver (they use TLS without checking), but MTA-STS and DANE senders would not"
}

func daneFindings(r Result, name string, add adder) {
	d := r.DANE
	switch {
	case d.Usable() && d.Match != nil && !*d.Match:
		add(finding.Error, "dane_mismatch",
			fmt.Sprintf("None of the DNSSEC-signed TLSA records of %s (%s) matches the certificate %s presents: senders that use DANE will not deliver to it.", name, strings.Join(d.TLSA, "; "), name),
			"Publish a TLSA record for the current certificate (for example 3 1 1 with the SHA-256 of its public key) before changing certificates, then remove the old one.")
	case len(d.TLSA) > 0 && d.DNSSEC != dnsclient.DNSSECSecure:
		add(finding.Warning, "dane_insecure",
			fmt.Sprintf("%s publishes TLSA records, but the resolver did not report them DNSSEC-validated (%s), so senders ignore them (RFC 7672 §2.2). mxray trusts the resolver's validation.", name, d.DNSSEC),
			"Sign the zone with DNSSEC (and publish its DS record at the parent), or remove the TLSA records.")
	}
	if len(d.Notes) > 0 && (d.Match == nil || !*d.Match) {
		add(finding.Warning, "dane_unusable",
			fmt.Sprintf("Some TLSA records of %s cannot be used for SMTP: %s.", name, strings.Join(d.Notes, "; ")),
			"For SMTP publish usage 3 (DANE-EE) or 2 (DANE-TA) records, for example 3 1 1 with the SHA-256 of the server's public key (RFC 7672 §3.1).")
	}
	if d.Error != "" {
		add(finding.Info, "dane_lookup_failed",
			fmt.Sprintf("The TLSA lookup for %s failed: %s.", name, d.Error), "Run the check again; if it persists, check the zone's name servers.")
	}
}

func bannerFindings(r Result, name string, add adder) {
	if r.BannerMatchesPTR != nil && !*r.BannerMatchesPTR {
		what := "the reverse DNS of " + r.IP.String() + " names something else"
		if r.noPTR {
			what = r.IP.String() + " has no PTR record"
		}
		add(finding.Warning, "banner_ptr_mismatch", fmt.Sprintf("The greeting of %s names %q, but %s. Some receivers and blocklists check that a server's name, its reverse DNS and its forward DNS agree.", name, r.BannerHost, what),
			"Make the server greet with its own name (Postfix: myhostname) and set the PTR of "+r.IP.String()+" to that same name, with a matching A/AAAA record.")
	}
	if r.EHLOHost != "" && r.BannerHost != "" && !sameHost(r.EHLOHost, r.BannerHost) {
		add(finding.Info, "ehlo_banner_differ", fmt.Sprintf("%s greets as %q but answers EHLO as %q.", name, r.BannerHost, r.EHLOHost),
			"Harmless on its own; usually a load balancer or a front end in front of another server. Use one name if you can.")
	}
}
