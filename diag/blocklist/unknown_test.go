package blocklist

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// unknownZone is a blocklist mxray knows nothing about (added with
// --blocklist unknown.test) answering every kind of code, and a few that
// are no codes at all: 192.0.2.N is asked as N.2.0.192.unknown.test.
var unknownZone = zone("unknown.test", `
2.0.0.127   A 127.0.0.2
1.2.0.192   A 127.0.0.0
2.2.0.192   A 127.0.0.1
3.2.0.192   A 127.0.0.2
4.2.0.192   A 127.0.0.10
5.2.0.192   A 127.0.1.2
6.2.0.192   A 127.1.2.3
7.2.0.192   A 127.255.255.250
8.2.0.192   A 127.255.255.251
9.2.0.192   A 127.255.255.252
10.2.0.192  A 127.255.255.253
11.2.0.192  A 127.255.255.254
12.2.0.192  A 127.255.255.255
13.2.0.192  A 127.255.255.0
14.2.0.192  A 10.0.0.1
15.2.0.192  A 0.0.0.0
16.2.0.192  A 255.255.255.255
17.2.0.192  A 192.0.2.17
18.2.0.192  A 127.0.0.2
18.2.0.192  A 127.255.255.254
19.2.0.192  A 127.0.0.2
19.2.0.192  A 10.0.0.1
20.2.0.192  TXT "a name without an A record"
22.2.0.192  A 127.0.0.2
23.2.0.192  A 127.0.0.2
24.2.0.192  CNAME elsewhere.example.
25.2.0.192  CNAME listed
listed      A 127.0.0.4
26.2.0.192  A 127.254.0.1
`) + zone("elsewhere.example", "@ A 198.51.100.1\n") + zone("udom.test", `
test              A 127.0.0.2
listed.example    A 127.0.0.2
blocked.example   A 127.0.0.1
refused.example   A 127.255.255.254
rewritten.example A 203.0.113.9
`) + zone("wild.test", `
*                 A 127.0.0.2
`) + zone("refusing.test", `
*                 A 127.255.255.254
*                 TXT "Error: open resolver"
`) + zone("dead.test", `
1.2.0.192         A 127.0.0.2
`)

