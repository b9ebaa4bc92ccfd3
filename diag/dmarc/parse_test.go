package dmarc

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/mxray/mxray/headers/taglist"
)

func TestParseTags(t *testing.T) {
	rec, err := Parse("v=DMARC1; p=Reject; sp=quarantine; np=reject; adkim=s; aspf=r; " +
		"rua=mailto:agg@example.com, mailto:agg@vendor.example!10m; ruf=mailto:fail@example.com; " +
		"fo=1:d:s; t=y; psd=n")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := struct {
		p, sp, np  Policy
		adkim, asp Alignment
		fo         []string
		testing    bool
		psd        PSD
		rua        []ReportURI
		ruf        int
		pct, ri    int64
	}{PolicyReject, PolicyQuarantine, PolicyReject, Strict, Relaxed, []string{"1", "d", "s"}, true, PSDNo,
		[]ReportURI{
			{URI: "mailto:agg@example.com", Scheme: "mailto", Address: "agg@example.com", Host: "example.com", Pos: 67},
			{URI: "mailto:agg@vendor.example", Scheme: "mailto", Address: "agg@vendor.example", Host: "vendor.example", Size: "10m", Pos: 91},
		}, 1, -1, -1}
	got := rec
	if got.Policy != want.p || got.SubdomainPolicy != want.sp || got.NonexistentPolicy != want.np {
		t.Errorf("policies = %s/%s/%s, want %s/%s/%s", got.Policy, got.SubdomainPolicy, got.NonexistentPolicy, want.p, want.sp, want.np)
	}
	if got.ADKIM != want.adkim || got.ASPF != want.asp {
		t.Errorf("alignment = %s/%s", got.ADKIM, got.ASPF)
	}
	if !reflect.DeepEqual(got.FO, want.fo) || got.Testing != want.testing || got.PSD != want.psd {
		t.Errorf("fo=%v t=%v psd=%v", got.FO, got.Testing, got.PSD)
	}
	if !reflect.DeepEqual(got.RUA, want.rua) {
		t.Errorf("rua = %+v\nwant %+v", got.RUA, want.rua)
	}
	if len(got.RUF) != want.ruf || got.RUF[0].Host != "example.com" {
		t.Errorf("ruf = %+v", got.RUF)
	}
	if got.Pct != int(want.pct) || got.RI != want.ri {
		t.Errorf("pct=%d ri=%d, want absent (-1)", got.Pct, got.RI)
	}
	if len(got.Tags) != 11 || got.Tags[0].Name != "v" || got.Tags[10].Name != "psd" || got.Tags[10].Pos != 166 {
		t.Errorf("tags = %+v", got.Tags)
	}
}

func TestParseDefaults(t *testing.T) {
	rec, err := Parse("v=DMARC1")
	if err != nil {
		t.Fatal(err)
	}
	if rec.PolicyTag != TagAbsent || rec.ADKIM != Relaxed || rec.ASPF != Relaxed || rec.PSD != PSDUnknown ||
		rec.Testing || !reflect.DeepEqual(rec.FO, []string{"0"}) || rec.Pct != -1 || rec.RI != -1 {
		t.Errorf("defaults wrong: %+v", rec)
	}
	ps := rec.Policies()
	if !ps.Applies || ps.Domain != PolicyNone || ps.Subdomain != PolicyNone || ps.Nonexistent != PolicyNone {
		t.Errorf("missing p: %+v, want none everywhere", ps)
	}
}

func TestParseRemovedAndUnknown(t *testing.T) {
	rec, err := Parse("v=DMARC1; p=quarantine; pct=25; rf=afrf; ri=3600; foo=bar")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Pct != 25 || rec.RF != "afrf" || rec.RI != 3600 {
		t.Errorf("pct=%d rf=%q ri=%d", rec.Pct, rec.RF, rec.RI)
	}
	var removed []string
	for _, tg := range rec.RemovedTags() {
		removed = append(removed, tg.Name)
	}
	if !reflect.DeepEqual(removed, []string{"pct", "rf", "ri"}) {
		t.Errorf("removed = %v", removed)
	}
	if u := rec.Unknown(); len(u) != 1 || u[0].Name != "foo" || u[0].Pos != 50 {
		t.Errorf("unknown = %+v", u)
	}
}

