package dmarc

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// The zones of the in-process server: the "com." and "example." zones
// answer for the top of every walk, so nothing is REFUSED by accident.
const serverZones = `
com. SOA ns.com. hm.com. 1 3600 600 86400 300
example.com. SOA ns.example.com. hm.example.com. 1 3600 600 86400 300
example.com. A 192.0.2.1
news.example.com. A 192.0.2.2
_dmarc.example.com. TXT "v=DMARC1; p=reject; sp=quarantine; np=reject; " "rua=mailto:d@example.com,mailto:r@vendor.example,mailto:x@wild.example"
_dmarc.psdn.example.com. TXT "v=DMARC1; p=none; psd=n"
_dmarc.multi.example.com. TXT "v=DMARC1; p=none"
_dmarc.multi.example.com. TXT "v=DMARC1; p=reject"
multi.example.com. A 192.0.2.3
example. SOA ns.example. hm.example. 1 3600 600 86400 300
_dmarc.bank.example. TXT "v=DMARC1; p=reject; psd=y"
_dmarc.giant.bank.example. TXT "v=DMARC1; p=quarantine"
giant.bank.example. A 192.0.2.4
mega.bank.example. A 192.0.2.5
vendor.example. A 192.0.2.6
example.com._report._dmarc.vendor.example. TXT "v=DMARC1;"
*._report._dmarc.wild.example. TXT "v=DMARC1;"
wild.example. A 192.0.2.7
`

func newServer(t *testing.T) (*zoneserver.Server, dnsclient.Resolver) {
	t.Helper()
	srv := zoneservertest.New(t, serverZones)
	// A question times out only where the server drops it, and then at
	// once; every other one is waited for however loaded the machine.
	return srv, dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: 30 * time.Second, AttemptTimeout: zoneservertest.Expiry(nil, srv)})
}

func TestServerWalks(t *testing.T) {
	tests := []struct {
		domain string
		source string
		org    string
		policy Policy
	}{
		{"example.com", "example.com", "example.com", PolicyReject},
		{"news.example.com", "example.com", "example.com", PolicyQuarantine},
		{"ghost.example.com", "example.com", "example.com", PolicyReject}, // np
		{"a.psdn.example.com", "psdn.example.com", "psdn.example.com", PolicyNone},
		{"multi.example.com", "example.com", "example.com", PolicyQuarantine},
		{"mail.giant.bank.example", "giant.bank.example", "giant.bank.example", PolicyQuarantine},
		{"mega.bank.example", "bank.example", "mega.bank.example", PolicyReject},
	}
	_, r := newServer(t)
	for _, tc := range tests {
		t.Run(tc.domain, func(t *testing.T) {
			res := Check(context.Background(), r, tc.domain)
			if res.SourceDomain != tc.source || res.OrgDomain != tc.org || res.Policy != tc.policy {
				t.Errorf("source %q org %q policy %q, want %q %q %q\n%v", res.SourceDomain, res.OrgDomain, res.Policy, tc.source, tc.org, tc.policy, res.Findings)
			}
		})
	}
}

func TestServerReportAuth(t *testing.T) {
	_, r := newServer(t)
	res := Check(context.Background(), r, "example.com")
	got := map[string]AuthState{}
	for _, ra := range res.ReportAuth {
		got[ra.Host] = ra.State
	}
	want := map[string]AuthState{"example.com": AuthInternal, "vendor.example": AuthAuthorized, "wild.example": AuthAuthorized}
	for h, st := range want {
		if got[h] != st {
			t.Errorf("%s: %s, want %s", h, got[h], st)
		}
	}
	if !strings.HasPrefix(res.Record, "v=DMARC1; p=reject; sp=quarantine; np=reject; rua=") {
		t.Errorf("record strings not joined: %q", res.Record)
	}
}

// TestServerLongName counts the server's queries for a thirteen-label name.
func TestServerLongName(t *testing.T) {
	srv, r := newServer(t)
	domain := "a.b.c.d.e.f.g.h.i.j.k.example.com"
	d := Discover(context.Background(), r, domain)
	if d.SourceDomain != "example.com" || d.OrgDomain != "example.com" {
		t.Errorf("source %q org %q", d.SourceDomain, d.OrgDomain)
	}
	n := 0
	for _, q := range srv.Log() {
		if q.Type == dns.TypeTXT {
			n++
		}
	}
	if n != MaxQueries {
		t.Errorf("%d TXT queries reached the server, want %d", n, MaxQueries)
	}
}

// TestServerFaults: a failure higher up keeps what was found below.
func TestServerFaults(t *testing.T) {
	for _, fault := range []zoneserver.Fault{zoneserver.FaultServFail, zoneserver.FaultRefused, zoneserver.FaultDrop} {
		t.Run(fault.String(), func(t *testing.T) {
			srv, r := newServer(t)
			srv.SetFault("_dmarc.com.", dns.TypeTXT, fault)
			res := Check(context.Background(), r, "news.example.com")
			if res.SourceDomain != "example.com" || res.Policy != PolicyQuarantine || !res.Walk.Incomplete || res.Walk.ErrorAt != "com" {
				t.Errorf("source %q policy %q incomplete %v at %q", res.SourceDomain, res.Policy, res.Walk.Incomplete, res.Walk.ErrorAt)
			}
			if _, ok := findingCodes(res.Findings)["dmarc.walk_error"]; !ok {
				t.Error("no walk_error finding")
			}
		})
	}
}
