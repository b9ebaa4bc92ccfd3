package headers

import (
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/mxray/mxray/headers/authres"
)

// analyze parses the lines (joined with CRLF) and analyses them.
func analyze(t *testing.T, opts Options, lines ...string) *Analysis {
	t.Helper()
	m, err := Parse([]byte(strings.Join(lines, "\r\n") + "\r\n"))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return Analyze(m, opts)
}

func sendingIP(a *Analysis) string {
	if a.SendingIP == nil {
		return ""
	}
	return a.SendingIP.String()
}

func findingOf(a *Analysis, code Code) *Finding {
	for i := range a.Findings {
		if a.Findings[i].Code == code {
			return &a.Findings[i]
		}
	}
	return nil
}

// A Microsoft 365 inbound chain: two internal hops between public
// Microsoft IPv6 addresses, then the hop from the sender.
var m365 = []string{
	"Received: from DB8PR04MB1234.eurprd04.prod.outlook.com (2603:10a6:10:1::1) by AM0PR04MB5678.eurprd04.prod.outlook.com with HTTPS; Mon, 1 Jan 2024 10:00:03 +0000",
	"Received: from AM5EUR02FT010.eop-EUR02.prod.protection.outlook.com (2603:10a6:20b:1::2) by DB8PR04MB1234.outlook.office365.com (2603:10a6:10:1::1) with Microsoft SMTP Server (version=TLS1_2) id 15.20.1; Mon, 1 Jan 2024 10:00:02 +0000",
	"Authentication-Results: spf=pass (sender IP is 209.85.128.41) smtp.mailfrom=example.com; dkim=pass (signature was verified) header.d=example.com;dmarc=pass action=none header.from=example.com;compauth=pass reason=100",
	"Received-SPF: Pass (protection.outlook.com: domain of example.com designates 209.85.128.41 as permitted sender) receiver=protection.outlook.com; client-ip=209.85.128.41; helo=mail-wm1-f41.google.com; pr=C",
	"Received: from mail-wm1-f41.google.com (209.85.128.41) by AM5EUR02FT010.mail.protection.outlook.com (10.152.8.1) with Microsoft SMTP Server (version=TLS1_2) id 15.20.1; Mon, 1 Jan 2024 10:00:01 +0000",
	"X-Forefront-Antispam-Report: CIP:209.85.128.41;CTRY:US;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;H:mail-wm1-f41.google.com;PTR:mail-wm1-f41.google.com;CAT:NONE;DIR:INB;",
	"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=sel; h=from:to:subject; bh=AA==; b=AA==",
	"From: Alice <alice@example.com>",
	"Return-Path: alice@example.com",
}

func TestAnalyzeMicrosoft365(t *testing.T) {
	a := analyze(t, Options{}, m365...)
	if got := sendingIP(a); got != "209.85.128.41" || a.HELO != "mail-wm1-f41.google.com" || a.SendingHop != 1 {
		t.Errorf("sending IP %q HELO %q hop %d", got, a.HELO, a.SendingHop)
	}
	if !a.Hops[2].Internal || !a.Hops[1].Internal || a.Hops[0].Internal {
		t.Errorf("internal flags %v %v %v", a.Hops[0].Internal, a.Hops[1].Internal, a.Hops[2].Internal)
	}
	r := a.Receiver
	if r.SPF != authres.ResultPass || r.DKIM != authres.ResultPass || r.DMARC != authres.ResultPass || r.CompAuth != authres.ResultPass || r.CompReason != "100" {
		t.Errorf("verdicts %+v", r)
	}
	if a.Microsoft == nil || !a.Microsoft.Trusted || a.Microsoft.CIP != "209.85.128.41" || a.Microsoft.Forefront.SFV != "NSPM" {
		t.Errorf("microsoft %+v", a.Microsoft)
	}
	if findingOf(a, CodeSendingIPMismatch) != nil {
		t.Errorf("unexpected mismatch: %+v", a.Findings)
	}
	if a.ReceiverClientIP == nil || a.ReceiverClientIP.String() != "209.85.128.41" {
		t.Errorf("receiver client IP %v", a.ReceiverClientIP)
	}
	for _, e := range a.AuthenticationResults {
		if !e.Trusted {
			t.Errorf("the receiver's own result %s is not trusted", e.Method)
		}
	}
}

