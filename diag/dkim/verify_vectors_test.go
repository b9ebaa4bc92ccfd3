package dkim

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// vectorTime is when the vectors are checked: after every t= in them and
// before any x= but stalwart 005's (which has its own time).
var vectorTime = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

// outcome is what one signature should come to.
type outcome struct {
	verdict Verdict
	cause   Cause
}

// dkimVerifierOutcome maps the vocabulary of dkim_verifier's
// verifierSpec (EXPECTED.tsv) onto this package's verdicts and causes.
func dkimVerifierOutcome(t *testing.T, s string) outcome {
	t.Helper()
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "(both)"))
	switch {
	case strings.HasPrefix(s, "SUCCESS"):
		return outcome{Pass, ""}
	case s == "PERMFAIL DKIM_SIGERROR_CORRUPT_BH":
		return outcome{Fail, CauseBodyAltered}
	case s == "PERMFAIL DKIM_SIGERROR_BADSIG":
		return outcome{Fail, CauseHeaderAltered}
	case s == "PERMFAIL DKIM_SIGERROR_MISSING_V":
		return outcome{PermError, CauseSignatureSyntax}
	case s == "PERMFAIL DKIM_SIGERROR_KEY_MISMATCHED_K":
		return outcome{PermError, CauseKeyUnusable}
	case s == "PERMFAIL DKIM_SIGERROR_DOMAIN_I":
		return outcome{PermError, CauseIdentityMismatch}
	case s == "PERMFAIL DKIM_POLICYERROR_UNSIGNED_HEADER_ADDED":
		return outcome{Policy, CauseHeaderAdded}
	case s == "PERMFAIL DKIM_SIGERROR_KEY_REVOKED":
		return outcome{PermError, CauseKeyRevoked}
	case s == "PERMFAIL DKIM_SIGERROR_KEY_HASHNOTINCLUDED", s == "PERMFAIL DKIM_SIGERROR_KEY_NOTEMAILKEY":
		return outcome{PermError, CauseKeyUnusable}
	case s == "pass":
		return outcome{Pass, ""}
	}
	t.Fatalf("no mapping for expected result %q: extend dkimVerifierOutcome", s)
	return outcome{}
}

// expectations turns one EXPECTED.tsv cell into one outcome per signature.
func expectations(t *testing.T, cell, dkimpy string, n int) []outcome {
	t.Helper()
	if strings.HasPrefix(cell, "(not asserted") {
		cell = dkimpy
	}
	parts := strings.Split(cell, ", ")
	if len(parts) == 1 && n > 1 {
		for len(parts) < n {
			parts = append(parts, parts[0])
		}
	}
	out := make([]outcome, len(parts))
	for i, p := range parts {
		out[i] = dkimVerifierOutcome(t, p)
	}
	return out
}

func checkOutcomes(t *testing.T, got []Result, want []outcome) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d results, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		if got[i].Result != w.verdict || got[i].Cause != w.cause {
			t.Errorf("signature %d (s=%s): %s/%s (%s), want %s/%s", i+1, got[i].Selector, got[i].Result, got[i].Cause, got[i].Reason, w.verdict, w.cause)
		}
		if got[i].Reason == "" {
			t.Errorf("signature %d has no reason", i+1)
		}
	}
}

// headersOnly says what the same signature comes to when the body is not
// given: a body change can no longer be seen, everything else stays.
func headersOnly(w outcome) outcome {
	if w.cause == CauseBodyAltered {
		return outcome{Pass, ""}
	}
	return w
}

