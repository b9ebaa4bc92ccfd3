package forwarding

import (
	"strconv"
	"strings"
	"testing"

	"github.com/mxray/mxray/headers/internal/headerstest"
)

func TestParseSRS(t *testing.T) {
	tests := []struct {
		in                              string
		ok                              bool
		scheme, original, fwd, firstFwd string
	}{
		{"SRS0=HHH=TT=example.org=alice@forwarder.example", true, "SRS0", "alice@example.org", "forwarder.example", ""},
		{"<srs0+ab12=x7=Example.ORG=alice@Forwarder.example>", true, "SRS0", "alice@example.org", "forwarder.example", ""},
		{"SRS0-HHH=TT=example.org=a=b@fwd.example", true, "SRS0", "a=b@example.org", "fwd.example", ""},
		{"SRS1=HHH=first.example==HHH=TT=example.org=alice@second.example", true, "SRS1", "alice@example.org", "second.example", "first.example"},
		{"SRS1+XX=first.example=+YY=TT=example.org=bob@second.example", true, "SRS1", "bob@example.org", "second.example", "first.example"},
		{"john.work+SRS=44ldt=IX=fabrikam.com=bob@contoso.com", true, "Microsoft 365", "bob@fabrikam.com", "contoso.com", ""},
		{"bounces+SRS=44ldt=IX@contoso.com", true, "Microsoft 365", "", "contoso.com", ""},
		{"bounces+SRS=HnE87=C7@amdcloud.onmicrosoft.com", true, "Microsoft 365", "", "amdcloud.onmicrosoft.com", ""},
		{"SRS0+xx1@srs.example.com", false, "", "", "", ""},
		{"SRS0   =jA9R=Y6=example.com=user@  srs.forward.com", false, "", "", "", ""},
		{"SRS0=HHH=TT==alice@fwd.example", false, "", "", "", ""},
		{"SRS1=HHH=first.example", false, "", "", "", ""},
		{"user@example.com", false, "", "", "", ""},
		{"", false, "", "", "", ""},
		{"@", false, "", "", "", ""},
	}
	for _, tt := range tests {
		s, ok := ParseSRS(tt.in)
		if ok != tt.ok || s.Scheme != tt.scheme || s.Original() != tt.original || s.Forwarder != tt.fwd || s.FirstForwarder != tt.firstFwd {
			t.Errorf("ParseSRS(%q) = %+v (original %q), %v", tt.in, s, s.Original(), ok)
		}
	}
}

func TestRewrites(t *testing.T) {
	text := "Return-Path: <SRS0=abcd=XY=sender.example=alice@fwd.example>\n" +
		"Received: from mx.fwd.example (mx.fwd.example [192.0.2.20])\n" +
		"\tby mx.receiver.example (Postfix) with ESMTPS id 1; Mon, 6 Jan 2025 10:00:02 +0000\n" +
		"Received: from mail.pobox.com (mail.pobox.com [192.0.2.30])\n" +
		"\tby mx.fwd.example (Postfix) with ESMTPS id 2; Mon, 6 Jan 2025 10:00:01 +0000\n" +
		"List-Id: Example list <users.lists.example.net>\n" +
		"X-BeenThere: users@lists.example.net\n" +
		"Sender: users-bounces@lists.example.net\n" +
		"X-Original-From: Alice <alice@sender.example>\n" +
		"Resent-From: helper@resent.example\n" +
		"From: Alice via Users <users@lists.example.net>\n" +
		"To: bob@receiver.example\n"
	m, a := headerstest.Parse(t, text)
	rw := Rewrites(m, a)
	var kinds []string
	for _, r := range rw {
		kinds = append(kinds, string(r.Kind)+":"+r.By)
	}
	want := "srs:fwd.example list:users.lists.example.net from_rewritten:sender.example forwarded:resent.example forwarded:Pobox (pobox.com)"
	if strings.Join(kinds, " ") != want {
		t.Errorf("got %v\nwant %s", kinds, want)
	}
	if rw[0].SRS == nil || rw[0].SRS.Original() != "alice@sender.example" || !strings.Contains(rw[0].Meaning, "original sender was alice@sender.example") {
		t.Errorf("SRS rewrite: %+v", rw[0])
	}
	// The Sender is the list's own domain, the same as From: no sender rewrite.
	for _, r := range rw {
		if r.Kind == RewriteSender {
			t.Errorf("unexpected %+v", r)
		}
	}
	m, a = headerstest.Parse(t, "Received: from mail.sender.example (mail.sender.example [192.0.2.10])\n"+
		"\tby mx.receiver.example (Postfix) with ESMTPS id 1; Mon, 6 Jan 2025 10:00:02 +0000\n"+
		"From: Alice <alice@sender.example>\nSender: agent@esp.example\n")
	rw = Rewrites(m, a)
	if len(rw) != 1 || rw[0].Kind != RewriteSender || rw[0].By != "esp.example" || !strings.Contains(rw[0].Meaning, "sender.example") {
		t.Errorf("sender: %+v", rw)
	}
	if got := Rewrites(nil, nil); got == nil || len(got) != 0 {
		t.Errorf("Rewrites(nil) = %#v", got)
	}
}

