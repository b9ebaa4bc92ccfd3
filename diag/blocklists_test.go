package diag

import (
	"bytes"
	"context"
	"encoding/json"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mxray/mxray/diag/blocklist"
	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/render"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
	"github.com/mxray/mxray/headers"
)

// TestBlocklistsPart: the demo's broken.example has one MX address listed
// (an error) and one question refused (neither listed nor not: a
// warning); healthy.example is on no list; the part's verdict says so.
func TestBlocklistsPart(t *testing.T) {
	healthy, broken := demoReport(t, "healthy.example"), demoReport(t, "broken.example")
	tests := []struct {
		name  string
		rep   *Report
		tone  Tone
		word  string
		facts []string
	}{
		// 4 MX addresses (mx3 has an IPv6 one) and the domain, on the 3
		// demo lists.
		{"healthy", healthy, TonePass, "not listed", []string{"5 subjects on 3 lists"}},
		// 198.51.100.10 has an SBL code; the mirror refuses the question
		// about 198.51.100.25.
		{"broken", broken, ToneFail, "listed", []string{"198.51.100.10 on Demo ZEN", "1 without an answer"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := tt.rep.Verdict(finding.PartBlocklists)
			if v.Tone != tt.tone || v.Word != tt.word || !slices.Equal(v.Facts, tt.facts) {
				t.Errorf("verdict %+v, want %d %q %q", v, tt.tone, tt.word, tt.facts)
			}
		})
	}
	var listed, refused []blocklist.Result
	for _, r := range broken.Blocklists.Results {
		switch r.Status {
		case blocklist.StatusListed:
			listed = append(listed, r)
		case blocklist.StatusError:
			refused = append(refused, r)
		}
	}
	if len(listed) != 1 || listed[0].Subject != "198.51.100.10" || listed[0].Role != blocklist.RoleMX || !slices.Equal(listed[0].Hosts, []string{"mx1.broken.example"}) {
		t.Errorf("listed %+v", listed)
	}
	if len(refused) != 1 || refused[0].Subject != "198.51.100.25" || refused[0].Why != blocklist.ErrRefused {
		t.Errorf("refused %+v", refused)
	}
	for _, f := range broken.Findings {
		if f.Part == finding.PartBlocklists && f.Code == blocklist.CodeListed && (f.Severity != finding.Error || f.Subject.IP != netip.MustParseAddr("198.51.100.10")) {
			t.Errorf("listing finding %+v", f)
		}
	}
}

// TestBlocklistsOff: without a set the part is known at once and says it
// was not asked; the JSON leaves "blocklists" out and asks no list.
func TestBlocklistsOff(t *testing.T) {
	srv := zoneservertest.New(t, demo.ServedZoneText())
	rep := Investigate(context.Background(), clientFor(srv), "broken.example", Options{Offline: true}, nil)
	if rep.Blocklists == nil || !rep.Blocklists.Off || len(rep.Blocklists.Findings) != 0 {
		t.Fatalf("blocklists %+v", rep.Blocklists)
	}
	if v := rep.Verdict(finding.PartBlocklists); v.Word != "off" || v.Tone != ToneNone {
		t.Errorf("verdict %+v", v)
	}
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte(`"blocklists"`)) {
		t.Error(`"blocklists" in the JSON of a check that did not ask them`)
	}
	for _, e := range rep.Log {
		if strings.Contains(e.Name, "dnsbl.example") {
			t.Errorf("asked %s with blocklists off", e.Name)
		}
	}
	var text bytes.Buffer
	if err := render.Text(&text, rep.Doc(), render.Options{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "Not asked in this run") {
		t.Error("the report does not say blocklists were not asked")
	}
	// Asked, with nothing to ask: an empty list, not left out.
	empty := Investigate(context.Background(), clientFor(srv), "broken.example", Options{Offline: true, Blocklists: &blocklist.Set{}}, nil)
	if b, _ := json.Marshal(empty); !bytes.Contains(b, []byte(`"blocklists":[]`)) {
		t.Errorf("JSON of a check with no list: %s", b)
	}
}

// blZone has one MX host whose PTR never answers (the test drops it): the
// MX part cannot finish, and the blocklists must not wait for it.
const blZone = `
$ORIGIN slowptr.test.
@        SOA ns.test. h.test. 1 3600 600 86400 300
@        MX  10 mx
mx       A   192.0.2.77
$ORIGIN bl.test.
@        SOA ns.test. h.test. 1 3600 600 86400 300
2.0.0.127   A 127.0.0.2
77.2.0.192  A 127.0.0.2
`

