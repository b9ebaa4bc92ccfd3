package dkim

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
	"github.com/mxray/mxray/internal/benchzone"
)

// inferZone holds the special cases of the RFC 8020 rule and of inference:
// zones whose servers wrongly answer NXDOMAIN for _domainkey (the fault is
// set by the test), and keys only inference knows where to find.
const inferZone = `
$ORIGIN infer.example.
@ SOA ns.infer.example. h.infer.example. 1 3600 600 86400 300
@ NS ns
ns A 192.0.2.53
; entbug1: NXDOMAIN for _domainkey although s1 (a witness) and fm2 exist.
s1._domainkey.entbug1 TXT "v=DKIM1; k=ed25519; p=oTpZ0HJ80DFiv1kv0k1JEbWLnp6FylDpGnrFBZ9A68w="
fm2._domainkey.entbug1 TXT "v=DKIM1; k=ed25519; p=oTpZ0HJ80DFiv1kv0k1JEbWLnp6FylDpGnrFBZ9A68w="
; entbug2: NXDOMAIN for _domainkey and for _tls, a key only at dkim (no
; witness), but TLS-RPT proves the zone has an empty non-terminal.
dkim._domainkey.entbug2 TXT "v=DKIM1; k=ed25519; p=oTpZ0HJ80DFiv1kv0k1JEbWLnp6FylDpGnrFBZ9A68w="
_smtp._tls.entbug2 TXT "v=TLSRPTv1; rua=mailto:tls@entbug2.infer.example"
; entgood: no DKIM, TLS-RPT, and the zone answers right for _tls.
_smtp._tls.entgood TXT "v=TLSRPTv1; rua=mailto:tls@entgood.infer.example"
; mg: Mailgun (SPF include), its key under the old "mx" selector, which the
; common table lacks.
mg TXT "v=spf1 include:mailgun.org -all"
mx._domainkey.mg TXT "v=DKIM1; k=ed25519; p=oTpZ0HJ80DFiv1kv0k1JEbWLnp6FylDpGnrFBZ9A68w="
; zo: Zoho Mail (MX), its key under zmail.
zo MX 10 mx.zoho.com.
zmail._domainkey.zo TXT "v=DKIM1; k=ed25519; p=oTpZ0HJ80DFiv1kv0k1JEbWLnp6FylDpGnrFBZ9A68w="
; nodkim: mail, SPF, DMARC, no DKIM at all.
nodkim MX 10 mx.hosting.example.
nodkim TXT "v=spf1 include:spf.hosting.example -all"
`

// fullProbe is what the 43-selector probe of old finds: every common
// selector asked, those with a DKIM record or a CNAME kept.
func fullProbe(ctx context.Context, r dnsclient.Resolver, domain string) []string {
	var found []string
	for _, c := range CommonSelectors() {
		a := r.Lookup(ctx, keyName(c.Name, domain), dns.TypeTXT)
		kr := newKeyReport(c.Name, FoundByProbe, a)
		if (kr.Record != "" && !kr.Key.notDKIM()) || kr.CNAME != "" {
			found = append(found, c.Name)
		}
	}
	return found
}

