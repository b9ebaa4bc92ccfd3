package readiness_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mxray/mxray/diag/dmarc"
	"github.com/mxray/mxray/diag/dmarcreport"
	"github.com/mxray/mxray/diag/dmarcreport/readiness"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/spfcheck"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// enrichZones: shop.example sends itself (mx), through an ESP it includes
// (esp.example), through SendGrid (included, but signing with its own
// domain), through a relay of other.example that it forgot to include,
// and is spoofed from an address without reverse DNS.
const enrichZones = `
example. 3600 SOA ns.example. hm.example. 1 3600 600 86400 300
shop.example. 3600 SOA ns.example. hm.example. 1 3600 600 86400 300
shop.example. TXT "v=spf1 mx include:_spf.esp.example include:sendgrid.net -all"
shop.example. MX 10 mx.shop.example.
mx.shop.example. A 192.0.2.10
mx.shop.example. AAAA 2001:db8::10
_dmarc.shop.example. TXT "v=DMARC1; p=quarantine"
esp.example. 3600 SOA ns.example. hm.example. 1 3600 600 86400 300
_spf.esp.example. TXT "v=spf1 ip4:198.51.100.0/24 -all"
other.example. 3600 SOA ns.example. hm.example. 1 3600 600 86400 300
other.example. TXT "v=spf1 include:_s.other.example -all"
_s.other.example. TXT "v=spf1 ip4:203.0.113.128/25 -all"
relay.other.example. A 203.0.113.200
sendgrid.net. 3600 SOA ns.example. hm.example. 1 3600 600 86400 300
sendgrid.net. TXT "v=spf1 ip4:203.0.113.0/25 -all"
o7.sendgrid.net. A 203.0.113.7
2.0.192.in-addr.arpa. 3600 SOA ns.example. hm.example. 1 3600 600 86400 300
10.2.0.192.in-addr.arpa. PTR mx.shop.example.
77.2.0.192.in-addr.arpa. PTR mail.forwarder.example.
100.51.198.in-addr.arpa. 3600 SOA ns.example. hm.example. 1 3600 600 86400 300
5.100.51.198.in-addr.arpa. PTR o1.esp.example.
113.0.203.in-addr.arpa. 3600 SOA ns.example. hm.example. 1 3600 600 86400 300
7.113.0.203.in-addr.arpa. PTR o7.sendgrid.net.
200.113.0.203.in-addr.arpa. PTR relay.other.example.
8.b.d.0.1.0.0.2.ip6.arpa. 3600 SOA ns.example. hm.example. 1 3600 600 86400 300
0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa. PTR mx.shop.example.
`

// rec is one record of the shop.example report.
func rec(ip, n, pdkim, pspf, dkimD, dkimR, envD, spfR, reason string) string {
	return `<record><row><source_ip>` + ip + `</source_ip><count>` + n + `</count><policy_evaluated><disposition>none</disposition><dkim>` + pdkim + `</dkim><spf>` + pspf + `</spf>` + reason + `</policy_evaluated></row>
<identifiers><header_from>shop.example</header_from><envelope_from>` + envD + `</envelope_from></identifiers><auth_results>` +
		`<dkim><domain>` + dkimD + `</domain><selector>s</selector><result>` + dkimR + `</result></dkim><spf><domain>` + envD + `</domain><result>` + spfR + `</result></spf></auth_results></record>`
}

const shopReport = `<feedback><report_metadata><org_name>receiver.example</org_name><email>d@receiver.example</email><report_id>shop-1</report_id>
<date_range><begin>1700000000</begin><end>1700086399</end></date_range></report_metadata>
<policy_published><domain>shop.example</domain><p>none</p><testing>y</testing></policy_published>`

func shopSet(t *testing.T) *dmarcreport.Set {
	t.Helper()
	x := shopReport +
		rec("192.0.2.10", "100", "pass", "pass", "shop.example", "pass", "shop.example", "pass", "") +
		rec("2001:db8::10", "20", "pass", "pass", "shop.example", "pass", "shop.example", "pass", "") +
		rec("198.51.100.5", "50", "fail", "pass", "", "none", "shop.example", "pass", "") +
		rec("203.0.113.7", "40", "fail", "fail", "sendgrid.net", "pass", "em.sendgrid.net", "pass", "") +
		rec("203.0.113.200", "30", "fail", "fail", "", "none", "shop.example", "fail", "") +
		rec("192.0.2.66", "5", "fail", "fail", "", "none", "shop.example", "fail", "") +
		rec("192.0.2.77", "8", "fail", "fail", "shop.example", "fail", "forwarder.example", "pass", "<reason><type>forwarded</type></reason>") +
		"</feedback>"
	s := dmarcreport.Read(context.Background(), []dmarcreport.Input{dmarcreport.BytesInput("shop.xml", []byte(x))}, dmarcreport.Limits{})
	if errs := s.Errors(); len(errs) > 0 {
		t.Fatal(errs[0])
	}
	return s
}

