package diag

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/spfcheck"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
	"github.com/mxray/mxray/spf"
)

// These tests drive whole investigations and SPF evaluations through the
// real client against the in-process server while it misbehaves (drops,
// SERVFAIL, REFUSED, truncation, decoy replies, answers held back) or
// serves hostile shapes (long include chains, wide fan-outs, CNAME chains,
// too much TXT), and bound each by counting: the questions the server got
// (a broken server costs one question and its one retry, never a retry of
// everything) and the budgets' findings. No test times anything: a
// question times out only where the server drops it (clientFor), and the
// deadline is fired by the test (TestDeadlineKeepsFinishedParts).

// faultZone is a small, complete world: f.example has MX (with a PTR that
// confirms it), SPF with an include and DMARC; example. answers the top of
// the DMARC walk so nothing is REFUSED by accident.
const faultZone = `
$TTL 300
$ORIGIN example.
@        SOA ns.example. h.example. 1 3600 600 86400 300
$ORIGIN f.example.
@        SOA ns.example. h.example. 1 3600 600 86400 300
@        MX  10 mx
mx       A   192.0.2.10
@        TXT "v=spf1 ip4:192.0.2.0/24 include:inc.f.example -all"
inc      TXT "v=spf1 ip4:198.51.100.0/24 -all"
_dmarc   TXT "v=DMARC1; p=reject; rua=mailto:d@f.example"
$ORIGIN 2.0.192.in-addr.arpa.
@        SOA ns.example. h.example. 1 3600 600 86400 300
10       PTR mx.f.example.
`

const (
	faultSPF   = "v=spf1 ip4:192.0.2.0/24 include:inc.f.example -all"
	faultDMARC = "v=DMARC1; p=reject; rua=mailto:d@f.example"
)

var (
	// earlyIP is decided by the top record's ip4 before the include.
	earlyIP = netip.MustParseAddr("192.0.2.7")
	// lateIP needs the include.
	lateIP = netip.MustParseAddr("198.51.100.7")
)

// calm is the per-question timeout of tests: no loaded machine reaches it,
// so no answered question is retried or lost to the machine's speed.
const calm = 30 * time.Second

// clientFor returns a fresh client for srv whose questions time out only
// where srv drops them, and then at once (zoneservertest.Expiry).
func clientFor(srv *zoneserver.Server, mod ...func(*dnsclient.Config)) *dnsclient.Client {
	cfg := dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: calm, AttemptTimeout: zoneservertest.Expiry(nil, srv)}
	for _, m := range mod {
		m(&cfg)
	}
	return dnsclient.New(cfg)
}

// asked counts the questions srv received for name and qtype.
func asked(srv *zoneserver.Server, name string, qtype uint16) int {
	n := 0
	for _, q := range srv.Log() {
		if strings.EqualFold(q.Name, name) && q.Type == qtype {
			n++
		}
	}
	return n
}

func hasCode(fs []finding.Finding, code string) (finding.Finding, bool) {
	for _, f := range fs {
		if f.Code == code {
			return f, true
		}
	}
	return finding.Finding{}, false
}

