package main

import (
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/miekg/dns"
	"github.com/mxray/mxray/diag/termsafe/termsafetest"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
	"github.com/mxray/mxray/headers"
	"github.com/mxray/mxray/spf"
)

// TestHeaderInputLimits: the 4 MiB and 5,000-field limits of headers.Parse
// end to end, each with exit 2 and a one-line message naming the limit; a
// 200 KB folded field below them is read whole. (How fast is
// BenchmarkFoldedField's business.)
func TestHeaderInputLimits(t *testing.T) {
	received := "Received: from relay.mailer.example (relay.mailer.example [203.0.113.10])\r\n\tby mx.receiver.example with ESMTPS id 1; Sun, 22 Nov 2026 17:52:00 +0000\r\n"
	fields := func(n int) string {
		var b strings.Builder
		b.WriteString(received)
		for i := 1; i < n; i++ {
			fmt.Fprintf(&b, "X-Filler-%d: %d\r\n", i, i)
		}
		return b.String() + "\r\n"
	}
	pad := func(size int) string {
		s := received + "X-Pad: "
		return s + strings.Repeat("a", size-len(s))
	}
	tests := []struct {
		name    string
		content string
		want    []string // in the one-line error; nil when the header must be read
	}{
		{"4 MiB + 1", pad(headers.MaxInputSize + 1), []string{"too large", "4 MiB", fmt.Sprint(headers.MaxInputSize + 1)}},
		{"exactly 4 MiB", pad(headers.MaxInputSize), nil},
		{"5,001 fields", fields(headers.MaxFields + 1), []string{"too many header fields", fmt.Sprint(headers.MaxFields)}},
		{"5,000 fields", fields(headers.MaxFields), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := writeFile(t, "big.eml", tt.content)
			code, out, errOut := runCLI(t, "", "headers", file, "--no-recheck", "--json")
			if tt.want == nil {
				if code == exitCannot {
					t.Fatalf("exit 2 below the limit: %s", errOut)
				}
				var v struct{ Hops []any }
				if err := json.Unmarshal([]byte(out), &v); err != nil || len(v.Hops) != 1 {
					t.Errorf("report not read: %v, %d hops", err, len(v.Hops))
				}
				return
			}
			if code != exitCannot {
				t.Fatalf("exit %d, want 2", code)
			}
			if strings.Count(errOut, "\n") != 1 {
				t.Errorf("the error is not one line: %q", errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("the error %q does not say %q", errOut, w)
				}
			}
		})
	}

	// A 200 KB Authentication-Results field, folded over 6,000 lines: read
	// whole, every result kept.
	var ar strings.Builder
	ar.WriteString("Authentication-Results: mx.receiver.example;\r\n")
	const results = 6000
	for i := range results {
		fmt.Fprintf(&ar, "\tdkim=pass header.d=d%d.example;\r\n", i)
	}
	content := received + ar.String() + "From: a@healthy.example\r\n\r\n"
	if len(content) < 200_000 {
		t.Fatalf("the folded field is only %d bytes", len(content))
	}
	file := writeFile(t, "folded.eml", content)
	code, out, errOut := runCLI(t, "", "headers", file, "--no-recheck", "--json")
	if code == exitCannot {
		t.Fatalf("a %d-byte folded field was refused: %s", len(content), errOut)
	}
	var v struct {
		AR []struct{ Method string } `json:"authentication_results"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil || len(v.AR) != results {
		t.Errorf("%d authentication results read, want %d (%v)", len(v.AR), results, err)
	}
}

// TestHeaderTooLargeSaysTrueSize: a 5 MiB file is refused, and the message
// must not claim a size the file does not have. mxray reads at most 4 MiB
// + 1 byte and headers.Parse reports the length it was given, so today the
// message says "the input is 4194305 bytes" for any larger file.
func TestHeaderTooLargeSaysTrueSize(t *testing.T) {
	const size = 5 << 20
	received := "Received: from relay.mailer.example (relay.mailer.example [203.0.113.10])\r\n\tby mx.receiver.example with ESMTPS id 1; Sun, 22 Nov 2026 17:52:00 +0000\r\nX-Pad: "
	file := writeFile(t, "big.eml", received+strings.Repeat("a", size-len(received)))
	code, _, errOut := runCLI(t, "", "headers", file, "--no-recheck")
	if code != exitCannot || !strings.Contains(errOut, "4 MiB") {
		t.Fatalf("exit %d, %q", code, errOut)
	}
	if strings.Contains(errOut, fmt.Sprint(headers.MaxInputSize+1)) {
		t.Errorf("the error says the input is %d bytes, but it is %d: %q", headers.MaxInputSize+1, size, errOut)
	}
}

// closedPort returns a loopback UDP address nothing listens on: a question
// sent there is refused by the kernel at once.
func closedPort(t *testing.T) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close()
	return addr
}

// TestNoResolverReachableEverySubcommand extends TestNoResolverReachable
// to spf and headers, with a server that never answers and one that
// refuses the connection: exit 2, one clear line, no report. Every
// question to them fails, whatever the timeout, so none is raced.
func TestNoResolverReachableEverySubcommand(t *testing.T) {
	header := writeFile(t, "h.eml", hostileHeader("x"))
	for _, resolver := range []struct{ name, addr string }{{"silent", deadResolver(t)}, {"closed", closedPort(t)}} {
		for _, cmd := range [][]string{
			{"check", "example.com"},
			{"spf", "example.com", "--ip", "192.0.2.1"},
			{"spf", "--sender", "a@example.com", "--ip", "192.0.2.1"},
			{"headers", header},
		} {
			t.Run(resolver.name+"/"+strings.Join(cmd, " "), func(t *testing.T) {
				args := append([]string{"--resolver", resolver.addr, "--timeout", "200ms", "--deadline", "30s"}, cmd...)
				code, out, errOut := runCLI(t, "", args...)
				if code != exitCannot || !strings.Contains(errOut, "no DNS server answered") || strings.Count(errOut, "\n") != 1 {
					t.Errorf("exit %d, stderr %q", code, errOut)
				}
				if out != "" {
					t.Errorf("a report was printed although nothing answered:\n%.300s", out)
				}
			})
		}
	}
}

// TestSPFIncludeTimeoutCLI: an include whose server never answers makes
// only the IPs that need it temperror; the include costs its question and
// one retry. (Only the dropped questions time out, at once: see
// environment.attemptTimeout.)
func TestSPFIncludeTimeoutCLI(t *testing.T) {
	srv := zoneservertest.New(t, `
$ORIGIN example.
@    SOA ns.example. h.example. 1 3600 600 86400 300
$ORIGIN f.example.
@    SOA ns.example. h.example. 1 3600 600 86400 300
@    TXT "v=spf1 ip4:192.0.2.0/24 include:inc.f.example -all"
inc  TXT "v=spf1 ip4:198.51.100.0/24 -all"
`)
	srv.SetFault("inc.f.example.", dns.TypeTXT, zoneserver.FaultDrop)
	code, out, errOut := runCLIWith(t, &environment{attemptTimeout: zoneservertest.Expiry(nil, srv)}, "", "--resolver", srv.Addr(), "spf", "f.example", "--ip", "192.0.2.7", "--ip", "198.51.100.7", "--json")
	zoneservertest.Await(func() bool { return len(srv.Log()) >= 3 })
	if n := len(srv.Log()); n != 3 {
		t.Errorf("the server got %d questions, want 3 (the record, the include and its retry)", n)
	}
	if code == exitCannot {
		t.Fatalf("exit 2: %s", errOut)
	}
	var v struct {
		Results []struct{ IP, Result string }
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Results) != 2 || v.Results[0].Result != "pass" || v.Results[1].Result != "temperror" {
		t.Errorf("results = %+v, want pass then temperror", v.Results)
	}
}

// limitFanOutZone returns a zone whose SPF tree at fan.example fans out: n
// includes, each with an mx: term naming ten hosts, each asked for A and
// AAAA ahead of time (21 questions per include).
func limitFanOutZone(n int) string {
	var b, rec strings.Builder
	b.WriteString("$ORIGIN example.\n@ SOA ns.example. h.example. 1 3600 600 86400 300\n")
	b.WriteString("$ORIGIN fan.example.\n@ SOA ns.example. h.example. 1 3600 600 86400 300\n")
	rec.WriteString("v=spf1")
	for i := range n {
		fmt.Fprintf(&rec, " include:i%d.fan.example", i)
		fmt.Fprintf(&b, "i%d TXT \"v=spf1 mx:m%d.fan.example -all\"\n", i, i)
		for h := range 10 {
			fmt.Fprintf(&b, "m%d MX 10 h%d.m%d\nh%d.m%d A 192.0.2.%d\n", i, h, i, h, i, h+1)
		}
	}
	rec.WriteString(" -all")
	fmt.Fprintf(&b, "@ TXT %s\n", txtStrings(rec.String()))
	return b.String()
}

// limitTXTZone returns a zone with n DKIM selectors s0..s<n-1> at
// big.example, each a TXT record of about 60 KB: asked together, more TXT
// than one investigation accepts. (Records that are not SPF keep the report
// small: an SPF tree of 1 MiB of terms is about 10 MB of JSON.)
func limitTXTZone(n int) string {
	var b strings.Builder
	b.WriteString("$ORIGIN example.\n@ SOA ns.example. h.example. 1 3600 600 86400 300\n")
	b.WriteString("$ORIGIN big.example.\n@ SOA ns.example. h.example. 1 3600 600 86400 300\n")
	b.WriteString("@ TXT \"v=spf1 -all\"\n")
	junk := strings.Repeat("x", 60_000)
	for i := range n {
		fmt.Fprintf(&b, "s%d._domainkey TXT %s\n", i, txtStrings("v=DKIM1; n="+junk))
	}
	return b.String()
}

// selectors returns --selector s0 ... --selector s<n-1>.
func selectors(n int) []string {
	var out []string
	for i := range n {
		out = append(out, "--selector", fmt.Sprintf("s%d", i))
	}
	return out
}

// txtStrings writes s as TXT RDATA of 255-byte character-strings.
func txtStrings(s string) string {
	var parts []string
	for len(s) > 255 {
		parts = append(parts, `"`+s[:255]+`"`)
		s = s[255:]
	}
	return "( " + strings.Join(append(parts, `"`+s+`"`), " ") + " )"
}

// TestLimitsEndToEnd: the per-investigation budgets of the DNS client
// (500 questions, 1 MiB of TXT) and the --deadline, reached through "mxray
// check" with the defaults: each says so in a finding and the report is
// still printed. The deadline is one that has passed before any answer
// can come, so no part races it (diag's TestDeadlineKeepsFinishedParts
// fires one between parts).
func TestLimitsEndToEnd(t *testing.T) {
	type report struct {
		Queries    int
		Findings   []struct{ Code, Message string }
		Unfinished []string
	}
	slow := zoneservertest.New(t, `
$ORIGIN example.
@    SOA ns.example. h.example. 1 3600 600 86400 300
$ORIGIN f.example.
@    SOA ns.example. h.example. 1 3600 600 86400 300
@    MX  10 mx
mx   A   192.0.2.10
@    TXT "v=spf1 ip4:192.0.2.0/24 include:inc.f.example -all"
inc  TXT "v=spf1 ip4:198.51.100.0/24 -all"
`)
	tests := []struct {
		name    string
		args    []string
		code    string // the finding
		message string // in its message
		check   func(t *testing.T, r report)
	}{
		{"questions", []string{"--zone", writeFile(t, "fan.zone", limitFanOutZone(60)), "check", "fan.example"},
			"dns.query_limit", "limit of 500 DNS questions",
			func(t *testing.T, r report) {
				if r.Queries != 500 {
					t.Errorf("%d questions sent, want exactly the budget of 500", r.Queries)
				}
			}},
		{"TXT bytes", append([]string{"--zone", writeFile(t, "big.zone", limitTXTZone(18)), "check", "big.example"}, selectors(18)...),
			"dns.txt_limit", "total size limit", nil},
		{"deadline", []string{"--resolver", slow.Addr(), "--deadline", "1ns", "check", "f.example"},
			"dns.unfinished", "the 1ns deadline passed",
			func(t *testing.T, r report) {
				if len(r.Unfinished) == 0 {
					t.Error("nothing unfinished")
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			guard := guardResolver(t)
			args := tt.args
			if args[0] == "--zone" {
				args = append([]string{"--resolver", guard.Addr()}, args...)
			}
			code, out, errOut := runCLI(t, "", append(args, "--json")...)
			if code == exitCannot {
				t.Fatalf("exit 2: %s", errOut)
			}
			var r report
			if err := json.Unmarshal([]byte(out), &r); err != nil {
				t.Fatal(err)
			}
			found := false
			for _, f := range r.Findings {
				found = found || (f.Code == tt.code && strings.Contains(f.Message, tt.message))
			}
			if !found {
				t.Errorf("no %s finding saying %q: %+v", tt.code, tt.message, r.Findings)
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}

// TestJSONEscapesTerminalControls: JSON keeps hostile values, but as \u
// escapes, so that "mxray ... --json" printed on a terminal (the common
// case) cannot carry C1 controls, bidi controls or invisible characters to
// it either. encoding/json escapes only C0, <, >, & and U+2028/U+2029;
// termsafe's package doc assumes it escapes the rest. The escaped form
// decodes to exactly the same strings.
func TestJSONEscapesTerminalControls(t *testing.T) {
	zoneFile := writeFile(t, "hostile.zone", hostileZone())
	guard := guardResolver(t)
	for _, c := range hostileClasses {
		t.Run(c.name, func(t *testing.T) {
			header := writeFile(t, "h.eml", hostileHeader(c.raw))
			list := writeFile(t, "list.txt", c.name+".hostile.example\n")
			for _, r := range []struct {
				name string
				args []string
			}{
				{"headers", []string{"headers", header, "--no-recheck", "--json"}},
				{"check", []string{"--zone", zoneFile, "--resolver", guard.Addr(), "check", c.name + ".hostile.example", "--selector", "sel", "--json"}},
				{"check -f", []string{"--zone", zoneFile, "--resolver", guard.Addr(), "check", "-f", list, "--selector", "sel", "--json"}},
			} {
				_, out, errOut := runCLI(t, "", r.args...)
				if out == "" {
					t.Fatalf("%s: no output: %s", r.name, errOut)
				}
				if bad := termsafetest.Unsafe(out); bad != "" {
					t.Errorf("%s --json: %s", r.name, bad)
				}
				requireJSONKeeps(t, r.name+" --json", out, c.json)
			}
		})
	}
}

// TestSPFBoundsEndToEnd: through "mxray spf", a 100-level include chain is
// cut at spf's depth cap and ends in permerror at the 10-lookup limit, and
// an include behind 30 CNAMEs stops at the client's CNAME limit with
// temperror; each finding says where.
func TestSPFBoundsEndToEnd(t *testing.T) {
	var z strings.Builder
	z.WriteString("$ORIGIN example.\n@ SOA ns.example. h.example. 1 3600 600 86400 300\n")
	z.WriteString("$ORIGIN chain.example.\n@ SOA ns.example. h.example. 1 3600 600 86400 300\n")
	z.WriteString("@ TXT \"v=spf1 include:l1.chain.example -all\"\n")
	for i := 1; i < 100; i++ {
		fmt.Fprintf(&z, "l%d TXT \"v=spf1 include:l%d.chain.example -all\"\n", i, i+1)
	}
	z.WriteString("l100 TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n")
	z.WriteString("cn TXT \"v=spf1 ip4:192.0.2.0/24 include:c0.chain.example -all\"\n")
	for i := range 30 {
		fmt.Fprintf(&z, "c%d CNAME c%d\n", i, i+1)
	}
	z.WriteString("c30 TXT \"v=spf1 ip4:198.51.100.0/24 -all\"\n")
	zone := writeFile(t, "chain.zone", z.String())
	guard := guardResolver(t)

	tests := []struct {
		domain, result, code, says string
	}{
		{"chain.example", "permerror", "spf.tree_cut", fmt.Sprintf(`"include:l%d.chain.example" at l%d.chain.example`, spf.DefaultMaxDepth+1, spf.DefaultMaxDepth)},
		{"cn.chain.example", "temperror", "spf.dns_error", "CNAME chain too long"},
	}
	for _, tt := range tests {
		t.Run(tt.domain, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", "--resolver", guard.Addr(), "--zone", zone, "spf", tt.domain, "--ip", "198.51.100.7", "--json")
			if code == exitCannot {
				t.Fatalf("exit 2: %s", errOut)
			}
			var v struct {
				Result   string
				Findings []struct{ Code, Message string }
			}
			if err := json.Unmarshal([]byte(out), &v); err != nil {
				t.Fatal(err)
			}
			if v.Result != tt.result {
				t.Errorf("result %s, want %s", v.Result, tt.result)
			}
			found := false
			for _, f := range v.Findings {
				found = found || (f.Code == tt.code && strings.Contains(f.Message, tt.says))
			}
			if !found {
				t.Errorf("no %s finding saying %s: %+v", tt.code, tt.says, v.Findings)
			}
		})
	}
}
