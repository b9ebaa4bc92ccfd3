package readiness_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/dmarc"
	"github.com/mxray/mxray/diag/dmarcreport"
	"github.com/mxray/mxray/diag/dmarcreport/readiness"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/render"
	"github.com/mxray/mxray/diag/spfcheck"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// TestDemoReportsUseOnlyReservedNames keeps the demo reports, like the
// demo zone, from naming a real host or network.
func TestDemoReportsUseOnlyReservedNames(t *testing.T) {
	reserved := []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("198.51.100.0/24"),
		netip.MustParsePrefix("203.0.113.0/24"), netip.MustParsePrefix("2001:db8::/32")}
	okName := func(n string) bool {
		n = strings.TrimPrefix(n[strings.LastIndexByte(n, '@')+1:], "")
		return n == "example" || strings.HasSuffix(n, ".example")
	}
	s := dmarcreport.Read(context.Background(), demo.ReportInputs(), dmarcreport.Limits{})
	if errs := s.Errors(); len(errs) > 0 {
		t.Fatal(errs)
	}
	reps := s.Reports()
	if len(reps) != 2 {
		t.Fatalf("%d demo reports, want one per demo domain", len(reps))
	}
	for _, r := range reps {
		for _, n := range []string{r.OrgName, r.Email, r.Published.Domain} {
			if !okName(n) {
				t.Errorf("%s: %q is not a reserved name", r.File, n)
			}
		}
		if len(r.Problems) > 0 {
			t.Errorf("%s: problems %+v", r.File, r.Problems)
		}
	}
	for _, src := range s.Sources() {
		inReserved := false
		for _, p := range reserved {
			inReserved = inReserved || p.Contains(src.IP)
		}
		if !inReserved {
			t.Errorf("%s is not a documentation address", src.Text)
		}
		for _, ns := range []dmarcreport.Names{src.HeaderFrom, src.EnvelopeFrom, src.DKIMDomains} {
			for _, n := range ns.Strings() {
				if !okName(n) {
					t.Errorf("%s: %q is not a reserved name", src.Text, n)
				}
			}
		}
	}
}

// demoResult reads the demo reports and enriches them against the demo
// zone, as "mxray --demo report" will.
func demoResult(t testing.TB) *readiness.Result {
	t.Helper()
	srv := zoneservertest.New(t, demo.ZoneText())
	c := dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: 30 * time.Second})
	ctx := context.Background()
	s := dmarcreport.Read(ctx, demo.ReportInputs(), dmarcreport.Limits{})
	en := readiness.Enrich(ctx, s, readiness.Env{DNS: c, SPF: spfcheck.Resolver(c)}, nil)
	today := map[string]readiness.Today{}
	for _, d := range []string{"healthy.example", "broken.example"} {
		today[d] = readiness.TodayFrom(dmarc.Check(ctx, c, d))
	}
	return readiness.Build(s, readiness.Options{Enrichments: en, Today: today, Now: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)})
}

// TestDemoReadiness checks the readiness answer the demo is there to show.
func TestDemoReadiness(t *testing.T) {
	res := demoResult(t)
	if len(res.Readiness) != 2 {
		t.Fatalf("readiness %+v", res.Readiness)
	}
	broken, healthy := res.Readiness[0], res.Readiness[1]
	if healthy.Ready || healthy.DMARCFail != 918 || healthy.FixMessages != 900 || healthy.LeaveMessages != 18 ||
		broken.Ready || broken.FixMessages != 3300 || broken.LeaveMessages != 140 {
		t.Errorf("healthy %+v\nbroken %+v", healthy, broken)
	}
	want := map[string]readiness.Action{"203.0.113.10": readiness.ActionSign, "203.0.113.25": readiness.ActionFixRecord, "198.51.100.99": readiness.ActionSpoofing,
		"203.0.113.70": readiness.ActionSign, "198.51.100.200": readiness.ActionSpoofing, "198.51.100.150": readiness.ActionForwarding}
	for _, f := range append(broken.Failing, healthy.Failing...) {
		if want[f.IP] != f.Action {
			t.Errorf("%s: %s, want %s: %s", f.IP, f.Action, want[f.IP], f.Fix)
		}
	}
	if !strings.Contains(broken.Failing[0].Fix, "include:spf.mailer.example") {
		t.Errorf("mailer.example fix does not name its include: %s", broken.Failing[0].Fix)
	}
	// The CRM service is found through its envelope sender's SPF record:
	// the include that would authorise it is the one its fix names.
	for _, s := range res.Sources {
		if s.IP == "203.0.113.70" && (s.SuggestInclude != "include:_spf.crm.example" || s.Service == nil || *s.Service != "crm.example") {
			t.Errorf("crm.example source: %+v", s)
		}
	}
}

// TestDemoGolden pins the report contract's JSON and the text and Markdown
// renderings of the demo (go test ./diag/dmarcreport -update refreshes).
func TestDemoGolden(t *testing.T) {
	res := demoResult(t)
	t.Run("json", func(t *testing.T) {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			t.Fatal(err)
		}
		golden.RequireEqual(t, b.Bytes())
	})
	t.Run("text", func(t *testing.T) {
		var b bytes.Buffer
		if err := render.Text(&b, res.Doc(), render.Options{}); err != nil {
			t.Fatal(err)
		}
		golden.RequireEqual(t, b.Bytes())
	})
	t.Run("markdown", func(t *testing.T) {
		var b bytes.Buffer
		if err := render.Markdown(&b, res.Doc(), render.Options{}); err != nil {
			t.Fatal(err)
		}
		golden.RequireEqual(t, b.Bytes())
	})
}
