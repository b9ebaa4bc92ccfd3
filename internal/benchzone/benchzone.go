// Package benchzone writes the zone text mxray's benchmarks and scale
// tests serve in-process: the 4-level SPF tree of the latency benchmarks,
// the domain the whole-process check benchmark investigates, and a
// generated audit of many domains spread over the mail providers a managed
// service provider meets (Microsoft 365, Google Workspace, shared hosting,
// domains that do not send mail). Nothing here touches the network; the
// provider names appear only so that mxray recognises them, and are served
// from the benchmark's own server.
package benchzone

import (
	"fmt"
	"strings"
)

// Domain is the benchmark domain: SPF, MX, DMARC, DKIM and TLS-RPT.
const Domain = "bench.example"

// SPFLookups and SPFDepth describe the benchmark domain's SPF tree: 10
// DNS-querying terms over 4 levels; the deepest record's terms need no DNS,
// so the critical path is four round trips (a and mx targets resolve in the
// same round as the next level's records).
const (
	SPFLookups = 10
	SPFDepth   = 4
)

// CheckRounds is the critical path of a whole check of Domain in round
// trips: the SPF tree's four levels (MX → A → PTR is three, the PTR's name
// being the MX host whose address is known by then; DMARC, DKIM and
// TLS-RPT are shorter).
const CheckRounds = 4

// rsaKey is a 2048-bit RSA public key (the demo's healthy.example s1 key).
const rsaKey = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAt6mISUlFs8bbvH7Jt9W55gqffps6SXyfh6BFS4LWMar5PjyocKZpmuA/46JijewPxUzOvqDV7kNbW1+bzGghgATA3xoqXGokiuacwI35M9VFsi3feGH1KMcdDKHFUrxgSrOCPvynLwzCq08UKQ2RikS+zOG2WaLOrGwOXOVyHF+FURTSo60Lokm2rq28" +
	"ztMYtv4oRyp7tgUlwQtKHMgwn8s7JvjOi9KtS/d15ZR+5dl5RPAcPhn5hwsyREZyI2YwkCYT7iLSMCi069gr8mwcbyV3Rt0Xw8WuR69fpk4DT6hiPyv184CtycO1nCNWeW7EZcMG2T4WDWkjYSW0zXf/jQIDAQAB"

// keyTXT is the key record as zone text: two strings, as a 2048-bit key
// must be split.
var keyTXT = `"v=DKIM1; k=rsa; p=` + rsaKey[:200] + `" "` + rsaKey[200:] + `"`

// Zone serves Domain: a 10-lookup, 4-level SPF tree, one MX with forward-
// confirmed reverse DNS, DMARC p=reject, a Google Workspace DKIM key and
// TLS-RPT. It publishes no MTA-STS record, so that a check over --resolver
// fetches nothing over HTTPS.
func Zone() string {
	return `
$ORIGIN bench.example.
@     SOA ns.bench.example. h.bench.example. 1 3600 600 86400 300
@     NS  ns.bench.example.
ns    A   192.0.2.53
@     TXT "v=spf1 a:h0.bench.example include:l1a.bench.example include:l1b.bench.example -all"
l1a   TXT "v=spf1 include:l2a.bench.example a:h1.bench.example -all"
l1b   TXT "v=spf1 include:l2b.bench.example mx:bench.example -all"
l2a   TXT "v=spf1 include:l3a.bench.example a:h2.bench.example -all"
l2b   TXT "v=spf1 ip4:192.0.2.0/28 a:h3.bench.example -all"
l3a   TXT "v=spf1 ip4:198.51.100.0/24 ip6:2001:db8::/32 -all"
h0    A   192.0.2.99
@     MX  10 mx.bench.example.
mx    A   10.53.0.100
h1    A   192.0.2.101
h2    A   192.0.2.102
h3    A   192.0.2.103
h4    A   192.0.2.104
_dmarc         TXT "v=DMARC1; p=reject; rua=mailto:dmarc@bench.example"
google._domainkey TXT ` + keyTXT + `
_smtp._tls     TXT "v=TLSRPTv1; rua=mailto:tls@bench.example"

$ORIGIN 0.53.10.in-addr.arpa.
@     SOA ns.bench.example. h.bench.example. 1 3600 600 86400 300
100   PTR mx.bench.example.
`
}