// TestParseErrors checks every kind of error with its byte offset.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name  string
		txt   string
		fatal bool  // nil record
		sent  error // sentinel of the (first) error
		pos   int
		tag   string
		check func(t *testing.T, r *Record)
	}{
		{name: "empty", txt: "", fatal: true, sent: ErrNotDMARC, pos: 0},
		{name: "v not first", txt: "p=none; v=DMARC1", fatal: true, sent: ErrNotDMARC, pos: 0, tag: "p"},
		{name: "version case", txt: "v=dmarc1; p=none", fatal: true, sent: ErrNotDMARC, pos: 2, tag: "v"},
		{name: "missing semicolon", txt: "v=DMARC1 p=none", fatal: true, sent: ErrNotDMARC, pos: 8, tag: "v"},
		{name: "wrong version", txt: "v=DMARC2; p=none", fatal: true, sent: ErrNotDMARC, pos: 2, tag: "v"},
		{name: "spf record", txt: "v=spf1 -all", fatal: true, sent: ErrNotDMARC, pos: 2, tag: "v"},
		{name: "no equals in version", txt: "v DMARC1", fatal: true, sent: ErrNotDMARC, pos: 0, tag: "v"},
		{name: "invalid p", txt: "v=DMARC1; p=rejected", sent: ErrValue, pos: 12, tag: "p",
			check: func(t *testing.T, r *Record) {
				if r.PolicyTag != TagInvalid || r.Policy != "" {
					t.Errorf("p state %s %q", r.PolicyTag, r.Policy)
				}
			}},
		{name: "p without equals", txt: "v=DMARC1; p", sent: ErrSyntax, pos: 10, tag: "p",
			check: func(t *testing.T, r *Record) {
				if r.PolicyTag != TagInvalid {
					t.Errorf("p state %s, want invalid", r.PolicyTag)
				}
			}},
		{name: "empty value", txt: "v=DMARC1; p=none; sp=", sent: ErrSyntax, pos: 21, tag: "sp",
			check: func(t *testing.T, r *Record) {
				if r.SPTag != TagInvalid {
					t.Errorf("sp state %s", r.SPTag)
				}
			}},
		{name: "empty tag between separators", txt: "v=DMARC1;;p=none", sent: ErrSyntax, pos: 9},
		{name: "trailing separator is fine", txt: "v=DMARC1; p=none; ", check: func(t *testing.T, r *Record) {
			if len(r.Errors) != 0 {
				t.Errorf("errors %v", r.Errors)
			}
		}},
		{name: "bad adkim", txt: "v=DMARC1; p=none; adkim=x", sent: ErrValue, pos: 24, tag: "adkim",
			check: func(t *testing.T, r *Record) {
				if r.ADKIM != Relaxed {
					t.Errorf("adkim %s, want default r", r.ADKIM)
				}
			}},
		{name: "bad aspf", txt: "v=DMARC1; p=none; aspf=relaxed", sent: ErrValue, pos: 23, tag: "aspf"},
		{name: "bad t", txt: "v=DMARC1; p=none; t=yes", sent: ErrValue, pos: 20, tag: "t"},
		{name: "bad psd", txt: "v=DMARC1; p=none; psd=x", sent: ErrValue, pos: 22, tag: "psd"},
		{name: "fo 0 and 1", txt: "v=DMARC1; p=none; fo=0:1", sent: ErrValue, pos: 21, tag: "fo",
			check: func(t *testing.T, r *Record) {
				if !reflect.DeepEqual(r.FO, []string{"0"}) {
					t.Errorf("fo %v, want default", r.FO)
				}
			}},
		{name: "fo repeated option", txt: "v=DMARC1; p=none; fo=d:d", sent: ErrValue, pos: 21, tag: "fo"},
		{name: "fo unknown option", txt: "v=DMARC1; p=none; fo=x", sent: ErrValue, pos: 21, tag: "fo"},
		{name: "pct too big", txt: "v=DMARC1; p=none; pct=101", sent: ErrValue, pos: 22, tag: "pct"},
		{name: "pct negative", txt: "v=DMARC1; p=none; pct=-1", sent: ErrValue, pos: 22, tag: "pct"},
		{name: "ri not a number", txt: "v=DMARC1; p=none; ri=daily", sent: ErrValue, pos: 21, tag: "ri"},
		{name: "duplicate p keeps first", txt: "v=DMARC1; p=reject; p=none", sent: ErrDuplicate, pos: 20, tag: "p",
			check: func(t *testing.T, r *Record) {
				if r.Policy != PolicyReject {
					t.Errorf("p = %s, want the first (reject)", r.Policy)
				}
			}},
		{name: "second v", txt: "v=DMARC1; v=DMARC1", sent: ErrDuplicate, pos: 10, tag: "v"},
		{name: "rua without mailto", txt: "v=DMARC1; p=none; rua=dmarc@example.com", sent: ErrURI, pos: 22, tag: "rua",
			check: func(t *testing.T, r *Record) {
				if len(r.RUA) != 0 {
					t.Errorf("rua %v", r.RUA)
				}
			}},
		{name: "rua one bad one good", txt: "v=DMARC1; p=none; rua=mailto:a@example.com, mailto:nobody", sent: ErrURI, pos: 44, tag: "rua",
			check: func(t *testing.T, r *Record) {
				if len(r.RUA) != 1 || r.RUA[0].Host != "example.com" {
					t.Errorf("rua %v", r.RUA)
				}
			}},
		{name: "rua stray comma", txt: "v=DMARC1; p=none; rua=mailto:a@example.com,", sent: ErrURI, pos: 43, tag: "rua"},
		{name: "rua bad size", txt: "v=DMARC1; p=none; rua=mailto:a@example.com!big", sent: ErrURI, pos: 42, tag: "rua"},
		{name: "rua bad domain", txt: "v=DMARC1; p=none; rua=mailto:a@exa_mple.com", sent: ErrURI, pos: 22, tag: "rua"},
		{name: "control byte", txt: "v=DMARC1; p=none; rua=mailto:a@example.com\x01", sent: ErrSyntax, pos: 42, tag: "rua"},
		{name: "tag name not letters", txt: "v=DMARC1; 9=x", sent: ErrSyntax, pos: 10},
		{name: "leading space", txt: " v=DMARC1; p=none", sent: ErrSyntax, pos: 0, tag: "v"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := Parse(tc.txt)
			if tc.fatal != (rec == nil) {
				t.Fatalf("record nil = %v, want %v (err %v)", rec == nil, tc.fatal, err)
			}
			if tc.sent == nil {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
			} else {
				if !errors.Is(err, tc.sent) {
					t.Fatalf("error %v, want %v", err, tc.sent)
				}
				var se *taglist.SyntaxError
				if !errors.As(err, &se) {
					t.Fatalf("error %T is not a *taglist.SyntaxError", err)
				}
				if se.Pos != tc.pos || se.Tag != tc.tag {
					t.Errorf("first error at byte %d tag %q, want byte %d tag %q (%v)", se.Pos, se.Tag, tc.pos, tc.tag, se)
				}
				if se.Reason == "" {
					t.Error("no reason in words")
				}
			}
			if tc.fatal && IsDMARC(tc.txt) {
				t.Errorf("IsDMARC(%q) = true for a fatal parse", tc.txt)
			}
			if tc.check != nil {
				tc.check(t, rec)
			}
		})
	}
}

