package blocklist

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// zone returns zone text for one zone apex with the given records.
func zone(apex, records string) string {
	return "$ORIGIN " + apex + ".\n$TTL 300\n@ SOA ns.test. hostmaster.test. 1 3600 600 86400 60\n@ NS ns.test.\n" + records + "\n"
}

// only returns the lists of s whose zones are given, in that order.
func only(t testing.TB, s Set, zones ...string) Set {
	t.Helper()
	out := Set{Format: s.Format, Revision: s.Revision}
	for _, z := range zones {
		found := false
		for _, l := range s.Lists {
			if l.Zone == z {
				out.Lists = append(out.Lists, l)
				found = true
			}
		}
		if !found {
			t.Fatalf("no list %s in the set", z)
		}
	}
	return out
}

// mustParse parses list-file text or fails the test.
func mustParse(t testing.TB, text string) Set {
	t.Helper()
	s, err := Parse("test.txt", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// client is a real dnsclient for one in-process server: a question times
// out only where the server drops it, and then at once; every other one is
// waited for however loaded the machine (a 30 s timeout).
func client(srv *zoneserver.Server) *dnsclient.Client {
	return dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: 30 * time.Second, AttemptTimeout: zoneservertest.Expiry(nil, srv)})
}

// ipSubject and domainSubject build subjects for tests.
func ipSubject(s string, role Role) Subject {
	return Subject{IP: netip.MustParseAddr(s), Role: role}
}

func domainSubject(d string, role Role) Subject { return Subject{Domain: d, Role: role} }

// checkOne runs Check for one subject against a set and returns the one
// result, failing unless there is exactly one.
func checkOne(t *testing.T, r dnsclient.Resolver, s Subject, set Set) Result {
	t.Helper()
	res := Check(context.Background(), r, []Subject{s}, set)
	if len(res) != 1 {
		t.Fatalf("got %d results, want 1: %+v", len(res), res)
	}
	return res[0]
}

// containsAll reports which of the wanted substrings is missing from got,
// pairwise and in order; "" when none is.
func containsAll(got, want []string) string {
	if len(got) != len(want) {
		return "count differs"
	}
	for i := range want {
		if !strings.Contains(got[i], want[i]) {
			return want[i]
		}
	}
	return ""
}