func TestAnalyzeCrossCheck(t *testing.T) {
	// The receiver's Forefront report names another client than the chain.
	lines := append([]string{}, m365...)
	lines[5] = "X-Forefront-Antispam-Report: CIP:198.51.100.99;SFV:NSPM;"
	a := analyze(t, Options{}, lines...)
	f := findingOf(a, CodeSendingIPMismatch)
	if f == nil || !strings.Contains(f.Message, "198.51.100.99 in X-Forefront-Antispam-Report") || f.Severity != SeverityWarning {
		t.Fatalf("mismatch finding = %+v", f)
	}
}

func TestAnalyzeTrustedHostsAndOverride(t *testing.T) {
	lines := []string{
		"Received: from filter.example.net (filter.example.net [198.51.100.5]) by mail.example.org with ESMTPS id 1; Mon, 1 Jan 2024 10:00:02 +0000",
		"Received: from sender.example.com (sender.example.com [203.0.113.7]) by filter.example.net with ESMTPS id 2; Mon, 1 Jan 2024 10:00:01 +0000",
		"From: a@sender.example.com",
	}
	a := analyze(t, Options{}, lines...)
	if sendingIP(a) != "198.51.100.5" {
		t.Fatalf("without trusted hosts: %q", sendingIP(a))
	}
	for _, trusted := range [][]string{{"198.51.100.0/24"}, {"filter.example.net"}, {"198.51.100.5"}, {"example.net"}} {
		a = analyze(t, Options{TrustedHosts: trusted}, lines...)
		if sendingIP(a) != "203.0.113.7" || a.HELO != "sender.example.com" || !a.Hops[1].Internal {
			t.Errorf("trusted %v: sending IP %q HELO %q", trusted, sendingIP(a), a.HELO)
		}
	}
	a = analyze(t, Options{SendingIP: netip.MustParseAddr("203.0.113.7")}, lines...)
	if sendingIP(a) != "203.0.113.7" || a.SendingIPSource != "option" || a.HELO != "sender.example.com" || a.SendingHop != 1 {
		t.Errorf("override: %q %q %q %d", sendingIP(a), a.SendingIPSource, a.HELO, a.SendingHop)
	}
}

func TestAnalyzeInternalReasons(t *testing.T) {
	tests := []struct{ name, received, want string }{
		{"private", "from a.example (a.example [10.1.2.3]) by mx.example.org; Mon, 1 Jan 2024 00:00:00 +0000", "not a public address"},
		{"loopback", "from localhost (localhost [127.0.0.1]) by mx.example.org; Mon, 1 Jan 2024 00:00:00 +0000", "not a public address"},
		{"link-local", "from x ([fe80::1%6]) by mx.example.org with mapi; Mon, 1 Jan 2024 00:00:00 +0000", "not a public address"},
		{"LMTP", "from mx.example.org (mx.example.org [192.0.2.1]) by store.example.org with LMTP; Mon, 1 Jan 2024 00:00:00 +0000", "LMTP"},
		{"no from-part", "by mx.example.org with SMTP id 1; Mon, 1 Jan 2024 00:00:00 +0000", "no from-part"},
		{"receiving organisation", "from gw.example.org (gw.example.org [192.0.2.9]) by mx.example.org; Mon, 1 Jan 2024 00:00:00 +0000", "belongs to the receiving organisation"},
		{"user submission", "(from user@localhost) by mx.example.org id x; Mon, 1 Jan 2024 00:00:00 +0000", "localhost"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := analyze(t, Options{}, "Received: "+tt.received,
				"Received: from out.sender.example (out.sender.example [203.0.113.1]) by gw.example.org; Mon, 1 Jan 2024 00:00:00 +0000",
				"From: a@sender.example")
			top := a.Hops[len(a.Hops)-1]
			if !top.Internal || !strings.Contains(top.InternalReason, tt.want) {
				t.Errorf("top hop internal=%v reason %q, want %q", top.Internal, top.InternalReason, tt.want)
			}
		})
	}
	// A public client that calls itself localhost is not internal.
	a := analyze(t, Options{}, "Received: from localhost (unknown [92.47.238.91]) by mx.example.org; Mon, 1 Jan 2024 00:00:00 +0000", "From: a@b.example")
	if a.Hops[0].Internal || sendingIP(a) != "92.47.238.91" {
		t.Errorf("spoofed localhost: internal=%v ip %q", a.Hops[0].Internal, sendingIP(a))
	}
}

