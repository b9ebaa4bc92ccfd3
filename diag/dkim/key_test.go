package dkim

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/headers/taglist"
)

// rfc6376Key is the RFC 6376 Appendix C public key (1024 bits), as the
// dkim_verifier data publishes it for brisbane._domainkey.example.com.
const rfc6376Key = "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDwIRP/UC3SBsEmGqZ9ZJW3/DkMoGeLnQg1fWn7/zYtIxN2SnFCjxOCKG9v3b4jYfcTNh5ijSsq631uBItLa7od+v/RtdC2UzJ1lWT947qR+Rcac2gbto/NMqJ0fzfVjH4OuKhitdY9tf6mcwGjaNBcWToIMmPSPDdQPNUYckcQ2QIDAQAB"

// rfc8463Key is the RFC 8463 Appendix A.2 Ed25519 public key.
const rfc8463Key = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="

// testKeys builds public keys of the sizes the tests need. Keys under
// 1024 bits cannot be generated with crypto/rsa any more, so those are a
// modulus of the right length with no private half: enough for parsing.
type testKeys struct {
	spki2048, pkcs1_2048, spki512, spki8192, ed25519SPKI, ecSPKI string
}

func makeTestKeys(t testing.TB) testKeys {
	t.Helper()
	k2048, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	modulus := func(bits int) *rsa.PublicKey {
		n := new(big.Int).Lsh(big.NewInt(1), uint(bits-1))
		return &rsa.PublicKey{N: n.Add(n, big.NewInt(1)), E: 65537}
	}
	spki := func(pub any) string {
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		return b64(der)
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return testKeys{
		spki2048:    spki(&k2048.PublicKey),
		pkcs1_2048:  b64(x509.MarshalPKCS1PublicKey(&k2048.PublicKey)),
		spki512:     spki(modulus(512)),
		spki8192:    spki(modulus(8192)),
		ed25519SPKI: spki(testKey().Public()),
		ecSPKI:      spki(&ec.PublicKey),
	}
}

func TestParseKey(t *testing.T) {
	keys := makeTestKeys(t)
	type wantErr struct {
		err error
		pos int
		tag string
	}
	tests := []struct {
		name   string
		record string
		check  func(t *testing.T, k *Key)
		errs   []wantErr
		usable error // what Usable reports when the record parses
	}{
		{
			name: "RFC 6376 Appendix C key", record: "v=DKIM1; k=rsa; p=" + rfc6376Key,
			check: func(t *testing.T, k *Key) {
				want(t, "type", k.Type, KeyRSA)
				want(t, "bits", k.Bits, 1024)
				want(t, "format", k.Format, FormatSPKI)
				want(t, "version", k.Version, "DKIM1")
				if _, ok := k.Public.(*rsa.PublicKey); !ok {
					t.Errorf("Public is %T", k.Public)
				}
			},
		},
		{
			name: "k= absent means rsa", record: "p=" + keys.spki2048,
			check: func(t *testing.T, k *Key) {
				want(t, "type", k.Type, KeyRSA)
				want(t, "bits", k.Bits, 2048)
			},
		},
		{
			name: "PKCS#1 RSAPublicKey accepted", record: "v=DKIM1; p=" + keys.pkcs1_2048,
			check: func(t *testing.T, k *Key) {
				want(t, "format", k.Format, FormatPKCS1)
				want(t, "bits", k.Bits, 2048)
			},
		},
		{
			name: "RFC 8463 ed25519 key", record: "v=DKIM1; k=ed25519; p=" + rfc8463Key,
			check: func(t *testing.T, k *Key) {
				want(t, "type", k.Type, KeyEd25519)
				want(t, "bits", k.Bits, 256)
				want(t, "format", k.Format, FormatRaw)
				if _, ok := k.Public.(ed25519.PublicKey); !ok {
					t.Errorf("Public is %T", k.Public)
				}
			},
		},
		{
			name: "k= is case-insensitive", record: "v=DKIM1; k=ED25519; p=" + rfc8463Key,
			check: func(t *testing.T, k *Key) { want(t, "type", k.Type, KeyEd25519) },
		},
		{
			name: "every optional tag", record: "v=DKIM1; h=sha1:SHA256; s=email:*; t=y:s; n=see the wiki; g=*; p=" + rfc6376Key,
			check: func(t *testing.T, k *Key) {
				want(t, "hashes", strings.Join(k.Hashes, ","), "sha1,sha256")
				want(t, "services", strings.Join(k.Services, ","), "email,*")
				want(t, "flags", strings.Join(k.Flags, ","), "y,s")
				want(t, "testing", k.Testing, true)
				want(t, "strict", k.Strict, true)
				want(t, "notes", k.Notes, "see the wiki")
			},
		},
		{
			name: "p= split by whitespace as in a folded zone file", record: "v=DKIM1; p=" + rfc6376Key[:40] + " \t" + rfc6376Key[40:],
			check: func(t *testing.T, k *Key) { want(t, "bits", k.Bits, 1024) },
		},
		{
			name: "revoked", record: "v=DKIM1; p=",
			check:  func(t *testing.T, k *Key) { want(t, "revoked", k.Revoked, true) },
			usable: ErrKeyRevoked,
		},
		{
			name: "revoked with spaces and later tags", record: "v=DKIM1; p= ; t=y",
			check:  func(t *testing.T, k *Key) { want(t, "revoked", k.Revoked, true) },
			usable: ErrKeyRevoked,
		},
		{name: "v= not first", record: "k=rsa; v=DKIM1; p=" + rfc6376Key, errs: []wantErr{{ErrKeyVersion, 7, "v"}}},
		{name: "v= wrong", record: "v=DKIM2; p=" + rfc6376Key, errs: []wantErr{{ErrKeyVersion, 2, "v"}}},
		{name: "v= wrong and not first", record: "p=" + rfc6376Key + "; v=spf1", errs: []wantErr{{ErrKeyVersion, 220, "v"}, {ErrKeyVersion, 222, "v"}}},
		{name: "dkimpy badversion.txt: colon for semicolon", record: "v=DKIM1: g=*; k=rsa; p=" + rfc6376Key, errs: []wantErr{{ErrKeyVersion, 2, "v"}}},
		{name: "unknown k=", record: "v=DKIM1; k=dsa; p=" + rfc6376Key, errs: []wantErr{{ErrKeyType, 11, "k"}}},
		{name: "dkimpy badk.txt: k=ed25519-sha256", record: "v=DKIM1; g=*; k=ed25519-sha256; p=" + rfc6376Key, errs: []wantErr{{ErrKeyType, 16, "k"}}},
		{name: "bad base64", record: "v=DKIM1; p=MIGf!!", errs: []wantErr{{ErrKeyData, 15, "p"}}},
		{name: "bad base64 after whitespace", record: "v=DKIM1; p=MIGf MA0G !!", errs: []wantErr{{ErrKeyData, 21, "p"}}},
		{name: "truncated DER (dkimpy test_bad.txt)", record: "v=DKIM1; k=rsa; p=" + strings.TrimSuffix(rfc6376Key, "AQAB") + "AQA=", errs: []wantErr{{ErrKeyData, 18, "p"}}},
		{name: "ed25519 wrapped in SPKI", record: "v=DKIM1; k=ed25519; p=" + keys.ed25519SPKI, errs: []wantErr{{ErrKeyData, 22, "p"}}},
		{name: "ed25519 of the wrong length", record: "v=DKIM1; k=ed25519; p=AAAA", errs: []wantErr{{ErrKeyData, 22, "p"}}},
		{name: "RSA key type with an EC key", record: "v=DKIM1; k=rsa; p=" + keys.ecSPKI, errs: []wantErr{{ErrKeyData, 18, "p"}}},
		{name: "RSA key type with Ed25519 bytes", record: "v=DKIM1; k=rsa; p=" + rfc8463Key, errs: []wantErr{{ErrKeyData, 18, "p"}}},
		{name: "p= missing", record: "v=DKIM1; k=rsa", errs: []wantErr{{ErrKeySyntax, 14, "p"}}},
		{name: "duplicate tag", record: "p=" + rfc6376Key + "; p=", errs: []wantErr{{ErrKeySyntax, 220, "p"}}},
		{name: "empty tag name", record: "v=DKIM1; =x; p=" + rfc6376Key, errs: []wantErr{{ErrKeySyntax, 9, ""}}},
		{name: "control byte in a value", record: "v=DKIM1; n=a\x01b; p=" + rfc6376Key, errs: []wantErr{{ErrKeySyntax, 12, "n"}}},
		{name: "RSA under 1024 bits", record: "v=DKIM1; p=" + keys.spki512, usable: ErrKeyTooSmall,
			check: func(t *testing.T, k *Key) { want(t, "bits", k.Bits, 512) }},
		{name: "RSA of 8192 bits parses", record: "v=DKIM1; p=" + keys.spki8192,
			check: func(t *testing.T, k *Key) { want(t, "bits", k.Bits, 8192) }},
		{name: "s= without email (dkimpy test_tlsrpt.txt)", record: "v=DKIM1; g=*; k=rsa; s=tlsrpt; p=" + rfc6376Key, usable: ErrKeyNotEmail},
		{name: "h=sha1 only", record: "v=DKIM1;h=sha1;p=" + rfc6376Key, usable: ErrKeyHash},
		{name: "h= with only unknown hashes", record: "v=DKIM1; h=sha512; p=" + rfc6376Key, usable: ErrKeyHash},
		{name: "h=sha1:sha256 is fine", record: "v=DKIM1;h=sha1:sha256;p=" + rfc6376Key},
		{name: "empty n= is fine", record: "v=DKIM1;n=;p=" + rfc6376Key},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParseKey(tt.record)
			if k == nil {
				t.Fatal("nil key")
			}
			if len(tt.errs) == 0 && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if len(k.Errors) != len(tt.errs) {
				t.Fatalf("errors = %v, want %d of them", k.Errors, len(tt.errs))
			}
			for i, w := range tt.errs {
				e := k.Errors[i]
				if !errors.Is(err, w.err) || !errors.Is(e, w.err) {
					t.Errorf("error %d = %v, want %v", i, e, w.err)
				}
				if e.Pos != w.pos || e.Tag != w.tag {
					t.Errorf("error %d at byte %d tag %q, want byte %d tag %q (%v)", i, e.Pos, e.Tag, w.pos, w.tag, e)
				}
				var ke *KeyError
				if !errors.As(err, &ke) {
					t.Errorf("error is not a *KeyError: %T", err)
				}
			}
			if tt.check != nil {
				tt.check(t, k)
			}
			uerr := k.Usable()
			switch {
			case len(tt.errs) > 0:
				if !errors.Is(uerr, tt.errs[0].err) {
					t.Errorf("Usable() = %v, want the first parse error", uerr)
				}
			case tt.usable == nil && uerr != nil:
				t.Errorf("Usable() = %v, want nil", uerr)
			case tt.usable != nil && !errors.Is(uerr, tt.usable):
				t.Errorf("Usable() = %v, want %v", uerr, tt.usable)
			}
		})
	}
}

