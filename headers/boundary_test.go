package headers

import (
	"strings"
	"testing"
)

// gatewayLayout is a common layout: a perimeter gateway (gw.receiver.example)
// takes the message from the sender, records its own Authentication-Results
// and Received-SPF, and hands it to an Exchange server with names in a
// private namespace (.local), which writes the top hops.
var gatewayLayout = []string{
	"Received: from EXCH01.corp.local (10.1.1.5) by EXCH02.corp.local (10.1.1.6) with Microsoft SMTP Server id 15.2.1; Mon, 1 Jan 2024 10:00:05 +0000",
	"Received: from gw.receiver.example (192.0.2.25) by EXCH01.corp.local (10.1.1.5) with Microsoft SMTP Server id 15.2.1; Mon, 1 Jan 2024 10:00:04 +0000",
	"Authentication-Results: gw.receiver.example; spf=pass smtp.mailfrom=news@sender.example; dkim=pass header.d=sender.example; dmarc=pass header.from=sender.example",
	"Received-SPF: Pass (gw.receiver.example: domain of news@sender.example designates 198.51.100.7 as permitted sender) client-ip=198.51.100.7; envelope-from=news@sender.example; helo=mail.sender.example; receiver=gw.receiver.example;",
	"Received: from mail.sender.example (mail.sender.example [198.51.100.7]) by gw.receiver.example (Postfix) with ESMTPS id 4Nq2; Mon, 1 Jan 2024 10:00:02 +0000",
	"From: News <news@sender.example>",
}

func TestBoundaryFromTheReceiversOwnRecords(t *testing.T) {
	a := analyze(t, Options{}, gatewayLayout...)
	if sendingIP(a) != "198.51.100.7" || a.HELO != "mail.sender.example" {
		t.Errorf("sending IP %q HELO %q: the gateway's own client is the sender, not the gateway (192.0.2.25)", sendingIP(a), a.HELO)
	}
	if a.Receiver.SPF != "pass" || a.Receiver.DMARC != "pass" || a.Receiver.AuthServID != "gw.receiver.example" {
		t.Errorf("receiver = %+v: the gateway's results are the receiver's", a.Receiver)
	}
	if a.ReceivedSPF == nil || !a.ReceivedSPF.Trusted {
		t.Errorf("the gateway's Received-SPF is not trusted: %+v", a.ReceivedSPF)
	}
	if !strings.Contains(strings.Join(a.ReceivingOrg, ","), "receiver.example") {
		t.Errorf("receiving organisation %v", a.ReceivingOrg)
	}
	for _, h := range a.Hops[1:] {
		if !h.Internal {
			t.Errorf("hop %d (%s) not internal", h.Index, h.From)
		}
	}
	if hasCode(a.Findings, CodeNoReceiverResults) || hasCode(a.Findings, CodeBoundaryAmbiguous) {
		t.Errorf("findings %+v: the gateway's Received-SPF names the chosen client, nothing is ambiguous", a.Findings)
	}
}

func TestBoundaryAmbiguous(t *testing.T) {
	// The gateway recorded an Authentication-Results naming itself, but
	// no Received-SPF or client-ip that confirms which hop it received
	// from: both readings are named.
	lines := []string{gatewayLayout[0], gatewayLayout[1],
		"Authentication-Results: gw.receiver.example; dkim=pass header.d=sender.example",
		gatewayLayout[4], gatewayLayout[5]}
	a := analyze(t, Options{}, lines...)
	f := findingOf(a, CodeBoundaryAmbiguous)
	if f == nil {
		t.Fatalf("no %s finding: %+v", CodeBoundaryAmbiguous, a.Findings)
	}
	for _, want := range []string{"192.0.2.25", "198.51.100.7", "--trusted-hosts"} {
		if !strings.Contains(f.Message+f.Fix, want) {
			t.Errorf("the finding does not name %s: %s / %s", want, f.Message, f.Fix)
		}
	}
	// With the gateway trusted, the choice is the technician's.
	a = analyze(t, Options{TrustedHosts: []string{"gw.receiver.example"}}, lines...)
	if sendingIP(a) != "198.51.100.7" || hasCode(a.Findings, CodeBoundaryAmbiguous) {
		t.Errorf("trusted gateway: sending IP %q, findings %+v", sendingIP(a), a.Findings)
	}
}

