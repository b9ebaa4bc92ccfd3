package diag

import (
	"context"
	"net/netip"
	"slices"
	"testing"

	"github.com/miekg/dns"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// mxZone covers every MX and PTR finding; names outside *.example stand for
// real filtering services.
const mxZone = `
$TTL 300
$ORIGIN test.
@        SOA ns.test. h.test. 1 3600 600 86400 300
$ORIGIN good.test.
@        SOA ns.test. h.test. 1 3600 600 86400 300
@        MX  10 a
@        MX  10 b
@        MX  20 c
a        A   192.0.2.1
b        A   192.0.2.2
c        AAAA 2001:db8::3
$ORIGIN nullmx.test.
@        SOA ns.test. h.test. 1 3600 600 86400 300
@        MX  0 .
$ORIGIN mixed.test.
@        SOA ns.test. h.test. 1 3600 600 86400 300
@        MX  0 .
@        MX  10 mail
mail     A   192.0.2.1
$ORIGIN implicit.test.
@        SOA ns.test. h.test. 1 3600 600 86400 300
@        A   192.0.2.1
$ORIGIN nomail.test.
@        SOA ns.test. h.test. 1 3600 600 86400 300
@        TXT "nothing"
$ORIGIN bad.test.
@        SOA ns.test. h.test. 1 3600 600 86400 300
@        MX  10 alias
@        MX  20 192.0.2.9.
@        MX  30 noaddr
@        MX  40 dyn
@        MX  50 unconfirmed
@        MX  60 noptr
noptr    A   198.51.100.9
alias    CNAME real
real     A   192.0.2.1
noaddr   TXT "no address here"
dyn      A   198.51.100.7
unconfirmed A 198.51.100.8
$ORIGIN filtered.test.
@        SOA ns.test. h.test. 1 3600 600 86400 300
@        MX  10 filtered-test.mail.protection.outlook.com.
@        MX  20 backup
backup   A   192.0.2.1
$ORIGIN outlook.com.
@        SOA ns.test. h.test. 1 3600 600 86400 300
filtered-test.mail.protection A 192.0.2.1
$ORIGIN 2.0.192.in-addr.arpa.
@        SOA ns.test. h.test. 1 3600 600 86400 300
1        PTR a.good.test.
2        PTR b.good.test.
$ORIGIN 100.51.198.in-addr.arpa.
@        SOA ns.test. h.test. 1 3600 600 86400 300
7        PTR 7-100-51-198.dynamic.isp.test.
8        PTR mail.elsewhere.test.
$ORIGIN 3.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.
@        SOA ns.test. h.test. 1 3600 600 86400 300
@        PTR c.good.test.
`

func testClient(t *testing.T, zone string) (*dnsclient.Client, *zoneserver.Server) {
	t.Helper()
	srv := zoneservertest.New(t, zone)
	return dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: calm}), srv
}

func codes(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code+"@"+f.Subject.String())
	}
	slices.Sort(out)
	return out
}

