package dkim

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzParseKey: any text parses without panic, positions stay inside the
// record, and what is reported hangs together.
func FuzzParseKey(f *testing.F) {
	for _, path := range []string{"dkimpy/test.txt", "dkimpy/test2.txt", "dkimpy/badk.txt", "dkimpy/badversion.txt",
		"dkimpy/test_bad.txt", "dkimpy/test_tlsrpt.txt", "dkimpy/ed25519test.dns", "dkimpy/eximtest.dns"} {
		f.Add(string(readFile(f, filepath.Join(testdata, path))))
	}
	for _, line := range strings.Split(string(readFile(f, filepath.Join(testdata, "dkim_verifier", "KEY-VARIANTS.tsv"))), "\n") {
		if rec, _, ok := strings.Cut(line, "\t"); ok && !strings.HasPrefix(line, "#") {
			f.Add(rec)
		}
	}
	for _, s := range []string{"", ";", "v=DKIM1; p=", "p=" + rfc6376Key + "; v=DKIM1", "k=ed25519; p=" + rfc8463Key, "v=DKIM1; p=MIGf MA0G !!", "t=y:s:x; h=::; s=*", "p=\x00", "v=DKIM1;;p=x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, txt string) {
		k, err := ParseKey(txt)
		if k == nil {
			t.Fatal("nil key")
		}
		if (err == nil) != (len(k.Errors) == 0) {
			t.Fatalf("err %v but %d errors listed", err, len(k.Errors))
		}
		for _, e := range k.Errors {
			if e.Pos < 0 || e.Pos > len(txt) || e.Err == nil || e.Reason == "" {
				t.Fatalf("bad error %+v for %q", e, txt)
			}
		}
		if (k.Public == nil) != (k.Bits == 0) {
			t.Fatalf("public %T but %d bits", k.Public, k.Bits)
		}
		if k.Revoked && k.Public != nil {
			t.Fatal("revoked key with a public key")
		}
		if k.Type == KeyEd25519 && k.Public != nil && k.Bits != 256 {
			t.Fatalf("ed25519 key of %d bits", k.Bits)
		}
		if uerr := k.Usable(); uerr == nil && (k.Public == nil || len(k.Errors) > 0) {
			t.Fatalf("usable key without a public key or with errors: %q", txt)
		}
	})
}

// fuzzResolver serves the keys the seed messages are signed with.
func fuzzResolver(t testing.TB) *fakeResolver {
	r := newFake()
	r.loadTSV(t, filepath.Join(testdata, "dkim_verifier", "DNS-TXT-transcribed.tsv"))
	return r
}

// FuzzVerify: any message verifies without panic; one result per
// DKIM-Signature field; the verdict words are the RFC's; a pass has its
// crypto; dropping the body never turns a pass into anything else.
func FuzzVerify(f *testing.F) {
	for _, path := range []string{"dkim_verifier/rfc6376-A.2.eml", "dkim_verifier/rfc8463-A.3.eml", "dkim_verifier/rfc6376-A.2-ill_formed-missing_v.eml",
		"dkim_verifier/dkim/added_header-from.eml", "dkimpy/test2.message", "stalwart-mail-auth/002.txt"} {
		f.Add(readFile(f, filepath.Join(testdata, path)))
	}
	f.Add([]byte("DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=brisbane; h=from:from; l=5; bh=; b=\r\nFrom: a\r\n\r\nbody"))
	f.Add([]byte("DKIM-Signature: b=\r\n\r\n"))
	resolver := fuzzResolver(f)
	at := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	verdicts := map[Verdict]bool{Pass: true, Fail: true, Neutral: true, TempError: true, PermError: true, Policy: true}
	f.Fuzz(func(t *testing.T, raw []byte) {
		fields, body, hasBody := splitMessage(raw)
		want := 0
		for _, fl := range fields {
			if strings.EqualFold(strings.TrimSpace(fl.Name), "DKIM-Signature") {
				want++
			}
		}
		got := Verify(context.Background(), resolver, fields, body, hasBody, at)
		if len(got) != want {
			t.Fatalf("%d results for %d signatures", len(got), want)
		}
		headersOnly := Verify(context.Background(), resolver, fields, nil, false, at)
		for i, r := range got {
			if !verdicts[r.Result] || r.Reason == "" {
				t.Fatalf("result %d: verdict %q reason %q", i, r.Result, r.Reason)
			}
			if (r.Result == Pass) != (r.Cause == "") {
				t.Fatalf("result %d: %s with cause %q", i, r.Result, r.Cause)
			}
			if r.Result == Pass && (!r.SignatureVerified || r.BodyHash == BodyHashFail) {
				t.Fatalf("result %d passes without its crypto: %+v", i, r)
			}
			if !hasBody && r.BodyHash != BodyHashNotChecked {
				t.Fatalf("result %d: body hash %s without a body", i, r.BodyHash)
			}
			if r.Result == Pass && headersOnly[i].Result != Pass {
				t.Fatalf("result %d passes with the body but %s without it", i, headersOnly[i].Result)
			}
		}
	})
}

// FuzzCanonicalize: the RFC 6376 §3.4 output has the promised shape,
// canonicalizing twice changes nothing, and l= cuts exactly.
func FuzzCanonicalize(f *testing.F) {
	for _, n := range []string{"01", "05", "13", "19", "22", "24", "25"} {
		f.Add(readFile(f, filepath.Join(testdata, "canonicalization-flanker", "email."+n)), int64(-1))
	}
	f.Add([]byte("a \t b\r\n\r\n"), int64(3))
	f.Add([]byte("\r\r\n\n \n"), int64(0))
	f.Fuzz(func(t *testing.T, data []byte, limit int64) {
		if limit < -1 {
			limit = -1
		}
		for _, c := range []Canonicalization{Simple, Relaxed} {
			var out bytes.Buffer
			n, err := CanonicalizeBody(&out, c, data, -1)
			if err != nil || n != int64(out.Len()) {
				t.Fatalf("%s: n=%d len=%d err=%v", c, n, out.Len(), err)
			}
			body := out.Bytes()
			if len(body) > 0 && !bytes.HasSuffix(body, []byte("\r\n")) {
				t.Fatalf("%s body %q does not end in CRLF", c, body)
			}
			if c == Simple && len(body) == 0 {
				t.Fatal("simple body empty")
			}
			if c == Relaxed && (bytes.Contains(body, []byte("\t")) || bytes.Contains(body, []byte("  ")) || bytes.Contains(body, []byte(" \r\n"))) {
				t.Fatalf("relaxed body %q keeps whitespace runs", body)
			}
			var again bytes.Buffer
			CanonicalizeBody(&again, c, body, -1)
			if !bytes.Equal(again.Bytes(), body) {
				t.Fatalf("%s not idempotent: %q then %q", c, body, again.Bytes())
			}
			var cut bytes.Buffer
			total, _ := CanonicalizeBody(&cut, c, data, limit)
			if total != n || (limit >= 0 && int64(cut.Len()) != min(limit, n)) || !bytes.HasPrefix(body, cut.Bytes()) {
				t.Fatalf("%s limit %d: wrote %d of %d", c, limit, cut.Len(), n)
			}
			h := CanonicalizeHeader(c, string(data))
			if !strings.HasSuffix(h, "\r\n") {
				t.Fatalf("%s header %q does not end in CRLF", c, h)
			}
			if c == Relaxed {
				if h2 := CanonicalizeHeader(c, strings.TrimSuffix(h, "\r\n")); h2 != h && strings.Contains(string(data), ":") {
					t.Fatalf("relaxed header not idempotent: %q then %q", h, h2)
				}
			}
		}
	})
}
