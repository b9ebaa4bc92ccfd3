package dmarc

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/mxray/mxray/diag/dnsclient"
)

func TestWalkDomains(t *testing.T) {
	tests := []struct {
		domain  string
		want    []string
		skipped []string
	}{
		{"example.com", []string{"example.com", "com"}, nil},
		{"A.Mail.Example.COM.", []string{"a.mail.example.com", "mail.example.com", "example.com", "com"}, nil},
		// Eight labels: the jump to seven is the immediate parent.
		{"a.b.c.d.e.f.example.com", []string{"a.b.c.d.e.f.example.com", "b.c.d.e.f.example.com", "c.d.e.f.example.com", "d.e.f.example.com", "e.f.example.com", "f.example.com", "example.com", "com"}, nil},
		// RFC 9989 §4.10's own example: thirteen labels, eight queries.
		{"a.b.c.d.e.f.g.h.i.j.mail.example.com", []string{
			"a.b.c.d.e.f.g.h.i.j.mail.example.com", "g.h.i.j.mail.example.com", "h.i.j.mail.example.com",
			"i.j.mail.example.com", "j.mail.example.com", "mail.example.com", "example.com", "com"},
			[]string{"b.c.d.e.f.g.h.i.j.mail.example.com", "c.d.e.f.g.h.i.j.mail.example.com", "d.e.f.g.h.i.j.mail.example.com", "e.f.g.h.i.j.mail.example.com", "f.g.h.i.j.mail.example.com"}},
		// RFC 9989 §5.1.8's example: ten labels; b.c.d.e.f.g.example.com is never asked.
		{"mail.a.b.c.d.e.f.g.example.com", []string{
			"mail.a.b.c.d.e.f.g.example.com", "c.d.e.f.g.example.com", "d.e.f.g.example.com", "e.f.g.example.com",
			"f.g.example.com", "g.example.com", "example.com", "com"},
			[]string{"a.b.c.d.e.f.g.example.com", "b.c.d.e.f.g.example.com"}},
		{"com", []string{"com"}, nil},
		{"", nil, nil},
	}
	for _, tc := range tests {
		got, skipped := WalkDomains(tc.domain)
		if !reflect.DeepEqual(got, tc.want) || !reflect.DeepEqual(skipped, tc.skipped) {
			t.Errorf("WalkDomains(%q) = %v skipped %v\nwant %v skipped %v", tc.domain, got, skipped, tc.want, tc.skipped)
		}
		if len(got) > MaxQueries {
			t.Errorf("WalkDomains(%q): %d names, more than %d", tc.domain, len(got), MaxQueries)
		}
	}
}

// TestWalkQueryLimit counts the queries of real walks of long names.
func TestWalkQueryLimit(t *testing.T) {
	for n := 1; n <= 40; n++ {
		labels := make([]string, n)
		for i := range labels {
			labels[i] = "l" + string(rune('a'+i%26))
		}
		domain := strings.Join(labels, ".")
		f := newFake(t)
		d := Discover(context.Background(), f, domain)
		txt := f.queried(dns.TypeTXT)
		if want := min(n, MaxQueries); len(txt) != want {
			t.Errorf("%d labels: %d TXT queries, want %d: %v", n, len(txt), want, txt)
		}
		if d.Record != nil {
			t.Errorf("%d labels: found a record in an empty zone", n)
		}
	}
}