// TestDKIMVerifierSuite runs lieser/dkim_verifier's messages against its
// transcribed DNS, per EXPECTED.tsv, whole and with the body cut off, and
// against go-msgauth on the crypto.
func TestDKIMVerifierSuite(t *testing.T) {
	dir := filepath.Join(testdata, "dkim_verifier")
	f := newFake()
	f.loadTSV(t, filepath.Join(dir, "DNS-TXT-transcribed.tsv"))
	rows := 0
	for _, line := range strings.Split(string(readFile(t, filepath.Join(dir, "EXPECTED.tsv"))), "\n") {
		cols := strings.Split(line, "\t")
		if len(cols) < 4 || strings.HasPrefix(line, "#") || cols[0] == "file" {
			continue
		}
		file, cell, dkimpy := cols[0], cols[1], cols[2]
		if strings.Contains(file, "*") {
			checkARHGlob(t, f, dir, file, dkimpy)
			continue
		}
		rows++
		raw := readFile(t, filepath.Join(dir, file))
		fields, body, hasBody := splitMessage(raw)
		t.Run(file, func(t *testing.T) {
			got := Verify(context.Background(), f, fields, body, hasBody, vectorTime)
			want := expectations(t, cell, dkimpy, len(got))
			checkOutcomes(t, got, want)
			for i, r := range got {
				if r.Result == Pass && r.BodyHash != BodyHashPass {
					t.Errorf("signature %d passes with body hash %s", i+1, r.BodyHash)
				}
			}
			compareWithMsgauth(t, f, raw, got)
		})
		t.Run(file+"/headers-only", func(t *testing.T) {
			got := Verify(context.Background(), f, fields, nil, false, vectorTime)
			want := expectations(t, cell, dkimpy, len(got))
			for i := range want {
				want[i] = headersOnly(want[i])
			}
			checkOutcomes(t, got, want)
			for i, r := range got {
				if r.BodyHash != BodyHashNotChecked {
					t.Errorf("signature %d: body hash %s without a body", i+1, r.BodyHash)
				}
				if r.Result == Pass && !strings.Contains(r.Reason, "body hash not checked: no body") {
					t.Errorf("signature %d: reason %q does not say the body was not checked", i+1, r.Reason)
				}
			}
		})
	}
	if rows < 20 {
		t.Fatalf("only %d rows read from EXPECTED.tsv", rows)
	}
}

// checkARHGlob covers the arh/*.eml row: the rfc6376-A.2-arh-* messages
// carry the RFC 6376 A.2 signature and pass (dkimpy column); the others
// are unsigned.
func checkARHGlob(t *testing.T, f *fakeResolver, dir, glob, dkimpy string) {
	files, err := filepath.Glob(filepath.Join(dir, glob))
	if err != nil || len(files) == 0 {
		t.Fatalf("glob %s: %v", glob, err)
	}
	if !strings.Contains(dkimpy, "rfc6376-A.2-arh-*: pass") || !strings.Contains(dkimpy, "others unsigned") {
		t.Fatalf("EXPECTED.tsv arh row changed: %q", dkimpy)
	}
	for _, file := range files {
		name := "arh/" + filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			raw := readFile(t, file)
			fields, body, hasBody := splitMessage(raw)
			got := Verify(context.Background(), f, fields, body, hasBody, vectorTime)
			if strings.HasPrefix(filepath.Base(file), "rfc6376-A.2-arh-") {
				checkOutcomes(t, got, []outcome{{Pass, ""}})
			} else if len(got) != 0 {
				t.Errorf("unsigned message gave %d results", len(got))
			}
		})
	}
}

// TestDKIMVerifierKeyVariants verifies RFC 6376 A.2 against each
// alternative key record of KEY-VARIANTS.tsv.
func TestDKIMVerifierKeyVariants(t *testing.T) {
	dir := filepath.Join(testdata, "dkim_verifier")
	fields, body, hasBody := splitMessage(readFile(t, filepath.Join(dir, "rfc6376-A.2.eml")))
	n := 0
	for _, line := range strings.Split(string(readFile(t, filepath.Join(dir, "KEY-VARIANTS.tsv"))), "\n") {
		record, expected, ok := strings.Cut(line, "\t")
		if !ok || strings.HasPrefix(line, "#") || record == "txt_record" {
			continue
		}
		n++
		t.Run(strconv.Itoa(n)+"/"+record[:min(len(record), 30)], func(t *testing.T) {
			f := newFake()
			f.txt(t, "brisbane._domainkey.example.com", record)
			got := Verify(context.Background(), f, fields, body, hasBody, vectorTime)
			checkOutcomes(t, got, []outcome{dkimVerifierOutcome(t, expected)})
		})
	}
	if n != 8 {
		t.Fatalf("read %d variants, want 8", n)
	}
}

