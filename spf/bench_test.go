package spf

import (
	"fmt"
	"net/netip"
	"testing"
	"time"
)

const benchRecord = "v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.0/24 ip6:2001:db8::/32 a mx:mail.%{d} " +
	"include:_spf.google.com include:spf.protection.outlook.com include:servers.mcsv.net " +
	"exists:%{i}._spf.%{d} ~all exp=explain._spf.%{d}"

func BenchmarkParse(b *testing.B) {
	b.SetBytes(int64(len(benchRecord)))
	for b.Loop() {
		if _, err := Parse(benchRecord); err != nil {
			b.Fatal(err)
		}
	}
}

// benchZone is a realistic tree: own networks, a and mx, three provider
// includes, one of them two levels deep.
func benchZone() *fakeDNS {
	r := newFakeDNS().
		TXT("example.com", "v=spf1 ip4:192.0.2.0/24 a mx include:_spf.provider-a.example include:spf.provider-b.example include:spf.provider-c.example -all").
		A("example.com", "198.51.100.1").MX("example.com", "mx1.example.com", "mx2.example.com").
		A("mx1.example.com", "198.51.100.10").A("mx2.example.com", "198.51.100.11", "2001:db8::25").
		TXT("_spf.provider-a.example", "v=spf1 include:_netblocks.provider-a.example include:_netblocks2.provider-a.example ~all").
		TXT("spf.provider-b.example", "v=spf1 ip4:40.92.0.0/15 ip4:40.107.0.0/16 ip4:52.100.0.0/14 ip6:2a01:111:f400::/48 -all").
		TXT("spf.provider-c.example", "v=spf1 ip4:205.201.128.0/20 ip4:198.2.128.0/18 ?all")
	var a, a2 string
	for i := range 16 {
		a += fmt.Sprintf(" ip4:35.%d.0.0/16", 190+i)
		a2 += fmt.Sprintf(" ip6:2001:4860:%x::/48", i)
	}
	r.TXT("_netblocks.provider-a.example", "v=spf1"+a+" ~all").TXT("_netblocks2.provider-a.example", "v=spf1"+a2+" ~all")
	return r
}

// BenchmarkEvaluate10kIPs evaluates 10,000 client IPs (most matching
// nothing, so every term is evaluated) against one prefetched tree.
func BenchmarkEvaluate10kIPs(b *testing.B) {
	tree := Prefetch(bg, benchZone(), "example.com")
	ips := make([]netip.Addr, 10000)
	for i := range ips {
		ips[i] = netip.AddrFrom4([4]byte{byte(i >> 16), byte(i >> 8), byte(i), 7})
		if i%10 == 0 {
			ips[i] = netip.AddrFrom4([4]byte{35, byte(190 + i%16), byte(i), 1})
		}
	}
	if v := tree.CheckHost(bg, ips[0], "u@example.com", ""); v.Result != Pass {
		b.Fatalf("tree sanity: %s", v.Result)
	}
	if v := tree.CheckHost(bg, ips[1], "u@example.com", ""); v.Result != Fail || v.Lookups != 7 {
		b.Fatalf("tree sanity: %s after %d lookups", v.Result, v.Lookups)
	}
	b.ResetTimer()
	for b.Loop() {
		for _, addr := range ips {
			tree.CheckHost(bg, addr, "u@example.com", "mail.example.net")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/10k-IPs")
}

// BenchmarkPrefetchCriticalPath prefetches and evaluates a 10-lookup tree of
// 4 levels through a resolver that takes 20 ms per question, and reports
// wall time over the critical-path bound 4 × 20 ms.
//
//	L1 example.com  a mx include:l2a include:l2b        4
//	L2 l2a          mx include:l3                       2
//	   l2b          a                                   1
//	L3 l3           a a:x.l3 include:l4                 3
//	L4 l4           ip4 only                            0
func BenchmarkPrefetchCriticalPath(b *testing.B) {
	const rtt = 20 * time.Millisecond
	r := newFakeDNS().
		TXT("example.com", "v=spf1 a mx include:l2a.example include:l2b.example -all").
		A("example.com", "198.51.100.1").MX("example.com", "mx.example.com").A("mx.example.com", "198.51.100.2").
		TXT("l2a.example", "v=spf1 mx include:l3.example -all").MX("l2a.example", "mx.l2a.example").A("mx.l2a.example", "198.51.100.3").
		TXT("l2b.example", "v=spf1 a ip4:203.0.113.0/28 -all").A("l2b.example", "198.51.100.4").
		TXT("l3.example", "v=spf1 a a:x.l3.example include:l4.example -all").A("l3.example", "198.51.100.5").A("x.l3.example", "198.51.100.6").
		TXT("l4.example", "v=spf1 ip4:192.0.2.0/24 -all")
	r.Delay = rtt
	client := netip.MustParseAddr("203.0.113.200")
	for b.Loop() {
		tree := Prefetch(bg, r, "example.com")
		v := tree.CheckHost(bg, client, "u@example.com", "")
		if v.Result != Fail || v.Lookups != 10 || tree.WorstCaseLookups() != 10 {
			b.Fatalf("%s after %d lookups (worst case %d)", v.Result, v.Lookups, tree.WorstCaseLookups())
		}
	}
	wall := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(wall)/float64(4*rtt), "x-critical-path")
}

// BenchmarkWhatIfKeystroke is the edit mode: the published tree, then the
// record with one term changed, as on every keystroke.
func BenchmarkWhatIfKeystroke(b *testing.B) {
	tree := Prefetch(bg, benchZone(), "example.com")
	text := "v=spf1 ip4:192.0.2.0/25 a mx include:_spf.provider-a.example include:spf.provider-b.example include:spf.provider-c.example -all"
	for b.Loop() {
		w := tree.WhatIf(bg, text)
		if w.Root.Status != NodeOK {
			b.Fatal(w.Root.Status)
		}
	}
}

// BenchmarkPrefetchLimits times the bounded shapes at 20 ms per question and
// reports wall time in round trips: a 100-level include chain (cut at the
// depth limit) and a 1,000-include fan-out (cut at the node limit).
func BenchmarkPrefetchLimits(b *testing.B) {
	const rtt = 20 * time.Millisecond
	chain := newFakeDNS()
	for i := range 100 {
		chain.TXT(fmt.Sprintf("l%d.example", i), fmt.Sprintf("v=spf1 include:l%d.example -all", i+1))
	}
	wide := newFakeDNS()
	rec := "v=spf1"
	for i := range 1000 {
		rec += fmt.Sprintf(" include:f%d.example", i)
		wide.TXT(fmt.Sprintf("f%d.example", i), "v=spf1 a -all").A(fmt.Sprintf("f%d.example", i), "192.0.2.1")
	}
	wide.TXT("wide.example", rec)
	for _, tc := range []struct {
		name   string
		r      *fakeDNS
		domain string
	}{{"chain-100", chain, "l0.example"}, {"fanout-1000", wide, "wide.example"}} {
		tc.r.Delay = rtt
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				tree := Prefetch(bg, tc.r, tc.domain)
				if tree.Root.Status != NodeOK || !tree.Root.Incomplete {
					b.Fatalf("%s: not cut", tc.name)
				}
			}
			b.ReportMetric(float64(b.Elapsed()/time.Duration(b.N))/float64(rtt), "round-trips")
		})
	}
}