// TestWalkConcurrent proves the walk's queries are in flight together:
// every lookup is held until all seven (six walk names and the existence
// query) are asked. A walk that waited for one answer before the next
// question would never get them all out, and its deadline, passed in,
// would end it with the records unread.
func TestWalkConcurrent(t *testing.T) {
	f := newFake(t).TXT("_dmarc.example.com", "v=DMARC1; p=reject")
	f.gather, f.all = 7, make(chan struct{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	d := Discover(ctx, f, "a.b.c.d.example.com")
	if d.SourceDomain != "example.com" || ctx.Err() != nil {
		t.Fatalf("source %q (%v): the walk's questions were not all in flight together", d.SourceDomain, ctx.Err())
	}
	if f.maxFly != 7 {
		t.Errorf("at most %d queries in flight, want 7 (all at once)", f.maxFly)
	}
}

// TestDiscovery covers RFC 9989 §4.10.1 and §4.10.2 against hand-built
// zones.
func TestDiscovery(t *testing.T) {
	tests := []struct {
		name       string
		zone       func(f *fakeDNS)
		domain     string
		source     string
		src        Source
		org        string
		policy     Policy
		tag        string
		incomplete bool
	}{
		{
			name:   "record at the domain itself",
			zone:   func(f *fakeDNS) { f.TXT("_dmarc.example.com", "v=DMARC1; p=reject").A("example.com") },
			domain: "example.com", source: "example.com", src: SourceDomain, org: "example.com", policy: PolicyReject, tag: "p",
		},
		{
			name: "existing subdomain takes sp from the organizational domain",
			zone: func(f *fakeDNS) {
				f.TXT("_dmarc.example.com", "v=DMARC1; p=reject; sp=quarantine; np=none").A("news.example.com")
			},
			domain: "news.example.com", source: "example.com", src: SourceOrganizational, org: "example.com", policy: PolicyQuarantine, tag: "sp",
		},
		{
			name: "non-existent subdomain takes np",
			zone: func(f *fakeDNS) {
				f.TXT("_dmarc.example.com", "v=DMARC1; p=quarantine; np=reject").A("example.com")
			},
			domain: "ghost.example.com", source: "example.com", src: SourceOrganizational, org: "example.com", policy: PolicyReject, tag: "np",
		},
		{
			name: "non-existent subdomain without np falls back to sp",
			zone: func(f *fakeDNS) {
				f.TXT("_dmarc.example.com", "v=DMARC1; p=reject; sp=none").A("example.com")
			},
			domain: "ghost.example.com", source: "example.com", org: "example.com", src: SourceOrganizational, policy: PolicyNone, tag: "np",
		},
		{
			name: "highest record is the organizational domain (B.4.2)",
			zone: func(f *fakeDNS) {
				f.TXT("_dmarc.mail.example.com", "v=DMARC1; p=none; sp=none")
				f.TXT("_dmarc.example.com", "v=DMARC1; p=reject").A("a.mail.example.com")
			},
			domain: "a.mail.example.com", source: "example.com", src: SourceOrganizational, org: "example.com", policy: PolicyReject, tag: "sp",
		},
		{
			name: "psd=n makes its own organizational domain",
			zone: func(f *fakeDNS) {
				f.TXT("_dmarc.mail.example.com", "v=DMARC1; p=quarantine; psd=n")
				f.TXT("_dmarc.example.com", "v=DMARC1; p=reject").A("a.mail.example.com")
			},
			domain: "a.mail.example.com", source: "mail.example.com", src: SourceOrganizational, org: "mail.example.com", policy: PolicyQuarantine, tag: "sp",
		},
		{
			name: "psd=y: organizational domain one label below, its record applies (B.4.3)",
			zone: func(f *fakeDNS) {
				f.TXT("_dmarc.giant.bank.example", "v=DMARC1; p=quarantine")
				f.TXT("_dmarc.bank.example", "v=DMARC1; p=reject; psd=y").A("mail.giant.bank.example")
			},
			domain: "mail.giant.bank.example", source: "giant.bank.example", src: SourceOrganizational, org: "giant.bank.example", policy: PolicyQuarantine, tag: "sp",
		},
		{
			name: "psd=y with no record below: the public suffix policy applies",
			zone: func(f *fakeDNS) {
				f.TXT("_dmarc.bank.example", "v=DMARC1; p=reject; sp=quarantine; psd=y").A("mega.bank.example")
			},
			domain: "mega.bank.example", source: "bank.example", src: SourcePublicSuffix, org: "mega.bank.example", policy: PolicyQuarantine, tag: "sp",
		},
		{
			name: "psd=y at the starting domain itself",
			zone: func(f *fakeDNS) {
				f.TXT("_dmarc.bank.example", "v=DMARC1; p=reject; psd=y").A("bank.example")
			},
			domain: "bank.example", source: "bank.example", src: SourceDomain, org: "bank.example", policy: PolicyReject, tag: "p",
		},
		{
			name: "several records at the domain are discarded and the walk goes on",
			zone: func(f *fakeDNS) {
				f.TXT("_dmarc.a.example.com", "v=DMARC1; p=none", "v=DMARC1; p=reject")
				f.TXT("_dmarc.example.com", "v=DMARC1; p=quarantine").A("a.example.com")
			},
			domain: "a.example.com", source: "example.com", src: SourceOrganizational, org: "example.com", policy: PolicyQuarantine, tag: "sp",
		},
		{
			name: "non-DMARC TXT records are ignored",
			zone: func(f *fakeDNS) {
				f.TXT("_dmarc.example.com", "google-site-verification=abc", "v=DMARC1; p=reject").A("example.com")
			},
			domain: "example.com", source: "example.com", src: SourceDomain, org: "example.com", policy: PolicyReject, tag: "p",
		},
		{
			name:   "no record anywhere",
			zone:   func(f *fakeDNS) { f.A("example.com") },
			domain: "example.com", src: SourceNone, org: "example.com",
		},
		{
			name: "SERVFAIL higher up keeps what was found below",
			zone: func(f *fakeDNS) {
				f.TXT("_dmarc.example.com", "v=DMARC1; p=reject").A("a.example.com").Fail("_dmarc.com", dnsclient.StatusServFail)
			},
			domain: "a.example.com", source: "example.com", src: SourceOrganizational, org: "example.com", policy: PolicyReject, tag: "sp", incomplete: true,
		},
		{
			name: "REFUSED in the middle stops before the names above",
			zone: func(f *fakeDNS) {
				f.TXT("_dmarc.b.example.com", "v=DMARC1; p=quarantine")
				f.TXT("_dmarc.example.com", "v=DMARC1; p=reject").A("a.b.example.com").Fail("_dmarc.example.com", dnsclient.StatusRefused)
			},
			domain: "a.b.example.com", source: "b.example.com", src: SourceOrganizational, org: "b.example.com", policy: PolicyQuarantine, tag: "sp", incomplete: true,
		},
		{
			name: "timeout at the domain itself: nothing known",
			zone: func(f *fakeDNS) {
				f.TXT("_dmarc.example.com", "v=DMARC1; p=reject").Fail("_dmarc.a.example.com", dnsclient.StatusTimeout)
			},
			domain: "a.example.com", src: SourceNone, org: "a.example.com", incomplete: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			tc.zone(f)
			d := Discover(context.Background(), f, tc.domain)
			if d.SourceDomain != tc.source || d.Source != tc.src || d.OrgDomain != tc.org || d.Policy != tc.policy || d.PolicyTag != tc.tag {
				t.Errorf("got source %q (%s) org %q policy %q (%s)\nwant source %q (%s) org %q policy %q (%s)\norg reason: %s",
					d.SourceDomain, d.Source, d.OrgDomain, d.Policy, d.PolicyTag, tc.source, tc.src, tc.org, tc.policy, tc.tag, d.OrgReason)
			}
			if d.Walk.Incomplete != tc.incomplete {
				t.Errorf("incomplete = %v, want %v", d.Walk.Incomplete, tc.incomplete)
			}
		})
	}
}

// TestLongNamePSD: a psd=y record right after the jump puts the
// organizational domain on a skipped name, which is never queried; the
// public suffix's record applies.
func TestLongNamePSD(t *testing.T) {
	domain := "z.y.x.a.b.c.d.e.f.g.example" // 11 labels: the walk jumps to b.c.d.e.f.g.example (7)
	f := newFake(t).A(domain).
		TXT("_dmarc.b.c.d.e.f.g.example", "v=DMARC1; p=reject; sp=quarantine; psd=y").
		TXT("_dmarc.a.b.c.d.e.f.g.example", "v=DMARC1; p=none") // on a skipped name: never seen
	d := Discover(context.Background(), f, domain)
	if d.OrgDomain != "a.b.c.d.e.f.g.example" || d.Source != SourcePublicSuffix || !d.OrgNotQueried || d.Policy != PolicyQuarantine {
		t.Errorf("org %q source %s not-queried %v policy %s", d.OrgDomain, d.Source, d.OrgNotQueried, d.Policy)
	}
	// The decision stops at the psd=y record, but every name went out at
	// once: eight queries, no more.
	if got := len(f.queried(dns.TypeTXT)); got != MaxQueries {
		t.Errorf("%d TXT queries, want %d", got, MaxQueries)
	}
	if f.wasAsked("_dmarc.a.b.c.d.e.f.g.example") {
		t.Error("a skipped name was queried")
	}
}