func TestExplain(t *testing.T) {
	srs := &SRS{Scheme: "SRS0", OriginalDomain: "sender.example", OriginalLocal: "alice", Forwarder: "fwd.example"}
	rwSRS := []Rewrite{{Kind: RewriteSRS, By: "fwd.example", SRS: srs}}
	rwFwd := []Rewrite{{Kind: RewriteForwarded, By: "fwd.example"}}
	rwList := []Rewrite{{Kind: RewriteList, By: "users.lists.example.net"}}
	pass := []DKIMResult{{Domain: "sender.example", Result: "pass"}}
	fail := []DKIMResult{{Domain: "sender.example", Result: "fail", Reason: "body hash did not verify"}}
	tests := []struct {
		name string
		rw   []Rewrite
		auth Auth
		want string
	}{
		{"forwarded, SPF fails, DKIM passes", rwFwd, Auth{SPF: "fail", SPFDomain: "sender.example", DKIM: pass},
			"SPF fails at the final receiver because the message was forwarded by fwd.example: that server is not in the SPF record of sender.example; DKIM is what survives forwarding, and it passed there (d=sender.example)"},
		{"forwarded, SPF soft-fails, DKIM fails", rwFwd, Auth{SPF: "softfail", SPFDomain: "sender.example", DKIM: fail},
			"SPF soft-fails at the final receiver because the message was forwarded by fwd.example: that server is not in the SPF record of sender.example; DKIM is what survives forwarding, and it failed there too (d=sender.example: body hash did not verify, fail): the message was changed on the way"},
		{"forwarded, no DKIM", rwFwd, Auth{SPF: "fail", SPFDomain: "sender.example"},
			"SPF fails at the final receiver because the message was forwarded by fwd.example: that server is not in the SPF record of sender.example; DKIM is what survives forwarding, and the message has no DKIM result there, so nothing vouched for the author at the final receiver"},
		{"SRS, SPF passes for the forwarder", rwSRS, Auth{SPF: "pass", SPFDomain: "fwd.example", FromDomain: "sender.example", DKIM: pass},
			"The forwarder fwd.example rewrote the envelope sender (SRS0, originally alice@sender.example), so SPF passed for fwd.example, not for the original sender, and cannot align with the From domain sender.example; DMARC rests on DKIM, which survives forwarding: it passed there (d=sender.example)"},
		{"list, SPF passes for the list", rwList, Auth{SPF: "pass", SPFDomain: "lists.example.net", FromDomain: "sender.example", DKIM: fail},
			"The message came through the mailing list users.lists.example.net, which sends it on under its own envelope sender: SPF pass is about lists.example.net, not the author's domain sender.example; DMARC rests on the author's DKIM signature, which lists often break by changing the subject or body: it failed there too (d=sender.example: body hash did not verify, fail): the message was changed on the way"},
		{"nothing to explain", nil, Auth{SPF: "pass", DKIM: pass}, ""},
		{"the receiver's own list", []Rewrite{{Kind: RewriteList, By: "lists.receiver.example", Internal: true}}, Auth{SPF: "fail"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Explain(tt.rw, tt.auth)
			if f.Explanation != tt.want {
				t.Errorf("got  %q\nwant %q", f.Explanation, tt.want)
			}
			if f.Rewrites == nil {
				t.Error("Rewrites must not be nil")
			}
		})
	}
}

func TestAuthFromAnalysis(t *testing.T) {
	text := "Authentication-Results: mx.receiver.example; spf=softfail smtp.mailfrom=sender.example;\n" +
		" dkim=fail (body hash did not verify) header.d=sender.example header.s=s1;\n" +
		" dmarc=fail (p=QUARANTINE sp=NONE dis=QUARANTINE) header.from=sender.example\n" +
		"Received: from mail.sender.example (mail.sender.example [192.0.2.10])\n" +
		"\tby mx.receiver.example (Postfix) with ESMTPS id 1; Mon, 6 Jan 2025 10:00:02 +0000\n" +
		"From: Alice <alice@sender.example>\n"
	text = "Return-Path: <alice@sender.example>\n" + text
	_, a := headerstest.Parse(t, text)
	au := AuthFromAnalysis(a)
	if au.SPF != "softfail" || au.DMARC != "fail" || au.DMARCPolicy != "quarantine" || au.SPFDomain != "sender.example" || au.FromDomain != "sender.example" {
		t.Errorf("%+v", au)
	}
	if len(au.DKIM) != 1 || au.DKIM[0].Result != "fail" || au.DKIM[0].Reason != "body hash did not verify" || au.DKIM[0].Selector != "s1" {
		t.Errorf("DKIM %+v", au.DKIM)
	}
	if got := AuthFromAnalysis(nil); got.Source != "" || got.DKIM != nil {
		t.Errorf("nil analysis: %+v", got)
	}
}

// TestDKIMWordsBounded: a message with thousands of DKIM results gives a
// sentence of a few names and a count, never all of them.
func TestDKIMWordsBounded(t *testing.T) {
	var a Auth
	for i := range 6000 {
		a.DKIM = append(a.DKIM, DKIMResult{Domain: "d" + strconv.Itoa(i) + ".example", Result: "pass"})
	}
	got := dkimResultWords(a)
	if want := "it passed there (d=d0.example, d=d1.example, d=d2.example, d=d3.example, and 5996 more)"; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}
