package dkim

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	msgauth "github.com/emersion/go-msgauth/dkim"

	"github.com/mxray/mxray/headers"
)

// testKey is the default Ed25519 signing key of these tests: fixed, so
// runs repeat, and cheap, unlike generating RSA keys.
func testKey() ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
}

type msgauthOptions struct {
	domain, selector string
	identifier       string
	signer           crypto.Signer
	headerC, bodyC   Canonicalization
	headerKeys       []string
	expiration       time.Time
}

// msgauthSign signs raw with go-msgauth's dkim.Sign and returns the signed
// message (the new DKIM-Signature field on top).
func msgauthSign(t testing.TB, raw []byte, o msgauthOptions) []byte {
	t.Helper()
	if o.domain == "" {
		o.domain = "example.org"
	}
	if o.selector == "" {
		o.selector = "test"
	}
	if o.signer == nil {
		o.signer = testKey()
	}
	if o.headerC == "" {
		o.headerC = Relaxed
	}
	if o.bodyC == "" {
		o.bodyC = Relaxed
	}
	var out bytes.Buffer
	err := msgauth.Sign(&out, bytes.NewReader(raw), &msgauth.SignOptions{
		Domain:                 o.domain,
		Selector:               o.selector,
		Identifier:             o.identifier,
		Signer:                 o.signer,
		HeaderCanonicalization: msgauth.Canonicalization(o.headerC),
		BodyCanonicalization:   msgauth.Canonicalization(o.bodyC),
		HeaderKeys:             o.headerKeys,
		Expiration:             o.expiration,
	})
	if err != nil {
		t.Fatalf("go-msgauth Sign: %v", err)
	}
	return out.Bytes()
}

func firstSignature(t testing.TB, msg []byte) *headers.DKIMSignature {
	t.Helper()
	fields, _, _ := splitMessage(msg)
	for _, f := range fields {
		if strings.EqualFold(f.Name, "DKIM-Signature") {
			sig, err := headers.ParseDKIMSignature(f.Value)
			if err != nil {
				t.Fatalf("signature from go-msgauth does not parse: %v", err)
			}
			return sig
		}
	}
	t.Fatal("no DKIM-Signature field")
	return nil
}

// msgauthVerify runs go-msgauth's verifier over a whole message with the
// fake resolver's TXT records, one error per signature (nil = pass).
func msgauthVerify(t testing.TB, f *fakeResolver, msg []byte) []error {
	t.Helper()
	vs, err := msgauth.VerifyWithOptions(bytes.NewReader(msg), &msgauth.VerifyOptions{
		LookupTXT: func(name string) ([]string, error) {
			a := f.answers[strings.ToLower(name)+"."]
			return a.TXT(), nil
		},
	})
	if err != nil {
		t.Fatalf("go-msgauth Verify: %v", err)
	}
	out := make([]error, len(vs))
	for i, v := range vs {
		out[i] = v.Err
	}
	return out
}

// publishEd25519 publishes the public half of the default test key.
func publishEd25519(t testing.TB, f *fakeResolver, name string) {
	t.Helper()
	pub := testKey().Public().(ed25519.PublicKey)
	f.txt(t, name, "v=DKIM1; k=ed25519; p="+b64(pub))
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// compareWithMsgauth verifies the whole message with go-msgauth and checks
// it agrees with results, signature by signature. Where the two apply
// different rules the comparison says which:
//   - go-msgauth rejects every signature with l=;
//   - a signature this package rejects before the crypto (syntax, a
//     rejected algorithm, a key problem, expiry) must not pass there;
//   - otherwise the crypto must agree: header signature and body hash both
//     verify here exactly when go-msgauth passes (go-msgauth does not apply
//     the key's t=s rule nor the added-header policy, which sit on top).
func compareWithMsgauth(t *testing.T, f *fakeResolver, msg []byte, results []Result) {
	t.Helper()
	errs := msgauthVerify(t, f, msg)
	if len(errs) != len(results) {
		t.Fatalf("go-msgauth saw %d signatures, this package %d", len(errs), len(results))
	}
	for i, r := range results {
		theirs := errs[i] == nil
		switch r.Cause {
		case CauseSignatureSyntax, CauseAlgorithmRejected, CauseKeyNotFound, CauseKeyRevoked, CauseKeyUnusable, CauseExpired, CauseDNSTemporary:
			if theirs {
				t.Errorf("signature %d: go-msgauth passes what this package rejects as %s", i+1, r.Cause)
			}
			continue
		}
		if r.BodyLength != nil {
			if theirs {
				t.Errorf("signature %d: go-msgauth passed an l= signature it is documented to reject", i+1)
			}
			continue
		}
		ours := r.SignatureVerified && r.BodyHash == BodyHashPass
		if ours != theirs {
			t.Errorf("signature %d (s=%s): crypto here %v (%s), go-msgauth %v (%v)", i+1, r.Selector, ours, r.Reason, theirs, errs[i])
		}
	}
}
