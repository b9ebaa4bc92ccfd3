package diag

import (
	"bytes"
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/render"
	"github.com/mxray/mxray/diag/spfcheck"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// spfText is the text report of mxray --demo spf DOMAIN --ip IP... (with
// sender when given).
func spfText(t *testing.T, domain, sender string, ips ...string) string {
	t.Helper()
	srv := zoneservertest.New(t, demo.ServedZoneText())
	c := dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: time.Second})
	q := spfcheck.Query{Domain: domain, Sender: sender}
	for _, s := range ips {
		q.IPs = append(q.IPs, netip.MustParseAddr(s))
	}
	var b bytes.Buffer
	if err := render.Text(&b, spfcheck.Check(context.Background(), c, q).Doc(), render.Options{}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestSPFDecidedByWords: the "Decided by" column reads as words a
// technician can say to a customer. Before, it printed Go error chains
// ("_loop2.broken.example (include:_loop.broken.example): spf: permanent
// error: more than 10 DNS-querying terms") and "no mechanism matched" for
// a domain that has no SPF record at all.
func TestSPFDecidedByWords(t *testing.T) {
	tests := []struct {
		domain, sender string
		ip             string
		want, not      []string
	}{
		{domain: "broken.example", ip: "192.0.2.1",
			want: []string{"more than 10 DNS lookups", `at "include:_loop.broken.example" in _loop2.broken.example's record`},
			not:  []string{"spf:", "permanent error", "): "}},
		{domain: "gone.broken.example", ip: "192.0.2.1",
			want: []string{"no SPF record at gone.broken.example"}, not: []string{"no mechanism matched"}},
		{sender: "user@localhost", ip: "192.0.2.1",
			want: []string{`"localhost" is a single label`, "the result is none (RFC 7208 §4.3)"}, not: []string{"spf:"}},
	}
	for _, tc := range tests {
		out := spfText(t, tc.domain, tc.sender, tc.ip)
		table := out[:strings.Index(out, "Record tree")]
		for _, w := range tc.want {
			if !strings.Contains(table, w) {
				t.Errorf("%s: the verdict table lacks %q:\n%s", tc.domain+tc.sender, w, table)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(table, n) {
				t.Errorf("%s: the verdict table says %q:\n%s", tc.domain+tc.sender, n, table)
			}
		}
		if strings.Contains(out, "spf: ") || strings.Contains(out, "permanent error:") {
			t.Errorf("%s: the report shows a Go error chain:\n%s", tc.domain+tc.sender, out)
		}
	}
}

// TestSPFMarkersNameTheirIP: with several addresses the tree's ◀ markers
// belong to one of them, and the report says which. Before, the markers
// were the first address's with nothing saying so.
func TestSPFMarkersNameTheirIP(t *testing.T) {
	out := spfText(t, "broken.example", "", "192.0.2.1", "198.51.100.10")
	// 192.0.2.1 ends in permerror (no path): the markers are 198.51.100.10's.
	if !strings.Contains(out, "◀ marks how 198.51.100.10 was decided") {
		t.Errorf("the report does not say whose path is marked:\n%s", out)
	}
	if one := spfText(t, "broken.example", "", "198.51.100.10"); strings.Contains(one, "◀ marks how") {
		t.Errorf("one address needs no note:\n%s", one)
	}
}

// obsoleteZone publishes the obsolete SPF RR type (99) beside TXT: at
// drift.example differing from it, at only99.example alone.
const obsoleteZone = `
$ORIGIN example.
@       SOA  ns.example. hostmaster.example. 1 3600 600 604800 300
@       NS   ns.example.
drift   TXT  "v=spf1 mx -all"
drift   SPF  "v=spf1 mx a -all"
only99  SPF  "v=spf1 -all"
same    TXT  "v=spf1 -all"
same    SPF  "v=spf1 -all"
`

// TestObsoleteSPFTypeSaysSo: a record of the DNS type SPF (99) gets a
// finding that names the type, quotes the record, says receivers ignore
// it, and whether it says what the TXT record says. Before, the finding
// said neither what the record held nor whether it had drifted.
func TestObsoleteSPFTypeSaysSo(t *testing.T) {
	srv := zoneservertest.New(t, obsoleteZone)
	c := dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: time.Second})
	for _, tc := range []struct{ domain, says string }{
		{"drift.example", "It differs from the TXT record"},
		{"only99.example", `no SPF record in TXT at all, so receivers get "none"`},
		{"same.example", "says the same as the TXT record today"},
	} {
		rep := spfcheck.CheckDomain(context.Background(), c, tc.domain)
		var msg string
		for _, f := range rep.Findings {
			if f.Code == "spf.obsolete_rr_type" {
				msg = f.Message + " Fix: " + f.Fix
			}
		}
		for _, w := range []string{"DNS type SPF (type 99)", "obsolete (RFC 7208 §3.1)", "receivers ignore it", `"v=spf1`, tc.says, "choose the TXT type"} {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: %q lacks %q", tc.domain, msg, w)
			}
		}
	}
}
