package dkim

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mxray/mxray/diag/dnsclient"
)

// plainMessage is the unsigned message the fresh cases sign.
const plainMessage = "From: Joe SixPack <joe@example.org>\r\n" +
	"To: Suzie Q <suzie@example.net>\r\n" +
	"Subject: Is dinner ready?\r\n" +
	"Date: Fri, 11 Jul 2003 21:00:37 -0700\r\n" +
	"Message-ID: <20030712040037.46341.5F8J@example.org>\r\n" +
	"\r\n" +
	"Hi.\r\n\r\nWe lost the game.  Are you hungry yet?\r\n\r\nJoe.\r\n"

const keyAt = "test._domainkey.example.org"

// freshCase is a message signed in the test and what to do to it.
type freshCase struct {
	name    string
	opts    msgauthOptions
	publish func(t *testing.T, f *fakeResolver)
	mutate  func(msg string) string // applied to the signed message
	noBody  bool
	// expiresIn sets x= that long after signing; checkAt is when Verify
	// runs, relative to signing (a minute after when zero).
	expiresIn time.Duration
	checkAt   time.Duration
	want      outcome
	body      BodyHashStatus
	check     func(t *testing.T, r Result)
}

func TestVerifyFresh(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	publishRSA := func(extra string) func(*testing.T, *fakeResolver) {
		return func(t *testing.T, f *fakeResolver) {
			f.txt(t, keyAt, "v=DKIM1; k=rsa; "+extra+"p="+spkiB64(t, &rsaKey.PublicKey))
		}
	}
	rsaOpts := msgauthOptions{signer: rsaKey}
	simpleOpts := msgauthOptions{signer: rsaKey, headerC: Simple, bodyC: Simple}
	noteHas := func(phrase string) func(*testing.T, Result) {
		return func(t *testing.T, r Result) {
			if !strings.Contains(strings.Join(r.Notes, "\n"), phrase) {
				t.Errorf("notes %q lack %q", r.Notes, phrase)
			}
		}
	}
	reasonHas := func(phrase string) func(*testing.T, Result) {
		return func(t *testing.T, r Result) {
			if !strings.Contains(r.Reason, phrase) {
				t.Errorf("reason %q lacks %q", r.Reason, phrase)
			}
		}
	}
	tests := []freshCase{
		{name: "ed25519 relaxed passes", want: outcome{Pass, ""}, body: BodyHashPass},
		{name: "rsa relaxed passes", opts: rsaOpts, publish: publishRSA(""), want: outcome{Pass, ""}, body: BodyHashPass},
		{name: "rsa simple passes", opts: simpleOpts, publish: publishRSA(""), want: outcome{Pass, ""}, body: BodyHashPass},
		{name: "body cut off: header signature still verifies", noBody: true, want: outcome{Pass, ""}, body: BodyHashNotChecked,
			check: reasonHas("body hash not checked: no body")},
		{name: "rsa body cut off", opts: rsaOpts, publish: publishRSA(""), noBody: true, want: outcome{Pass, ""}, body: BodyHashNotChecked},
		{name: "signed header changed", mutate: replace("Subject: Is dinner ready?", "Subject: Is lunch ready?"),
			want: outcome{Fail, CauseHeaderAltered}, body: BodyHashPass, check: reasonHas("headers altered")},
		{name: "signed header changed, no body", noBody: true, mutate: replace("Subject: Is dinner ready?", "Subject: Is lunch ready?"),
			want: outcome{Fail, CauseHeaderAltered}, body: BodyHashNotChecked},
		{name: "unsigned header added is fine", mutate: prepend("X-Scanned: yes\r\n"), want: outcome{Pass, ""}, body: BodyHashPass},
		{name: "refolded header breaks simple", opts: simpleOpts, publish: publishRSA(""), mutate: replace("Subject: Is dinner ready?", "Subject: Is dinner\r\n ready?"),
			want: outcome{Fail, CauseHeaderAltered}, body: BodyHashPass, check: noteHas("simple header canonicalization")},
		{name: "refolded header survives relaxed", opts: rsaOpts, publish: publishRSA(""), mutate: replace("Subject: Is dinner ready?", "subject:   Is dinner\r\n\tready?"),
			want: outcome{Pass, ""}, body: BodyHashPass},
		{name: "body changed", mutate: replace("We lost the game.", "We won the game."), want: outcome{Fail, CauseBodyAltered}, body: BodyHashFail,
			check: reasonHas("body altered")},
		{name: "body changed but not given", noBody: true, mutate: replace("We lost the game.", "We won the game."), want: outcome{Pass, ""}, body: BodyHashNotChecked},
		{name: "footer appended by a list", mutate: appendText("-- \r\nlist footer\r\n"), want: outcome{Fail, CauseBodyAltered}, body: BodyHashFail},
		{name: "LF line ends", mutate: func(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }, want: outcome{Pass, ""}, body: BodyHashPass},
		{name: "key removed", publish: func(*testing.T, *fakeResolver) {}, want: outcome{PermError, CauseKeyNotFound}, body: BodyHashPass,
			check: reasonHas("key gone")},
		{name: "key removed, no body", noBody: true, publish: func(*testing.T, *fakeResolver) {}, want: outcome{PermError, CauseKeyNotFound}, body: BodyHashNotChecked},
		{name: "key revoked", publish: func(t *testing.T, f *fakeResolver) { f.txt(t, keyAt, "v=DKIM1; k=ed25519; p=") },
			want: outcome{PermError, CauseKeyRevoked}, body: BodyHashPass, check: reasonHas("key gone")},
		{name: "Microsoft CNAME with no key", publish: func(t *testing.T, f *fakeResolver) {
			f.set(keyAt, dnsclient.Answer{Status: dnsclient.StatusNXDomain, CNAMEs: []string{"selector1-example-org._domainkey.example.onmicrosoft.com."}})
		}, want: outcome{PermError, CauseKeyNotFound}, body: BodyHashPass, check: reasonHas("Microsoft 365")},
		{name: "key lookup times out", publish: func(t *testing.T, f *fakeResolver) { f.set(keyAt, dnsclient.Answer{Status: dnsclient.StatusTimeout}) },
			want: outcome{TempError, CauseDNSTemporary}, body: BodyHashPass},
		{name: "expired", expiresIn: time.Hour, checkAt: 2 * time.Hour, want: outcome{PermError, CauseExpired}, body: BodyHashPass,
			check: func(t *testing.T, r Result) {
				if !r.SignatureVerified {
					t.Error("the crypto of the expired signature should be reported sound")
				}
				noteHas("still verifies")(t, r)
			}},
		{name: "expired, no body", noBody: true, expiresIn: time.Hour, checkAt: 2 * time.Hour, want: outcome{PermError, CauseExpired}, body: BodyHashNotChecked},
		{name: "expired and header changed", expiresIn: time.Hour, checkAt: 2 * time.Hour, mutate: replace("Is dinner", "Is lunch"),
			want: outcome{PermError, CauseExpired}, body: BodyHashPass, check: noteHas("would not verify")},
		{name: "not yet expired", expiresIn: time.Hour, want: outcome{Pass, ""}, body: BodyHashPass},
		{name: "rsa-sha1 rejected by RFC 8301", opts: rsaOpts, publish: publishRSA(""), mutate: replace("a=rsa-sha256", "a=rsa-sha1"),
			want: outcome{PermError, CauseAlgorithmRejected}, body: BodyHashNotChecked, check: reasonHas("RFC 8301")},
		{name: "unknown algorithm", mutate: replace("a=ed25519-sha256", "a=dsa-sha256"), want: outcome{PermError, CauseAlgorithmRejected}, body: BodyHashNotChecked},
		{name: "missing required tag", mutate: replace(" bh=", " xh="), want: outcome{PermError, CauseSignatureSyntax}, body: BodyHashNotChecked},
		{name: "unknown query method", mutate: replace("d=example.org;", "d=example.org; q=http/well-known;"), want: outcome{PermError, CauseQueryMethod}, body: BodyHashNotChecked},
		{name: "selector that is no DNS name", mutate: replace("s=test;", "s=te/st;"), want: outcome{PermError, CauseSignatureSyntax}, body: BodyHashNotChecked},
		{name: "RSA key under 1024 bits", opts: rsaOpts, publish: func(t *testing.T, f *fakeResolver) {
			f.txt(t, keyAt, "v=DKIM1; p="+makeTestKeys(t).spki512)
		}, want: outcome{PermError, CauseKeyUnusable}, body: BodyHashPass, check: func(t *testing.T, r Result) {
			if !errors.Is(r.Key.Usable(), ErrKeyTooSmall) {
				t.Errorf("key problem %v, want ErrKeyTooSmall", r.Key.Usable())
			}
		}},
		{name: "key type does not match a=", publish: publishRSA(""), want: outcome{PermError, CauseKeyUnusable}, body: BodyHashPass},
		{name: "h=sha1 key", opts: rsaOpts, publish: publishRSA("h=sha1; "), want: outcome{PermError, CauseKeyUnusable}, body: BodyHashPass,
			check: func(t *testing.T, r Result) {
				if !r.SignatureVerified {
					t.Error("crypto should still be reported")
				}
			}},
		{name: "t=s with i= equal to d=", opts: msgauthOptions{signer: rsaKey, identifier: "joe@example.org"}, publish: publishRSA("t=s; "),
			want: outcome{Pass, ""}, body: BodyHashPass},
		{name: "t=s with i= in a subdomain", opts: msgauthOptions{signer: rsaKey, identifier: "joe@mail.example.org"}, publish: publishRSA("t=s; "),
			want: outcome{PermError, CauseIdentityMismatch}, body: BodyHashPass, check: func(t *testing.T, r Result) {
				if !r.SignatureVerified {
					t.Error("the crypto holds; only the t=s rule fails")
				}
			}},
		{name: "two key records", opts: rsaOpts, publish: func(t *testing.T, f *fakeResolver) {
			f.txt(t, keyAt, "v=DKIM1; p="+makeTestKeys(t).spki2048, "v=DKIM1; p="+spkiB64(t, &rsaKey.PublicKey))
		}, want: outcome{PermError, CauseKeyUnusable}, body: BodyHashPass, check: noteHas("record 2 of 2 verifies")},
		{name: "unsigned From added above the signed one", mutate: prepend("From: Mallory <m@evil.example>\r\n"),
			want: outcome{Policy, CauseHeaderAdded}, body: BodyHashPass, check: func(t *testing.T, r Result) {
				if !r.SignatureVerified {
					t.Error("the crypto holds; only the policy fails")
				}
			}},
		{name: "t= in the future", checkAt: -time.Hour, want: outcome{Pass, ""}, body: BodyHashPass,
			check: noteHas("after the time of this check")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			signedAt := time.Now()
			if tt.expiresIn != 0 {
				tt.opts.expiration = signedAt.Add(tt.expiresIn)
			}
			if tt.checkAt == 0 {
				tt.checkAt = time.Minute
			}
			signed := string(msgauthSign(t, []byte(plainMessage), tt.opts))
			if tt.mutate != nil {
				signed = tt.mutate(signed)
			}
			f := newFake()
			if tt.publish != nil {
				tt.publish(t, f)
			} else {
				publishEd25519(t, f, keyAt)
			}
			fields, body, hasBody := splitMessage([]byte(signed))
			if tt.noBody {
				body, hasBody = nil, false
			}
			got := Verify(context.Background(), f, fields, body, hasBody, signedAt.Add(tt.checkAt))
			checkOutcomes(t, got, []outcome{tt.want})
			if got[0].BodyHash != tt.body {
				t.Errorf("body hash %s, want %s", got[0].BodyHash, tt.body)
			}
			if tt.check != nil {
				tt.check(t, got[0])
			}
			if hasBody && tt.checkAt < time.Hour {
				// go-msgauth judges x= by the wall clock, so only cases
				// checked near signing time compare.
				compareWithMsgauth(t, f, []byte(signed), got)
			}
		})
	}
}