// Kind is the sort of domain an audit holds.
type Kind int

// The kinds of audited domain, in the proportions Audit generates them.
const (
	// Microsoft365 (3 in 10): MX and SPF at Microsoft, DKIM selector1 and
	// selector2 as CNAMEs into the tenant's onmicrosoft.com domain.
	Microsoft365 Kind = iota
	// Google (2 in 10): MX and SPF at Google, a google DKIM key.
	Google
	// Hosted (3 in 10): mail at a shared host, SPF by include, no DKIM.
	Hosted
	// Parked (2 in 10): no mail at all: a null MX, SPF -all, DMARC reject.
	Parked
)

// KindOf is the kind of the i-th audited domain.
func KindOf(i int) Kind {
	switch i % 10 {
	case 0, 3, 6:
		return Microsoft365
	case 1, 7:
		return Google
	case 2, 5, 8:
		return Hosted
	}
	return Parked
}

// AuditDomain is the name of the i-th audited domain.
func AuditDomain(i int) string { return fmt.Sprintf("c%05d.audit.example", i) }

// Audit returns the zone text of n audited domains (AuditDomain(0) …
// AuditDomain(n-1)), with the providers they use and the reverse zones of
// every address, so that each domain checks cleanly.
func Audit(n int) string {
	var b strings.Builder
	b.WriteString(providers)
	b.WriteString("\n$ORIGIN audit.example.\n@ SOA ns.audit.example. h.audit.example. 1 3600 600 86400 300\n@ NS ns.audit.example.\nns A 192.0.2.53\n")
	var outlook, tenants strings.Builder
	for i := range n {
		d := fmt.Sprintf("c%05d", i)
		switch KindOf(i) {
		case Microsoft365:
			tenant := d + "-audit-example"
			fmt.Fprintf(&b, "%s MX 0 %s.mail.protection.outlook.com.\n", d, tenant)
			fmt.Fprintf(&b, "%s TXT \"v=spf1 include:spf.protection.outlook.com -all\"\n", d)
			fmt.Fprintf(&b, "selector1._domainkey.%s CNAME selector1-%s._domainkey.%s.onmicrosoft.com.\n", d, tenant, d)
			fmt.Fprintf(&b, "selector2._domainkey.%s CNAME selector2-%s._domainkey.%s.onmicrosoft.com.\n", d, tenant, d)
			fmt.Fprintf(&outlook, "%s.mail.protection A 52.101.%d.10\n", tenant, 1+i%4)
			fmt.Fprintf(&tenants, "selector1-%s._domainkey.%s.onmicrosoft.com. TXT %s\n", tenant, d, keyTXT)
			fmt.Fprintf(&tenants, "selector2-%s._domainkey.%s.onmicrosoft.com. TXT %s\n", tenant, d, keyTXT)
		case Google:
			fmt.Fprintf(&b, "%s MX 1 aspmx.l.google.com.\n%s MX 5 alt1.aspmx.l.google.com.\n", d, d)
			fmt.Fprintf(&b, "%s TXT \"v=spf1 include:_spf.google.com ~all\"\n", d)
			fmt.Fprintf(&b, "google._domainkey.%s TXT %s\n", d, keyTXT)
		case Hosted:
			fmt.Fprintf(&b, "%s MX 10 mx1.hosting.example.\n%s MX 20 mx2.hosting.example.\n", d, d)
			fmt.Fprintf(&b, "%s TXT \"v=spf1 include:spf.hosting.example -all\"\n", d)
		case Parked:
			fmt.Fprintf(&b, "%s MX 0 .\n%s TXT \"v=spf1 -all\"\n", d, d)
		}
		fmt.Fprintf(&b, "_dmarc.%s TXT \"v=DMARC1; p=reject; rua=mailto:dmarc@%s.audit.example\"\n", d, d)
	}
	b.WriteString("\n$ORIGIN outlook.com.\n@ SOA ns.outlook.com. h.outlook.com. 1 3600 600 86400 300\n")
	b.WriteString("spf.protection TXT \"v=spf1 ip4:40.92.0.0/15 ip4:40.107.0.0/16 ip4:52.100.0.0/15 ip4:52.102.0.0/16 ip4:52.103.0.0/17 ip4:104.47.0.0/17 ip6:2a01:111:f400::/48 ip6:2a01:111:f403::/49 include:spfd.protection.outlook.com -all\"\n")
	for i := 1; i <= 4; i++ {
		fmt.Fprintf(&b, "mail-%d.outbound.protection A 52.101.%d.10\n", i, i)
	}
	b.WriteString(outlook.String())
	b.WriteString("spfd.protection TXT \"v=spf1 ip4:51.4.72.0/24 ip4:51.5.72.0/24 ip4:51.5.80.0/27 ip4:51.4.80.0/27 ip6:2a01:4180:4051:0800::/64 -all\"\n")
	b.WriteString("\n$ORIGIN onmicrosoft.com.\n@ SOA ns.outlook.com. h.outlook.com. 1 3600 600 86400 300\n")
	b.WriteString(tenants.String())
	return b.String()
}