// TestUnknownZoneEveryCode: a zone mxray has no table for is read
// safely. Only a code in 127.0.0.0/8 that no list's convention makes an
// error is a listing; 127.0.0.0 and 127.0.0.1, the 127.255.255.0/24 error
// range, anything outside 127.0.0.0/8 (alone or beside a listing) and
// every DNS failure are errors; NXDOMAIN and NODATA are not listed. A
// zone that lists everything, refuses everything or lists nothing at all
// fails its health test, and none of its answers counts.
func TestUnknownZoneEveryCode(t *testing.T) {
	srv := zoneservertest.New(t, unknownZone)
	srv.SetFault("22.2.0.192.unknown.test.", dns.TypeA, zoneserver.FaultServFail)
	srv.SetFault("23.2.0.192.unknown.test.", dns.TypeA, zoneserver.FaultDrop)
	c := client(srv)
	set := mustAdd(t, Set{}, "unknown.test", "domain:udom.test", "wild.test", "refusing.test", "dead.test")
	cases := []struct {
		s      Subject
		zone   string
		status Status
		why    ErrorKind
		codes  []string
	}{
		{ipN(1), "unknown.test", StatusError, ErrUndocumented, []string{"127.0.0.0"}},
		{ipN(2), "unknown.test", StatusError, ErrRefused, []string{"127.0.0.1"}},
		{ipN(3), "unknown.test", StatusListed, "", []string{"127.0.0.2"}},
		{ipN(4), "unknown.test", StatusListed, "", []string{"127.0.0.10"}},
		{ipN(5), "unknown.test", StatusListed, "", []string{"127.0.1.2"}},
		{ipN(6), "unknown.test", StatusListed, "", []string{"127.1.2.3"}},
		{ipN(7), "unknown.test", StatusError, ErrKey, []string{"127.255.255.250"}},
		{ipN(8), "unknown.test", StatusError, ErrKey, []string{"127.255.255.251"}},
		{ipN(9), "unknown.test", StatusError, ErrTypo, []string{"127.255.255.252"}},
		{ipN(10), "unknown.test", StatusError, ErrUndocumented, []string{"127.255.255.253"}},
		{ipN(11), "unknown.test", StatusError, ErrRefused, []string{"127.255.255.254"}},
		{ipN(12), "unknown.test", StatusError, ErrLimited, []string{"127.255.255.255"}},
		{ipN(13), "unknown.test", StatusError, ErrUndocumented, []string{"127.255.255.0"}},
		{ipN(14), "unknown.test", StatusError, ErrNotLoopback, []string{"10.0.0.1"}},
		{ipN(15), "unknown.test", StatusError, ErrNotLoopback, []string{"0.0.0.0"}},
		{ipN(16), "unknown.test", StatusError, ErrNotLoopback, []string{"255.255.255.255"}},
		{ipN(17), "unknown.test", StatusError, ErrNotLoopback, []string{"192.0.2.17"}},
		{ipN(18), "unknown.test", StatusError, ErrRefused, []string{"127.0.0.2", "127.255.255.254"}},
		{ipN(19), "unknown.test", StatusError, ErrNotLoopback, []string{"10.0.0.1", "127.0.0.2"}},
		{ipN(20), "unknown.test", StatusNotListed, "", nil},
		{ipN(21), "unknown.test", StatusNotListed, "", nil},
		{ipN(22), "unknown.test", StatusError, ErrDNS, nil},
		{ipN(23), "unknown.test", StatusError, ErrDNS, nil},
		{ipN(24), "unknown.test", StatusError, ErrNotLoopback, []string{"198.51.100.1"}},
		{ipN(25), "unknown.test", StatusListed, "", []string{"127.0.0.4"}},
		{ipN(26), "unknown.test", StatusListed, "", []string{"127.254.0.1"}},
		{domainSubject("listed.example", RoleFrom), "udom.test", StatusListed, "", []string{"127.0.0.2"}},
		{domainSubject("blocked.example", RoleFrom), "udom.test", StatusError, ErrRefused, []string{"127.0.0.1"}},
		{domainSubject("refused.example", RoleFrom), "udom.test", StatusError, ErrRefused, []string{"127.255.255.254"}},
		{domainSubject("rewritten.example", RoleFrom), "udom.test", StatusError, ErrNotLoopback, []string{"203.0.113.9"}},
		{domainSubject("clean.example", RoleFrom), "udom.test", StatusNotListed, "", nil},
		// A wildcard lists 127.0.0.1 too: the list is not usable.
		{ipN(3), "wild.test", StatusError, ErrUnhealthy, nil},
		// A list that refuses this resolver refuses every question,
		// its test entry too: the answer is the refusal.
		{ipN(40), "refusing.test", StatusError, ErrRefused, []string{"127.255.255.254"}},
		// A zone that does not list its test entry (shut down, or not a
		// blocklist): even a listing-shaped answer is not counted.
		{ipN(1), "dead.test", StatusError, ErrUnhealthy, nil},
	}
	for _, tc := range cases {
		t.Run(tc.zone+"/"+tc.s.IP.String()+tc.s.Domain, func(t *testing.T) {
			r := checkOne(t, c, tc.s, only(t, set, tc.zone))
			if r.Status != tc.status || r.Why != tc.why {
				t.Fatalf("%s/%s (%s), want %s/%s", r.Status, r.Why, r.Error, tc.status, tc.why)
			}
			if tc.codes != nil && !slices.Equal(r.Codes, tc.codes) {
				t.Errorf("codes %q, want %q", r.Codes, tc.codes)
			}
			switch r.Status {
			case StatusListed:
				if len(r.Meanings) != len(r.Codes) || !strings.Contains(r.Meanings[0], genericMeaning) || r.Severity != SeverityWarning || r.Error != "" {
					t.Errorf("listing %+v", r)
				}
			case StatusError:
				if r.Error == "" || r.Fix == "" || len(r.Meanings) != 0 {
					t.Errorf("error without its words, or with meanings: %+v", r)
				}
			}
		})
	}
	refused := checkOne(t, c, ipN(40), only(t, set, "refusing.test"))
	if !strings.Contains(refused.Error, "127.255.255.254") || !strings.Contains(refused.Fix, "your own recursive resolver") {
		t.Errorf("a refusing list says %q, fix %q", refused.Error, refused.Fix)
	}
}

