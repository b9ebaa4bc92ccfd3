package advice

import (
	"encoding/json"
	"net/netip"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/mxray/mxray/spf"
)

func jsonZone() *fakeDNS {
	return newFakeDNS().
		TXT("example.com", "v=spf1 mx include:_spf.provider.example ptr ~all exp=why.example.com").
		MX("example.com", "mx1.example.com").A("mx1.example.com", "192.0.2.10", "2001:db8::10").
		TXT("_spf.provider.example", "v=spf1 ip4:198.51.100.0/24 include:gone.provider.example -all").
		TXT("why.example.com", "%{i} is not a server of %{d}").
		TXT("mail.example.net", "v=spf1 a -all").A("mail.example.net", "203.0.113.25")
}

func TestJSONGolden(t *testing.T) {
	id := spf.Identity{Sender: "alice@example.com", HELO: "mail.example.net"}
	t.Run("verdict", func(t *testing.T) {
		v := spf.Check(bg, jsonZone(), ip("198.51.100.7"), id, on)
		out, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		golden.RequireEqual(t, append(out, '\n'))
	})
	t.Run("report", func(t *testing.T) {
		rep := spf.CheckIPs(bg, jsonZone(), []netip.Addr{ip("192.0.2.10"), ip("203.0.113.25"), ip("::ffff:203.0.113.99")}, id, on)
		out, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		golden.RequireEqual(t, append(out, '\n'))
	})
	t.Run("tree", func(t *testing.T) {
		out, err := json.MarshalIndent(spf.Prefetch(bg, jsonZone(), "example.com", on), "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		golden.RequireEqual(t, append(out, '\n'))
	})
}

// TestJSONContract checks the field names DESIGN.md promises, independently
// of the golden files.
func TestJSONContract(t *testing.T) {
	id := spf.Identity{Sender: "alice@example.com", HELO: "mail.example.net"}
	var v map[string]any
	decode(t, spf.Check(bg, jsonZone(), ip("198.51.100.7"), id, on), &v)
	for _, k := range []string{"domain", "ip", "sender", "helo", "result", "helo_result", "explanation", "lookups", "void_lookups", "worst_case_lookups", "matched", "tree", "findings"} {
		if _, ok := v[k]; !ok {
			t.Errorf("verdict lacks %q", k)
		}
	}
	if v["result"] != "pass" || v["helo_result"] != "fail" || v["ip"] != "198.51.100.7" {
		t.Errorf("values: %v %v %v", v["result"], v["helo_result"], v["ip"])
	}
	tree := v["tree"].(map[string]any)
	for _, k := range []string{"domain", "record", "lookups", "void_lookups", "error", "children"} {
		if _, ok := tree[k]; !ok {
			t.Errorf("tree lacks %q", k)
		}
	}
	child := tree["children"].([]any)[0].(map[string]any)
	if child["domain"] != "_spf.provider.example" || child["error"] != nil {
		t.Errorf("child = %v", child)
	}
	for _, f := range v["findings"].([]any) {
		f := f.(map[string]any)
		for _, k := range []string{"severity", "code", "message", "fix", "domain"} {
			if _, ok := f[k]; !ok {
				t.Errorf("finding lacks %q: %v", k, f)
			}
		}
	}

	// A match: matched has record_domain, term and the path from the top.
	decode(t, spf.Check(bg, jsonZone(), ip("192.0.2.10"), id, on), &v)
	m := v["matched"].(map[string]any)
	if m["record_domain"] != "example.com" || m["term"] != "mx" || len(m["path"].([]any)) != 1 {
		t.Errorf("matched = %v", m)
	}
	// Nothing matched: matched is null.
	r := newFakeDNS().TXT("n.example", "v=spf1 ip4:192.0.2.1")
	decode(t, spf.Check(bg, r, ip("192.0.2.2"), spf.Identity{Sender: "x@n.example"}, on), &v)
	if mv, ok := v["matched"]; !ok || mv != nil || v["result"] != "neutral" {
		t.Errorf("matched = %v (%v), result %v", mv, ok, v["result"])
	}

	var check map[string]any
	decode(t, spf.Prefetch(bg, jsonZone(), "example.com", on), &check)
	for _, k := range []string{"record", "lookups", "void_lookups", "errors", "tree"} {
		if _, ok := check[k]; !ok {
			t.Errorf("check.spf lacks %q", k)
		}
	}
	if check["lookups"] != 4.0 || len(check["errors"].([]any)) != 1 {
		t.Errorf("check.spf = lookups %v errors %v", check["lookups"], check["errors"])
	}

	var rep map[string]any
	decode(t, spf.CheckIPs(bg, jsonZone(), []netip.Addr{ip("192.0.2.10"), ip("203.0.113.25")}, id, on), &rep)
	res, _ := rep["results"].([]any)
	if len(res) != 2 || rep["tree"] == nil || rep["worst_case_lookups"] == nil {
		t.Fatalf("report = %v", rep)
	}
	for _, k := range []string{"ip", "result", "helo_result", "explanation", "lookups", "void_lookups", "matched"} {
		if _, ok := res[1].(map[string]any)[k]; !ok {
			t.Errorf("per-IP object lacks %q", k)
		}
	}
}

func decode(t *testing.T, v any, into any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, into); err != nil {
		t.Fatal(err)
	}
}