// TestBlocklistsStartWithTheAddresses: the blocklists part starts when
// the MX addresses are known, not when their reverse DNS is: with the PTR
// answer held back, the blocklists part finishes, and when the deadline is
// then fired the MX part is cut off and the MX address's listing is in
// all the same. (Had the blocklists waited for the PTR chain, the
// investigation would end at its own deadline without them.)
func TestBlocklistsStartWithTheAddresses(t *testing.T) {
	srv := zoneservertest.New(t, blZone)
	defer srv.Hold("77.2.0.192.in-addr.arpa.")()
	set, err := blocklist.Set{}.Add("bl.test")
	if err != nil {
		t.Fatal(err)
	}
	ctx := newFiredDeadline()
	events := make(chan Event)
	done := make(chan *Report)
	go func() {
		done <- Investigate(ctx, clientFor(srv), "slowptr.test", Options{Offline: true, Deadline: calm, Blocklists: &set}, events)
	}()
	var rep *Report
	for rep == nil {
		select {
		case ev := <-events:
			if ev.Part == finding.PartBlocklists {
				ctx.fire()
			}
		case rep = <-done:
		}
	}
	if !slices.Contains(rep.Unfinished, finding.PartMX) {
		t.Fatalf("the MX part finished (unfinished: %v): the test's PTR was answered", rep.Unfinished)
	}
	if rep.Blocklists == nil || slices.Contains(rep.Unfinished, finding.PartBlocklists) {
		t.Fatalf("the blocklists waited for the PTR chain: unfinished %v", rep.Unfinished)
	}
	if n := rep.Blocklists.Count(blocklist.StatusListed); n != 1 || rep.Blocklists.Results[0].Subject != "192.0.2.77" {
		t.Errorf("results %+v", rep.Blocklists.Results)
	}
}

// TestMessageBlocklists: a message's sending IP and its From, envelope and
// DKIM d= domains are asked; the demo sample's sending IP has a policy
// (PBL) listing, a note while SPF passes it and a warning once it does
// not.
func TestMessageBlocklists(t *testing.T) {
	srv := zoneservertest.New(t, demo.ServedZoneText())
	opts := MessageOptions{Now: time.Now(), Options: Options{Blocklists: demoLists()}}
	pblSeverity := func(rep *HeadersReport) finding.Severity {
		t.Helper()
		if rep.Blocklists == nil {
			t.Fatal("no blocklists in the re-check")
		}
		for _, f := range rep.Findings {
			if f.Code == blocklist.CodeListed && f.Subject.IP == netip.MustParseAddr("203.0.113.10") {
				return f.Severity
			}
		}
		t.Fatalf("no listing finding for the sending IP: %+v", rep.Findings)
		return ""
	}
	rep := recheckWith(t, srv, demo.SampleMessage(), opts)
	var subjects []string
	for _, r := range rep.Blocklists.Results {
		if !slices.Contains(subjects, r.Subject) {
			subjects = append(subjects, r.Subject)
		}
	}
	// The envelope sender's domain is the From domain; the provider signs
	// as mailer.example.
	if !slices.Equal(subjects, []string{"203.0.113.10", "healthy.example", "mailer.example"}) {
		t.Errorf("subjects %q", subjects)
	}
	if sev := pblSeverity(rep); sev != finding.Info {
		t.Errorf("PBL of a sending IP that passes SPF: %s, want info", sev)
	}
	// The provider drops the relay from its SPF record: the address no
	// longer sends for the domain, and its policy listing matters.
	changed := strings.Replace(demo.ServedZoneText(), "include:_nb.mailer.example a:relay.mailer.example -all", "include:_nb.mailer.example -all", 1)
	if err := srv.Replace(changed); err != nil {
		t.Fatal(err)
	}
	if sev := pblSeverity(recheckWith(t, srv, demo.SampleMessage(), opts)); sev != finding.Warning {
		t.Errorf("PBL of a sending IP that fails SPF: %s, want warning", sev)
	}
	// Without a set, nothing is asked and the JSON leaves them out.
	plain := recheckWith(t, srv, demo.SampleMessage(), MessageOptions{Now: time.Now()})
	if b, _ := json.Marshal(plain); plain.Blocklists != nil || bytes.Contains(b, []byte(`"blocklists"`)) {
		t.Errorf("blocklists without a set: %+v", plain.Blocklists)
	}
}

// TestMessageSubjects: the receiver's recorded client IP stands in for a
// sending IP the Received chain does not give; a bounce (no envelope
// domain) asks no envelope domain.
func TestMessageSubjects(t *testing.T) {
	recorded := netip.MustParseAddr("::ffff:198.51.100.9")
	got := messageSubjects(&headers.Analysis{ReceiverClientIP: &recorded, FromDomain: "a.example", DKIMSignatures: []headers.DKIMInfo{{D: "b.example"}, {D: ""}}})
	want := []blocklist.Subject{
		{IP: netip.MustParseAddr("198.51.100.9"), Role: blocklist.RoleSendingIP},
		{Domain: "a.example", Role: blocklist.RoleFrom},
		{Domain: "b.example", Role: blocklist.RoleDKIM},
	}
	if !slices.Equal(got, want) {
		t.Errorf("subjects %+v, want %+v", got, want)
	}
}