// TestFaultSPFInclude: one include fails. An IP decided before the include
// keeps its verdict, an IP that needs it gets temperror (RFC 7208 §5.2: a
// temporary error in the included check_host() is temperror), and the
// failing include costs one question and at most its one retry (the retry
// only when nothing answered), never one per IP.
func TestFaultSPFInclude(t *testing.T) {
	tests := []struct {
		fault zoneserver.Fault
		cause error // what the DNS failure wraps
		asked int   // questions for the include at the server
	}{
		{zoneserver.FaultDrop, dnsclient.ErrTimeout, 2},
		{zoneserver.FaultServFail, dnsclient.ErrServFail, 1},
		{zoneserver.FaultRefused, dnsclient.ErrRefused, 1},
	}
	for _, tt := range tests {
		t.Run(tt.fault.String(), func(t *testing.T) {
			srv := zoneservertest.New(t, faultZone)
			srv.SetFault("inc.f.example.", dns.TypeTXT, tt.fault)
			c := clientFor(srv)
			rep := spf.CheckIPs(context.Background(), spfcheck.Resolver(c), []netip.Addr{earlyIP, lateIP}, spf.Identity{Domain: "f.example"}, spfcheck.Advice())
			zoneservertest.Await(func() bool { return asked(srv, "inc.f.example.", dns.TypeTXT) >= tt.asked })
			if n := asked(srv, "inc.f.example.", dns.TypeTXT); n != tt.asked {
				t.Errorf("the include was asked %d times, want %d", n, tt.asked)
			}

			if len(rep.Results) != 2 {
				t.Fatalf("%d results", len(rep.Results))
			}
			early, late := rep.Results[0], rep.Results[1]
			if early.Result != spf.Pass || early.Matched == nil || early.Matched.Term != "ip4:192.0.2.0/24" {
				t.Errorf("%s: %s (matched %+v), want pass by ip4:192.0.2.0/24", earlyIP, early.Result, early.Matched)
			}
			if late.Result != spf.TempError {
				t.Errorf("%s: %s, want temperror", lateIP, late.Result)
			}
			if !errors.Is(late.Err, spf.ErrTemporary) {
				t.Errorf("%s: error %v does not wrap spf.ErrTemporary", lateIP, late.Err)
			}
			if !errors.Is(late.Err, tt.cause) {
				t.Errorf("%s: error %v does not wrap %v", lateIP, late.Err, tt.cause)
			}
			var le *dnsclient.LookupError
			if !errors.As(late.Err, &le) || !strings.EqualFold(le.Name, "inc.f.example.") {
				t.Errorf("%s: error %v does not name the failed lookup", lateIP, late.Err)
			}
			f, ok := hasCode(spfcheck.Findings(rep.Findings()), "spf.dns_error")
			if !ok || f.Subject.String() != "inc.f.example" {
				t.Errorf("no spf.dns_error finding for inc.f.example: %v", codes(spfcheck.Findings(rep.Findings())))
			}
		})
	}
}

// TestFaultMXServFail: SERVFAIL on the MX question is an mx.lookup_failed
// finding; every other part of the investigation is complete.
func TestFaultMXServFail(t *testing.T) {
	srv := zoneservertest.New(t, faultZone)
	srv.SetFault("f.example.", dns.TypeMX, zoneserver.FaultServFail)
	rep := Investigate(context.Background(), clientFor(srv), "f.example", Options{Offline: true}, nil)

	if f, ok := hasCode(rep.Findings, "mx.lookup_failed"); !ok || f.Severity != finding.Error || f.Subject.String() != "f.example" {
		t.Errorf("findings %v lack an mx.lookup_failed error for f.example", codes(rep.Findings))
	}
	if len(rep.Unfinished) > 0 {
		t.Errorf("unfinished: %v", rep.Unfinished)
	}
	if rep.MX == nil || len(rep.MX.Hosts) != 0 {
		t.Errorf("MX part = %+v, want known and empty", rep.MX)
	}
	if rep.SPF == nil || rep.SPF.Tree.Root.Record != faultSPF {
		t.Errorf("SPF part incomplete: %+v", rep.SPF)
	}
	if rep.DMARC == nil || rep.DMARC.Record != faultDMARC {
		t.Errorf("DMARC part incomplete: %+v", rep.DMARC)
	}
	if rep.DKIM == nil || rep.MTASTS == nil || rep.TLSRPT == nil || rep.BIMI == nil {
		t.Error("a leaf part is missing")
	}
	if rep.Unreachable {
		t.Error("one SERVFAIL marked the whole server unreachable")
	}
}

// dmarcWalkZone has a record three labels up from a five-label name, so
// the RFC 9989 tree walk goes on above it to find the organizational domain.
const dmarcWalkZone = `
$TTL 300
$ORIGIN example.
@          SOA ns.example. h.example. 1 3600 600 86400 300
$ORIGIN corp.example.
@          SOA ns.example. h.example. 1 3600 600 86400 300
_dmarc.dept TXT "v=DMARC1; p=reject; sp=quarantine"
mail.eu.dept A 192.0.2.25
`

