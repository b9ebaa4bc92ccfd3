package dkim

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// zoneTXT writes a TXT value as a zone file does: strings of at most 255
// octets.
func zoneTXT(s string) string { return presentTXT(s) }

// TestDiscoverInProcessServer runs discovery and a re-check through the
// real DNS client against the in-process authoritative server: long keys
// split into several strings, a Microsoft 365 CNAME, NXDOMAIN for probes.
func TestDiscoverInProcessServer(t *testing.T) {
	keys := makeTestKeys(t)
	zone := fmt.Sprintf(`$TTL 300
example.com.          IN SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 60
example.com.          IN NS  ns.example.com.
ns.example.com.       IN A   127.0.0.1
brisbane._domainkey.example.com. IN TXT %s
custom._domainkey.example.com.   IN TXT %s
k1._domainkey.example.com.       IN TXT %s
selector1._domainkey.example.com. IN CNAME selector1-example-com._domainkey.example.onmicrosoft.com.
selector2._domainkey.example.com. IN CNAME selector2-example-com._domainkey.example.onmicrosoft.com.
example.onmicrosoft.com. IN SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 60
example.onmicrosoft.com. IN NS ns.example.com.
selector1-example-com._domainkey.example.onmicrosoft.com. IN TXT %s
`, zoneTXT("v=DKIM1; k=rsa; p="+rfc6376Key), zoneTXT("v=DKIM1; k=rsa; p="+keys.spki2048),
		zoneTXT("v=DKIM1; k=rsa; t=y; p="+keys.spki2048), zoneTXT("v=DKIM1; k=rsa; p="+keys.spki2048))
	srv := zoneservertest.New(t, zone)
	client := dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: 30 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	rep := Discover(ctx, client, "example.com", []string{"brisbane", "gone"}, []string{"custom"})
	want := []string{"brisbane/header", "gone/header", "custom/flag", "selector1/probe", "selector2/probe", "k1/probe"}
	if got := selectorsOf(rep); !slices.Equal(got, want) {
		t.Fatalf("selectors %v, want %v (findings %v)", got, want, codesOf(rep.Findings))
	}
	byName := map[string]KeyReport{}
	for _, k := range rep.Keys {
		byName[k.Selector] = k
	}
	if k := byName["custom"]; k.KeyBits != 2048 || k.Record != "v=DKIM1; k=rsa; p="+keys.spki2048 {
		t.Errorf("the 2048-bit key (several TXT strings) read as %d bits, record %q", k.KeyBits, k.Record)
	}
	if k := byName["brisbane"]; k.KeyBits != 1024 || k.TTL != 300 {
		t.Errorf("brisbane: %+v", k)
	}
	if k := byName["selector1"]; !k.Microsoft || k.KeyBits != 2048 || k.CNAME != "selector1-example-com._domainkey.example.onmicrosoft.com" {
		t.Errorf("selector1: %+v", k)
	}
	if k := byName["selector2"]; !k.Microsoft || k.Record != "" || k.Status != dnsclient.StatusNXDomain {
		t.Errorf("selector2: %+v", k)
	}
	if k := byName["gone"]; k.Status != dnsclient.StatusNXDomain || len(k.Errors) != 1 {
		t.Errorf("gone: %+v", k)
	}
	codes := codesOf(rep.Findings)
	for _, c := range []string{"dkim.key_not_found", "dkim.key_weak", "dkim.key_testing", "dkim.microsoft_key_missing"} {
		if !slices.Contains(codes, c) {
			t.Errorf("findings %v lack %s", codes, c)
		}
	}

	// The RFC 6376 A.2 message re-checked through the same client.
	fields, body, hasBody := splitMessage(readFile(t, filepath.Join(testdata, "dkim_verifier", "rfc6376-A.2.eml")))
	res := Verify(ctx, client, fields, body, hasBody, vectorTime)
	checkOutcomes(t, res, []outcome{{Pass, ""}})
	res = Verify(ctx, client, fields, nil, false, vectorTime)
	checkOutcomes(t, res, []outcome{{Pass, ""}})
	if res[0].BodyHash != BodyHashNotChecked {
		t.Errorf("body hash %s without a body", res[0].BodyHash)
	}
}
