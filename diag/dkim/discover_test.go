package dkim

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
)

func selectorsOf(r *Report) []string {
	var out []string
	for _, k := range r.Keys {
		out = append(out, k.Selector+"/"+string(k.FoundBy))
	}
	return out
}

func codesOf(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}

func TestDiscoverOrderAndPriority(t *testing.T) {
	keys := makeTestKeys(t)
	good := "v=DKIM1; k=rsa; p=" + keys.spki2048
	f := newFake()
	f.txt(t, "s2048._domainkey.example.com", good)
	f.txt(t, "Custom._domainkey.example.com", good)
	f.txt(t, "k1._domainkey.example.com", good)
	f.txt(t, "fm2._domainkey.example.com", good)
	f.txt(t, "selector1._domainkey.example.com", good)
	a := f.answers["selector1._domainkey.example.com."]
	a.CNAMEs = []string{"selector1-example-com._domainkey.example.onmicrosoft.com."}
	f.set("selector1._domainkey.example.com", a)

	rep := Discover(context.Background(), f, "Example.COM.", []string{"s2048", "google", "s2048"}, []string{"Custom", "GOOGLE", ""})
	want := []string{"s2048/header", "google/header", "Custom/flag", "selector1/probe", "k1/probe", "fm2/probe"}
	if got := selectorsOf(rep); !slices.Equal(got, want) {
		t.Fatalf("selectors %v, want %v", got, want)
	}
	if rep.Domain != "example.com" {
		t.Errorf("domain %q", rep.Domain)
	}
	if wantProbed := len(CommonSelectors()) - 2; rep.Probed != wantProbed {
		t.Errorf("probed %d, want %d (the table less google and s2048, already named)", rep.Probed, wantProbed)
	}
	ms := rep.Keys[3]
	if !ms.Microsoft || ms.Provider != ProviderMicrosoft || ms.CNAME != "selector1-example-com._domainkey.example.onmicrosoft.com" || ms.KeyBits != 2048 {
		t.Errorf("Microsoft selector reported as %+v", ms)
	}
	// google was named by a header and is not published: an error.
	if g := rep.Keys[1]; g.Record != "" || len(g.Errors) != 1 || !strings.Contains(g.Errors[0], "google._domainkey.example.com") {
		t.Errorf("missing header selector reported as %+v", g)
	}
	if !slices.Contains(codesOf(rep.Findings), "dkim.key_not_found") {
		t.Errorf("findings %v lack dkim.key_not_found", codesOf(rep.Findings))
	}
	if slices.Contains(codesOf(rep.Findings), "dkim.no_key_found") {
		t.Error("keys were found, yet the no-key finding is there")
	}

	named := map[string]bool{"s2048._domainkey.example.com.": true, "google._domainkey.example.com.": true, "custom._domainkey.example.com.": true}
	asked := map[string]bool{}
	for _, q := range f.questions() {
		asked[q.name] = true
		wantP := dnsclient.Leaf
		if named[q.name] {
			wantP = dnsclient.Critical
		}
		if q.priority != wantP {
			t.Errorf("%s asked at priority %v, want %v", q.name, q.priority, wantP)
		}
	}
	if n := len(f.questions()); n != 3+rep.Probed+4 {
		t.Errorf("%d questions, want %d (3 named, %d probes, the SES check, _domainkey, and MX and TXT for the providers)", n, 3+rep.Probed+4, rep.Probed)
	}
	for _, q := range []string{"_domainkey.example.com.", "example.com."} {
		if !asked[q] {
			t.Errorf("%s was not asked", q)
		}
	}
	if !asked["_amazonses.example.com."] {
		t.Error("the Amazon SES verification record was not looked up")
	}
}