func replace(old, new string) func(string) string {
	return func(s string) string {
		if !strings.Contains(s, old) {
			panic(fmt.Sprintf("mutation target %q not in message", old))
		}
		return strings.Replace(s, old, new, 1)
	}
}

func prepend(text string) func(string) string {
	return func(s string) string { return text + s }
}

func appendText(text string) func(string) string {
	return func(s string) string { return s + text }
}

func spkiB64(t testing.TB, pub any) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return b64(der)
}

// signWithLength signs msg with the default Ed25519 test key and an l=
// tag, which go-msgauth cannot produce. It uses this package's
// canonicalization (checked on its own against the flanker vectors and
// go-msgauth), so what it tests is the l= handling.
func signWithLength(t *testing.T, msg string, length int64) string {
	t.Helper()
	fields, body, _ := splitMessage([]byte(msg))
	bh := sha256.New()
	if _, err := CanonicalizeBody(bh, Relaxed, body, length); err != nil {
		t.Fatal(err)
	}
	names := []string{"from", "to", "subject"}
	sigField := fmt.Sprintf("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.org; s=test;\r\n h=%s; l=%d; bh=%s;\r\n b=",
		strings.Join(names, ":"), length, b64(bh.Sum(nil)))
	h := sha256.New()
	for _, i := range indexFields(fields).selectHeaders(names) {
		h.Write([]byte(CanonicalizeHeader(Relaxed, fields[i].Raw)))
	}
	h.Write([]byte(strings.TrimSuffix(CanonicalizeHeader(Relaxed, sigField), "\r\n")))
	return sigField + b64(ed25519.Sign(testKey(), h.Sum(nil))) + "\r\n" + msg
}