// TestInferenceFindsWhatTheFullProbeFinds runs Discover and the full probe
// over every demo domain, the benchmark zones and the special cases, and
// requires every key the full probe finds to be found, with fewer
// questions wherever _domainkey does not exist.
func TestInferenceFindsWhatTheFullProbeFinds(t *testing.T) {
	text := demo.ZoneText() + benchzone.Zone() + benchzone.Audit(20) + inferZone
	srv := zoneservertest.New(t, text)
	srv.SetFault("_domainkey.entbug1.infer.example.", 0, zoneserver.FaultNXDomain)
	srv.SetFault("_domainkey.entbug2.infer.example.", 0, zoneserver.FaultNXDomain)
	srv.SetFault("_tls.entbug2.infer.example.", 0, zoneserver.FaultNXDomain)

	type row struct {
		domain   string
		extra    []string // found only thanks to inference
		cut      bool     // the RFC 8020 cut applies
		entBug   bool     // the zone's NXDOMAIN is caught lying
		maxAsked int      // questions Discover may cost (0: no bound)
	}
	rows := []row{
		{domain: "healthy.example"},
		{domain: "broken.example"},
		{domain: "mailer.example", cut: true, maxAsked: 11},
		{domain: "reports.example", cut: true, maxAsked: 11},
		{domain: "thirdparty.example", cut: true, maxAsked: 11},
		{domain: "receiver.example", cut: true, maxAsked: 11},
		{domain: benchzone.Domain},
		{domain: "entbug1.infer.example", entBug: true},
		{domain: "entbug2.infer.example", entBug: true},
		{domain: "entgood.infer.example", cut: true, maxAsked: 13},
		{domain: "mg.infer.example", extra: []string{"mx"}},
		{domain: "zo.infer.example", extra: []string{"zmail"}},
		{domain: "nodkim.infer.example", cut: true, maxAsked: 11},
	}
	for i := range 20 {
		r := row{domain: benchzone.AuditDomain(i)}
		if k := benchzone.KindOf(i); k == benchzone.Hosted || k == benchzone.Parked {
			r.cut, r.maxAsked = true, 11
		}
		rows = append(rows, r)
	}
	for _, tt := range rows {
		t.Run(tt.domain, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			ref := dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: 30 * time.Second})
			want := fullProbe(ctx, ref, tt.domain)

			c := dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: 30 * time.Second})
			rep := Discover(ctx, c, tt.domain, nil, nil)
			var got []string
			for _, k := range rep.Keys {
				if k.Record != "" || k.CNAME != "" {
					got = append(got, k.Selector)
				}
			}
			for _, sel := range want {
				if !slices.Contains(got, sel) {
					t.Errorf("the full probe finds %s, Discover does not (found %v; findings %v)", sel, got, codesOf(rep.Findings))
				}
			}
			for _, sel := range tt.extra {
				if !slices.Contains(got, sel) || slices.Contains(want, sel) {
					t.Errorf("%s: want it found by inference only (Discover %v, full probe %v)", sel, got, want)
				}
			}
			if rep.NoSubtree != tt.cut {
				t.Errorf("NoSubtree = %v, want %v", rep.NoSubtree, tt.cut)
			}
			if hasBug := slices.Contains(codesOf(rep.Findings), "dkim.ent_nxdomain"); hasBug != tt.entBug {
				t.Errorf("dkim.ent_nxdomain finding %v, want %v (%v)", hasBug, tt.entBug, codesOf(rep.Findings))
			}
			if tt.maxAsked > 0 && c.Queries() > tt.maxAsked {
				t.Errorf("%d questions, want at most %d", c.Queries(), tt.maxAsked)
			}
			t.Logf("%d questions (full probe: %d), found %v, providers %v", c.Queries(), ref.Queries(), got, rep.Providers)
		})
	}
}

func TestInferFrom(t *testing.T) {
	tests := []struct {
		mx, includes []string
		providers    string
		selectors    string
	}{
		{[]string{"example-com.mail.protection.outlook.com."}, nil, "Microsoft 365", "selector1 selector2"},
		{nil, []string{"spf.protection.outlook.com", "_spf.google.com"}, "Microsoft 365,Google Workspace", "selector1 selector2 google"},
		{[]string{"ASPMX.L.GOOGLE.COM."}, nil, "Google Workspace", "google"},
		{nil, []string{"amazonses.com"}, "Amazon SES", ""},
		{nil, []string{"sendgrid.net", "servers.mcsv.net"}, "SendGrid,Mailchimp", "s1 s2 smtpapi k1 k2 k3"},
		{[]string{"mxa.eu.mailgun.org."}, nil, "Mailgun", "pdk1 pdk2 mx smtp krs pic mailo"},
		{[]string{"mx.zoho.eu."}, nil, "Zoho Mail", "zoho zmail"},
		{[]string{"in1-smtp.messagingengine.com."}, nil, "Fastmail", "fm1 fm2 fm3"},
		{nil, []string{"_spf.protonmail.ch"}, "Proton Mail", "protonmail protonmail2 protonmail3"},
		{[]string{"mx.example.com."}, []string{"notoutlook.com", "evilgoogle.com"}, "", ""},
	}
	for _, tt := range tests {
		got := inferFrom(tt.mx, tt.includes)
		if p, s := strings.Join(got.providers, ","), strings.Join(got.selectors, " "); p != tt.providers || s != tt.selectors {
			t.Errorf("inferFrom(%v, %v) = %q %q, want %q %q", tt.mx, tt.includes, p, s, tt.providers, tt.selectors)
		}
	}
}

func TestSPFTargets(t *testing.T) {
	got := spfTargets([]string{
		"google-site-verification=abc",
		"V=SPF1 ip4:192.0.2.0/24 Include:_spf.Google.com -include:x.example ?all redirect=_spf.example.net",
		"v=spf10 include:not.example",
	})
	want := []string{"_spf.google.com", "x.example", "_spf.example.net"}
	if !slices.Equal(got, want) {
		t.Errorf("spfTargets = %v, want %v", got, want)
	}
}

