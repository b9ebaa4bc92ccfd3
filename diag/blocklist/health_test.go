package blocklist

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/miekg/dns"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// healthZones are lists that fail RFC 5782 §5's health test in each way a
// list can, and one that passes.
var healthZones = zone("dead.test", `
; no test entry: a list that shut down, or ignores this resolver
1.2.0.192 A 127.0.0.2
`) + zone("all.test", `
; lists everything, 127.0.0.1 included
* A 127.0.0.2
`) + zone("refusing.test", `
; refuses every question, as Spamhaus through a public resolver
* A 127.255.255.254
`) + zone("slow.test", `
2.0.0.127 A 127.0.0.2
1.2.0.192 A 127.0.0.2
`) + zone("rewrites.test", `
; a resolver rewriting NXDOMAIN into a search page address
* A 192.0.2.80
`) + zone("good.test", `
2.0.0.127 A 127.0.0.2
1.2.0.192 A 127.0.0.2
`)

// healthLists are ZEN-shaped lists on the zones above.
func healthLists(t *testing.T) Set {
	var b strings.Builder
	b.WriteString("mxray-blocklists 1\n")
	for _, z := range []string{"dead.test", "all.test", "refusing.test", "slow.test", "rewrites.test", "good.test"} {
		b.WriteString("list " + z + "\n name " + z + "\n kind ip\n" +
			" code 127.0.0.2 listed error SBL-like\n" +
			" code 127.255.255.254 error refused query refused: public resolver\nend\n")
	}
	return mustParse(t, b.String())
}

func TestHealth(t *testing.T) {
	cases := []struct {
		zone     string
		subject  string
		status   Status
		why      ErrorKind
		inReason string
	}{
		{"good.test", "192.0.2.1", StatusListed, "", ""},
		{"good.test", "192.0.2.2", StatusNotListed, "", ""},
		{"dead.test", "192.0.2.1", StatusError, ErrUnhealthy, "127.0.0.2, which RFC 5782 §5 says must be listed, is not"},
		{"dead.test", "192.0.2.2", StatusError, ErrUnhealthy, "not usable"},
		{"all.test", "192.0.2.1", StatusError, ErrUnhealthy, "it lists 127.0.0.1 (127.0.0.2)"},
		{"refusing.test", "192.0.2.1", StatusError, ErrRefused, "public resolver"},
		{"slow.test", "192.0.2.1", StatusError, ErrUnhealthy, "health test could not be completed"},
		{"rewrites.test", "192.0.2.1", StatusError, ErrNotLoopback, "outside 127.0.0.0/8"},
	}
	for _, tc := range cases {
		t.Run(tc.zone+"/"+tc.subject, func(t *testing.T) {
			t.Parallel()
			srv := zoneservertest.New(t, healthZones)
			srv.SetFault("2.0.0.127.slow.test.", dns.TypeA, zoneserver.FaultDrop)
			r := checkOne(t, client(srv), ipSubject(tc.subject, RoleMX), only(t, healthLists(t), tc.zone))
			if r.Status != tc.status || r.Why != tc.why || !strings.Contains(r.Error, tc.inReason) {
				t.Fatalf("got %s/%s %q, want %s/%s containing %q", r.Status, r.Why, r.Error, tc.status, tc.why, tc.inReason)
			}
			if r.Why == ErrUnhealthy && len(r.Codes)+len(r.Meanings) != 0 {
				t.Errorf("a list that failed its health test had its answer counted: %q %q", r.Codes, r.Meanings)
			}
		})
	}
}

// TestHealthFixFollowsCause: a list whose health test was refused with a
// documented code gets that code's fix, a dead one the generic one.
func TestHealthFixFollowsCause(t *testing.T) {
	srv := zoneservertest.New(t, healthZones+zone("refusing2.test", "2.0.0.127 A 127.0.0.2\n1.0.0.127 A 127.255.255.254\n"))
	set := mustParse(t, `mxray-blocklists 1
list refusing2.test
 name R
 kind ip
 dqs {key}.zen.dq.spamhaus.net
 code 127.0.0.2 listed error SBL-like
 code 127.255.255.254 error refused query refused: public resolver
end
`)
	r := checkOne(t, client(srv), ipSubject("192.0.2.9", RoleMX), set)
	if r.Why != ErrUnhealthy || !strings.Contains(r.Fix, "DQS") || !strings.Contains(r.Error, "never-listed test entry 127.0.0.1 answered 127.255.255.254") {
		t.Fatalf("got %s %q fix %q", r.Why, r.Error, r.Fix)
	}
}

// TestHandBuiltListCannotPanic: a List built in code with test entries of
// the wrong kind fails its health test instead of panicking.
func TestHandBuiltListCannotPanic(t *testing.T) {
	srv := zoneservertest.New(t, healthZones)
	set := Set{Lists: []List{{Zone: "good.test", Name: "Good", Kind: KindIP, TestListed: "not-an-ip", TestUnlisted: "127.0.0.1",
		Codes: []Code{{From: netip.MustParseAddr("127.0.0.2"), To: netip.MustParseAddr("127.0.0.2"), Listed: true, Severity: SeverityError, Meaning: "x"}}}}}
	r := checkOne(t, client(srv), ipSubject("192.0.2.1", RoleMX), set)
	if r.Status != StatusError || r.Why != ErrUnhealthy || !strings.Contains(r.Error, "cannot be asked") {
		t.Fatalf("%+v", r)
	}
}