// TestNoCodeMisread holds every list mxray ships (the defaults and the
// demo's) and a list added by zone alone to the rules, for every code in
// the ranges lists use and for addresses outside 127.0.0.0/8: a code is a
// listing only when the list's table says so, with a meaning; no code of
// 127.255.255.0/24, and never 127.0.0.1 or 127.0.0.0, is a listing; and
// every address outside 127.0.0.0/8 is an error.
func TestNoCodeMisread(t *testing.T) {
	lists := append(Default().Lists, Demo().Lists...)
	lists = append(lists, mustAdd(t, Set{}, "unknown.test", "domain:udom.test").Lists...)
	var codes []netip.Addr
	for _, prefix := range []string{"127.0.0.", "127.0.1.", "127.0.2.", "127.255.255.", "127.1.1."} {
		for i := range 256 {
			codes = append(codes, netip.MustParseAddr(fmt.Sprintf("%s%d", prefix, i)))
		}
	}
	outside := []string{"0.0.0.0", "10.0.0.1", "126.255.255.255", "128.0.0.1", "192.0.2.1", "255.255.255.255", "::1", "::ffff:10.0.0.1"}
	for _, l := range lists {
		for _, a := range codes {
			v := decodeAll(&l, []netip.Addr{a})
			listed := v.kind == ""
			b := a.As4()
			if listed && (b[1] == 255 && b[2] == 255 || b[1] == 0 && b[2] == 0 && b[3] <= 1) {
				t.Errorf("%s: %s is read as a listing: %q", l.Zone, a, v.meanings)
			}
			if listed && (len(v.meanings) == 0 || v.severity == "") {
				t.Errorf("%s: %s is a listing without a meaning or severity", l.Zone, a)
			}
			if !listed && v.text == "" {
				t.Errorf("%s: %s is an error without words", l.Zone, a)
			}
		}
		for _, s := range outside {
			if v := decodeAll(&l, []netip.Addr{netip.MustParseAddr(s)}); v.kind != ErrNotLoopback {
				t.Errorf("%s: %s is %q, want an error outside 127.0.0.0/8", l.Zone, s, v.kind)
			}
		}
	}
}

// TestAddKnownZone: --blocklist naming a zone of the default lists adds it
// with its own table, so its codes keep their meanings (PBL stays a policy
// listing, 127.255.255.254 a refusal).
func TestAddKnownZone(t *testing.T) {
	set := mustAdd(t, Set{}, "ZEN.spamhaus.org.", "domain:dbl.spamhaus.org")
	if len(set.Lists) != 2 || set.Lists[0].Generic || set.Lists[0].Name != "Spamhaus ZEN" || set.Lists[1].Name != "Spamhaus DBL" {
		t.Fatalf("%+v", set.Lists)
	}
	if v := decodeAll(&set.Lists[0], []netip.Addr{netip.MustParseAddr("127.0.0.10")}); v.severity != SeverityPolicy {
		t.Errorf("PBL read as %+v", v)
	}
}

// ipN is 192.0.2.n as an MX address.
func ipN(n int) Subject { return ipSubject(fmt.Sprintf("192.0.2.%d", n), RoleMX) }

// mustAdd adds zones to a set with Add, failing the test on an error.
func mustAdd(t testing.TB, s Set, zones ...string) Set {
	t.Helper()
	for _, z := range zones {
		var err error
		if s, err = s.Add(z); err != nil {
			t.Fatal(err)
		}
	}
	return s
}
