package arc

import (
	"context"
	"testing"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/headers"
)

// noKeys answers every question with NXDOMAIN.
type noKeys struct{}

func (noKeys) Lookup(_ context.Context, name string, qtype uint16) dnsclient.Answer {
	return dnsclient.Answer{Name: name, Type: qtype, Status: dnsclient.StatusNXDomain}
}

// FuzzVerify: no header block makes Verify panic, a chain it passes has
// every set's signatures verified (never without keys), and its result is
// one of the three RFC 8617 words.
func FuzzVerify(f *testing.F) {
	f.Add([]byte("ARC-Seal: i=1; a=rsa-sha256; cv=none; d=example.org; s=s; b=AAAA\r\nARC-Message-Signature: i=1; a=rsa-sha256; d=example.org; s=s; h=from; bh=AAAA; b=AAAA\r\nARC-Authentication-Results: i=1; mx.example; spf=pass\r\nFrom: a@example.org\r\n\r\nbody\r\n"))
	f.Add([]byte("ARC-Seal: i=2; cv=fail\r\nARC-Seal: i=x\r\nARC-Authentication-Results: i=51; x\r\n\r\n"))
	f.Add([]byte("ARC-Message-Signature: i=1; h=arc-seal; c=odd/odd; t=\r\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := headers.Parse(raw)
		if err != nil {
			return
		}
		c := Verify(context.Background(), noKeys{}, m.Fields, m.Body, m.HasBody)
		switch c.Result {
		case "none", "fail":
		default:
			t.Fatalf("chain %q without any key: %s", c.Result, c.Reason)
		}
		if c.Instances > MaxInstances {
			t.Fatalf("%d instances", c.Instances)
		}
	})
}
