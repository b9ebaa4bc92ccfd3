package arc

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
	"github.com/mxray/mxray/headers"
	"github.com/mxray/mxray/headers/authres"
)

// suiteDir holds the ValiMail ARC test suite (testdata/SOURCES.md).
const suiteDir = "../../testdata/arc/valimail/"

// scenario is one YAML document of the suite: its tests in file order and
// the TXT records its keys are served from.
type scenario struct {
	description string
	tests       []suiteTest
	txt         map[string]string
}

// suiteTest is one test: its name (a second test of the same name, which
// the file has, gets "#2"), and its fields.
type suiteTest struct {
	name   string
	fields map[string]string
}

// loadSuite reads a suite file. It walks the YAML nodes itself: the file
// repeats a test name within one scenario (as_fields_b_head_case and three
// more), which a map would drop, and every test must run.
func loadSuite(t *testing.T, file string) []scenario {
	t.Helper()
	raw, err := os.ReadFile(suiteDir + file)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	var out []scenario
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			if err.Error() == "EOF" {
				break
			}
			t.Fatalf("%s: %v", file, err)
		}
		if len(doc.Content) == 0 {
			continue
		}
		sc := scenario{txt: map[string]string{}}
		top := doc.Content[0]
		for k := 0; k+1 < len(top.Content); k += 2 {
			key, val := top.Content[k].Value, top.Content[k+1]
			switch key {
			case "description":
				sc.description = strings.TrimSpace(val.Value)
			case "tests":
				seen := map[string]int{}
				for j := 0; j+1 < len(val.Content); j += 2 {
					name := val.Content[j].Value
					seen[name]++
					if seen[name] > 1 {
						name = fmt.Sprintf("%s#%d", name, seen[name])
					}
					st := suiteTest{name: name, fields: map[string]string{}}
					body := val.Content[j+1]
					for m := 0; m+1 < len(body.Content); m += 2 {
						st.fields[body.Content[m].Value] = body.Content[m+1].Value
					}
					sc.tests = append(sc.tests, st)
				}
			case "txt-records", "txt_records":
				for j := 0; j+1 < len(val.Content); j += 2 {
					sc.txt[val.Content[j].Value] = val.Content[j+1].Value
				}
			}
		}
		out = append(out, sc)
	}
	return out
}

// zoneText serves a scenario's TXT records: one zone per parent domain
// (example.org, example2.org), each record's text cut into strings of at
// most 255 octets (RFC 1035 §3.3).
func zoneText(txt map[string]string) string {
	zones := map[string][]string{}
	var names []string
	for name := range txt {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		_, zone, _ := strings.Cut(name, "._domainkey.")
		value := strings.Join(strings.Fields(txt[name]), "")
		value = strings.ReplaceAll(value, ";", "; ")
		var parts []string
		for len(value) > 0 {
			n := min(len(value), 255)
			parts = append(parts, `"`+value[:n]+`"`)
			value = value[n:]
		}
		zones[zone] = append(zones[zone], name+". 300 IN TXT "+strings.Join(parts, " "))
	}
	var b strings.Builder
	var zs []string
	for z := range zones {
		zs = append(zs, z)
	}
	sort.Strings(zs)
	for _, z := range zs {
		fmt.Fprintf(&b, "$ORIGIN %s.\n@ 300 IN SOA ns.%s. hostmaster.%s. 1 3600 600 86400 300\n@ 300 IN NS ns.%s.\n", z, z, z, z)
		for _, rr := range zones[z] {
			b.WriteString(rr + "\n")
		}
	}
	return b.String()
}

// rfc8617 names the suite's expectations that RFC 8617 replaced. The
// suite (2018) predates the RFC (2019) and gives an empty cv for a chain
// whose seals carry cv=fail; RFC 8617 §5.2 says such a chain fails.
var rfc8617 = map[string]string{
	"cv_fail_i1_as_cv_fail": "RFC 8617 §5.2 step 2: the newest seal's cv=fail makes the chain fail",
	"cv_fail_i2_as2_fail":   "RFC 8617 §5.2 step 2: the newest seal's cv=fail makes the chain fail",
	"cv_fail_i2_as1_fail":   "RFC 8617 §5.2 step 3: no seal may carry cv=fail; the chain fails",
}