func TestVerifyBodyLength(t *testing.T) {
	const bodyLen = 54 // the canonical (relaxed) length of plainMessage's body
	tests := []struct {
		name   string
		length int64
		mutate func(string) string
		noBody bool
		want   outcome
		body   BodyHashStatus
		note   string
	}{
		{"l= covers the whole body", bodyLen, nil, false, outcome{Pass, ""}, BodyHashPass, "l=54"},
		{"text appended after signing", bodyLen, appendText("Buy cheap pills at http://spam.example/\r\n"), false, outcome{Pass, ""}, BodyHashPass, "not covered by the signature"},
		{"l=0 signs no body at all", 0, replace("We lost", "We won"), false, outcome{Pass, ""}, BodyHashPass, "not covered"},
		{"body changed inside the signed part", bodyLen, replace("We lost", "We LOST"), false, outcome{Fail, CauseBodyAltered}, BodyHashFail, "l=54"},
		{"body cut short", bodyLen, replace("\r\nJoe.\r\n", "\r\n"), false, outcome{Fail, CauseLengthLimited}, BodyHashFail, "l=54"},
		{"no body given", bodyLen, nil, true, outcome{Pass, ""}, BodyHashNotChecked, "l=54"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			signed := signWithLength(t, plainMessage, tt.length)
			if tt.mutate != nil {
				signed = tt.mutate(signed)
			}
			f := newFake()
			publishEd25519(t, f, keyAt)
			fields, body, hasBody := splitMessage([]byte(signed))
			if tt.noBody {
				body, hasBody = nil, false
			}
			got := Verify(context.Background(), f, fields, body, hasBody, time.Now())
			checkOutcomes(t, got, []outcome{tt.want})
			if got[0].BodyHash != tt.body {
				t.Errorf("body hash %s, want %s", got[0].BodyHash, tt.body)
			}
			if !strings.Contains(strings.Join(got[0].Notes, "\n")+got[0].Reason, tt.note) {
				t.Errorf("notes %q and reason %q lack %q", got[0].Notes, got[0].Reason, tt.note)
			}
			if got[0].BodyLength == nil || *got[0].BodyLength != tt.length {
				t.Errorf("BodyLength = %v, want %d", got[0].BodyLength, tt.length)
			}
		})
	}
}