func TestPolicies(t *testing.T) {
	tests := []struct {
		txt  string
		want Policies
	}{
		{"v=DMARC1; p=reject", Policies{Applies: true, Domain: PolicyReject, Subdomain: PolicyReject, Nonexistent: PolicyReject}},
		{"v=DMARC1; p=reject; sp=none", Policies{Applies: true, Domain: PolicyReject, Subdomain: PolicyNone, Nonexistent: PolicyNone}},
		{"v=DMARC1; p=none; np=reject", Policies{Applies: true, Domain: PolicyNone, Subdomain: PolicyNone, Nonexistent: PolicyReject}},
		{"v=DMARC1; p=none; sp=quarantine; np=reject", Policies{Applies: true, Domain: PolicyNone, Subdomain: PolicyQuarantine, Nonexistent: PolicyReject}},
		{"v=DMARC1; p=bogus; rua=mailto:r@example.com", Policies{Applies: true, Domain: PolicyNone, Subdomain: PolicyNone, Nonexistent: PolicyNone}},
		{"v=DMARC1; p=reject; sp=bogus; rua=mailto:r@example.com", Policies{Applies: true, Domain: PolicyNone, Subdomain: PolicyNone, Nonexistent: PolicyNone}},
		{"v=DMARC1; p=bogus", Policies{Applies: false}},
		{"v=DMARC1; p=bogus; rua=r@example.com", Policies{Applies: false}},
		{"v=DMARC1; p=reject; np=never", Policies{Applies: false}},
		{"v=DMARC1; rua=mailto:r@example.com", Policies{Applies: true, Domain: PolicyNone, Subdomain: PolicyNone, Nonexistent: PolicyNone}},
	}
	for _, tc := range tests {
		rec, _ := Parse(tc.txt)
		got := rec.Policies()
		got.Note = ""
		if got != tc.want {
			t.Errorf("%q: %+v, want %+v", tc.txt, got, tc.want)
		}
	}
}