func TestDiscoverNoKey(t *testing.T) {
	f := newFake()
	rep := Discover(context.Background(), f, "example.com", nil, nil)
	if len(rep.Keys) != 0 {
		t.Fatalf("keys %v, want none listed", selectorsOf(rep))
	}
	if len(rep.Findings) != 1 {
		t.Fatalf("findings %v, want only the no-key one", codesOf(rep.Findings))
	}
	got := rep.Findings[0]
	if !rep.NoSubtree || rep.Probed != len(witnessSelectors) {
		t.Errorf("NoSubtree %v after %d probes: the NXDOMAIN for _domainkey.example.com should stop probing after the %d witnesses", rep.NoSubtree, rep.Probed, len(witnessSelectors))
	}
	wantMsg := "No DKIM key found: _domainkey.example.com does not exist (NXDOMAIN)"
	if got.Code != "dkim.no_key_found" || got.Severity != finding.Info || !strings.HasPrefix(got.Message, wantMsg) {
		t.Errorf("finding %+v, want %q", got, wantMsg)
	}
	if strings.Contains(strings.ToLower(got.Message), "missing") {
		t.Errorf("message %q must not claim DKIM is missing", got.Message)
	}
	if !strings.Contains(got.Message, "Amazon SES") {
		t.Errorf("message %q should say SES selectors cannot be probed", got.Message)
	}
	raw, err := json.Marshal(rep)
	if err != nil || !strings.Contains(string(raw), `"keys":[]`) {
		t.Errorf("JSON %s: keys should be an empty list (err %v)", raw, err)
	}
}