// dkimpyRecords reads the key records EXPECTED.md maps names to: inline in
// backquotes, or a file of the dkimpy data.
func dkimpyRecords(t *testing.T, f *fakeResolver, dir string) {
	md := string(readFile(t, filepath.Join(dir, "EXPECTED.md")))
	re := regexp.MustCompile("([a-z0-9.]+\\._domainkey\\.[a-z0-9.]+) -> (`[^`]+`|[a-z0-9_]+\\.(?:txt|dns))")
	found := 0
	for _, m := range re.FindAllStringSubmatch(md, -1) {
		txt := strings.Trim(m[2], "`")
		if !strings.HasPrefix(m[2], "`") {
			txt = strings.TrimSpace(string(readFile(t, filepath.Join(dir, m[2]))))
		}
		f.txt(t, m[1], txt)
		found++
	}
	if found < 4 {
		t.Fatalf("found %d key records in EXPECTED.md", found)
	}
}

// TestDkimpyPreSigned verifies the pre-signed dkimpy messages per
// EXPECTED.md.
func TestDkimpyPreSigned(t *testing.T) {
	dir := filepath.Join(testdata, "dkimpy")
	f := newFake()
	dkimpyRecords(t, f, dir)
	tests := []struct {
		file string
		want []outcome
	}{
		{"rfc6376.signed.msg", []outcome{{Pass, ""}, {Pass, ""}}}, // ed25519-sha256 and rsa-sha256
		{"ed25519test2.msg", []outcome{{Pass, ""}}},               // signed by a prototype Exim
		{"test2.message", []outcome{{Pass, ""}}},                  // degenerate folding, Debian bug 711751
	}
	for _, tt := range tests {
		raw := readFile(t, filepath.Join(dir, tt.file))
		fields, body, hasBody := splitMessage(raw)
		t.Run(tt.file, func(t *testing.T) {
			got := Verify(context.Background(), f, fields, body, hasBody, vectorTime)
			checkOutcomes(t, got, tt.want)
			compareWithMsgauth(t, f, raw, got)
		})
		t.Run(tt.file+"/headers-only", func(t *testing.T) {
			checkOutcomes(t, Verify(context.Background(), f, fields, nil, false, vectorTime), tt.want)
		})
	}
	t.Run("message.mbox", func(t *testing.T) {
		t.Skip("not applicable: real 2011 message (s=2007-00 d=kitterman.com) whose key is not in the test data; dkimpy uses it only as signing input")
	})
	t.Run("test_nofrom.message", func(t *testing.T) {
		t.Skip("not applicable: a signing test (a signer must refuse a message without From); this package only verifies")
	})
}

// TestDkimpySignThenVerify signs dkimpy's unsigned messages with its
// private keys (through go-msgauth) and verifies them against each of its
// key records.
func TestDkimpySignThenVerify(t *testing.T) {
	dir := filepath.Join(testdata, "dkimpy")
	block, _ := pem.Decode(readFile(t, filepath.Join(dir, "test.private")))
	if block == nil {
		t.Fatal("test.private is not PEM")
	}
	rsaKey, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	rsaSigned := msgauthSign(t, readFile(t, filepath.Join(dir, "test.message")), msgauthOptions{domain: "example.com", selector: "test", signer: rsaKey})
	edSeed := decodeSeed(t, filepath.Join(dir, "ed25519test.key"))
	edSigned := msgauthSign(t, readFile(t, filepath.Join(dir, "ed25519test.msg")), msgauthOptions{domain: "example.com", selector: "test", signer: edSeed})

	tests := []struct {
		record string
		signed []byte
		want   outcome
		keyErr error
	}{
		{"test.txt", rsaSigned, outcome{Pass, ""}, nil},
		{"test2.txt", rsaSigned, outcome{Pass, ""}, nil}, // no k=: rsa implied
		{"badk.txt", rsaSigned, outcome{PermError, CauseKeyUnusable}, ErrKeyType},
		{"badversion.txt", rsaSigned, outcome{PermError, CauseKeyUnusable}, ErrKeyVersion},
		{"test_bad.txt", rsaSigned, outcome{PermError, CauseKeyUnusable}, ErrKeyData},
		{"test_tlsrpt.txt", rsaSigned, outcome{PermError, CauseKeyUnusable}, ErrKeyNotEmail},
		{"ed25519test.dns", edSigned, outcome{Pass, ""}, nil},
		{"ed25519test.dns", rsaSigned, outcome{PermError, CauseKeyUnusable}, nil}, // k=ed25519 for an rsa-sha256 signature
	}
	for _, tt := range tests {
		t.Run(tt.record, func(t *testing.T) {
			f := newFake()
			f.txt(t, "test._domainkey.example.com", strings.TrimSpace(string(readFile(t, filepath.Join(dir, tt.record)))))
			fields, body, hasBody := splitMessage(tt.signed)
			got := Verify(context.Background(), f, fields, body, hasBody, vectorTime)
			checkOutcomes(t, got, []outcome{tt.want})
			if tt.keyErr != nil && (got[0].Key == nil || !errors.Is(got[0].Key.Usable(), tt.keyErr)) {
				t.Errorf("key problem = %v, want %v", got[0].Key.Usable(), tt.keyErr)
			}
			compareWithMsgauth(t, f, tt.signed, got)
		})
	}
}