func TestBoundaryPrivateNamespaces(t *testing.T) {
	tests := []struct{ name, received string }{
		{".local with no address", "from EXCH01.corp.local by EXCH02.corp.local with Microsoft SMTP Server id 14.3.1; Mon, 1 Jan 2024 10:00:05 +0000"},
		{"single label", "from EXCH01 by EXCH02 with Microsoft SMTP Server id 14.3.1; Mon, 1 Jan 2024 10:00:05 +0000"},
		{".internal", "from relay.mail.internal by store.mail.internal id 1; Mon, 1 Jan 2024 10:00:05 +0000"},
		{".lan and .localdomain", "from box.lan by mail.localdomain id 1; Mon, 1 Jan 2024 10:00:05 +0000"},
		{"Exchange MAPI", "from EXCH01.receiver.example by EXCH02.receiver.example with mapi id 15.1.2; Mon, 1 Jan 2024 10:00:05 +0000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := analyze(t, Options{}, "Received: "+tt.received,
				"Received: from mail.sender.example (mail.sender.example [198.51.100.7]) by mx.receiver.example; Mon, 1 Jan 2024 10:00:02 +0000",
				"From: a@sender.example")
			if !a.Hops[1].Internal || sendingIP(a) != "198.51.100.7" {
				t.Errorf("top hop internal=%v (%s), sending IP %q", a.Hops[1].Internal, a.Hops[1].InternalReason, sendingIP(a))
			}
		})
	}
	// A public client that names itself in a private namespace is not
	// internal: the name is its own claim.
	a := analyze(t, Options{}, "Received: from WIN-4J2.local (unknown [203.0.113.9]) by mx.receiver.example; Mon, 1 Jan 2024 10:00:02 +0000", "From: a@b.example")
	if a.Hops[0].Internal || sendingIP(a) != "203.0.113.9" {
		t.Errorf("a public client calling itself .local: internal=%v, sending IP %q", a.Hops[0].Internal, sendingIP(a))
	}
}

func TestBoundaryReceiverRecordsAHopBelow(t *testing.T) {
	// A filtering service (filter.scanner.example) takes the message in
	// front of the receiver and passes the original client on: the
	// receiver's own Authentication-Results is about the sender's address,
	// two hops down.
	a := analyze(t, Options{},
		"Received: from mx.receiver.example (mx.receiver.example [192.0.2.10]) by store.receiver.example with LMTP; Mon, 1 Jan 2024 10:00:05 +0000",
		"Authentication-Results: mx.receiver.example; spf=pass (sender IP is 198.51.100.7) smtp.mailfrom=news@sender.example",
		"Received: from out.scanner.example (out.scanner.example [203.0.113.50]) by mx.receiver.example; Mon, 1 Jan 2024 10:00:04 +0000",
		"Received: from mail.sender.example (mail.sender.example [198.51.100.7]) by in.scanner.example; Mon, 1 Jan 2024 10:00:02 +0000",
		"From: news@sender.example")
	f := findingOf(a, CodeBoundaryAmbiguous)
	if f == nil || hasCode(a.Findings, CodeSendingIPMismatch) {
		t.Fatalf("findings %+v", a.Findings)
	}
	for _, want := range []string{"203.0.113.50", "198.51.100.7", "--trusted-hosts 203.0.113.50"} {
		if !strings.Contains(f.Message+f.Fix, want) {
			t.Errorf("the finding does not name %s: %s / %s", want, f.Message, f.Fix)
		}
	}
	a = analyze(t, Options{TrustedHosts: []string{"203.0.113.50"}},
		"Received: from mx.receiver.example (mx.receiver.example [192.0.2.10]) by store.receiver.example with LMTP; Mon, 1 Jan 2024 10:00:05 +0000",
		"Authentication-Results: mx.receiver.example; spf=pass (sender IP is 198.51.100.7) smtp.mailfrom=news@sender.example",
		"Received: from out.scanner.example (out.scanner.example [203.0.113.50]) by mx.receiver.example; Mon, 1 Jan 2024 10:00:04 +0000",
		"Received: from mail.sender.example (mail.sender.example [198.51.100.7]) by in.scanner.example; Mon, 1 Jan 2024 10:00:02 +0000",
		"From: news@sender.example")
	if sendingIP(a) != "198.51.100.7" || hasCode(a.Findings, CodeBoundaryAmbiguous) {
		t.Errorf("with the scanner trusted: %q, %+v", sendingIP(a), a.Findings)
	}
}
