package blocklist

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

const dqsKey = "abcdefghijklmnopqrstuvwxyz"

// TestDQSKey: with a key, Spamhaus lists are asked at their DQS zones;
// reports hide the key; the other lists are unchanged.
func TestDQSKey(t *testing.T) {
	srv := zoneservertest.New(t, zone(dqsKey+".zen.dq.spamhaus.net", `
2.0.0.127 A 127.0.0.2
1.2.0.192 A 127.0.0.2
`)+zone(dqsKey+".dbl.dq.spamhaus.net", `
dbltest.com  A 127.0.1.2
spammy.test  A 127.0.1.2
`))
	set, err := only(t, Default(), "zen.spamhaus.org", "dbl.spamhaus.org", "bl.spamcop.net").WithDQSKey(dqsKey)
	if err != nil {
		t.Fatal(err)
	}
	if set.Lists[2].Zone != "bl.spamcop.net" {
		t.Errorf("SpamCop's zone changed to %s", set.Lists[2].Zone)
	}
	if got := set.Secrets(); len(got) != 1 || got[0] != dqsKey {
		t.Errorf("Secrets() = %q", got)
	}
	if got := Default().Secrets(); got != nil {
		t.Errorf("Secrets() without a key = %q", got)
	}
	// The third subject's question fails: its error must not name the key
	// either, and the log masks it.
	srv.SetFault("3.2.0.192."+dqsKey+".zen.dq.spamhaus.net.", 0, zoneserver.FaultServFail)
	c := dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: 30 * time.Second, Secrets: set.Secrets()})
	res := Check(t.Context(), c,
		[]Subject{ipSubject("192.0.2.1", RoleMX), domainSubject("spammy.test", RoleDomain), ipSubject("192.0.2.3", RoleMX)},
		only(t, set, dqsKey+".zen.dq.spamhaus.net", dqsKey+".dbl.dq.spamhaus.net"))
	if len(res) != 3 {
		t.Fatalf("%d results", len(res))
	}
	for i, want := range []string{"[key].zen.dq.spamhaus.net", "[key].dbl.dq.spamhaus.net"} {
		r := res[i]
		if r.Status != StatusListed || r.Zone != want || !strings.Contains(r.Query, dqsKey) {
			t.Errorf("%s: %s zone %q query %q (%s)", r.Subject, r.Status, r.Zone, r.Query, r.Error)
		}
	}
	if r := res[2]; r.Status != StatusError || r.Why != ErrDNS {
		t.Errorf("%s: %s %s", r.Subject, r.Status, r.Error)
	}
	for _, r := range res {
		if strings.Contains(r.Zone+r.Error+r.Fix+r.DelistURL+strings.Join(r.Meanings, ""), dqsKey) {
			t.Errorf("the key shows in %+v", r)
		}
	}
	for _, f := range Findings(res, Context{}) {
		if strings.Contains(f.Message+f.Fix+f.Subject.String(), dqsKey) {
			t.Errorf("the key shows in finding %+v", f)
		}
	}
	for _, e := range c.Log() {
		if strings.Contains(e.Name+e.Err, dqsKey) {
			t.Errorf("the key shows in the log: %+v", e)
		}
	}
	for _, bad := range []string{"has space", "dot.ted", strings.Repeat("k", 64), "ключ"} {
		if _, err := Default().WithDQSKey(bad); !errors.Is(err, ErrDQSKey) || strings.Contains(err.Error(), bad) {
			t.Errorf("key %q: %v", bad, err)
		}
	}
	if s, err := Default().WithDQSKey(""); err != nil || s.Lists[0].Zone != "zen.spamhaus.org" {
		t.Errorf("an empty key changed the set: %v", err)
	}
}

