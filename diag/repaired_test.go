package diag

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/dkim"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
	"github.com/mxray/mxray/headers/headerstest"
)

// vectorZone serves the DKIM keys transcribed with the dkim_verifier
// vectors (testdata/dkim/dkim_verifier/DNS-TXT-transcribed.tsv), one zone
// per signing domain.
func vectorZone(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile("../testdata/dkim/dkim_verifier/DNS-TXT-transcribed.tsv")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("$TTL 300\n")
	apexes := map[string]bool{}
	for _, l := range strings.Split(string(raw), "\n") {
		name, txt, ok := strings.Cut(l, "\t")
		if !ok || strings.HasPrefix(l, "#") {
			continue
		}
		apex := name
		if _, a, ok := strings.Cut(name, "._domainkey."); ok {
			apex = a
		} else if a, ok := strings.CutPrefix(name, "_dmarc."); ok {
			apex = a
		}
		if !apexes[apex] {
			apexes[apex] = true
			fmt.Fprintf(&b, "%s. IN SOA ns.%s. hostmaster.%s. 1 3600 600 86400 60\n", apex, apex, apex)
		}
		fmt.Fprintf(&b, "%s. IN TXT", name)
		for len(txt) > 0 {
			n := min(len(txt), 255)
			fmt.Fprintf(&b, " %q", txt[:n])
			txt = txt[n:]
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestRecheckRepairedPastes damages messages whose keys are served (the
// demo's sample, the RFC 6376 and RFC 8463 examples, real mail from
// Fastmail and CNN) as pasting does and re-checks every DKIM signature:
// each comes to the verdict it has on the intact message. The one
// exception is stated, not skipped: a signature with simple header
// canonicalization over a field whose indentation was lost cannot be
// reconstructed byte for byte (a tab or how many spaces?), so it is
// "cannot be checked after repair", never "headers altered".
func TestRecheckRepairedPastes(t *testing.T) {
	vectors := vectorZone(t)
	read := func(path string) []byte {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cases := []struct {
		name string
		raw  []byte
		zone string
		now  time.Time
	}{
		{"demo sample", demo.SampleMessage(), demo.ZoneText(), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)},
		{"RFC 6376 A.2", read("../testdata/dkim/dkim_verifier/rfc6376-A.2.eml"), vectors, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)},
		{"RFC 8463 A.3", read("../testdata/dkim/dkim_verifier/rfc8463-A.3.eml"), vectors, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)},
		{"Fastmail", read(filepath.Join("../testdata/headers", "fastmail-fastmail-private-arc.eml")), vectors, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)},
		{"CNN via Fastmail", read(filepath.Join("../testdata/headers", "fastmail-cnn-arc.eml")), vectors, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)},
		{"Amazon via Fastmail", read(filepath.Join("../testdata/headers", "fastmail-amazon-arc-bimi.eml")), vectors, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)},
	}
	passes := 0
	for _, c := range cases {
		srv := zoneservertest.New(t, c.zone)
		intact := recheck(t, srv, c.raw, c.now)
		for _, r := range intact.Recheck.DKIM {
			if r.Result == dkim.Pass {
				passes++
			}
		}
		for _, d := range headerstest.Damages {
			t.Run(c.name+"/"+d.Name, func(t *testing.T) {
				damaged := []byte(d.Apply(string(c.raw)))
				rep := recheck(t, srv, damaged, c.now)
				a, b := rep.Analysis, intact.Analysis
				if len(a.Hops) != len(b.Hops) || fmt.Sprint(a.SendingIP) != fmt.Sprint(b.SendingIP) || a.FromDomain != b.FromDomain {
					t.Errorf("reads %d hops from %v, From %s; intact %d hops from %v, From %s",
						len(a.Hops), a.SendingIP, a.FromDomain, len(b.Hops), b.SendingIP, b.FromDomain)
				}
				got, want := rep.Recheck.DKIM, intact.Recheck.DKIM
				if len(got) != len(want) {
					t.Fatalf("%d signatures, intact %d", len(got), len(want))
				}
				for i, w := range want {
					g := got[i]
					switch {
					case g.Result == w.Result && g.Cause == w.Cause:
					case g.Cause == dkim.CausePasteRepaired && strings.HasPrefix(g.Canonicalization, "simple/") && w.Result == dkim.Pass &&
						strings.Contains(d.Name, "de-indented"):
						t.Logf("s=%s (c=%s): %s", g.Selector, g.Canonicalization, g.Reason)
						if r := row(t, rep, "dkim", "s="+g.Selector); r.Now != "" || r.Changed {
							t.Errorf("then vs now row %+v: a signature that cannot be checked has no verdict today", r)
						}
						for _, f := range rep.Findings {
							if f.Code == "recheck.dkim_changed" && strings.Contains(f.Subject.String(), g.Selector) {
								t.Errorf("finding %s about a signature that could not be checked", f.Code)
							}
						}
					default:
						t.Errorf("s=%s: %s/%s (%s), intact %s/%s", g.Selector, g.Result, g.Cause, g.Reason, w.Result, w.Cause)
					}
					if g.Cause == dkim.CauseHeaderAltered && w.Cause != dkim.CauseHeaderAltered {
						t.Errorf("s=%s: a false \"headers altered\" after repair", g.Selector)
					}
				}
			})
		}
	}
	if passes < 5 {
		t.Errorf("only %d signatures pass on the intact messages: the test proves little", passes)
	}
}
