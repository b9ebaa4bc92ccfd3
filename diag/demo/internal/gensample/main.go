// Command gensample writes the demo's sample message, diag/demo/sample.eml,
// signed with the demo keys in diag/demo/testdata so that its DKIM
// signatures verify against diag/demo/demo.zone. A third signature, by
// mailer.example, uses a key made on the spot and never published: the
// sample shows a key that was rotated after delivery.
//
// Run from the repository root: go run ./diag/demo/internal/gensample
package main

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
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

func main() {
	sent := time.Now().UTC().Truncate(time.Second)
	at := func(seconds int) string { return sent.Add(time.Duration(seconds) * time.Second).Format(time.RFC1123Z) }
	signed := []byte(original(sent))
	signed = sign(signed, "mailer.example", "es2025", freshKey())
	signed = sign(signed, "healthy.example", "s2", loadKey("diag/demo/testdata/healthy-s2.key"))
	signed = sign(signed, "healthy.example", "s1", loadKey("diag/demo/testdata/healthy-s1.key"))

	bs := headerB(signed)
	trace := "Return-Path: <bounce@healthy.example>\r\n" +
		"Delivered-To: bob@receiver.example\r\n" +
		"Received: from mx.receiver.example (mx.receiver.example [203.0.113.200])\r\n" +
		"\tby store.receiver.example with LMTP id kU8xQ2\r\n" +
		"\tfor <bob@receiver.example>; " + at(5) + "\r\n" +
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
	out := trace + string(head) + relay + "From: " + string(rest)
	if err := os.WriteFile("diag/demo/sample.eml", []byte(out), 0o644); err != nil {
		log.Fatal(err)
	}
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
