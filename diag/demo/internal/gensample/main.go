// Command gensample writes the demo's sample message, diag/demo/sample.eml,
// in two stages.
//
// Signing (-sign) writes diag/demo/testdata/signed.eml: the message as it
// left mailer.example, signed with the demo keys in diag/demo/testdata so
// that its DKIM signatures verify against diag/demo/demo.zone. A third
// signature, by mailer.example, uses a key made on the spot and never
// published: the sample shows a key that was rotated after delivery. The
// signer stamps t= with the time of signing, so this stage is run only
// after changing the message's text.
//
// The trace (always) adds what the servers on the way added: the relay's
// Received under the signatures, and above them the receiver's trace and
// its filters' fields (SpamAssassin's X-Spam-*, Authentication-Results,
// Received-SPF), their times counted from the message's Date. None of
// those fields is named in the signatures' h=, so the signatures still
// verify. This stage is deterministic: run twice, it writes the same
// bytes.
//
// Run from the repository root: go run ./diag/demo/internal/gensample
// (add -sign after changing the message's text).
package main

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"flag"
	"fmt"
	"log"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/emersion/go-msgauth/dkim"
)

// The dates are made from the time of generation, because the signer
// stamps t= with the current time and the hops must come after it.
func original(sent time.Time) string {
	return "From: Alice Example <alice@healthy.example>\r\n" +
		"To: Bob <bob@receiver.example>\r\n" +
		"Subject: Your November statement is ready\r\n" +
		"Date: " + sent.Format(time.RFC1123Z) + "\r\n" +
		"Message-ID: <20261122091401.4Nq2Kx0Zz1@mailer.example>\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"List-Unsubscribe: <mailto:unsubscribe@healthy.example?subject=stop>\r\n" +
		"\r\n" +
		"Hello Bob,\r\n" +
		"\r\n" +
		"your November statement is ready in your account.\r\n" +
		"\r\n" +
		"-- \r\n" +
		"healthy.example\r\n"
}

// signedPath keeps the message as it left mailer.example, signed.
const signedPath = "diag/demo/testdata/signed.eml"

func main() {
	resign := flag.Bool("sign", false, "sign the message anew (run after changing its text; t= becomes the time of signing)")
	flag.Parse()
	if *resign {
		sent := time.Now().UTC().Truncate(time.Second)
		signed := []byte(original(sent))
		signed = sign(signed, "mailer.example", "es2025", freshKey())
		signed = sign(signed, "healthy.example", "s2", loadKey("diag/demo/testdata/healthy-s2.key"))
		signed = sign(signed, "healthy.example", "s1", loadKey("diag/demo/testdata/healthy-s1.key"))
		if err := os.WriteFile(signedPath, signed, 0o644); err != nil {
			log.Fatal(err)
		}
	}
	signed, err := os.ReadFile(signedPath)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile("diag/demo/sample.eml", []byte(trace(signed)), 0o644); err != nil {
		log.Fatal(err)
	}
}

// trace adds to the signed message what the servers on its way added, the
// times counted from its Date.
func trace(signed []byte) string {
	sent := dateOf(signed)
	at := func(seconds int) string { return sent.Add(time.Duration(seconds) * time.Second).Format(time.RFC1123Z) }
	bs := headerB(signed)
	receiver := "Return-Path: <bounce@healthy.example>\r\n" +
		"Delivered-To: bob@receiver.example\r\n" +
		"Received: from mx.receiver.example (mx.receiver.example [203.0.113.200])\r\n" +
		"\tby store.receiver.example with LMTP id kU8xQ2\r\n" +
		"\tfor <bob@receiver.example>; " + at(5) + "\r\n" +
		spamAssassin +
		"Authentication-Results: mx.receiver.example;\r\n" +
		"\tspf=pass (sender IP is 203.0.113.10) smtp.mailfrom=bounce@healthy.example smtp.helo=relay.mailer.example;\r\n" +
		fmt.Sprintf("\tdkim=pass header.d=healthy.example header.s=s1 header.b=%s;\r\n", bs["s1"]) +
		fmt.Sprintf("\tdkim=pass header.d=healthy.example header.s=s2 header.b=%s;\r\n", bs["s2"]) +
		fmt.Sprintf("\tdkim=pass header.d=mailer.example header.s=es2025 header.b=%s;\r\n", bs["es2025"]) +
		"\tdmarc=pass (p=reject) header.from=healthy.example\r\n" +
		"Received-SPF: pass (mx.receiver.example: domain of bounce@healthy.example designates 203.0.113.10 as permitted sender)\r\n" +
		"\tclient-ip=203.0.113.10; envelope-from=bounce@healthy.example; helo=relay.mailer.example;\r\n" +
		"Received: from relay.mailer.example (relay.mailer.example [203.0.113.10])\r\n" +
		"\tby mx.receiver.example (Postfix) with ESMTPS id 9F3B21C0042\r\n" +
		"\tfor <bob@receiver.example>; " + at(4) + " (UTC)\r\n"
	// The relay's own Received goes below the signatures: it was there
	// before the message was signed on the way out.
	head, rest, _ := bytes.Cut(signed, []byte("From: "))
	relay := "Received: from app01.mailer.example (app01.mailer.example [10.20.30.40])\r\n" +
		"\tby relay.mailer.example (Postfix) with ESMTP id 4Nq2Kx0Zz1\r\n" +
		"\tfor <bob@receiver.example>; " + at(1) + "\r\n"
	return receiver + string(head) + relay + "From: " + string(rest)
}

