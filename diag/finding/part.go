package finding

// Part names one part of an investigation: a part of a domain report (its
// MX hosts, its SPF tree ...), a check of a pasted message (a row of its
// then-vs-now table), what a finding belongs to, and the workbench pane
// that shows it. A pane that shows no part of its own (the overview, the
// findings list, the DNS log) has a Part too, so one word names a pane
// wherever it is meant.
type Part string

// The parts of a domain report, in the order they are drawn; each is also
// the pane (where it has one) and the finding part of its checks.
const (
	PartMX     Part = "mx"      // MX hosts and their addresses (RFC 5321 §5.1, RFC 7505)
	PartSPF    Part = "spf"     // the SPF record tree (RFC 7208)
	PartDKIM   Part = "dkim"    // DKIM keys (RFC 6376) and a message's signatures
	PartDMARC  Part = "dmarc"   // the DMARC policy (RFC 9989, RFC 7489)
	PartMTASTS Part = "mta_sts" // the MTA-STS record and policy (RFC 8461)
	PartTLSRPT Part = "tls_rpt" // the TLS-RPT record (RFC 8460)
	PartBIMI   Part = "bimi"    // the BIMI record
	// PartBlocklists: the MX addresses and the domain (or a message's
	// sending IP and domains) on DNS blocklists (RFC 5782).
	PartBlocklists Part = "blocklists"
	// PartSMTP is the probe of each MX address: banner, EHLO, STARTTLS,
	// certificate, DANE (RFC 5321, RFC 3207, RFC 7672). It runs only when
	// asked (check --smtp, mxray smtp, the workbench's SMTP & TLS pane).
	PartSMTP Part = "smtp"
)

// Finding parts that are not parts of a domain report.
const (
	PartPTR     Part = "ptr"     // reverse DNS of an address (shown with the MX hosts)
	PartHeaders Part = "headers" // a pasted message's header and its re-check
	PartDNS     Part = "dns"     // the investigation itself: deadlines, limits
)

// PartReports is DMARC aggregate reports read from files (RFC 7489
// Appendix C, RFC 9990) and the readiness answer drawn from them: its
// findings and the workbench's Reports pane.
const PartReports Part = "reports"

// PartARC is the ARC row of a message's then-vs-now table (RFC 8617).
const PartARC Part = "arc"

// The workbench's panes that show no one part: the summary of every part,
// the list of every finding, the DNS log, a message's Received chain and
// its checks then and now.
const (
	PartOverview Part = "overview"
	PartFindings Part = "findings"
	PartDNSLog   Part = "dnslog"
	PartHops     Part = "hops"
	PartThenNow  Part = "thennow"
)

// PartVerdicts is a message's receiving spam filters' verdicts and the
// why sentence: the findings about them, and their pane.
const PartVerdicts Part = "verdicts"

// PartPropagation is the comparison of what every authoritative server of
// a zone and every configured resolver answer for one name (mxray dns): its
// findings say which servers disagree. The DNS log pane shows it.
const PartPropagation Part = "propagation"
