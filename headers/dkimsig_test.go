package headers

import (
	"errors"
	"testing"
)

func TestParseDKIMSignature(t *testing.T) {
	const good = "v=1; a=rsa-sha256; c=relaxed/simple; d=example.com; s=sel;\r\n\th=From:To:Subject; i=joe@mail.example.com; l=100; t=1000; x=2000;\r\n\tbh=MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI=; b=dGVz\r\n\tdA=="
	sig, err := ParseDKIMSignature(good)
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	if sig.Domain != "example.com" || sig.Selector != "sel" || sig.Algorithm != "rsa-sha256" {
		t.Errorf("d/s/a = %q/%q/%q", sig.Domain, sig.Selector, sig.Algorithm)
	}
	if sig.HeaderCanonicalization() != "relaxed" || sig.BodyCanonicalization() != "simple" {
		t.Errorf("canonicalization = %s/%s", sig.HeaderCanonicalization(), sig.BodyCanonicalization())
	}
	if string(sig.Signature) != "test" {
		t.Errorf("b decoded = %q, want test", sig.Signature)
	}
	if sig.Length == nil || *sig.Length != 100 {
		t.Errorf("l = %v", sig.Length)
	}
	if sig.Expiration == nil || sig.Expiration.Unix() != 2000 {
		t.Errorf("x = %v", sig.Expiration)
	}
	if got := len(sig.SignedHeaders); got != 3 {
		t.Errorf("h has %d names", got)
	}

	bad := []struct{ name, in string }{
		{"missing b", "v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=AA=="},
		{"wrong version", "v=2; a=rsa-sha256; d=example.com; s=s; h=from; bh=AA==; b=AA=="},
		{"i outside d", "v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=AA==; b=AA==; i=@example.net"},
		{"no from in h", "v=1; a=rsa-sha256; d=example.com; s=s; h=to; bh=AA==; b=AA=="},
		{"x before t", "v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=AA==; b=AA==; t=10; x=5"},
		{"bad canonicalization", "v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=AA==; b=AA==; c=fancy"},
		{"bad base64", "v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=!!; b=AA=="},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			sig, err := ParseDKIMSignature(tt.in)
			if !errors.Is(err, ErrDKIMSignature) {
				t.Fatalf("err = %v, want ErrDKIMSignature", err)
			}
			if len(sig.Problems) == 0 {
				t.Error("no problems listed")
			}
		})
	}
}