// TestRFC8020Rule drives the rule with the fake resolver: which answers
// let an NXDOMAIN for _domainkey stop the probe, and which do not.
func TestRFC8020Rule(t *testing.T) {
	const key = "v=DKIM1; k=ed25519; p=oTpZ0HJ80DFiv1kv0k1JEbWLnp6FylDpGnrFBZ9A68w="
	tests := []struct {
		name      string
		brokenENT bool
		setup     func(t *testing.T, f *fakeResolver)
		cut       bool
		finding   bool
		found     string
	}{
		{name: "nothing published: trusted", cut: true},
		{name: "a key published, honest zone: NOERROR, full probe", setup: func(t *testing.T, f *fakeResolver) {
			f.txt(t, "fm3._domainkey.example.com", key)
		}, found: "fm3"},
		{name: "broken zone, a witness exists: caught", brokenENT: true, setup: func(t *testing.T, f *fakeResolver) {
			f.txt(t, "selector1._domainkey.example.com", key)
			f.txt(t, "fm3._domainkey.example.com", key)
		}, finding: true, found: "fm3"},
		{name: "broken zone, an empty non-terminal of TLS-RPT: caught", brokenENT: true, setup: func(t *testing.T, f *fakeResolver) {
			f.txt(t, "_smtp._tls.example.com", "v=TLSRPTv1; rua=mailto:t@example.com")
			f.txt(t, "fm3._domainkey.example.com", key)
		}, finding: true, found: "fm3"},
		{name: "broken zone, an empty non-terminal of BIMI: caught", brokenENT: true, setup: func(t *testing.T, f *fakeResolver) {
			f.txt(t, "default._bimi.example.com", "v=BIMI1; l=https://example.com/l.svg")
			f.txt(t, "fm3._domainkey.example.com", key)
		}, finding: true, found: "fm3"},
		{name: "honest zone with TLS-RPT and no DKIM: trusted", setup: func(t *testing.T, f *fakeResolver) {
			f.txt(t, "_smtp._tls.example.com", "v=TLSRPTv1; rua=mailto:t@example.com")
		}, cut: true},
		{name: "a witness lookup failing: not trusted", setup: func(t *testing.T, f *fakeResolver) {
			f.set("default._domainkey.example.com", dnsclient.Answer{Status: dnsclient.StatusServFail})
		}},
		{name: "a named selector exists under an NXDOMAIN: caught", brokenENT: true, setup: func(t *testing.T, f *fakeResolver) {
			f.txt(t, "custom._domainkey.example.com", key)
		}, finding: true, found: "custom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			f.brokenENT = tt.brokenENT
			if tt.setup != nil {
				tt.setup(t, f)
			}
			var flags []string
			if tt.found == "custom" {
				flags = []string{"custom"}
			}
			rep := Discover(context.Background(), f, "example.com", nil, flags)
			if rep.NoSubtree != tt.cut {
				t.Errorf("NoSubtree = %v, want %v", rep.NoSubtree, tt.cut)
			}
			full := rep.Probed >= len(CommonSelectors())
			if full == tt.cut {
				t.Errorf("%d selectors probed: cut %v, want cut %v", rep.Probed, !full, tt.cut)
			}
			if got := slices.Contains(codesOf(rep.Findings), "dkim.ent_nxdomain"); got != tt.finding {
				t.Errorf("dkim.ent_nxdomain %v, want %v (%v)", got, tt.finding, codesOf(rep.Findings))
			}
			if tt.found != "" && !slices.ContainsFunc(rep.Keys, func(k KeyReport) bool { return k.Selector == tt.found && k.Record != "" }) {
				t.Errorf("%s not found: %v", tt.found, selectorsOf(rep))
			}
		})
	}
}

func ExampleDiscover_rfc8020() {
	f := newFake() // publishes nothing: NXDOMAIN everywhere, honestly
	rep := Discover(context.Background(), f, "example.com", nil, nil)
	fmt.Println(rep.NoSubtree, rep.Probed)
	// Output: true 5
}

// FuzzSPFTargets feeds DNS-controlled TXT text to the include scanner that
// selector inference uses: no panic, and every target comes from an
// include: or redirect= term of a record that starts with v=spf1.
func FuzzSPFTargets(f *testing.F) {
	f.Add("v=spf1 include:_spf.google.com -all")
	f.Add("V=SPF1 redirect=x.example include: +include:a -include")
	f.Add("v=spf1\x00include:\xff")
	f.Fuzz(func(t *testing.T, txt string) {
		for _, target := range spfTargets([]string{txt}) {
			if !strings.Contains(strings.ToLower(txt), target) {
				t.Fatalf("target %q is not in %q", target, txt)
			}
		}
		inferFrom(nil, spfTargets([]string{txt}))
	})
}
