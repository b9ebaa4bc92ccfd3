package main

import (
	"strings"
)

// usage returns the help text: what mxray does, its commands with examples,
// and every flag.
func usage(o *options) string {
	var b strings.Builder
	b.WriteString(`mxray — why does mail from this domain, or this message, pass or fail SPF, DKIM and DMARC?

Usage:
  mxray [TARGET]                 open the workbench (TUI); without a terminal, print a text report
  mxray --demo [DOMAIN]          the workbench on the embedded demo zone, offline (healthy.example, broken.example)
  mxray check DOMAIN             check a domain: MX and PTR, SPF, DKIM, DMARC, MTA-STS, TLS-RPT, BIMI, blocklists
                                 (--smtp: probe each MX address too)
  mxray check -f FILE --json     check every domain in FILE (one per line), one JSON object per line
  mxray spf [DOMAIN] --ip IP     evaluate SPF for an IP: the verdict, the deciding include, the lookups
  mxray headers FILE|-           analyse pasted headers: hops, sending IP, what the receiver recorded, and now
  mxray report FILE...|-         DMARC aggregate reports: who sends as the domain, what fails, what blocks p=reject
  mxray smtp DOMAIN|HOST|IP      probe each MX: banner, EHLO, STARTTLS, certificate, DANE (never sends mail)
  mxray dns NAME [TYPE]          did my change propagate? every nameserver of the zone and each resolver side by side
  mxray serve --authorized-keys FILE   serve the workbench over SSH to a team (ssh -t -p 2222 HOST)

TARGET is a domain (an IDN, an email address or a URL is reduced to its domain),
"IP DOMAIN", a FILE (an existing path or anything with a '/'), or '-' for stdin; a FILE
holds a message's headers or DMARC aggregate reports, told apart by its content.

mxray headers re-checks SPF, every DKIM signature, DMARC and the ARC chain (RFC 8617: each
seal and message signature verified). ARC is moving to Historic; DKIM2 is its successor.

Examples:
  mxray example.com
  mxray --demo broken.example
  mxray check example.com --json
  mxray check example.com --selector s1 --format markdown --redact > ticket.md
  mxray spf example.com --ip 192.0.2.10 --ip 2001:db8::25
  mxray spf --sender bounce@example.com --helo mail.example.com --ip 192.0.2.10
  mxray spf example.com --ip 192.0.2.10 --record 'v=spf1 ip4:192.0.2.0/24 -all'
  mxray spf example.com --ip-file clients.txt --json
  mxray check -f domains.txt --json > audit.jsonl    then, after an interruption: --resume >> audit.jsonl
  mxray headers message.eml
  pbpaste | mxray headers - --format markdown
  mxray report rua/*.xml.gz rua/*.zip            merge a folder of aggregate reports
  mxray --demo report --json                     the demo's reports, offline
  mxray smtp example.com --json
  mxray smtp mx1.example.com --port 587 --ehlo probe.example.net
  mxray dns _dmarc.example.com                  TXT at every nameserver and resolver, with TTLs and SOA serials
  mxray --demo dns changed.example TXT          the demo domain whose second nameserver is stale
  mxray --zone draft.zone check example.com     test a draft zone before publishing it
  mxray --authoritative check example.com       ask the domain's own nameservers (no caches)
  mxray --resolver 10.0.0.53 serve --authorized-keys /etc/mxray/authorized_keys --audit-log audit.jsonl

Flags:
`)
	b.WriteString(o.set.FlagUsages())
	b.WriteString(`
Exit status: 0 no error-severity finding; 1 at least one; 2 could not run
(bad usage, unreadable input, no resolver reachable).
`)
	return b.String()
}
