package headers

import (
	"strings"
	"testing"
)

func TestForeignAuthResultsAreListedAndLabelled(t *testing.T) {
	a := analyze(t, Options{},
		"Received: from mx.forwarder.example (mx.forwarder.example [198.51.100.30]) by mx.receiver.example with ESMTPS id 1; Mon, 1 Jan 2024 10:00:05 +0000",
		"Authentication-Results: mx.receiver.example; spf=fail smtp.mailfrom=news@sender.example; dkim=pass header.d=sender.example; dmarc=pass header.from=sender.example",
		"Authentication-Results: mx.forwarder.example; spf=pass smtp.mailfrom=news@sender.example; dkim=pass header.d=sender.example; dmarc=fail header.from=sender.example",
		"Received: from mail.sender.example (mail.sender.example [203.0.113.7]) by mx.forwarder.example; Mon, 1 Jan 2024 10:00:02 +0000",
		"Authentication-Results: mx.receiver.example; dmarc=pass header.from=sender.example",
		"From: news@sender.example")
	byTrust := map[AuthTrust][]string{}
	for _, e := range a.AuthenticationResults {
		byTrust[e.Trust] = append(byTrust[e.Trust], e.AuthServID+" "+e.Method+"="+string(e.Result))
		if e.Trusted != (e.Trust == TrustReceiver) {
			t.Errorf("%+v: trusted and trust disagree", e)
		}
	}
	if got := strings.Join(byTrust[TrustReceiver], ", "); got != "mx.receiver.example spf=fail, mx.receiver.example dkim=pass, mx.receiver.example dmarc=pass" {
		t.Errorf("receiver's results: %s", got)
	}
	if got := strings.Join(byTrust[TrustOtherADMD], ", "); got != "mx.forwarder.example spf=pass, mx.forwarder.example dkim=pass, mx.forwarder.example dmarc=fail" {
		t.Errorf("the forwarder's results, untrusted but listed: %s", got)
	}
	if got := strings.Join(byTrust[TrustReceiverEarlier], ", "); got != "mx.receiver.example dmarc=pass" {
		t.Errorf("a field naming the receiver below its hop: %s", got)
	}
	if a.Receiver.SPF != "fail" || a.Receiver.DMARC != "pass" {
		t.Errorf("the receiver's verdicts are its own: %+v", a.Receiver)
	}
}

func TestOtherSignaturesAreListed(t *testing.T) {
	a := analyze(t, Options{},
		"DomainKey-Signature: a=rsa-sha1; c=nofws; q=dns; s=s1024; d=yahoo.example; b=abc",
		"DKIM2-Signature: i=1; m=1; d=sender.example; s=k1; mf=a@sender.example; rt=b@r.example; b=xyz",
		"Message-Instance: m=1; h=sha256:abc; b=sha256:def",
		"DKIM-Signature: v=1; a=rsa-sha256; d=sender.example; s=k1; i=first=2Elast@sender.example; h=from; bh=YQ==; b=YQ==",
		"From: a@sender.example")
	var got []string
	for _, o := range a.OtherSignatures {
		got = append(got, o.Field+" "+o.D+"/"+o.S+" "+o.Status)
	}
	want := "DomainKey-Signature yahoo.example/s1024 not_evaluated; DKIM2-Signature sender.example/k1 not_yet_evaluated; Message-Instance / not_yet_evaluated"
	if strings.Join(got, "; ") != want {
		t.Errorf("other signatures: %q, want %q", strings.Join(got, "; "), want)
	}
	n := 0
	for _, f := range a.Findings {
		if f.Code == CodeNotEvaluated {
			n++
		}
	}
	if n != 3 {
		t.Errorf("%d not-evaluated findings, want one per kind: %+v", n, a.Findings)
	}
	if len(a.DKIMSignatures) != 1 || a.DKIMSignatures[0].I != "first.last@sender.example" {
		t.Errorf("i= is not decoded from DKIM quoted-printable (RFC 6376 §2.11): %+v", a.DKIMSignatures)
	}
}