// TestParseKeyTagErrorUnwraps checks the tag-list error stays reachable.
func TestParseKeyTagErrorUnwraps(t *testing.T) {
	_, err := ParseKey("v=DKIM1; v=DKIM1; p=")
	var te *taglist.SyntaxError
	if !errors.As(err, &te) || te.Pos != 9 {
		t.Fatalf("err = %v, want a *taglist.SyntaxError at byte 9", err)
	}
}

// TestRFC8032SeedMatchesBrisbane derives the public key from dkimpy's
// rfc8032_7_1.key (RFC 8032 §7.1 test 1) and checks it is the RFC 8463
// key the brisbane records publish.
func TestRFC8032SeedMatchesBrisbane(t *testing.T) {
	seed := decodeB64(t, strings.TrimSpace(string(readFile(t, testdata+"/dkimpy/rfc8032_7_1.key"))))
	pub := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
	k, err := ParseKey("v=DKIM1; k=ed25519; p=" + rfc8463Key)
	if err != nil {
		t.Fatal(err)
	}
	if !pub.Equal(k.Public) {
		t.Errorf("derived %x, record holds %x", []byte(pub), k.Public)
	}
}

func TestKeyFindings(t *testing.T) {
	keys := makeTestKeys(t)
	type wantF struct {
		code string
		sev  finding.Severity
	}
	tests := []struct {
		name    string
		by      FoundBy
		records []string
		answer  *dnsclient.Answer // instead of records
		want    []wantF
		inMsg   string // a phrase the first finding's message must hold
	}{
		{name: "healthy 2048-bit key", by: FoundByProbe, records: []string{"v=DKIM1; k=rsa; p=" + keys.spki2048}},
		{name: "healthy ed25519 key", by: FoundByHeader, records: []string{"v=DKIM1; k=ed25519; p=" + rfc8463Key}},
		{name: "1024 bits is weak", by: FoundByProbe, records: []string{"v=DKIM1; p=" + rfc6376Key}, want: []wantF{{"dkim.key_weak", finding.Warning}}, inMsg: "2048"},
		{name: "512 bits is invalid", by: FoundByProbe, records: []string{"v=DKIM1; p=" + keys.spki512}, want: []wantF{{"dkim.key_too_small", finding.Error}}, inMsg: "512-bit"},
		{name: "8192 bits may be refused", by: FoundByFlag, records: []string{"v=DKIM1; p=" + keys.spki8192}, want: []wantF{{"dkim.key_large", finding.Warning}}},
		{name: "h=sha1 only", by: FoundByProbe, records: []string{"v=DKIM1; h=sha1; p=" + keys.spki2048}, want: []wantF{{"dkim.key_sha1_only", finding.Error}}, inMsg: "RFC 8301"},
		{name: "h= with no usable hash", by: FoundByProbe, records: []string{"v=DKIM1; h=md5; p=" + keys.spki2048}, want: []wantF{{"dkim.key_hash", finding.Error}}},
		{name: "testing mode", by: FoundByHeader, records: []string{"v=DKIM1; t=y; p=" + keys.spki2048}, want: []wantF{{"dkim.key_testing", finding.Warning}}},
		{name: "duplicate TXT records", by: FoundByHeader, records: []string{"v=DKIM1; p=" + keys.spki2048, "v=DKIM1; p=" + rfc6376Key},
			want: []wantF{{"dkim.duplicate_records", finding.Error}}, inMsg: "2 TXT records"},
		{name: "syntax error with its position", by: FoundByProbe, records: []string{"v=DKIM1; p=MIGf!!"}, want: []wantF{{"dkim.key_syntax", finding.Error}}, inMsg: "byte 15"},
		{name: "unknown k=", by: FoundByProbe, records: []string{"v=DKIM1; k=dsa; p=" + keys.spki2048}, want: []wantF{{"dkim.key_type_unknown", finding.Error}}},
		{name: "v= not first", by: FoundByProbe, records: []string{"p=" + keys.spki2048 + "; v=DKIM1"}, want: []wantF{{"dkim.key_version", finding.Error}}},
		{name: "revoked, found by probe", by: FoundByProbe, records: []string{"v=DKIM1; p="}, want: []wantF{{"dkim.key_revoked", finding.Info}}, inMsg: "revoked"},
		{name: "revoked, named by a header", by: FoundByHeader, records: []string{"v=DKIM1; p="}, want: []wantF{{"dkim.key_revoked", finding.Warning}}},
		{name: "not for email", by: FoundByProbe, records: []string{"v=DKIM1; s=tlsrpt; p=" + keys.spki2048}, want: []wantF{{"dkim.key_not_email", finding.Warning}}},
		{name: "PKCS#1 form", by: FoundByProbe, records: []string{"v=DKIM1; p=" + keys.pkcs1_2048}, want: []wantF{{"dkim.key_pkcs1", finding.Warning}}},
		{name: "header selector not found", by: FoundByHeader, answer: &dnsclient.Answer{Status: dnsclient.StatusNXDomain},
			want: []wantF{{"dkim.key_not_found", finding.Error}}, inMsg: "No DKIM key"},
		{name: "flag selector with no TXT", by: FoundByFlag, answer: &dnsclient.Answer{Status: dnsclient.StatusNoData},
			want: []wantF{{"dkim.key_not_found", finding.Error}}},
		{name: "Microsoft CNAME without key, header", by: FoundByHeader,
			answer: &dnsclient.Answer{Status: dnsclient.StatusNXDomain, CNAMEs: []string{"selector1-example-com._domainkey.example.onmicrosoft.com."}},
			want:   []wantF{{"dkim.microsoft_key_missing", finding.Error}}, inMsg: "Microsoft 365"},
		{name: "Microsoft CNAME without key, probe", by: FoundByProbe,
			answer: &dnsclient.Answer{Status: dnsclient.StatusNXDomain, CNAMEs: []string{"selector2-example-com._domainkey.example.n-v1.dkim.mail.microsoft."}},
			want:   []wantF{{"dkim.microsoft_key_missing", finding.Info}}},
		{name: "temporary DNS failure", by: FoundByHeader, answer: &dnsclient.Answer{Status: dnsclient.StatusServFail},
			want: []wantF{{"dkim.dns_temporary", finding.Warning}}, inMsg: "servfail"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			const name = "sel._domainkey.example.com."
			if tt.answer != nil {
				f.set(name, *tt.answer)
			} else {
				f.txt(t, name, tt.records...)
			}
			kr := newKeyReport("sel", tt.by, f.answers[name])
			got := keyFindings(&kr)
			var codes, wantCodes []string
			for _, g := range got {
				codes = append(codes, g.Code+"/"+string(g.Severity))
				if g.Part != "dkim" || g.Subject.String() != "sel" || g.Fix == "" || g.Message == "" {
					t.Errorf("finding %+v lacks part, subject, message or fix", g)
				}
			}
			for _, w := range tt.want {
				wantCodes = append(wantCodes, w.code+"/"+string(w.sev))
			}
			if !slices.Equal(codes, wantCodes) {
				t.Fatalf("findings %v, want %v", codes, wantCodes)
			}
			if tt.inMsg != "" && !strings.Contains(got[0].Message, tt.inMsg) {
				t.Errorf("message %q does not mention %q", got[0].Message, tt.inMsg)
			}
		})
	}
}

func want[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func decodeB64(t testing.TB, s string) []byte {
	t.Helper()
	k, err := ParseKey("k=ed25519; p=" + s)
	if err != nil {
		t.Fatalf("decoding %q: %v", s, err)
	}
	return k.Public.(ed25519.PublicKey)
}
