package dkim

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

func BenchmarkParseKey(b *testing.B) {
	rec := "v=DKIM1; k=rsa; p=" + rfc6376Key
	for b.Loop() {
		if _, err := ParseKey(rec); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCanonicalizeBody measures a 1 MiB body of 72-column lines.
func BenchmarkCanonicalizeBody(b *testing.B) {
	body := bytes.Repeat([]byte("Lorem ipsum  dolor sit amet,\tconsectetur adipiscing elit, sed do eiusmod  \r\n"), 1<<20/77)
	for _, c := range []Canonicalization{Simple, Relaxed} {
		b.Run(string(c), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if _, err := CanonicalizeBody(io.Discard, c, body, -1); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVerify re-checks RFC 8463 A.3 (one Ed25519 and one RSA
// signature) with its body, against an in-memory resolver.
func BenchmarkVerify(b *testing.B) {
	f := fuzzResolver(b)
	fields, body, hasBody := splitMessage(readFile(b, filepath.Join(testdata, "dkim_verifier", "rfc8463-A.3.eml")))
	for b.Loop() {
		res := Verify(context.Background(), f, fields, body, hasBody, vectorTime)
		if res[0].Result != Pass || res[1].Result != Pass {
			b.Fatal(res)
		}
	}
}

// BenchmarkVerifyHostile: a 4 MiB body and an h= naming 20,000 fields
// over 20,000 header fields, to show selection and hashing stay linear.
func BenchmarkVerifyHostile(b *testing.B) {
	var hdr strings.Builder
	names := make([]string, 20000)
	for i := range names {
		names[i] = "x-a"
		hdr.WriteString("X-A: v\r\n")
	}
	bh := sha256.Sum256(nil)
	msg := "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=brisbane; h=from:" + strings.Join(names, ":") +
		"; bh=" + b64(bh[:]) + "; b=AAAA\r\nFrom: a@example.com\r\n" + hdr.String() + "\r\n" + strings.Repeat("a  b\r\n", 4<<20/6)
	f := fuzzResolver(b)
	fields, body, hasBody := splitMessage([]byte(msg))
	b.ResetTimer()
	for b.Loop() {
		res := Verify(context.Background(), f, fields, body, hasBody, vectorTime)
		if res[0].Result != Fail {
			b.Fatal(res[0].Reason)
		}
	}
}
