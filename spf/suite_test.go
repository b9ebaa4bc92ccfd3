package spf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"sort"
	"testing"

	"github.com/mxray/mxray/spf/internal/fakedns"
	"gopkg.in/yaml.v3"
)

// The openspf conformance suites (testdata/spf, from pyspf), run as table
// tests over an in-memory resolver built from each scenario's zonedata.

type suiteScenario struct {
	Description string               `yaml:"description"`
	Tests       map[string]suiteCase `yaml:"tests"`
	ZoneData    map[string][]any     `yaml:"zonedata"`
}

type suiteCase struct {
	Spec        any     `yaml:"spec"`
	HELO        string  `yaml:"helo"`
	Host        string  `yaml:"host"`
	MailFrom    string  `yaml:"mailfrom"`
	Result      any     `yaml:"result"` // a result or a list of acceptable results
	Explanation *string `yaml:"explanation"`
}

func (c suiteCase) results() []Result {
	switch r := c.Result.(type) {
	case string:
		return []Result{Result(r)}
	case []any:
		var out []Result
		for _, x := range r {
			out = append(out, Result(fmt.Sprint(x)))
		}
		return out
	}
	return nil
}

func loadSuite(t *testing.T, path string) []suiteScenario {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []suiteScenario
	for {
		var s suiteScenario
		err := dec.Decode(&s)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		t.Fatalf("%s: no scenarios", path)
	}
	return out
}

// zoneFromSuite builds a fresh fake resolver from a scenario's zonedata.
func zoneFromSuite(t *testing.T, zd map[string][]any) *fakeDNS {
	t.Helper()
	f := newFakeDNS()
	for name, entries := range zd {
		for _, raw := range entries {
			if s, ok := raw.(string); ok && s == "TIMEOUT" {
				f.Timeout(name)
				continue
			}
			m, ok := raw.(map[string]any)
			if !ok || len(m) != 1 {
				t.Fatalf("zonedata %s: odd entry %#v", name, raw)
			}
			for typ, v := range m {
				f.Add(name, suiteEntry(t, name, typ, v))
			}
		}
	}
	return f
}

func suiteEntry(t *testing.T, name, typ string, v any) fakedns.Entry {
	e := fakedns.Entry{Type: typ}
	if s, ok := v.(string); ok && s == "TIMEOUT" {
		e.Timeout = true
		return e
	}
	switch typ {
	case "TXT", "SPF":
		switch x := v.(type) {
		case string:
			if x == "NONE" {
				e.None = true
			}
			e.TXT = []string{x}
		case []any:
			e.TXT = []string{}
			for _, s := range x {
				e.TXT = append(e.TXT, fmt.Sprint(s))
			}
		default:
			t.Fatalf("zonedata %s: odd %s value %#v", name, typ, v)
		}
	case "A", "AAAA":
		ip, err := netip.ParseAddr(fmt.Sprint(v))
		if err != nil {
			t.Fatalf("zonedata %s: %v", name, err)
		}
		e.Addr = ip
	case "MX":
		x, ok := v.([]any)
		if !ok || len(x) != 2 {
			t.Fatalf("zonedata %s: odd MX %#v", name, v)
		}
		e.Name = fmt.Sprint(x[1])
	case "PTR", "CNAME":
		e.Name = fmt.Sprint(v)
	default:
		t.Fatalf("zonedata %s: unknown type %s", name, typ)
	}
	return e
}

// changedAnswer is the answer to expect instead of the suite's, and why.
type changedAnswer struct {
	want []Result
	why  string
}

// runSuite runs every case of a suite. override gives, by case name, the
// results to expect instead of the suite's.
func runSuite(t *testing.T, path string, override map[string]changedAnswer) {
	ran := 0
	used := map[string]bool{}
	for _, sc := range loadSuite(t, path) {
		names := make([]string, 0, len(sc.Tests))
		for n := range sc.Tests {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, name := range names {
			tc := sc.Tests[name]
			want, why := tc.results(), ""
			if o, ok := override[name]; ok {
				want, why = o.want, " (RFC 7208 "+o.why+")"
				used[name] = true
			}
			ran++
			t.Run(sc.Description+"/"+name, func(t *testing.T) {
				t.Parallel()
				r := zoneFromSuite(t, sc.ZoneData)
				ip, err := netip.ParseAddr(tc.Host)
				if err != nil {
					t.Fatal(err)
				}
				ctx := context.Background()
				v := Check(ctx, r, ip, Identity{Sender: tc.MailFrom, HELO: tc.HELO},
					WithDefaultExplanation("DEFAULT"))
				ok := false
				for _, w := range want {
					ok = ok || v.Result == w
				}
				if !ok {
					t.Errorf("spec %v: result %s, want one of %v%s (err: %v)", tc.Spec, v.Result, want, why, v.Err)
				}
				if tc.Explanation != nil && v.Result == Fail && v.Explanation != *tc.Explanation {
					t.Errorf("spec %v: explanation %q, want %q", tc.Spec, v.Explanation, *tc.Explanation)
				}
				if tc.Explanation != nil && v.Result != Fail {
					t.Errorf("the suite expects an explanation, so a fail, got %s", v.Result)
				}
			})
		}
	}
	for name := range override {
		if !used[name] {
			t.Errorf("exception %q names no case of %s", name, path)
		}
	}
	if ran < 100 {
		t.Errorf("%s: only %d cases ran", path, ran)
	}
}

func TestRFC7208Suite(t *testing.T) {
	runSuite(t, "../testdata/spf/rfc7208-tests.yml", nil)
}

// rfc7208Changed lists the RFC 4408 cases whose answer RFC 7208 changed.
// The RFC 4408 suite accepts the old and the new answer for them; this test
// accepts only the RFC 7208 one.
var rfc7208Changed = []struct {
	name    string
	section string // the RFC 7208 text that decides it
	want    Result
}{
	{"spfonly", "§3.1, §4.4: SPF is published in TXT only; type SPF (99) records are not looked up", None},
	{"txtonly", "§3.1, §4.4: TXT is the only record type", Fail},
	{"spfoverride", "§4.4, §4.5: type SPF records no longer override TXT", Fail},
	{"multitxt1", "§4.5: two v=spf1 TXT records are permerror; the type SPF record does not settle it", PermError},
	{"multispf2", "§4.5: type SPF records are ignored, so the one TXT record decides", Pass},
	{"spftimeout", "§4.4: a type SPF timeout cannot matter, only TXT is asked", Fail},
	{"txttimeout", "§4.4: a TXT timeout is temperror even when a type SPF record exists", TempError},
	{"nospftxttimeout", "§4.4: a TXT timeout is temperror", TempError},
	{"mx-limit", "§4.6.4: more than 10 MX names is permerror", PermError},
	{"exists-dnserr", "§5 (DNS errors) and §5.7: a DNS error in exists is temperror", TempError},
	{"cidr6-0-ip4", "§5, §5.6: an IPv4 client never matches ip6", Neutral},
	{"cidr6-ip4", "§5: an IPv4-mapped IPv6 client is an IPv4 client and never matches ip6", Neutral},
}

func TestRFC4408Suite(t *testing.T) {
	override := map[string]changedAnswer{}
	for _, c := range rfc7208Changed {
		override[c.name] = changedAnswer{want: []Result{c.want}, why: c.section}
	}
	runSuite(t, "../testdata/spf/rfc4408-tests.yml", override)
}
