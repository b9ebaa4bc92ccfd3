package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestDemoFetchesMTASTS: under --demo, healthy.example's MTA-STS policy is
// fetched from the demo's own HTTPS server (a loopback listener, its own
// CA) and every MX is held against it, by check and by smtp.
func TestDemoFetchesMTASTS(t *testing.T) {
	code, out, errOut := runCLI(t, "", "--demo", "check", "healthy.example", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var v struct {
		MTASTS struct {
			Fetched bool `json:"fetched"`
			Policy  *struct {
				Mode string `json:"mode"`
			} `json:"policy"`
			MX []struct {
				Host    string `json:"host"`
				Matches bool   `json:"matches"`
			} `json:"mx"`
		} `json:"mta_sts"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	m := v.MTASTS
	if !m.Fetched || m.Policy == nil || m.Policy.Mode != "enforce" || len(m.MX) != 3 {
		t.Fatalf("mta_sts = %+v", m)
	}
	for _, mx := range m.MX {
		if !mx.Matches {
			t.Errorf("%s not covered by the demo's policy", mx.Host)
		}
	}

	code, out, errOut = runCLI(t, "", "--demo", "smtp", "healthy.example", "--json")
	if code != exitOK {
		t.Fatalf("smtp: exit %d: %s", code, errOut)
	}
	if n := strings.Count(out, `"names_match_mta_sts": true`); n != 4 {
		t.Errorf("smtp: %d addresses whose certificate matches the MTA-STS policy, want 4:\n%s", n, out)
	}
}