// TestFaultDMARCWalkRefused: REFUSED in the middle of the walk keeps the
// record found below it and says the walk is incomplete (DESIGN.md: a
// lookup that fails higher up keeps what was found below and warns).
func TestFaultDMARCWalkRefused(t *testing.T) {
	srv := zoneservertest.New(t, dmarcWalkZone)
	srv.SetFault("_dmarc.corp.example.", dns.TypeTXT, zoneserver.FaultRefused)
	rep := Investigate(context.Background(), clientFor(srv), "mail.eu.dept.corp.example", Options{Offline: true}, nil)

	d := rep.DMARC
	if d == nil {
		t.Fatal("no DMARC part")
	}
	if d.Record != "v=DMARC1; p=reject; sp=quarantine" || d.SourceDomain != "dept.corp.example" {
		t.Errorf("record %q from %q, want the one at dept.corp.example", d.Record, d.SourceDomain)
	}
	if d.Policy != "quarantine" {
		t.Errorf("policy %q, want quarantine (sp= for a subdomain)", d.Policy)
	}
	if !d.Walk.Incomplete || d.Walk.ErrorAt != "corp.example" {
		t.Errorf("walk incomplete=%v error at %q, want true at corp.example", d.Walk.Incomplete, d.Walk.ErrorAt)
	}
	f, ok := hasCode(rep.Findings, "dmarc.walk_error")
	if !ok || f.Severity != finding.Warning || !strings.Contains(f.Message, "_dmarc.corp.example") {
		t.Errorf("no dmarc.walk_error warning naming _dmarc.corp.example: %v", codes(rep.Findings))
	}
}

// TestFaultTruncateForcesTCP: a UDP answer cut short (TC) is asked again
// over TCP, and the big record is read whole.
func TestFaultTruncateForcesTCP(t *testing.T) {
	var terms []string
	for i := range 60 {
		terms = append(terms, fmt.Sprintf("ip4:198.51.%d.0/24", i))
	}
	record := "v=spf1 " + strings.Join(terms, " ") + " -all"
	zone := strings.Replace(faultZone, `"`+faultSPF+`"`, zoneTXT(record), 1)
	srv := zoneservertest.New(t, zone)
	srv.SetFault("f.example.", dns.TypeTXT, zoneserver.FaultTruncate)

	rep := Investigate(context.Background(), clientFor(srv), "f.example", Options{Offline: true}, nil)
	if rep.SPF == nil || rep.SPF.Tree.Root.Record != record {
		t.Fatalf("SPF record not read whole over TCP: %+v", rep.SPF)
	}
	var viaTCP bool
	for _, e := range rep.Log {
		if e.Name == "f.example." && e.Type == "TXT" && !e.Cached && !e.Merged {
			viaTCP = e.TCP
		}
	}
	if !viaTCP {
		t.Error("the DNS log does not show the TXT answer came over TCP")
	}
	var udp, tcp int
	for _, q := range srv.Log() {
		if q.Name == "f.example." && q.Type == dns.TypeTXT {
			if q.TCP {
				tcp++
			} else {
				udp++
			}
		}
	}
	if udp != 1 || tcp != 1 {
		t.Errorf("server saw %d UDP and %d TCP TXT questions for f.example, want 1 and 1", udp, tcp)
	}
	if v := rep.SPF.Tree.CheckHost(context.Background(), netip.MustParseAddr("198.51.59.1"), "", ""); v.Result != spf.Pass {
		t.Errorf("198.51.59.1 is in the last ip4 term of the TCP-only record; got %s (%v)", v.Result, v.Err)
	}
}

// zoneTXT writes s as a TXT RDATA of 255-byte character-strings.
func zoneTXT(s string) string {
	var parts []string
	for len(s) > 255 {
		parts = append(parts, `"`+s[:255]+`"`)
		s = s[255:]
	}
	parts = append(parts, `"`+s+`"`)
	return "( " + strings.Join(parts, " ") + " )"
}