func TestEnrichAndReadiness(t *testing.T) {
	srv := zoneservertest.New(t, enrichZones)
	client := dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: 30 * time.Second})
	s := shopSet(t)
	var mu sync.Mutex
	var streamed []string
	en := readiness.Enrich(context.Background(), s, readiness.Env{DNS: client, SPF: spfcheck.Resolver(client), Concurrency: 2}, func(e readiness.Enrichment) {
		mu.Lock()
		streamed = append(streamed, e.IP.String())
		mu.Unlock()
	})
	if len(streamed) != len(s.Sources()) || len(en) != len(s.Sources()) {
		t.Errorf("streamed %d, kept %d, want %d", len(streamed), len(en), len(s.Sources()))
	}
	tests := []struct {
		ip, ptr, service, authorised, suggest string
		fcrdns                                bool
		action                                readiness.Action
		fixWords                              []string
	}{
		{"192.0.2.10", "mx.shop.example", "shop.example", "mx", "", true, readiness.ActionNone, nil},
		{"2001:db8::10", "mx.shop.example", "shop.example", "mx", "", true, readiness.ActionNone, nil},
		{"198.51.100.5", "o1.esp.example", "esp.example", "include:_spf.esp.example", "", false, readiness.ActionNone, nil},
		{"203.0.113.7", "o7.sendgrid.net", "SendGrid", "include:sendgrid.net", "", true, readiness.ActionSign, []string{"d=sendgrid.net", "sign with d=shop.example"}},
		{"203.0.113.200", "relay.other.example", "other.example", "", "include:_s.other.example", true, readiness.ActionAuthorise, []string{"Add include:_s.other.example to shop.example's SPF record"}},
		{"192.0.2.66", "", "", "", "", false, readiness.ActionSpoofing, []string{"no reverse DNS", "spoofing"}},
		{"192.0.2.77", "mail.forwarder.example", "", "", "", false, readiness.ActionForwarding, []string{"the receiver says forwarded"}},
	}
	res := readiness.Build(s, readiness.Options{Enrichments: en, Now: time.Unix(1700086399, 0).Add(60 * 24 * time.Hour),
		Today: map[string]readiness.Today{"shop.example": readiness.TodayFrom(dmarc.Check(context.Background(), client, "shop.example"))}})
	byIP := map[string]readiness.SourceJSON{}
	for _, sj := range res.Sources {
		byIP[sj.IP] = sj
	}
	for _, tt := range tests {
		e := en[byIP[tt.ip].Domain+" "+tt.ip]
		if strings.Join(e.PTR, ",") != tt.ptr || e.FCrDNS != tt.fcrdns || e.Service != tt.service || e.AuthorisedBy != tt.authorised || e.SuggestInclude != tt.suggest {
			t.Errorf("%s: enrichment %+v", tt.ip, e)
		}
		sj := byIP[tt.ip]
		if sj.Action != tt.action {
			t.Errorf("%s: action %s, want %s (%s)", tt.ip, sj.Action, tt.action, sj.Fix)
		}
		for _, w := range tt.fixWords {
			if !strings.Contains(sj.Fix, w) {
				t.Errorf("%s: fix %q does not say %q", tt.ip, sj.Fix, w)
			}
		}
	}
	if got := readiness.SourceLine(byIP["203.0.113.7"]); got != "SendGrid (include:sendgrid.net): 40 messages, DKIM not aligned, SPF not aligned" {
		t.Errorf("source line %q", got)
	}
	// Failing first, by failing volume.
	if res.Sources[0].IP != "203.0.113.7" || res.Sources[1].IP != "203.0.113.200" {
		t.Errorf("order %s, %s", res.Sources[0].IP, res.Sources[1].IP)
	}
	rd := res.Readiness[0]
	if rd.Messages != 253 || rd.DMARCPass != 170 || rd.FixMessages != 70 || rd.LeaveMessages != 13 || rd.Ready {
		t.Errorf("readiness %+v", rd)
	}
	var codes []string
	for _, f := range res.Findings {
		codes = append(codes, f.Code)
	}
	for _, c := range []string{"reports.policy_differs", "reports.stale", "reports.testing", "reports.source_fails", "reports.spoofing", "reports.forwarding"} {
		if !slices.Contains(codes, c) {
			t.Errorf("no %s finding in %v", c, codes)
		}
	}
	for _, f := range res.Findings {
		if f.Code == "reports.policy_differs" && !strings.Contains(f.Message, "p was none, now quarantine") {
			t.Errorf("policy_differs says %q", f.Message)
		}
	}
}

// TestEnrichOffline: no resolvers means no DNS names (a service may still
// be named from the DKIM domain that signs its mail), and the advice says
// DNS was not asked.
func TestEnrichOffline(t *testing.T) {
	s := shopSet(t)
	en := readiness.Enrich(context.Background(), s, readiness.Env{}, nil)
	for k, e := range en {
		if len(e.PTR) > 0 || e.AuthorisedBy != "" || e.SuggestInclude != "" {
			t.Errorf("%s: %+v", k, e)
		}
	}
	if e := en["shop.example 203.0.113.7"]; e.Service != "SendGrid" {
		t.Errorf("offline service from DKIM: %+v", e)
	}
	res := readiness.Build(s, readiness.Options{})
	for _, sj := range res.Sources {
		if sj.IP == "203.0.113.200" && sj.Action != readiness.ActionInvestigate {
			t.Errorf("offline action %s", sj.Action)
		}
		if sj.PTR != nil || sj.AuthorisedBy != nil {
			t.Errorf("offline source has names: %+v", sj)
		}
	}
}

// TestEnrichCancelled: a cancelled context ends enrichment without
// hanging.
func TestEnrichCancelled(t *testing.T) {
	srv := zoneservertest.New(t, enrichZones)
	client := dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: 30 * time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	en := readiness.Enrich(ctx, shopSet(t), readiness.Env{DNS: client, SPF: spfcheck.Resolver(client), Concurrency: 1}, nil)
	for _, e := range en {
		if e.FCrDNS || e.AuthorisedBy != "" {
			t.Errorf("cancelled enrichment found %+v", e)
		}
	}
}