func TestAnalyzeClockSkewAndDelays(t *testing.T) {
	a := analyze(t, Options{},
		"Received: from b.example (b.example [192.0.2.2]) by c.example.org; Mon, 1 Jan 2024 10:00:00 +0000",
		"Received: from a.example (a.example [192.0.2.1]) by b.example; Mon, 1 Jan 2024 11:00:30 +0100",
		"From: x@a.example")
	if len(a.Hops) != 2 || a.Hops[1].DelaySeconds == nil || *a.Hops[1].DelaySeconds != -30 || a.Hops[0].DelaySeconds != nil {
		t.Fatalf("delays: %+v", a.Hops)
	}
	if f := findingOf(a, CodeClockSkew); f != nil {
		t.Errorf("30 seconds of disorder is within ClockSkewTolerance, yet: %+v", f)
	}
	skewed := analyze(t, Options{},
		"Received: from b.example (b.example [192.0.2.2]) by c.example.org; Mon, 1 Jan 2024 10:00:00 +0000",
		"Received: from a.example (a.example [192.0.2.1]) by b.example; Mon, 1 Jan 2024 11:05:00 +0100",
		"From: x@a.example")
	f := findingOf(skewed, CodeClockSkew)
	if f == nil || f.Subject != "hop 2" || !strings.Contains(f.Message, "5 minutes before hop 1") {
		t.Errorf("skew finding %+v", f)
	}
	b, _ := json.Marshal(a.Hops[0])
	if !strings.Contains(string(b), `"time":"2024-01-01T10:00:30Z"`) {
		t.Errorf("hop time is not RFC 3339 UTC: %s", b)
	}
}

func TestAnalyzeReceiverRecordsOnly(t *testing.T) {
	a := analyze(t, Options{},
		"Received: from relay.example.org (relay.example.org [10.0.0.2]) by mx.example.org; Mon, 1 Jan 2024 10:00:00 +0000",
		"Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=a@b.example smtp.helo=out.b.example; iprev=pass smtp.remote-ip=198.51.100.25",
		"From: a@b.example")
	if sendingIP(a) != "198.51.100.25" || a.SendingIPSource != "receiver" || a.HELO != "out.b.example" {
		t.Errorf("sending IP %q from %q HELO %q", sendingIP(a), a.SendingIPSource, a.HELO)
	}
	if findingOf(a, CodeSendingIPRecorded) == nil {
		t.Errorf("no finding says where the IP came from")
	}
}