func TestDiscoverSpecialAnswers(t *testing.T) {
	keys := makeTestKeys(t)
	tests := []struct {
		name     string
		headers  []string
		setup    func(t *testing.T, f *fakeResolver)
		wantSels []string
		wantCode []string // findings, in order
		check    func(t *testing.T, r *Report)
	}{
		{
			name: "Microsoft selector2 CNAME without a key is shown, not an error",
			setup: func(t *testing.T, f *fakeResolver) {
				f.set("selector2._domainkey.example.com", dnsclient.Answer{Status: dnsclient.StatusNXDomain, CNAMEs: []string{"selector2-example-com._domainkey.example.n-v1.dkim.mail.microsoft."}})
			},
			wantSels: []string{"selector2/probe"},
			wantCode: []string{"dkim.microsoft_key_missing", "dkim.no_key_found"},
			check: func(t *testing.T, r *Report) {
				if !r.Keys[0].Microsoft || len(r.Keys[0].Errors) != 0 || r.Findings[0].Severity != finding.Info {
					t.Errorf("report %+v, findings %+v", r.Keys[0], r.Findings)
				}
			},
		},
		{
			name: "probe lookups failing are counted in one warning",
			setup: func(t *testing.T, f *fakeResolver) {
				f.set("google._domainkey.example.com", dnsclient.Answer{Status: dnsclient.StatusServFail})
				f.set("k1._domainkey.example.com", dnsclient.Answer{Status: dnsclient.StatusTimeout})
			},
			wantCode: []string{"dkim.probe_dns_temporary", "dkim.no_key_found"},
			check: func(t *testing.T, r *Report) {
				if !strings.HasPrefix(r.Findings[0].Message, "2 of ") {
					t.Errorf("message %q", r.Findings[0].Message)
				}
			},
		},
		{
			name:    "header selector lookup failing is a warning of its own",
			headers: []string{"sel"},
			setup: func(t *testing.T, f *fakeResolver) {
				f.set("sel._domainkey.example.com", dnsclient.Answer{Status: dnsclient.StatusRefused})
			},
			wantSels: []string{"sel/header"},
			wantCode: []string{"dkim.dns_temporary", "dkim.no_key_found"},
		},
		{
			name: "a wildcard TXT is not taken for keys",
			setup: func(t *testing.T, f *fakeResolver) {
				for _, c := range CommonSelectors()[:5] {
					f.txt(t, c.Name+"._domainkey.example.com", "v=spf1 -all")
				}
			},
			wantCode: []string{"dkim.probe_not_dkim", "dkim.no_key_found"},
		},
		{
			name: "Amazon SES verification record",
			setup: func(t *testing.T, f *fakeResolver) {
				f.txt(t, "_amazonses.example.com", "pmBGN/7MjnfhTKUZ06Enqq1PeGUaOkw8lGhcfwefcHU=")
			},
			wantCode: []string{"dkim.amazon_ses", "dkim.no_key_found"},
		},
		{
			name:    "Amazon SES Easy DKIM CNAME from a header",
			headers: []string{"4a7gm2jdwqg4tunsbwm6yuqzfdjmzvpc"},
			setup: func(t *testing.T, f *fakeResolver) {
				f.txt(t, "4a7gm2jdwqg4tunsbwm6yuqzfdjmzvpc._domainkey.example.com", "p="+keys.spki2048)
				a := f.answers["4a7gm2jdwqg4tunsbwm6yuqzfdjmzvpc._domainkey.example.com."]
				a.CNAMEs = []string{"4a7gm2jdwqg4tunsbwm6yuqzfdjmzvpc.dkim.amazonses.com."}
				f.set("4a7gm2jdwqg4tunsbwm6yuqzfdjmzvpc._domainkey.example.com", a)
			},
			wantSels: []string{"4a7gm2jdwqg4tunsbwm6yuqzfdjmzvpc/header"},
			wantCode: []string{"dkim.amazon_ses"},
			check: func(t *testing.T, r *Report) {
				if r.Keys[0].Provider != ProviderAmazonSES {
					t.Errorf("provider %q", r.Keys[0].Provider)
				}
			},
		},
		{
			name:     "a selector that cannot be a DNS name is not looked up",
			headers:  []string{"bad selector;"},
			wantSels: []string{"bad selector;/header"},
			wantCode: []string{"dkim.selector_invalid", "dkim.no_key_found"},
		},
		{
			name: "a broken key found by a probe is listed with its errors",
			setup: func(t *testing.T, f *fakeResolver) {
				f.txt(t, "default._domainkey.example.com", "v=DKIM1; p="+keys.spki512)
			},
			wantSels: []string{"default/probe"},
			wantCode: []string{"dkim.key_too_small"},
			check: func(t *testing.T, r *Report) {
				if len(r.Keys[0].Errors) != 1 || r.Keys[0].KeyBits != 512 {
					t.Errorf("report %+v", r.Keys[0])
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			if tt.setup != nil {
				tt.setup(t, f)
			}
			rep := Discover(context.Background(), f, "example.com", tt.headers, nil)
			if got := selectorsOf(rep); !slices.Equal(got, tt.wantSels) {
				t.Fatalf("selectors %v, want %v", got, tt.wantSels)
			}
			if got := codesOf(rep.Findings); !slices.Equal(got, tt.wantCode) {
				t.Fatalf("findings %v, want %v", got, tt.wantCode)
			}
			for _, q := range f.questions() {
				if strings.Contains(q.name, " ") {
					t.Errorf("asked for %q", q.name)
				}
			}
			if tt.check != nil {
				tt.check(t, rep)
			}
		})
	}
}

func TestKeyReportJSON(t *testing.T) {
	f := newFake()
	f.txt(t, "sel._domainkey.example.com", "v=DKIM1; t=y:s; p="+rfc6376Key)
	rep := Discover(context.Background(), f, "example.com", nil, []string{"sel"})
	raw, err := json.Marshal(rep.Keys[0])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{
		"selector": "sel", "found_by": "flag", "record": "v=DKIM1; t=y:s; p=" + rfc6376Key, "cname": "",
		"key_type": "rsa", "key_bits": float64(1024), "testing": true, "strict": true, "revoked": false,
	} {
		if m[k] != want {
			t.Errorf("%s = %v, want %v", k, m[k], want)
		}
	}
	if errs, ok := m["errors"].([]any); !ok || len(errs) != 0 {
		t.Errorf("errors = %v, want an empty list", m["errors"])
	}
}
