package propagate

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/render"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// TestZoneFileOverlay: under --zone the file's server is a row of its own
// (kind zone_file); a draft that differs from the nameservers is a note,
// not a disagreement among them.
func TestZoneFileOverlay(t *testing.T) {
	fresh := zoneText("2026120202", freshSPF, "ns1")
	live := zoneservertest.New(t, fresh)
	draft := zoneservertest.New(t, zoneText("2026120203", "v=spf1 include:draft.example -all", "ns1"))
	c := dnsclient.New(dnsclient.Config{Servers: []string{live.Addr()}, Timeout: 400 * time.Millisecond,
		Overlays:       []dnsclient.Overlay{{Zones: []string{"prop.test."}, Server: draft.Addr()}},
		ServerNames:    map[string]string{draft.Addr(): "--zone draft.zone"},
		NameserverAddr: func(string, netip.Addr) string { return live.Addr() }})
	res, err := Compare(context.Background(), c, "prop.test", []uint16{dns.TypeTXT})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []Kind
	for _, s := range res.Servers {
		kinds = append(kinds, s.Kind)
	}
	if want := []Kind{KindAuthoritative, KindZoneFile, KindResolver}; !slices.Equal(kinds, want) {
		t.Fatalf("kinds %v, want %v", kinds, want)
	}
	if !res.Agree || res.ResolversAgree || res.Servers[1].Name != "--zone draft.zone" || !res.Servers[1].Answers[0].Differs {
		t.Errorf("%+v", res)
	}
	if got := codes(res.Findings); !slices.Equal(got, []string{CodeDraftDiffers}) {
		t.Errorf("codes %v", got)
	}
}

// TestServerOrderAndCut: every address of every nameserver is asked, IPv4
// before IPv6; past MaxServers the rest are left out and a note says so.
func TestServerOrderAndCut(t *testing.T) {
	tests := []struct {
		name  string
		hosts int
		v6    bool
		want  int // servers, the resolver included
		cut   bool
	}{
		{"v4 then v6", 2, true, 5, false},
		{"over the cap", MaxServers + 3, false, MaxServers, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := "$ORIGIN prop.test.\n@ SOA ns1 hostmaster 1 3600 600 604800 60\n@ TXT \"x\"\n"
			for i := 1; i <= tt.hosts; i++ {
				text += fmt.Sprintf("@ NS ns%d\nns%d A 127.0.0.1\n", i, i)
				if tt.v6 {
					text += fmt.Sprintf("ns%d AAAA ::1\n", i)
				}
			}
			srv := zoneservertest.New(t, text)
			c := dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: 400 * time.Millisecond, MaxQueries: 1000,
				NameserverAddr: func(string, netip.Addr) string { return srv.Addr() }})
			res, err := Compare(context.Background(), c, "prop.test", []uint16{dns.TypeTXT})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Servers) != tt.want || (res.Cut != "") != tt.cut {
				t.Fatalf("%d servers, cut %q", len(res.Servers), res.Cut)
			}
			var ips []string
			for _, s := range res.Servers {
				ips = append(ips, s.IP)
			}
			if tt.v6 && !slices.Equal(ips, []string{"127.0.0.1", "127.0.0.1", "::1", "::1", ""}) {
				t.Errorf("order %q", ips)
			}
			if tt.cut && !slices.Contains(codes(res.Findings), CodeCut) {
				t.Errorf("codes %v", codes(res.Findings))
			}
			if !res.Agree {
				t.Error("one server's answers disagree with themselves")
			}
		})
	}
}

// TestDocHostile: a record with control characters reaches the text and
// Markdown reports escaped, never as raw bytes.
func TestDocHostile(t *testing.T) {
	srv := zoneservertest.New(t, "$ORIGIN prop.test.\n@ SOA ns1 hostmaster 1 3600 600 604800 60\n@ NS ns1\nns1 A 127.0.0.1\n@ TXT \"a\\027[31mred\\007\"\n")
	c := dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: 400 * time.Millisecond,
		NameserverAddr: func(string, netip.Addr) string { return srv.Addr() }})
	res, err := Compare(context.Background(), c, "prop.test", []uint16{dns.TypeTXT})
	if err != nil {
		t.Fatal(err)
	}
	for _, write := range []func(*bytes.Buffer) error{
		func(b *bytes.Buffer) error { return render.Text(b, res.Doc(), render.Options{}) },
		func(b *bytes.Buffer) error { return render.Markdown(b, res.Doc(), render.Options{}) },
	} {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(b.String(), "\x1b\x07") {
			t.Errorf("raw control bytes:\n%q", b.String())
		}
		if !strings.Contains(b.String(), "red") {
			t.Errorf("the record is missing:\n%s", b.String())
		}
	}
}

// TestAuthoritativeClient: with --authoritative the zone and its
// nameservers are found as well (the client's own lookups go to the
// nameservers), and the comparison is the same.
func TestAuthoritativeClient(t *testing.T) {
	fresh := zoneText("2026120202", freshSPF, "ns1", "ns2")
	c0, servers := setup{hosts: map[string]string{"ns1": fresh, "ns2": zoneText("2026120201", staleSPF, "ns1", "ns2")}, resolver: fresh}.start(t)
	addrs := map[string]string{"ns1.prop.test.": servers["ns1"].Addr(), "ns2.prop.test.": servers["ns2"].Addr()}
	c := dnsclient.New(dnsclient.Config{Servers: c0.Servers(), Timeout: 400 * time.Millisecond, Authoritative: true,
		NameserverAddr: func(host string, _ netip.Addr) string { return addrs[host] }})
	res, err := Compare(context.Background(), c, "prop.test", []uint16{dns.TypeTXT})
	if err != nil {
		t.Fatal(err)
	}
	if res.Zone != "prop.test." || res.Agree || res.SerialsAgree || len(res.Servers) != 3 {
		t.Errorf("%+v", res)
	}
}