func TestCheckMX(t *testing.T) {
	tests := []struct {
		domain string
		want   []string // finding code@subject
		check  func(t *testing.T, r MXReport)
	}{
		{"good.test", nil, func(t *testing.T, r MXReport) {
			if len(r.Hosts) != 3 || r.Hosts[0].Host != "a.good.test" || r.Hosts[1].Host != "b.good.test" || r.Hosts[2].Host != "c.good.test" {
				t.Fatalf("hosts = %+v", r.Hosts)
			}
			if !r.Hosts[0].LoadBalanced || !r.Hosts[1].LoadBalanced || r.Hosts[2].LoadBalanced {
				t.Error("equal preferences not marked as load-balanced")
			}
			for _, h := range r.Hosts {
				if len(h.Addresses) != 1 || !h.Addresses[0].FCrDNS {
					t.Errorf("%s: addresses %+v", h.Host, h.Addresses)
				}
			}
			if r.Hosts[2].Addresses[0].IP != netip.MustParseAddr("2001:db8::3") {
				t.Errorf("IPv6 address = %s", r.Hosts[2].Addresses[0].IP)
			}
		}},
		{"nullmx.test", []string{"mx.null@nullmx.test"}, func(t *testing.T, r MXReport) {
			if !r.NullMX || len(r.Hosts) != 0 {
				t.Errorf("null MX not understood: %+v", r)
			}
		}},
		{"mixed.test", []string{"mx.null_mixed@mixed.test"}, nil},
		{"implicit.test", []string{"mx.implicit@implicit.test"}, func(t *testing.T, r MXReport) {
			if len(r.Implicit) != 1 {
				t.Errorf("implicit = %v", r.Implicit)
			}
		}},
		{"nomail.test", []string{"mx.none@nomail.test"}, nil},
		{"nxdomain.test", []string{"mx.nxdomain@nxdomain.test"}, nil},
		{"bad.test", []string{
			"mx.cname@alias.bad.test", "mx.ip_literal@192.0.2.9", "mx.no_address@noaddr.bad.test",
			"ptr.generic@198.51.100.7", "ptr.not_confirmed@198.51.100.7", "ptr.not_confirmed@198.51.100.8", "ptr.missing@198.51.100.9",
		}, nil},
		{"filtered.test", []string{"mx.filter_bypass@backup.filtered.test"}, func(t *testing.T, r MXReport) {
			if r.Hosts[0].Filter != "Microsoft Exchange Online Protection" {
				t.Errorf("filter = %q", r.Hosts[0].Filter)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.domain, func(t *testing.T) {
			c, _ := testClient(t, mxZone)
			r := CheckMX(context.Background(), c, tt.domain)
			got := codes(r.Findings)
			want := append([]string(nil), tt.want...)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("findings = %v\nwant       %v", got, want)
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}

func TestCheckMXServFail(t *testing.T) {
	c, srv := testClient(t, mxZone)
	srv.SetFault("good.test.", dns.TypeMX, zoneserver.FaultServFail)
	r := CheckMX(context.Background(), c, "good.test")
	if got := codes(r.Findings); !slices.Equal(got, []string{"mx.lookup_failed@good.test"}) {
		t.Errorf("findings = %v", got)
	}
}

func TestNullMXSuggestsSPFDenyAll(t *testing.T) {
	for _, tt := range []struct {
		spf  string
		want bool
	}{{"v=spf1 ~all", true}, {"v=spf1 -all", false}} {
		zone := "$ORIGIN nomail.test.\n@ SOA ns.nomail.test. h.nomail.test. 1 3600 600 86400 300\n@ MX 0 .\n@ TXT \"" + tt.spf + "\"\n"
		c, _ := testClient(t, zone)
		rep := Investigate(context.Background(), c, "nomail.test", Options{Offline: true}, nil)
		got := slices.ContainsFunc(rep.Findings, func(f finding.Finding) bool { return f.Code == "spf.null_mx_sender" })
		if got != tt.want {
			t.Errorf("SPF %q: spf.null_mx_sender present = %v, want %v", tt.spf, got, tt.want)
		}
	}
}

// TestSnapshotsNeverChange reads every delivered snapshot while the
// investigation finishes: under -race, a write to a delivered snapshot
// fails the test.
func TestSnapshotsNeverChange(t *testing.T) {
	c, _ := testClient(t, mxZone)
	events := make(chan Event)
	done := make(chan *Report)
	go func() {
		done <- Investigate(context.Background(), c, "good.test", Options{Offline: true}, events)
		close(events)
	}()
	var snaps []*Report
	var final *Report
	for final == nil {
		select {
		case ev := <-events:
			snaps = append(snaps, ev.Report)
		case final = <-done:
		}
	}
	for _, s := range snaps {
		_ = s.Queries
		_ = len(s.Findings)
		_ = s.Elapsed
		if s == final {
			t.Error("the final report is a snapshot that was already delivered")
		}
	}
	if len(snaps) != len(Parts()) {
		t.Errorf("%d events, want one per part (%d)", len(snaps), len(Parts()))
	}
}