// TestFaultDecoyReplies: a reply with the wrong ID or the wrong question
// arrives first and is ignored (RFC 5452 §4.3); the real answer counts.
func TestFaultDecoyReplies(t *testing.T) {
	for _, fault := range []zoneserver.Fault{zoneserver.FaultWrongID, zoneserver.FaultWrongQuestion} {
		t.Run(fault.String(), func(t *testing.T) {
			srv := zoneservertest.New(t, faultZone)
			srv.SetFault("f.example.", dns.TypeTXT, fault)
			srv.SetFault("f.example.", dns.TypeMX, fault)
			srv.SetFault("_dmarc.f.example.", dns.TypeTXT, fault)
			rep := Investigate(context.Background(), clientFor(srv), "f.example", Options{Offline: true}, nil)

			if rep.SPF == nil || rep.SPF.Tree.Root.Record != faultSPF {
				t.Errorf("SPF = %+v", rep.SPF)
			}
			if rep.MX == nil || len(rep.MX.Hosts) != 1 || rep.MX.Hosts[0].Host != "mx.f.example" {
				t.Errorf("MX = %+v", rep.MX)
			}
			if rep.DMARC == nil || rep.DMARC.Record != faultDMARC {
				t.Errorf("DMARC = %+v", rep.DMARC)
			}
			for _, code := range []string{"mx.nxdomain", "spf.no_record", "dmarc.no_record"} {
				if f, ok := hasCode(rep.Findings, code); ok {
					t.Errorf("a decoy NXDOMAIN was believed: %s %s", f.Code, f.Message)
				}
			}
			v := rep.SPF.Tree.CheckHost(context.Background(), lateIP, "", "")
			if v.Result != spf.Pass {
				t.Errorf("%s: %s, want pass through the include", lateIP, v.Result)
			}
		})
	}
}

// firedDeadline is a context whose deadline passes when the test fires it:
// a deadline as a cause, with no clock to race.
type firedDeadline struct {
	context.Context
	done chan struct{}
	once sync.Once
}

func newFiredDeadline() *firedDeadline {
	return &firedDeadline{Context: context.Background(), done: make(chan struct{})}
}

func (c *firedDeadline) Done() <-chan struct{} { return c.done }