// providers are the zones of the shared providers and the reverse zones of
// their addresses.
const providers = `
$ORIGIN google.com.
@ SOA ns1.google.com. dns-admin.google.com. 1 900 900 1800 60
aspmx.l A 142.250.102.27
alt1.aspmx.l A 142.250.153.27
_spf TXT "v=spf1 include:_netblocks.google.com include:_netblocks2.google.com include:_netblocks3.google.com ~all"
_netblocks TXT "v=spf1 ip4:35.190.247.0/24 ip4:64.233.160.0/19 ip4:66.102.0.0/20 ip4:66.249.80.0/20 ip4:72.14.192.0/18 ip4:74.125.0.0/16 ip4:108.177.8.0/21 ip4:173.194.0.0/16 ip4:209.85.128.0/17 ip4:216.58.192.0/19 ip4:216.239.32.0/19 ~all"
_netblocks2 TXT "v=spf1 ip6:2001:4860:4000::/36 ip6:2404:6800:4000::/36 ip6:2607:f8b0:4000::/36 ip6:2800:3f0:4000::/36 ip6:2a00:1450:4000::/36 ip6:2c0f:fb50:4000::/36 ~all"
_netblocks3 TXT "v=spf1 ip4:172.217.0.0/19 ip4:172.217.32.0/20 ip4:172.217.128.0/19 ip4:172.217.160.0/20 ip4:172.217.192.0/19 ip4:172.253.56.0/21 ip4:172.253.112.0/20 ip4:108.177.96.0/19 ip4:35.191.0.0/16 ip4:130.211.0.0/22 ~all"

$ORIGIN hosting.example.
@ SOA ns.hosting.example. h.hosting.example. 1 3600 600 86400 300
ns A 192.0.2.53
mx1 A 10.53.1.21
mx2 A 10.53.1.22
spf TXT "v=spf1 ip4:10.53.1.0/24 -all"

$ORIGIN 1.53.10.in-addr.arpa.
@ SOA ns.hosting.example. h.hosting.example. 1 3600 600 86400 300
21 PTR mx1.hosting.example.
22 PTR mx2.hosting.example.

$ORIGIN 250.142.in-addr.arpa.
@ SOA ns1.google.com. dns-admin.google.com. 1 900 900 1800 60
27.102 PTR aspmx.l.google.com.
27.153 PTR alt1.aspmx.l.google.com.

$ORIGIN 101.52.in-addr.arpa.
@ SOA ns.outlook.com. h.outlook.com. 1 3600 600 86400 300
10.1 PTR mail-1.outbound.protection.outlook.com.
10.2 PTR mail-2.outbound.protection.outlook.com.
10.3 PTR mail-3.outbound.protection.outlook.com.
10.4 PTR mail-4.outbound.protection.outlook.com.
`