func TestAnalyzeAuthResultsTrust(t *testing.T) {
	a := analyze(t, Options{},
		"Received: from out.sender.example (out.sender.example [203.0.113.1]) by mx.example.org; Mon, 1 Jan 2024 10:00:01 +0000",
		"Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=a@sender.example",
		"Authentication-Results: mx.example.org; dkim=pass header.d=sender.example header.s=s1",
		"Authentication-Results: mx.example.org; dmarc=pass header.from=sender.example",
		"Received: from pc (pc [10.0.0.9]) by out.sender.example; Mon, 1 Jan 2024 10:00:00 +0000",
		"Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=forged@sender.example; dkim=pass header.d=bank.example",
		"Authentication-Results: other.example; dkim=fail header.d=sender.example",
		"From: a@sender.example")
	r := a.Receiver
	if r.AuthServID != "mx.example.org" || r.SPF != authres.ResultPass || r.DKIM != authres.ResultPass || r.DMARC != authres.ResultPass || len(r.DKIMResults) != 1 {
		t.Errorf("combined verdicts %+v", r)
	}
	if r.DKIMResults[0].Domain != "sender.example" || r.DKIMResults[0].Selector != "s1" {
		t.Errorf("dkim verdict %+v", r.DKIMResults[0])
	}
	trusted := 0
	for _, e := range a.AuthenticationResults {
		if e.Trusted {
			trusted++
		}
	}
	if len(a.AuthenticationResults) != 6 || trusted != 3 {
		t.Errorf("%d results, %d trusted; want 6 and 3", len(a.AuthenticationResults), trusted)
	}
	if f := findingOf(a, CodeForeignAuthRes); f == nil || !strings.Contains(f.Message, "mx.example.org") {
		t.Errorf("the forged A-R below the boundary is not reported: %+v", a.Findings)
	}
}

func TestAnalyzeDKIM(t *testing.T) {
	sig := func(extra string) string {
		return "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/simple; d=example.com; s=sel; h=from:subject; bh=AA==; b=AA==" + extra
	}
	received := "Received: from a.example.com (a.example.com [192.0.2.1]) by mx.example.org; Mon, 1 Jan 2024 10:00:00 +0000"
	jan1 := time.Date(2024, 1, 1, 10, 0, 0, 0, time.UTC).Unix()
	tests := []struct {
		name  string
		sig   string
		now   time.Time
		codes []Code
		none  []Code
	}{
		{"clean", sig(""), time.Time{}, nil, []Code{CodeDKIMLength, CodeDKIMExpired, CodeDKIMExpiredNow, CodeDKIMInvalid}},
		{"l= present", sig("; l=120"), time.Time{}, []Code{CodeDKIMLength}, nil},
		{"expired before receipt", sig("; t=" + itoa(int(jan1-3600)) + "; x=" + itoa(int(jan1-60))), time.Time{}, []Code{CodeDKIMExpired}, []Code{CodeDKIMExpiredNow}},
		{"expired since", sig("; x=" + itoa(int(jan1+3600))), time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), []Code{CodeDKIMExpiredNow}, []Code{CodeDKIMExpired}},
		{"i= outside d=", sig("; i=joe@example.net"), time.Time{}, []Code{CodeDKIMInvalid}, nil},
		{"missing b=", "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=sel; h=from; bh=AA==", time.Time{}, []Code{CodeDKIMInvalid}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := analyze(t, Options{Now: tt.now}, received, tt.sig, "From: a@example.com")
			for _, c := range tt.codes {
				if findingOf(a, c) == nil {
					t.Errorf("no %s finding: %+v", c, a.Findings)
				}
			}
			for _, c := range tt.none {
				if findingOf(a, c) != nil {
					t.Errorf("unexpected %s finding", c)
				}
			}
			if len(a.DKIMSignatures) != 1 || a.DKIMSignatures[0].D != "example.com" || a.DKIMSignatures[0].S != "sel" {
				t.Errorf("signatures %+v", a.DKIMSignatures)
			}
		})
	}
	if f := findingOf(analyze(t, Options{}, received, sig("; i=joe@example.net"), "From: a@example.com"), CodeDKIMInvalid); f == nil || f.Severity != SeverityError || !strings.Contains(f.Message, "i=joe@example.net") {
		t.Errorf("i=/d= finding %+v", f)
	}
}