// TestVerifyOversigning: a name listed in h= more often than the field
// occurs signs its absence, so adding that field later breaks the
// signature (RFC 6376 §5.4.2, §8.15).
func TestVerifyOversigning(t *testing.T) {
	signed := string(msgauthSign(t, []byte(plainMessage), msgauthOptions{headerKeys: []string{"From", "To", "Subject", "Subject", "Date"}}))
	f := newFake()
	publishEd25519(t, f, keyAt)
	run := func(msg string) Result {
		fields, body, hasBody := splitMessage([]byte(msg))
		return Verify(context.Background(), f, fields, body, hasBody, time.Now().Add(time.Minute))[0]
	}
	if r := run(signed); r.Result != Pass {
		t.Fatalf("oversigned message: %s (%s)", r.Result, r.Reason)
	}
	if r := run("Subject: You won a prize\r\n" + signed); r.Result != Fail || r.Cause != CauseHeaderAltered {
		t.Errorf("added Subject under oversigning: %s/%s, want fail/header_altered", r.Result, r.Cause)
	}
}

func TestVerifyManySignatures(t *testing.T) {
	signed := string(msgauthSign(t, []byte(plainMessage), msgauthOptions{}))
	field, rest, _ := strings.Cut(signed, "\r\nFrom:")
	const n = MaxSignatures + 8
	msg := strings.Repeat(field+"\r\n", n) + "From:" + rest
	f := newFake()
	publishEd25519(t, f, keyAt)
	fields, body, hasBody := splitMessage([]byte(msg))
	got := Verify(context.Background(), f, fields, body, hasBody, time.Now().Add(time.Minute))
	if len(got) != n {
		t.Fatalf("%d results, want %d", len(got), n)
	}
	for i, r := range got {
		want := outcome{Pass, ""}
		if i >= MaxSignatures {
			want = outcome{Neutral, CauseTooManySignatures}
		}
		if r.Result != want.verdict || r.Cause != want.cause || r.Field != i {
			t.Errorf("signature %d: %s/%s field %d, want %s/%s field %d", i, r.Result, r.Cause, r.Field, want.verdict, want.cause, i)
		}
	}
	if q := len(f.questions()); q != MaxSignatures {
		t.Errorf("%d key lookups, want %d", q, MaxSignatures)
	}
	for _, q := range f.questions() {
		if q.priority != dnsclient.Critical {
			t.Errorf("key lookup %s at priority %v, want Critical", q.name, q.priority)
		}
	}
}

