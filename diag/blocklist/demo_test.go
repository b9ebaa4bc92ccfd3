package blocklist

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/miekg/dns"
	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/render"
	"github.com/mxray/mxray/diag/termsafe/termsafetest"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// demoSubjects finds a demo domain's MX addresses the way a check does,
// and returns them with the domain as subjects.
func demoSubjects(t *testing.T, c *dnsclient.Client, domain string) []Subject {
	t.Helper()
	ctx := context.Background()
	subjects := []Subject{{Domain: domain, Role: RoleDomain}}
	mx := c.Lookup(ctx, domain+".", dns.TypeMX)
	for _, m := range mx.MX() {
		v4, v6 := c.LookupAddrs(ctx, m.Host)
		for _, ip := range append(v4.Addrs(), v6.Addrs()...) {
			subjects = append(subjects, Subject{IP: ip, Role: RoleMX, Host: m.Host})
		}
	}
	if len(subjects) < 3 {
		t.Fatalf("%s: found only %+v", domain, subjects)
	}
	return subjects
}

// demoResults checks a demo domain with the demo lists against the demo
// zones served as --demo serves them.
func demoResults(t *testing.T, domain string) []Result {
	t.Helper()
	srv := zoneservertest.New(t, demo.ServedZoneText())
	c := dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: 30 * time.Second})
	return Check(context.Background(), c, demoSubjects(t, c, domain), Demo())
}

// TestDemo: broken.example shows one listed MX (an SBL code) and one
// refused question (127.255.255.254 on another list); healthy.example is
// on no list and gets every answer.
func TestDemo(t *testing.T) {
	t.Run("broken.example", func(t *testing.T) {
		res := demoResults(t, "broken.example")
		var listed, errs []Result
		for _, r := range res {
			switch r.Status {
			case StatusListed:
				listed = append(listed, r)
			case StatusError:
				errs = append(errs, r)
			}
		}
		if len(listed) != 1 || listed[0].Subject != "198.51.100.10" || listed[0].List != "Demo ZEN" ||
			len(listed[0].Codes) != 1 || listed[0].Codes[0] != "127.0.0.2" || listed[0].Role != RoleMX {
			t.Errorf("listed: %+v", listed)
		}
		if len(errs) != 1 || errs[0].Subject != "198.51.100.25" || errs[0].List != "Demo mirror" ||
			errs[0].Why != ErrRefused || len(errs[0].Codes) != 1 || errs[0].Codes[0] != "127.255.255.254" {
			t.Errorf("errors: %+v", errs)
		}
		fs := Findings(res, Context{})
		if len(fs) != 2 || !finding.HasError(fs) {
			t.Errorf("findings: %+v", fs)
		}
	})
	t.Run("healthy.example", func(t *testing.T) {
		res := demoResults(t, "healthy.example")
		v6 := false
		for _, r := range res {
			if r.Status != StatusNotListed {
				t.Errorf("%s on %s: %s %s", r.Subject, r.List, r.Status, r.Error)
			}
			v6 = v6 || r.IP.Is6()
		}
		if !v6 || len(Findings(res, Context{})) != 0 {
			t.Errorf("IPv6 asked %v, findings %d", v6, len(Findings(res, Context{})))
		}
	})
}

// TestDoc pins the text and Markdown sections for the demo's broken.example
// (go test ./diag/blocklist -update refreshes).
func TestDoc(t *testing.T) {
	res := demoResults(t, "broken.example")
	for _, format := range []string{"text", "markdown"} {
		t.Run(format, func(t *testing.T) {
			d := &render.Doc{}
			Doc(d, res)
			var b bytes.Buffer
			write := render.Text
			if format == "markdown" {
				write = render.Markdown
			}
			if err := write(&b, d, render.Options{}); err != nil {
				t.Fatal(err)
			}
			golden.RequireEqual(t, b.Bytes())
		})
	}
	d := &render.Doc{}
	Doc(d, nil)
	var b bytes.Buffer
	render.Text(&b, d, render.Options{})
	if !bytes.Contains(b.Bytes(), []byte("No public address or domain")) {
		t.Errorf("empty section: %q", b.String())
	}
}

// TestDocHostileAnswers: list answers are the list operator's words, and a
// hostile zone's words must reach no terminal raw.
func TestDocHostileAnswers(t *testing.T) {
	srv := zoneservertest.New(t, zone("evil.test", "2.0.0.127 A 127.0.0.2\n1.2.0.192 A 127.0.0.2\n1.2.0.192 TXT \"\\027]52;c;ZXZpbA==\\007\\226\"\n"))
	set := mustParse(t, "mxray-blocklists 1\nlist evil.test\n name Evil \u202e list\n kind ip\n code 127.0.0.2 listed error spam \u200b sender\nend\n")
	res := Check(t.Context(), client(srv), []Subject{ipSubject("192.0.2.1", RoleMX)}, set)
	if len(res) != 1 || len(res[0].TXT) != 1 {
		t.Fatalf("%+v", res)
	}
	d := &render.Doc{}
	Doc(d, res)
	for _, write := range []func(*bytes.Buffer) error{
		func(b *bytes.Buffer) error { return render.Text(b, d, render.Options{}) },
		func(b *bytes.Buffer) error { return render.Markdown(b, d, render.Options{}) },
	} {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			t.Fatal(err)
		}
		if bad := termsafetest.Unsafe(b.String()); bad != "" {
			t.Errorf("unsafe output: %s\n%q", bad, b.String())
		}
	}
}