func TestAnalyzeFrom(t *testing.T) {
	tests := []struct {
		name   string
		from   []string
		domain string
		code   Code
	}{
		{"display name with encoded words", []string{"From: =?UTF-8?B?0JLRgNC10LzRjyDQv9GA0LjRiNC70L4=?= <NoReply@GGG.com>"}, "ggg.com", ""},
		{"missing", nil, "", CodeFromMissing},
		{"two From fields", []string{"From: a@one.example", "From: b@two.example"}, "one.example", CodeFromMultiple},
		{"two mailboxes", []string{"From: a@one.example, b@two.example"}, "one.example", CodeFromMailboxes},
		{"ill-formed", []string{"From: Joe SixPack <joe]@football.example.com>"}, "football.example.com", CodeFromIllFormed},
		{"group with no mailbox", []string{"From: undisclosed-recipients:;"}, "", CodeFromNoDomain},
		{"comment and quoted name", []string{`From: "Doe, John" (sales) <john@Example.COM.>`}, "example.com", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := append([]string{"Subject: s"}, tt.from...)
			a := analyze(t, Options{}, lines...)
			if a.FromDomain != tt.domain {
				t.Errorf("From domain %q, want %q", a.FromDomain, tt.domain)
			}
			if tt.code != "" && findingOf(a, tt.code) == nil {
				t.Errorf("no %s finding: %+v", tt.code, a.Findings)
			}
		})
	}
	a := analyze(t, Options{}, "From: =?UTF-8?B?0JLRgNC10LzRjyDQv9GA0LjRiNC70L4=?= <noreply@ggg.com>")
	if len(a.From) != 1 || a.From[0].Name != "Время пришло" {
		t.Errorf("From display name %+v", a.From)
	}
}

func TestAnalyzeEnvelope(t *testing.T) {
	rcv := "Received: from out.example.com (out.example.com [192.0.2.1]) by mx.example.org (envelope-from <hop@example.com>); Mon, 1 Jan 2024 00:00:00 +0000"
	tests := []struct {
		name       string
		lines      []string
		env        string
		source     string
		nullSender bool
	}{
		{"Return-Path", []string{"Return-Path: <rp@example.com>", rcv}, "rp@example.com", "Return-Path", false},
		{"null sender", []string{"Return-Path: <>", rcv}, "", "Return-Path", true},
		{"X-Envelope-From", []string{"X-Envelope-From: <xe@example.com>", rcv}, "xe@example.com", "X-Envelope-From", false},
		{"the boundary hop", []string{rcv}, "hop@example.com", "Received hop 1", false},
		{"Received-SPF", []string{"Received: from out.example.com (out.example.com [192.0.2.1]) by mx.example.org; Mon, 1 Jan 2024 00:00:00 +0000",
			"Received-SPF: pass (mx.example.org: domain of spf@example.com designates 192.0.2.1 as permitted sender) envelope-from=spf@example.com; client-ip=192.0.2.1"},
			"spf@example.com", "Received-SPF", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := analyze(t, Options{}, append(tt.lines, "From: a@example.com")...)
			if a.EnvelopeFrom != tt.env || a.EnvelopeFromSource != tt.source || a.NullSender != tt.nullSender {
				t.Errorf("envelope %q from %q null %v; want %q from %q null %v", a.EnvelopeFrom, a.EnvelopeFromSource, a.NullSender, tt.env, tt.source, tt.nullSender)
			}
		})
	}
}