func (c *firedDeadline) Err() error {
	select {
	case <-c.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

func (c *firedDeadline) fire() { c.once.Do(func() { close(c.done) }) }

// TestDeadlineKeepsFinishedParts: an include whose answer never comes
// leaves SPF unfinished; when the deadline passes (fired once every other
// part is in) the investigation returns with every other part and a
// dns.unfinished finding.
func TestDeadlineKeepsFinishedParts(t *testing.T) {
	srv := zoneservertest.New(t, faultZone)
	defer srv.Hold("inc.f.example.")()
	ctx := newFiredDeadline()
	events := make(chan Event)
	var rep *Report
	done := make(chan struct{})
	opts := Options{Offline: true, Deadline: calm}
	go func() {
		defer close(done)
		rep = Investigate(ctx, clientFor(srv), "f.example", opts, events)
	}()
	waiting := -1 // every part that runs but SPF (the SMTP probe runs only when asked)
	for _, p := range parts {
		if p.runs(opts) {
			waiting++
		}
	}
	for waiting > 0 {
		ev := <-events
		if ev.Part == finding.PartSPF {
			t.Fatal("SPF finished although its include is held")
		}
		waiting--
	}
	ctx.fire()
	<-done

	if !slices.Equal(rep.Unfinished, []finding.Part{finding.PartSPF}) {
		t.Errorf("unfinished = %v, want [spf]", rep.Unfinished)
	}
	f, ok := hasCode(rep.Findings, "dns.unfinished")
	if !ok || !strings.Contains(f.Message, "spf") || !strings.Contains(f.Message, "deadline passed") {
		t.Errorf("no dns.unfinished finding naming spf and the deadline: %v", codes(rep.Findings))
	}
	if rep.SPF != nil {
		t.Error("the SPF part is there although it could not finish")
	}
	if rep.MX == nil || len(rep.MX.Hosts) != 1 || rep.DMARC == nil || rep.DMARC.Record != faultDMARC || rep.DKIM == nil {
		t.Errorf("finished parts were lost: mx %v dmarc %v dkim %v", rep.MX, rep.DMARC, rep.DKIM)
	}
}

// TestDeadlineIsApplied: Options.Deadline is the investigation's own: one
// that has passed before any answer can come leaves every part unfinished,
// and the finding names it. No server is unreachable for it.
func TestDeadlineIsApplied(t *testing.T) {
	srv := zoneservertest.New(t, faultZone)
	rep := Investigate(context.Background(), clientFor(srv), "f.example", Options{Offline: true, Deadline: time.Nanosecond}, nil)
	if !slices.Equal(rep.Unfinished, Parts()) {
		t.Errorf("unfinished = %v, want every part that runs (%v)", rep.Unfinished, Parts())
	}
	f, ok := hasCode(rep.Findings, "dns.unfinished")
	if !ok || !strings.Contains(f.Message, "the 1ns deadline passed") {
		t.Errorf("no dns.unfinished finding naming the 1ns deadline: %+v", f)
	}
	if rep.Unreachable {
		t.Error("a deadline that passed made the resolver unreachable")
	}
}

// chainZone is a 100-level include chain: l0 includes l1 ... l99.
func chainZone(levels int) string {
	var b strings.Builder
	b.WriteString("$ORIGIN example.\n@ SOA ns.example. h.example. 1 3600 600 86400 300\n")
	b.WriteString("$ORIGIN chain.example.\n@ SOA ns.example. h.example. 1 3600 600 86400 300\n")
	b.WriteString("@ TXT \"v=spf1 include:l1.chain.example -all\"\n")
	for i := 1; i < levels; i++ {
		fmt.Fprintf(&b, "l%d TXT \"v=spf1 include:l%d.chain.example -all\"\n", i, i+1)
	}
	fmt.Fprintf(&b, "l%d TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n", levels)
	return b.String()
}

// TestSPFIncludeChainBounded: a 100-level include chain served for real is
// fetched only to spf's depth cap, the finding names where it was cut, the
// verdict is permerror at the 10-lookup limit, and it all finishes quickly.
func TestSPFIncludeChainBounded(t *testing.T) {
	srv := zoneservertest.New(t, chainZone(100))
	c := clientFor(srv)
	rep := spf.CheckIPs(context.Background(), spfcheck.Resolver(c), []netip.Addr{earlyIP}, spf.Identity{Domain: "chain.example"}, spfcheck.Advice())

	v := rep.Results[0]
	if v.Result != spf.PermError || !errors.Is(v.Err, spf.ErrLookupLimit) {
		t.Errorf("verdict %s (%v), want permerror at the lookup limit", v.Result, v.Err)
	}
	// Prefetch reads the records at depth 0 to DefaultMaxDepth; evaluation
	// trips the limit at the 11th include and needs nothing deeper.
	var txt int
	for _, q := range srv.Log() {
		if q.Type == dns.TypeTXT {
			txt++
		}
	}
	if want := spf.DefaultMaxDepth + 1; txt > want {
		t.Errorf("%d TXT questions reached the server, want at most %d", txt, want)
	}
	fs := spfcheck.Findings(rep.Findings())
	cut, ok := hasCode(fs, "spf.tree_cut")
	where := fmt.Sprintf(`"include:l%d.chain.example" at l%d.chain.example`, spf.DefaultMaxDepth+1, spf.DefaultMaxDepth)
	if !ok || !strings.Contains(cut.Message, where) {
		t.Errorf("no spf.tree_cut finding saying %s: %+v", where, cut)
	}
	if f, ok := hasCode(fs, "spf.lookup_limit"); !ok || f.Severity != finding.Error {
		t.Errorf("no spf.lookup_limit error: %v", codes(fs))
	}
}

// fanOutZone is a top record with n includes, each with an a: term of its
// own, and the hosts those name.
func fanOutZone(n int) string {
	var b, rec strings.Builder
	b.WriteString("$ORIGIN example.\n@ SOA ns.example. h.example. 1 3600 600 86400 300\n")
	b.WriteString("$ORIGIN fan.example.\n@ SOA ns.example. h.example. 1 3600 600 86400 300\n")
	rec.WriteString("v=spf1")
	for i := range n {
		fmt.Fprintf(&rec, " include:i%d.fan.example", i)
		fmt.Fprintf(&b, "i%d TXT \"v=spf1 a:h%d.fan.example -all\"\nh%d A 192.0.2.%d\n", i, i, i, i%250+1)
	}
	rec.WriteString(" -all")
	fmt.Fprintf(&b, "@ TXT %s\n", zoneTXT(rec.String()))
	return b.String()
}

// TestSPFFanOutBounded: 1,000 includes served for real. Prefetch stops at
// spf's node cap, the investigation stays within its question budget and
// finishes quickly, and the findings say the tree was cut and where.
func TestSPFFanOutBounded(t *testing.T) {
	srv := zoneservertest.New(t, fanOutZone(1000))
	c := clientFor(srv)
	rep := Investigate(context.Background(), c, "fan.example", Options{Offline: true}, nil)

	if rep.SPF == nil || len(rep.Unfinished) > 0 {
		t.Fatalf("unfinished: %v", rep.Unfinished)
	}
	if n := len(rep.SPF.Tree.Root.Children); n != 1000 {
		t.Errorf("the top node has %d children, want all 1000 includes drawn", n)
	}
	fetched := 0
	rep.SPF.Tree.Root.Walk(func(n *spf.Node) bool {
		if n.Record != "" {
			fetched++
		}
		return true
	})
	if fetched > spf.DefaultMaxNodes+1 {
		t.Errorf("%d records fetched, want at most the node cap %d and the top", fetched, spf.DefaultMaxNodes)
	}
	if q := srv.Queries(); q > dnsclient.DefaultMaxQueries {
		t.Errorf("the server got %d questions, over the budget of %d", q, dnsclient.DefaultMaxQueries)
	}
	cut, ok := hasCode(rep.Findings, "spf.tree_cut")
	if !ok || !strings.Contains(cut.Message, "node limit") || !strings.Contains(cut.Message, "at fan.example") {
		t.Errorf("no spf.tree_cut finding naming the node limit and fan.example: %+v", cut)
	}
	if _, ok := hasCode(rep.Findings, "spf.lookup_limit"); !ok {
		t.Errorf("no spf.lookup_limit finding: %v", codes(rep.Findings))
	}
	v := rep.SPF.Tree.CheckHost(context.Background(), lateIP, "", "")
	if v.Result != spf.PermError || !errors.Is(v.Err, spf.ErrLookupLimit) {
		t.Errorf("verdict %s (%v), want permerror at the lookup limit", v.Result, v.Err)
	}
}

// TestCNAMEChainBounded: an include whose name is a long CNAME chain, or a
// CNAME loop, is a DNS error for that include, found in bounded time with
// a bounded number of questions.
func TestCNAMEChainBounded(t *testing.T) {
	var chain strings.Builder
	chain.WriteString("$ORIGIN example.\n@ SOA ns.example. h.example. 1 3600 600 86400 300\n")
	chain.WriteString("$ORIGIN cn.example.\n@ SOA ns.example. h.example. 1 3600 600 86400 300\n")
	chain.WriteString("long TXT \"v=spf1 ip4:192.0.2.0/24 include:c0.cn.example -all\"\n")
	chain.WriteString("loop TXT \"v=spf1 ip4:192.0.2.0/24 include:x.cn.example -all\"\n")
	for i := range 30 {
		fmt.Fprintf(&chain, "c%d CNAME c%d\n", i, i+1)
	}
	chain.WriteString("c30 TXT \"v=spf1 ip4:198.51.100.0/24 -all\"\n")
	chain.WriteString("x CNAME y\ny CNAME x\n")

	tests := []struct {
		domain, include string
		cause           error
	}{
		{"long.cn.example", "c0.cn.example", dnsclient.ErrCNAMEChain},
		{"loop.cn.example", "x.cn.example", dnsclient.ErrCNAMELoop},
	}
	for _, tt := range tests {
		t.Run(tt.domain, func(t *testing.T) {
			srv := zoneservertest.New(t, chain.String())
			c := clientFor(srv)
			rep := spf.CheckIPs(context.Background(), spfcheck.Resolver(c), []netip.Addr{earlyIP, lateIP}, spf.Identity{Domain: tt.domain}, spfcheck.Advice())
			if rep.Results[0].Result != spf.Pass {
				t.Errorf("%s: %s, want pass before the include", earlyIP, rep.Results[0].Result)
			}
			late := rep.Results[1]
			if late.Result != spf.TempError || !errors.Is(late.Err, tt.cause) {
				t.Errorf("%s: %s (%v), want temperror wrapping %v", lateIP, late.Result, late.Err, tt.cause)
			}
			f, ok := hasCode(spfcheck.Findings(rep.Findings()), "spf.dns_error")
			if !ok || f.Subject.String() != tt.include {
				t.Errorf("no spf.dns_error finding for %s: %+v", tt.include, f)
			}
			// The server chases up to 8 CNAMEs in one answer; the client
			// stops after its own 8, so a handful of questions at most.
			if q := srv.Queries(); q > 2*dnsclient.DefaultMaxCNAMEs {
				t.Errorf("%d questions for one CNAME chain", q)
			}
		})
	}
}

// TestQueryBudget: a zone that fans out (includes with a: terms, and the
// DKIM probes) against a client with a small question budget ends with a
// dns.query_limit finding, every part finished, and the server never asked
// more than the budget.
func TestQueryBudget(t *testing.T) {
	const budget = 40
	srv := zoneservertest.New(t, fanOutZone(30))
	c := clientFor(srv, func(cfg *dnsclient.Config) { cfg.MaxQueries = budget })
	rep := Investigate(context.Background(), c, "fan.example", Options{Offline: true}, nil)

	f, ok := hasCode(rep.Findings, "dns.query_limit")
	if !ok || !strings.Contains(f.Message, fmt.Sprint(budget)) {
		t.Errorf("no dns.query_limit finding naming the limit of %d: %v", budget, codes(rep.Findings))
	}
	if len(rep.Unfinished) > 0 {
		t.Errorf("unfinished: %v", rep.Unfinished)
	}
	if rep.Queries > budget || srv.Queries() > budget {
		t.Errorf("%d questions sent, %d received, budget %d", rep.Queries, srv.Queries(), budget)
	}
	refused := 0
	for _, e := range rep.Log {
		if strings.Contains(e.Err, dnsclient.ErrQueryBudget.Error()) {
			refused++
		}
	}
	if refused == 0 {
		t.Error("the DNS log shows no question refused by the budget")
	}
}

// TestTXTBudget: TXT answers beyond the client's byte budget are refused,
// the finding says so, and the investigation still finishes.
func TestTXTBudget(t *testing.T) {
	const budget = 4096
	var b strings.Builder
	b.WriteString(faultZone)
	b.WriteString("$ORIGIN big.example.\n@ SOA ns.example. h.example. 1 3600 600 86400 300\n")
	b.WriteString("@ TXT \"v=spf1 include:a.big.example include:b.big.example include:c.big.example -all\"\n")
	for _, name := range []string{"a", "b", "c"} {
		var terms []string
		for i := range 80 {
			terms = append(terms, fmt.Sprintf("ip4:198.51.%d.0/24", i))
		}
		fmt.Fprintf(&b, "%s TXT %s\n", name, zoneTXT("v=spf1 "+strings.Join(terms, " ")+" -all"))
	}
	srv := zoneservertest.New(t, b.String())
	c := clientFor(srv, func(cfg *dnsclient.Config) { cfg.MaxTXTBytes = budget })
	rep := Investigate(context.Background(), c, "big.example", Options{Offline: true}, nil)

	if _, ok := hasCode(rep.Findings, "dns.txt_limit"); !ok {
		t.Errorf("no dns.txt_limit finding: %v", codes(rep.Findings))
	}
	if len(rep.Unfinished) > 0 || rep.SPF == nil {
		t.Fatalf("unfinished: %v", rep.Unfinished)
	}
	over := 0
	rep.SPF.Tree.Root.Walk(func(n *spf.Node) bool {
		if errors.Is(n.Err, dnsclient.ErrTooMuchTXT) {
			over++
		}
		return true
	})
	if over == 0 {
		t.Error("no SPF node says its record was refused by the TXT budget")
	}
}