// decodeSeed reads a base64 Ed25519 seed file (dkimpy's *.key).
func decodeSeed(t *testing.T, path string) ed25519.PrivateKey {
	t.Helper()
	seed, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(readFile(t, path))))
	if err != nil || len(seed) != ed25519.SeedSize {
		t.Fatalf("%s: not a base64 Ed25519 seed: %v", path, err)
	}
	return ed25519.NewKeyFromSeed(seed)
}

// TestStalwartVectors runs stalwartlabs/mail-auth's DKIM files: key lines,
// an empty line, then the message with LF turned into CRLF, verified at
// 2022-11-07T17:54:24Z.
func TestStalwartVectors(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(testdata, "stalwart-mail-auth", "00*.txt"))
	if err != nil || len(files) != 6 {
		t.Fatalf("want 6 stalwart files, got %d (%v)", len(files), err)
	}
	at := time.Unix(1667843664, 0)
	for _, file := range files {
		f, msg := loadStalwart(t, file)
		fields, body, hasBody := splitMessage(msg)
		t.Run(filepath.Base(file), func(t *testing.T) {
			got := Verify(context.Background(), f, fields, body, hasBody, at)
			want := make([]outcome, len(got))
			for i := range want {
				want[i] = outcome{Pass, ""}
			}
			if len(got) == 0 {
				t.Fatal("no signatures")
			}
			checkOutcomes(t, got, want)
			compareWithMsgauth(t, f, msg, Verify(context.Background(), f, fields, body, hasBody, time.Now()))
		})
	}
	t.Run("005.txt/expired-now", func(t *testing.T) {
		f, msg := loadStalwart(t, filepath.Join(testdata, "stalwart-mail-auth", "005.txt"))
		fields, body, hasBody := splitMessage(msg)
		later := time.Unix(1667930064, 0).Add(time.Hour)
		got := Verify(context.Background(), f, fields, body, hasBody, later)
		checkOutcomes(t, got, []outcome{{PermError, CauseExpired}})
		if !got[0].SignatureVerified || got[0].BodyHash != BodyHashPass {
			t.Errorf("expired signature: verified=%v body=%s, want the crypto reported sound", got[0].SignatureVerified, got[0].BodyHash)
		}
		if !strings.Contains(strings.Join(got[0].Notes, " "), "still verifies") {
			t.Errorf("notes %q do not say the crypto held", got[0].Notes)
		}
	})
}

func loadStalwart(t *testing.T, file string) (*fakeResolver, []byte) {
	t.Helper()
	text := string(readFile(t, file))
	keys, msg, ok := strings.Cut(text, "\n\n")
	if !ok {
		t.Fatalf("%s: no empty line", file)
	}
	f := newFake()
	for _, line := range strings.Split(keys, "\n") {
		name, txt, ok := strings.Cut(line, " ")
		if !ok {
			t.Fatalf("%s: bad key line %q", file, line)
		}
		f.txt(t, name, txt)
	}
	return f, bytes.ReplaceAll([]byte(msg), []byte("\n"), []byte("\r\n"))
}