// TestAddGeneric: --blocklist ZONE adds a list that documents nothing, so
// a 127.0.0.0/8 answer is "listed (zone gives no meanings)" unless it is
// an error by every list's conventions (127.255.255.254 here), while its
// health test and the 127/8 rule still hold.
func TestAddGeneric(t *testing.T) {
	srv := zoneservertest.New(t, zone("generic.test", `
2.0.0.127 A 127.0.0.2
1.2.0.192 A 127.0.0.55
2.2.0.192 A 10.0.0.1
3.2.0.192 A 127.255.255.254
`)+zone("domains.test", `
test          A 127.0.0.2
bad.example   A 127.0.0.3
`))
	set, err := Set{}.Add("generic.test.")
	if err != nil {
		t.Fatal(err)
	}
	if set, err = set.Add("domain:Domains.TEST"); err != nil {
		t.Fatal(err)
	}
	if again, _ := set.Add("generic.test"); len(again.Lists) != 2 {
		t.Errorf("adding a zone twice gave %d lists", len(again.Lists))
	}
	ip, dom := only(t, set, "generic.test"), only(t, set, "domains.test")
	if ip.Lists[0].Kind != KindIP || ip.Lists[0].IPv6 || dom.Lists[0].Kind != KindDomain || dom.Lists[0].Form != FormFull {
		t.Fatalf("%+v", set.Lists)
	}
	c := client(srv)
	cases := []struct {
		s       Subject
		set     Set
		status  Status
		why     ErrorKind
		meaning string
	}{
		{ipSubject("192.0.2.1", RoleMX), ip, StatusListed, "", "listed (zone gives no meanings)"},
		{ipSubject("192.0.2.2", RoleMX), ip, StatusError, ErrNotLoopback, ""},
		{ipSubject("192.0.2.3", RoleMX), ip, StatusError, ErrRefused, ""},
		{ipSubject("192.0.2.4", RoleMX), ip, StatusNotListed, "", ""},
		{domainSubject("bad.example", RoleFrom), dom, StatusListed, "", "listed (zone gives no meanings)"},
		{domainSubject("good.example", RoleFrom), dom, StatusNotListed, "", ""},
	}
	for _, tc := range cases {
		r := checkOne(t, c, tc.s, tc.set)
		if r.Status != tc.status || r.Why != tc.why || (tc.meaning != "" && (len(r.Meanings) != 1 || !strings.Contains(r.Meanings[0], tc.meaning))) {
			t.Errorf("%s: %s/%s %q %q", r.Subject, r.Status, r.Why, r.Meanings, r.Error)
		}
		if r.Status == StatusListed && r.Severity != SeverityWarning {
			t.Errorf("%s: a listing without meaning has severity %s", r.Subject, r.Severity)
		}
	}
	if res := Check(t.Context(), c, []Subject{ipSubject("2001:db8::1", RoleMX)}, ip); len(res) != 0 {
		t.Errorf("a generic list (IPv4 only) was asked about an IPv6 address: %+v", res)
	}
	for _, bad := range []string{"", "nodot", "bad zone.test", "ip:", "domain:x", "a..b", strings.Repeat("a", 64) + ".test"} {
		if _, err := (Set{}).Add(bad); !errors.Is(err, ErrZone) {
			t.Errorf("Add(%q): %v", bad, err)
		}
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "l.txt")
	os.WriteFile(file, []byte("mxray-blocklists 1\nlist mine.test\n name Mine\n kind ip\n dqs {key}.mine.dq.test\n code 127.0.0.2 listed error x\nend\n"), 0o600)
	cases := []struct {
		name  string
		c     Config
		zones []string
		err   bool
	}{
		{"defaults", Config{}, []string{"zen.spamhaus.org", "dbl.spamhaus.org"}, false},
		{"demo", Config{Demo: true}, []string{"zen.dnsbl.example", "mirror.dnsbl.example", "dbl.dnsbl.example"}, false},
		{"file replaces", Config{File: file}, []string{"mine.test"}, false},
		{"zones add", Config{File: file, Zones: []string{"extra.test"}}, []string{"mine.test", "extra.test"}, false},
		{"key", Config{File: file, DQSKey: "k1"}, []string{"k1.mine.dq.test"}, false},
		{"bad key", Config{DQSKey: "a b"}, nil, true},
		{"bad zone", Config{Zones: []string{"x"}}, nil, true},
		{"bad file", Config{File: filepath.Join(dir, "none")}, nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Load(tc.c)
			if (err != nil) != tc.err {
				t.Fatalf("error %v", err)
			}
			for i, z := range tc.zones {
				if i >= len(s.Lists) || s.Lists[i].Zone != z {
					t.Fatalf("lists %+v, want %q first", s.Lists, tc.zones)
				}
			}
		})
	}
}