// TestVerifyResultShape checks the JSON contract (recheck.dkim) and the
// header.b match.
func TestVerifyResultShape(t *testing.T) {
	signed := msgauthSign(t, []byte(plainMessage), msgauthOptions{})
	f := newFake()
	publishEd25519(t, f, keyAt)
	fields, _, _ := splitMessage(signed)
	r := Verify(context.Background(), f, fields, nil, false, time.Now().Add(time.Minute))[0]
	raw, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{"d": "example.org", "s": "test", "result": "pass", "body_hash": "not_checked", "a": "ed25519-sha256", "c": "relaxed/relaxed"} {
		if m[k] != want {
			t.Errorf("JSON %s = %v, want %v", k, m[k], want)
		}
	}
	if _, ok := m["reason"].(string); !ok {
		t.Error("JSON lacks reason")
	}
	sig := firstSignature(t, signed)
	full := b64(sig.Signature)
	if len(r.HeaderB) != headerBPrefix || !strings.HasPrefix(full, r.HeaderB) {
		t.Errorf("HeaderB %q is not the start of b=%q", r.HeaderB, full)
	}
	for _, tc := range []struct {
		v    string
		want bool
	}{{full[:8], true}, {full, true}, {full[:7], false}, {"AAAAAAAAAA", false}, {full + "A", false}} {
		if got := r.MatchesHeaderB(tc.v); got != tc.want {
			t.Errorf("MatchesHeaderB(%q) = %v, want %v", tc.v, got, tc.want)
		}
	}
}

// TestVerifyKeepsOrder: several signatures come back in field order, each
// judged on its own.
func TestVerifyKeepsOrder(t *testing.T) {
	first := msgauthSign(t, []byte(plainMessage), msgauthOptions{selector: "one"})
	both := msgauthSign(t, first, msgauthOptions{selector: "two", domain: "example.net"})
	f := newFake()
	publishEd25519(t, f, "one._domainkey.example.org")
	fields, body, hasBody := splitMessage(both)
	got := Verify(context.Background(), f, fields, body, hasBody, time.Now().Add(time.Minute))
	if len(got) != 2 || got[0].Selector != "two" || got[1].Selector != "one" {
		t.Fatalf("results %+v, want s=two then s=one", got)
	}
	if got[0].Cause != CauseKeyNotFound || got[1].Result != Pass {
		t.Errorf("got %s/%s and %s/%s, want key_not_found then pass", got[0].Result, got[0].Cause, got[1].Result, got[1].Cause)
	}
	if got[0].KeyName != "two._domainkey.example.net" || got[0].Line != 1 {
		t.Errorf("first result names %q at line %d", got[0].KeyName, got[0].Line)
	}
}
