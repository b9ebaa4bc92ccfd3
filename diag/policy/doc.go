// Package policy checks a domain's transport and brand policy records:
//
//   - MTA-STS (RFC 8461): the _mta-sts TXT record (§3.1), the HTTPS policy
//     file and its parser (§3.2, §3.3), and whether MX hosts match its mx
//     patterns (§4.1);
//   - SMTP TLS Reporting (RFC 8460): the _smtp._tls TXT record (§3);
//   - BIMI (draft-brand-indicators-for-message-identification): the
//     default._bimi TXT assertion record, and its need for DMARC at
//     enforcement.
//
// DNS questions go through a dnsclient.Resolver; the policy file fetch
// dials through a function the caller gives, so that it resolves through
// the investigation's own DNS client.
package policy
