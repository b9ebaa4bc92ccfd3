package dane

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/tls"
	"crypto/x509"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/tlscert"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func chainOf(t *testing.T, c tls.Certificate) []*x509.Certificate {
	t.Helper()
	chain, err := x509.ParseCertificates(bytes.Join(c.Certificate, nil))
	if err != nil {
		t.Fatal(err)
	}
	return chain
}

func sum256(b []byte) []byte { s := sha256.Sum256(b); return s[:] }
func sum512(b []byte) []byte { s := sha512.Sum512(b); return s[:] }

func TestCheck(t *testing.T) {
	root, err := tlscert.NewCA("dane test root", now)
	if err != nil {
		t.Fatal(err)
	}
	inter, err := root.Intermediate("dane test intermediate", now)
	if err != nil {
		t.Fatal(err)
	}
	leafOpts := func(names ...string) tlscert.Leaf {
		return tlscert.Leaf{Names: names, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour)}
	}
	issued, err := inter.Issue(leafOpts("mx1.example.com"))
	if err != nil {
		t.Fatal(err)
	}
	chain := chainOf(t, issued) // leaf, intermediate
	misnamed, err := inter.Issue(leafOpts("other.example.com"))
	if err != nil {
		t.Fatal(err)
	}
	expiredSelf, err := tlscert.SelfSigned(tlscert.Leaf{Names: []string{"elsewhere.example"}, NotBefore: now.Add(-48 * time.Hour), NotAfter: now.Add(-24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	leaf, ta := chain[0], chain[1]
	rec := func(u Usage, s Selector, m MatchingType, data []byte) Record {
		return Record{Usage: u, Selector: s, MatchingType: m, Data: data}
	}
	other := make([]byte, 32)
	tests := []struct {
		name    string
		records []Record
		chain   []*x509.Certificate
		match   *bool
		matched int // index of the record that matched, when match
		note    string
	}{
		{"usage 3, SPKI, SHA-256", []Record{rec(DANEEE, SelectorSPKI, MatchSHA256, sum256(leaf.RawSubjectPublicKeyInfo))}, chain, ptr(true), 0, ""},
		{"usage 3, full cert, exact", []Record{rec(DANEEE, SelectorCert, MatchFull, leaf.Raw)}, chain, ptr(true), 0, ""},
		{"usage 3, full cert, SHA-512", []Record{rec(DANEEE, SelectorCert, MatchSHA512, sum512(leaf.Raw))}, chain, ptr(true), 0, ""},
		{"usage 3 mismatch", []Record{rec(DANEEE, SelectorSPKI, MatchSHA256, other)}, chain, ptr(false), 0, ""},
		{"usage 3 ignores names and dates", []Record{rec(DANEEE, SelectorSPKI, MatchSHA256, sum256(chainOf(t, expiredSelf)[0].RawSubjectPublicKeyInfo))}, chainOf(t, expiredSelf), ptr(true), 0, ""},
		{"second record matches (key rollover)", []Record{rec(DANEEE, SelectorSPKI, MatchSHA256, other), rec(DANEEE, SelectorSPKI, MatchSHA256, sum256(leaf.RawSubjectPublicKeyInfo))}, chain, ptr(true), 1, ""},
		{"usage 2, trust anchor sent", []Record{rec(DANETA, SelectorSPKI, MatchSHA256, sum256(ta.RawSubjectPublicKeyInfo))}, chain, ptr(true), 0, ""},
		{"usage 2, full TA cert", []Record{rec(DANETA, SelectorCert, MatchSHA256, sum256(ta.Raw))}, chain, ptr(true), 0, ""},
		{"usage 2 needs the name", []Record{rec(DANETA, SelectorSPKI, MatchSHA256, sum256(ta.RawSubjectPublicKeyInfo))}, chainOf(t, misnamed), ptr(false), 0, "does not name mx1.example.com"},
		{"usage 2 does not match the leaf", []Record{rec(DANETA, SelectorSPKI, MatchSHA256, sum256(leaf.RawSubjectPublicKeyInfo))}, chain, ptr(false), 0, ""},
		{"usage 2, anchor not sent", []Record{rec(DANETA, SelectorSPKI, MatchSHA256, sum256(ta.RawSubjectPublicKeyInfo))}, chain[:1], ptr(false), 0, ""},
		{"usage 1 is not for SMTP", []Record{rec(PKIXEE, SelectorSPKI, MatchSHA256, sum256(leaf.RawSubjectPublicKeyInfo))}, chain, nil, 0, "not used for SMTP"},
		{"usage 0 is not for SMTP", []Record{rec(PKIXTA, SelectorSPKI, MatchSHA256, sum256(ta.RawSubjectPublicKeyInfo))}, chain, nil, 0, "not used for SMTP"},
		{"hash of the wrong length", []Record{rec(DANEEE, SelectorSPKI, MatchSHA256, []byte{1, 2, 3})}, chain, nil, 0, "needs 32"},
		{"undefined selector", []Record{rec(DANEEE, 7, MatchSHA256, other)}, chain, nil, 0, "selector 7"},
		{"no chain (no TLS)", []Record{rec(DANEEE, SelectorSPKI, MatchSHA256, sum256(leaf.RawSubjectPublicKeyInfo))}, nil, nil, 0, ""},
		{"no records", nil, chain, nil, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := Check(Lookup{Records: tt.records, Status: dnsclient.StatusRecords, DNSSEC: dnsclient.DNSSECSecure}, tt.chain, "mx1.example.com", now)
			switch {
			case tt.match == nil && o.Match != nil:
				t.Fatalf("match = %v, want null", *o.Match)
			case tt.match != nil && (o.Match == nil || *o.Match != *tt.match):
				t.Fatalf("match = %v, want %v (notes %v)", o.Match, *tt.match, o.Notes)
			}
			if tt.match != nil && *tt.match && o.Matched != tt.records[tt.matched].String() {
				t.Errorf("matched %q", o.Matched)
			}
			if len(o.TLSA) != len(tt.records) {
				t.Errorf("tlsa %v", o.TLSA)
			}
			if tt.note != "" && !strings.Contains(strings.Join(o.Notes, "\n"), tt.note) {
				t.Errorf("notes %q lack %q", o.Notes, tt.note)
			}
			if o.Usable() != (tt.match != nil || (tt.chain == nil && len(tt.records) > 0)) {
				t.Errorf("usable = %v", o.Usable())
			}
		})
	}
}

func ptr(b bool) *bool { return &b }

// TestFind reads TLSA records and their DNSSEC state from a DNS server.
func TestFind(t *testing.T) {
	spki := strings.Repeat("ab", 32)
	srv := zoneservertest.New(t, `$ORIGIN example.com.
@ 300 IN SOA ns hm 1 2 3 4 60
@ IN NS ns
ns IN A 192.0.2.53
_25._tcp.mx1 IN TLSA 3 1 1 `+spki+`
_25._tcp.mx1 IN TLSA 2 0 2 `+strings.Repeat("cd", 64)+`
`)
	c := dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: time.Second})
	l := Find(context.Background(), c, "MX1.example.com", Port)
	if l.Name != "_25._tcp.mx1.example.com." || len(l.Records) != 2 || l.DNSSEC != dnsclient.DNSSECInsecure {
		t.Fatalf("lookup %+v", l)
	}
	if got := l.Records[0].String(); got != "3 1 1 "+spki {
		t.Errorf("record %q", got)
	}
	o := Check(l, nil, "mx1.example.com", now)
	if o.Usable() {
		t.Error("records without DNSSEC validation are usable")
	}
	srv.SetAD("example.com.", true)
	c2 := dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: time.Second})
	if l := Find(context.Background(), c2, "mx1.example.com", Port); l.DNSSEC != dnsclient.DNSSECSecure || !Check(l, nil, "mx1.example.com", now).Usable() {
		t.Errorf("validated lookup %+v", l)
	}
	if l := Find(context.Background(), c2, "mx2.example.com", Port); l.Status != dnsclient.StatusNXDomain || len(l.Records) != 0 || l.DNSSEC != dnsclient.DNSSECSecure {
		t.Errorf("no records %+v", l)
	}
	if _, err := FromRR(&dns.TLSA{Certificate: "zz"}); err == nil {
		t.Error("non-hex data accepted")
	}
}
