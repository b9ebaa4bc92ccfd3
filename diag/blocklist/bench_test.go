package blocklist

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// benchRTT is the latency the in-process server adds to every answer.
const benchRTT = 20 * time.Millisecond

// benchSetup serves 8 IP lists and 3 domain lists (each with its test
// entries and a few listings) and returns the set and the subjects: 3 MX
// addresses and 3 domains.
func benchSetup(b *testing.B) (*zoneserver.Server, Set, []Subject) {
	var zones, lists strings.Builder
	lists.WriteString("mxray-blocklists 1\n")
	for i := range 8 {
		z := fmt.Sprintf("ip%d.bench.test", i)
		zones.WriteString(zone(z, "2.0.0.127 A 127.0.0.2\n10.2.0.192 A 127.0.0.2\n10.2.0.192 TXT \"listed\"\n"))
		fmt.Fprintf(&lists, "list %s\n name IP %d\n kind ip\n code 127.0.0.2 listed error spam\n code 127.255.255.254 error refused refused\nend\n", z, i)
	}
	for i := range 3 {
		z := fmt.Sprintf("dom%d.bench.test", i)
		zones.WriteString(zone(z, "test A 127.0.0.2\nlisted.example A 127.0.0.2\n"))
		fmt.Fprintf(&lists, "list %s\n name Domain %d\n kind domain\n code 127.0.0.2 listed error spam\nend\n", z, i)
	}
	srv := zoneservertest.New(b, zones.String())
	srv.SetLatency(benchRTT)
	subjects := []Subject{
		ipSubject("192.0.2.10", RoleMX), ipSubject("192.0.2.20", RoleMX), ipSubject("192.0.2.30", RoleMX),
		domainSubject("listed.example", RoleDomain), domainSubject("from.example", RoleFrom), domainSubject("dkim.example", RoleDKIM),
	}
	return srv, mustParse(b, lists.String()), subjects
}

// BenchmarkCheck asks 3 MX addresses x 8 IP lists plus 3 domains x 3
// domain lists, with the 11 health tests, through the real client against
// the in-process server at 20 ms per answer, and reports the wall time in
// round trips. With the client's default leaf pool every question is in
// flight at once (about one round trip); with the pool of 16 it had
// before, the 88 questions queued in waves (about 7).
func BenchmarkCheck(b *testing.B) {
	for _, leaf := range []int{16, dnsclient.DefaultMaxLeafInFlight} {
		b.Run(fmt.Sprintf("leaf=%d", leaf), func(b *testing.B) {
			srv, set, subjects := benchSetup(b)
			var queries int
			start := time.Now()
			for b.Loop() {
				c := dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: 5 * time.Second, MaxLeafInFlight: leaf})
				res := Check(context.Background(), c, subjects, set)
				listed := 0
				for _, r := range res {
					if r.Status == StatusListed {
						listed++
					} else if r.Status != StatusNotListed {
						b.Fatalf("%s on %s: %s", r.Subject, r.List, r.Error)
					}
				}
				if len(res) != 33 || listed != 11 {
					b.Fatalf("%d results, %d listed", len(res), listed)
				}
				queries = c.Queries()
			}
			per := time.Since(start) / time.Duration(b.N)
			b.ReportMetric(float64(per)/float64(benchRTT), "round-trips")
			b.ReportMetric(float64(queries), "queries")
		})
	}
}

// BenchmarkParseDefault parses the embedded list file.
func BenchmarkParseDefault(b *testing.B) {
	for b.Loop() {
		if _, err := Parse("blocklists.txt", defaultText); err != nil {
			b.Fatal(err)
		}
	}
}