func TestAnalyzeUnparsedHopAndJSON(t *testing.T) {
	a := analyze(t, Options{}, "Received: (just a comment)", "From: a@example.com")
	if len(a.Hops) != 1 || a.Hops[0].Raw != "(just a comment)" || findingOf(a, CodeUnparsedHop) == nil {
		t.Fatalf("unparsed hop %+v", a.Hops)
	}
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"sending_ip":null`, `"hops":[{"index":1`, `"raw":"(just a comment)"`, `"ip":null`, `"findings":[`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON lacks %s: %s", want, b)
		}
	}
	// IPv6 in RFC 5952 form in JSON.
	a = analyze(t, Options{}, "Received: from a.example (a.example [IPv6:2001:0db8:0000:0000:0000:0000:0000:0001]) by mx.example.org; Mon, 1 Jan 2024 00:00:00 +0000", "From: a@a.example")
	b, _ = json.Marshal(a)
	if !strings.Contains(string(b), `"sending_ip":"2001:db8::1"`) {
		t.Errorf("IPv6 not in RFC 5952 form: %s", b)
	}
}

func TestAnalyzeCompAuthAndExchangeResults(t *testing.T) {
	lines := append([]string{}, m365...)
	lines[2] = "Authentication-Results: spf=fail (sender IP is 209.85.128.41) smtp.mailfrom=example.com; dkim=none (message not signed) header.d=none;dmarc=fail action=quarantine header.from=example.com;compauth=fail reason=000"
	lines = append(lines, "X-MS-Exchange-Authentication-Results: spf=fail (sender IP is 209.85.128.41) smtp.mailfrom=example.com")
	a := analyze(t, Options{}, lines...)
	f := findingOf(a, CodeCompAuthFail)
	if f == nil || !strings.Contains(f.Message, "explicit authentication") || a.Receiver.CompAuth != authres.ResultFail {
		t.Errorf("compauth finding %+v, verdicts %+v", f, a.Receiver)
	}
	found := false
	for _, e := range a.AuthenticationResults {
		if e.Field == "X-MS-Exchange-Authentication-Results" {
			found = true
			if !e.Trusted || e.Method != "spf" || e.Result != authres.ResultFail {
				t.Errorf("X-MS-Exchange entry %+v", e)
			}
		}
	}
	if !found {
		t.Error("X-MS-Exchange-Authentication-Results not read")
	}
}

func TestAnalyzeAuthServIDNamesTheReceiver(t *testing.T) {
	// The hops name no public receiver ("by localhost"); the A-R added on
	// arrival does, so the receiver's relay inside example.org is internal.
	a := analyze(t, Options{},
		"Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=a@sender.example smtp.client-ip=203.0.113.1",
		"Received: from gw.example.org (gw.example.org [198.51.100.2]) by localhost (Postfix) with ESMTP id 1; Mon, 1 Jan 2024 10:00:01 +0000",
		"Received: from out.sender.example (out.sender.example [203.0.113.1]) by gw.example.org with ESMTP id 2; Mon, 1 Jan 2024 10:00:00 +0000",
		"From: a@sender.example")
	if sendingIP(a) != "203.0.113.1" || a.Receiver.SPF != authres.ResultPass || findingOf(a, CodeSendingIPMismatch) != nil {
		t.Errorf("sending IP %q, spf %q, findings %+v", sendingIP(a), a.Receiver.SPF, a.Findings)
	}
	if len(a.ReceivingOrg) != 1 || a.ReceivingOrg[0] != "example.org" {
		t.Errorf("receiving org %v", a.ReceivingOrg)
	}
}

func TestAnalyzeReceiverRecordsDisagree(t *testing.T) {
	a := analyze(t, Options{},
		"Received: from relay.example.org (relay.example.org [10.0.0.2]) by mx.example.org; Mon, 1 Jan 2024 10:00:00 +0000",
		"Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=a@b.example; iprev=pass smtp.remote-ip=198.51.100.25",
		"Received-SPF: pass (mx.example.org: domain of a@b.example designates 198.51.100.26 as permitted sender) client-ip=198.51.100.26",
		"From: a@b.example")
	f := findingOf(a, CodeSendingIPMismatch)
	if sendingIP(a) != "198.51.100.25" || f == nil || !strings.Contains(f.Message, "198.51.100.26 in Received-SPF") {
		t.Errorf("sending IP %q, finding %+v", sendingIP(a), f)
	}
}

func TestAnalyzeDKIMTags(t *testing.T) {
	a := analyze(t, Options{}, "DKIM-Signature: v=1; a=rsa-sha256; q=dns/txt; d=example.com; s=sel;\r\n h=from:to; bh=AA==; b=AA\r\n =="+"; z=From:a", "From: a@example.com")
	tags := a.DKIMSignatures[0].Tags
	if tags["q"] != "dns/txt" || tags["b"] != "AA==" || tags["z"] != "From:a" || tags["v"] != "1" || len(tags) != 9 {
		t.Errorf("tags %v", tags)
	}
}