func TestTested(t *testing.T) {
	for p, want := range map[Policy]Policy{PolicyReject: PolicyQuarantine, PolicyQuarantine: PolicyNone, PolicyNone: PolicyNone} {
		if got := p.Tested(); got != want {
			t.Errorf("%s.Tested() = %s, want %s", p, got, want)
		}
	}
}

func TestExplainEveryTag(t *testing.T) {
	rec, _ := Parse("v=DMARC1; p=reject; sp=none; np=quarantine; adkim=s; aspf=r; rua=mailto:a@example.com; ruf=mailto:b@example.com; fo=1; t=y; psd=u; pct=50; rf=afrf; ri=86400; xyz=1")
	ex := rec.Explain()
	if len(ex) != 15 {
		t.Fatalf("%d explained tags, want 15", len(ex))
	}
	seen := map[string]ExplainedTag{}
	for _, e := range ex {
		if e.Meaning == "" || e.Title == "" {
			t.Errorf("tag %s has no explanation", e.Name)
		}
		seen[e.Name] = e
	}
	for _, want := range []struct{ tag, contains string }{
		{"p", "refuse"}, {"sp", "Monitoring only"}, {"np", "do not exist"}, {"adkim", "Strict"}, {"aspf", "Relaxed"},
		{"t", "one level less"}, {"psd", "Undecided"}, {"pct", "older receivers may still apply pct"},
		{"rf", "Removed in RFC 9989"}, {"ri", "Removed in RFC 9989"}, {"fo", "either SPF or DKIM"},
	} {
		if !strings.Contains(seen[want.tag].Meaning, want.contains) {
			t.Errorf("%s: %q does not say %q", want.tag, seen[want.tag].Meaning, want.contains)
		}
	}
	if !seen["xyz"].Unknown || !seen["pct"].Removed {
		t.Errorf("flags: xyz %+v pct %+v", seen["xyz"], seen["pct"])
	}
	for _, name := range []string{"v", "p", "sp", "np", "adkim", "aspf", "rua", "ruf", "fo", "t", "psd", "pct", "rf", "ri"} {
		if info, ok := LookupTag(name); !ok || info.Meaning == "" {
			t.Errorf("LookupTag(%s) missing", name)
		}
	}
}
