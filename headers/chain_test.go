package headers

import (
	"strings"
	"testing"
	"time"
)

func TestHopChainBreak(t *testing.T) {
	// The sender's software wrote two Received fields of its own below the
	// real one, claiming the message came through a bank's servers 770
	// days later than the receiver got it: they connect to each other but
	// not to the hop above them.
	a := analyze(t, Options{},
		"Received: from mx.receiver.example (mx.receiver.example [192.0.2.10]) by store.receiver.example with LMTP; Tue, 2 Jan 2024 10:00:05 +0000",
		"Received: from spam.example.net (spam.example.net [203.0.113.66]) by mx.receiver.example with ESMTP id 1; Tue, 2 Jan 2024 10:00:04 +0000",
		"Received: from app.bank.example (app.bank.example [198.51.100.20]) by relay.bank.example with ESMTP id 2; Tue, 10 Feb 2026 09:00:00 +0000",
		"Received: from web.bank.example (web.bank.example [10.0.0.5]) by app.bank.example with ESMTP id 3; Tue, 10 Feb 2026 08:59:58 +0000",
		"From: Bank <service@bank.example>")
	f := findingOf(a, CodeHopChainBreak)
	if f == nil {
		t.Fatalf("no %s finding: %+v", CodeHopChainBreak, a.Findings)
	}
	if f.Subject != "hop 2" || !strings.Contains(f.Message, "770 days earlier") || !strings.Contains(f.Message, "relay.bank.example") || !strings.Contains(f.Message, "spam.example.net") {
		t.Errorf("finding %+v", f)
	}
	if findingOf(a, CodeClockSkew) != nil {
		t.Errorf("the inserted hop is reported as clock skew too: %+v", a.Findings)
	}
	if !a.Hops[1].ChainBreak || a.Hops[2].ChainBreak || sendingIP(a) != "203.0.113.66" {
		t.Errorf("chain_break on hops %+v, sending IP %q", a.Hops, sendingIP(a))
	}
}

func TestHopChainConnects(t *testing.T) {
	tests := []struct{ name, by, next string }{
		{"same name", "mx.example.net", "from mx.example.net (mx.example.net [192.0.2.1])"},
		{"same organisation", "mx1.example.net", "from out7.example.net (out7.example.net [192.0.2.1])"},
		{"first label", "EXCH01", "from EXCH01.corp.example (192.0.2.1)"},
		{"the address", "[192.0.2.1]", "from host (host [192.0.2.1])"},
		{"nothing to compare", "mx.example.net", "from unknown (unknown [192.0.2.1])"},
	}
	// Two names that only share their first label do not connect.
	a := analyze(t, Options{},
		"Received: from relay.mailer.example (relay.mailer.example [203.0.113.10]) by mx.receiver.example; Tue, 2 Jan 2024 10:00:04 +0000",
		"Received: from app.bank.example (app.bank.example [198.51.100.20]) by relay.bank.example; Tue, 10 Feb 2026 09:00:00 +0000",
		"From: a@example.com")
	if findingOf(a, CodeHopChainBreak) == nil {
		t.Errorf("relay.bank.example and relay.mailer.example connected: %+v", a.Findings)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A jump back of two hours: clock skew where the chain connects.
			a := analyze(t, Options{},
				"Received: "+tt.next+" by top.example.org; Mon, 1 Jan 2024 08:00:00 +0000",
				"Received: from origin.example.com (origin.example.com [198.51.100.1]) by "+tt.by+"; Mon, 1 Jan 2024 10:00:00 +0000",
				"From: a@example.com")
			if findingOf(a, CodeHopChainBreak) != nil || findingOf(a, CodeClockSkew) == nil {
				t.Errorf("findings %+v", a.Findings)
			}
		})
	}
}

func TestSpanWords(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{time.Second, "1 second"},
		{47 * time.Second, "47 seconds"},
		{8*time.Minute + 26*time.Second, "8 minutes"},
		{2*time.Hour + 48*time.Minute, "2 hours 48 minutes"},
		{3 * time.Hour, "3 hours"},
		{770 * 24 * time.Hour, "770 days"},
		{time.Duration(1<<63 - 1), "106752 days"},
	}
	for _, tt := range tests {
		if got := spanWords(tt.d); got != tt.want {
			t.Errorf("spanWords(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}