// spamAssassin is what SpamAssassin 4.0.1, called by the receiver's
// Postfix, wrote: not spam, its score made of the rules' default scores
// (BAYES_00 from a trained Bayes database), the report folded as
// SpamAssassin folds it.
const spamAssassin = "X-Spam-Checker-Version: SpamAssassin 4.0.1 (2024-03-26) on mx.receiver.example\r\n" +
	"X-Spam-Level: \r\n" +
	"X-Spam-Status: No, score=-2.1 required=5.0 tests=BAYES_00,DKIM_SIGNED,\r\n" +
	"\tDKIM_VALID,DKIM_VALID_AU,DKIM_VALID_EF,DMARC_PASS,SPF_HELO_NONE,\r\n" +
	"\tSPF_PASS autolearn=ham autolearn_force=no version=4.0.1\r\n" +
	"X-Spam-Report: \r\n" +
	"\t* -1.9 BAYES_00 BODY: Bayes spam probability is 0 to 1%\r\n" +
	"\t*      [score: 0.0000]\r\n" +
	"\t* -0.0 SPF_PASS SPF: sender matches SPF record\r\n" +
	"\t*  0.0 SPF_HELO_NONE SPF: HELO does not publish an SPF Record\r\n" +
	"\t*  0.1 DKIM_SIGNED Message has a DKIM or DK signature, not necessarily valid\r\n" +
	"\t* -0.1 DKIM_VALID_EF Message has a valid DKIM or DK signature from envelope-from\r\n" +
	"\t*       domain\r\n" +
	"\t* -0.1 DKIM_VALID_AU Message has a valid DKIM or DK signature from author's\r\n" +
	"\t*       domain\r\n" +
	"\t* -0.1 DKIM_VALID Message has at least one valid DKIM or DK signature\r\n" +
	"\t* -0.0 DMARC_PASS DMARC pass policy\r\n"

// dateOf reads the signed message's Date.
func dateOf(msg []byte) time.Time {
	m := regexp.MustCompile(`(?m)^Date: (.+)\r$`).FindSubmatch(msg)
	if m == nil {
		log.Fatalf("%s has no Date", signedPath)
	}
	t, err := time.Parse(time.RFC1123Z, string(m[1]))
	if err != nil {
		log.Fatalf("%s: Date: %v", signedPath, err)
	}
	return t.UTC()
}

func sign(msg []byte, domain, selector string, key crypto.Signer) []byte {
	var b bytes.Buffer
	err := dkim.Sign(&b, bytes.NewReader(msg), &dkim.SignOptions{
		Domain:                 domain,
		Selector:               selector,
		Signer:                 key,
		HeaderCanonicalization: dkim.CanonicalizationRelaxed,
		BodyCanonicalization:   dkim.CanonicalizationRelaxed,
		HeaderKeys:             []string{"From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type", "List-Unsubscribe"},
	})
	if err != nil {
		log.Fatal(err)
	}
	return b.Bytes()
}

// headerB returns the first 12 characters of each signature's b= by selector,
// as an Authentication-Results header.b= carries them (RFC 6008).
func headerB(msg []byte) map[string]string {
	out := map[string]string{}
	unfolded := strings.ReplaceAll(string(msg), "\r\n ", "")
	selRE := regexp.MustCompile(`;\s*s=([^;]+)`)
	bRE := regexp.MustCompile(`;\s*b=([^;]+)`)
	for _, line := range strings.Split(unfolded, "\r\n") {
		v, ok := strings.CutPrefix(line, "DKIM-Signature:")
		if !ok {
			continue
		}
		sel, b := selRE.FindStringSubmatch(v), bRE.FindStringSubmatch(v)
		if sel != nil && b != nil {
			out[sel[1]] = b[1][:12]
		}
	}
	return out
}

func loadKey(path string) crypto.Signer {
	b, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	block, _ := pem.Decode(b)
	if block == nil {
		log.Fatalf("%s: no PEM block", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		log.Fatal(err)
	}
	return k.(crypto.Signer)
}

func freshKey() crypto.Signer {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		log.Fatal(err)
	}
	return k
}