// wantCV is the chain status a test expects: the suite's cv, or fail
// where RFC 8617 decided what the suite left empty.
func wantCV(t *testing.T, st suiteTest) authres.CV {
	t.Helper()
	cv := strings.ToLower(strings.TrimSpace(st.fields["cv"]))
	if cv == "" {
		why, ok := rfc8617[st.name]
		if !ok {
			t.Fatalf("%s: the suite gives no cv and no RFC 8617 clause decides it", st.name)
		}
		t.Logf("the suite gives no cv; %s", why)
		return authres.CVFail
	}
	return authres.CV(cv)
}

// message parses a test's message as a paste is parsed; a message with no
// header field has no ARC chain.
func message(raw string) ([]headers.Field, []byte, bool) {
	m, err := headers.Parse([]byte(raw))
	if err != nil {
		return nil, nil, false
	}
	return m.Fields, m.Body, m.HasBody
}

// TestValidationSuite runs every test of the ValiMail validation suite:
// the chain status Verify computes equals the suite's cv, each case named
// by scenario and test, with the keys served by the in-process DNS server
// from the scenario's txt-records.
func TestValidationSuite(t *testing.T) {
	scenarios := loadSuite(t, "arc-draft-validation-tests.yml")
	total, passed := 0, 0
	for _, sc := range scenarios {
		srv := zoneservertest.New(t, zoneText(sc.txt))
		for _, st := range sc.tests {
			total++
			t.Run(sc.description+"/"+st.name, func(t *testing.T) {
				want := wantCV(t, st)
				client := dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: 30 * time.Second})
				fields, body, hasBody := message(st.fields["message"])
				got := Verify(context.Background(), client, fields, body, hasBody)
				if got.Result != want {
					t.Fatalf("%s (%s): cv %s, want %s; %s", st.name, st.fields["description"], got.Result, want, got.Reason)
				}
				passed++
			})
		}
	}
	if total < 150 {
		t.Fatalf("only %d validation tests read", total)
	}
	t.Logf("ValiMail validation suite: %d of %d tests pass", passed, total)
}

// fold turns a suite value (lines without indentation) into a folded
// field value.
func fold(v string) string {
	return strings.ReplaceAll(strings.TrimRight(v, "\n "), "\n", "\r\n ")
}

// standard writes an ARC-Seal or ARC-Message-Signature value as the
// signing suite's sealer wrote it (its README, "Signing Header Format
// Standardization"): no white space but one space after each semicolon.
// The YAML wraps the values for reading; the seal covers the message
// signature byte for byte (relaxed), so the wrapping must go.
func standard(v string) string {
	return strings.ReplaceAll(strings.Join(strings.Fields(v), ""), ";", "; ")
}

// TestSignSuiteVerifies uses the ValiMail signing suite the one way mxray
// can: mxray verifies ARC and never seals, so producing the suite's sets
// from its private key is not tested here (that is the signing half). Each
// test's expected ARC set (AAR, AMS, AS), added on top of its message as a
// sealer would add it, must verify: the new message signature and the new
// seal pass with the suite's key, served by the in-process DNS server.
func TestSignSuiteVerifies(t *testing.T) {
	scenarios := loadSuite(t, "arc-draft-sign-tests.yml")
	total := 0
	for _, sc := range scenarios {
		srv := zoneservertest.New(t, zoneText(sc.txt))
		for _, st := range sc.tests {
			total++
			t.Run(sc.description+"/"+st.name, func(t *testing.T) {
				if strings.TrimSpace(st.fields["AS"]) == "" {
					t.Skipf("%s: a sealer must add no ARC set here (%s); mxray never seals, so there is no set to verify", st.name, strings.TrimSpace(st.fields["description"]))
				}
				raw := "ARC-Seal: " + standard(st.fields["AS"]) + "\r\n" +
					"ARC-Message-Signature: " + standard(st.fields["AMS"]) + "\r\n" +
					"ARC-Authentication-Results: " + fold(st.fields["AAR"]) + "\r\n" + st.fields["message"]
				fields, body, hasBody := message(raw)
				client := dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: 30 * time.Second})
				c := Verify(context.Background(), client, fields, body, hasBody)
				if len(c.Sets) == 0 {
					t.Fatalf("no ARC set read: %s", c.Reason)
				}
				top := c.Sets[0]
				if top.AMS.Result != "pass" || top.Seal.Result != "pass" {
					t.Fatalf("the sealed set i=%d: AMS %s (%s), seal %s (%s); chain %s: %s", top.Instance, top.AMS.Result, top.AMS.Reason, top.Seal.Result, top.Seal.Reason, c.Result, c.Reason)
				}
			})
		}
	}
	t.Logf("ValiMail signing suite: %d tests", total)
}
