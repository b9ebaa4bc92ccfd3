package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/mxray/mxray/diag/finding"
)

// gatewayMessage is a receiver behind a gateway that recorded nothing of
// its own: the header alone takes the gateway (192.0.2.25) for the sender,
// and only the technician knows better.
func gatewayMessage() []byte {
	return []byte("Received: from EXCH01.corp.local (10.1.1.5) by EXCH02.corp.local (10.1.1.6) with Microsoft SMTP Server id 15.2.1; Mon, 1 Jan 2024 10:00:05 +0000\n" +
		"Received: from gw.receiver.example (192.0.2.25) by EXCH01.corp.local (10.1.1.5) with Microsoft SMTP Server id 15.2.1; Mon, 1 Jan 2024 10:00:04 +0000\n" +
		"Received: from relay.mailer.example (relay.mailer.example [203.0.113.10]) by gw.receiver.example (Postfix) with ESMTPS id 4Nq2; Mon, 1 Jan 2024 10:00:02 +0000\n" +
		"Received: from app01.mailer.example (app01.mailer.example [10.20.30.40]) by relay.mailer.example with ESMTP id 77; Mon, 1 Jan 2024 10:00:01 +0000\n" +
		"Return-Path: <bounce@healthy.example>\n" +
		"From: Alice <alice@healthy.example>\n" +
		"Subject: statement\n\nbody\n")
}

// forgedMessage carries two Received fields the sender wrote below the
// real one, dated 770 days later.
func forgedMessage() []byte {
	return []byte("Received: from mx.receiver.example (mx.receiver.example [203.0.113.200]) by store.receiver.example with LMTP; Tue, 2 Jan 2024 10:00:05 +0000\n" +
		"Received: from relay.mailer.example (relay.mailer.example [203.0.113.10]) by mx.receiver.example with ESMTP id 1; Tue, 2 Jan 2024 10:00:04 +0000\n" +
		"Received: from app.bank.example (app.bank.example [198.51.100.20]) by relay.bank.example with ESMTP id 2; Tue, 10 Feb 2026 09:00:00 +0000\n" +
		"Received: from web.bank.example (web.bank.example [10.0.0.5]) by app.bank.example with ESMTP id 3; Tue, 10 Feb 2026 08:59:58 +0000\n" +
		"From: Bank <service@healthy.example>\nSubject: verify\n\nbody\n")
}

// TestPasteQuotedHeaders: a header quoted for a reply goes to the header
// editor, not into the domain field as one line.
func TestPasteQuotedHeaders(t *testing.T) {
	d := inputModel(t, demoServer(t))
	quoted := "On Monday Bob wrote:\n> Received: from a (a [192.0.2.1])\n>\tby b; Mon, 1 Jan 2024 00:00:00 +0000\n> From: a@example.com\n"
	d.update(tea.PasteMsg{Content: quoted})
	if !d.m.input.editing || string(d.m.input.editor.read()) != quoted {
		t.Fatalf("quoted paste: editing=%v field=%q", d.m.input.editing, d.m.input.field.Value())
	}
	d.key("ctrl+d")
	d.idle()
	if d.m.screen != screenWorkbench || d.m.run.Message() == nil || len(d.m.run.Message().Analysis.Hops) != 1 {
		t.Fatalf("the quoted headers were not read: screen %v", d.m.screen)
	}
}

// TestHopsBoundaryKeys: t on the sending hop trusts it (and every hop
// above), so the hop below becomes the sending one and the re-check
// follows; u undoes it; s on another hop makes it the sender.
func TestHopsBoundaryKeys(t *testing.T) {
	d := openHeaders(t, demoServer(t), "gateway.eml", gatewayMessage(), 120, 40)
	a := func() (string, int) {
		an := d.m.run.Message().Analysis
		if an.SendingIP == nil {
			return "", 0
		}
		return an.SendingIP.String(), an.SendingHop
	}
	if ip, hop := a(); ip != "192.0.2.25" || hop != 3 || d.m.focused().ID() != finding.PartHops {
		t.Fatalf("before: sending %s hop %d, focus %s", ip, hop, d.m.focused().ID())
	}
	d.key("t")
	d.idle()
	if ip, hop := a(); ip != "203.0.113.10" || hop != 2 {
		t.Fatalf("after t: sending %s hop %d", ip, hop)
	}
	opts := d.m.run.Message().Options
	if strings.Join(opts.TrustedHosts, ",") != "10.1.1.5,192.0.2.25" || d.m.run.Recheck() == nil {
		t.Fatalf("after t: options %+v, re-checked %v", opts, d.m.run.Recheck() != nil)
	}
	if r := d.m.run.Recheck(); r.Recheck.SPF.IP == nil || r.Recheck.SPF.IP.String() != "203.0.113.10" || r.Recheck.SPF.Result != "pass" {
		t.Errorf("the re-check does not follow: SPF %+v", r.Recheck.SPF)
	}
	if s := d.screen(); !strings.Contains(s, "you trust 2 hosts (u undoes)") || !strings.Contains(s, "›2 sending") || d.m.focused().ID() != finding.PartHops {
		t.Errorf("after t:\n%s", s)
	}
	d.key("u")
	d.idle()
	if ip, _ := a(); ip != "192.0.2.25" || len(d.m.run.Message().Options.TrustedHosts) != 0 {
		t.Fatalf("after u: sending %s, options %+v", ip, d.m.run.Message().Options)
	}
	d.key("k", "k", "k", "k", "j") // hop 2
	d.key("s")
	d.idle()
	if ip, hop := a(); ip != "203.0.113.10" || hop != 2 || d.m.run.Message().Analysis.SendingIPSource != "option" {
		t.Fatalf("after s: sending %s hop %d", ip, hop)
	}
	if s := d.screen(); !strings.Contains(s, "as you chose it (s)") {
		t.Errorf("after s:\n%s", s)
	}
}

// TestGoldenHopsBoundary: the hops pane after t (the trusted hosts said
// in the summary, the new sending hop), and a forged chain (the inserted
// hop flagged), at 80x24 and 120x40.
func TestGoldenHopsBoundary(t *testing.T) {
	srv := demoServer(t)
	for _, size := range goldenSizes {
		w, h := size[0], size[1]
		t.Run(sizeName("trusted", w, h), func(t *testing.T) {
			d := openHeaders(t, srv, "gateway.eml", gatewayMessage(), w, h)
			d.key("t")
			d.idle()
			d.m.setFocus(d.m.indexOf(finding.PartHops))
			golden.RequireEqual(t, d.screen())
		})
		t.Run(sizeName("forged", w, h), func(t *testing.T) {
			d := openHeaders(t, srv, "forged.eml", forgedMessage(), w, h)
			d.key("k") // the hop below the break
			golden.RequireEqual(t, d.screen())
		})
	}
}

func sizeName(what string, w, h int) string { return fmt.Sprintf("%s/%dx%d", what, w, h) }

// TestFlowTrustUpToHere: through the real program, t on the sending hop of
// a message whose gateway looked like the sender moves the boundary below
// it, and the re-check follows (SPF now for the mailer's relay).
func TestFlowTrustUpToHere(t *testing.T) {
	cfg := testConfig(demoServer(t), "")
	cfg = withMessage(t, cfg, gatewayMessage(), "gateway.eml")
	f := startHeadersFlow(t, cfg, 80, 24)
	f.waitFor("healthy.example · gateway.eml", "[Hops]", "›3 sending", "sent from 192.0.2.25 (hop 3)", "✓ done")
	f.keys("t")
	f.waitFor("›2 sending", "sent from 203.0.113.10 (hop 2)", "you trust 2 hosts (u undoes)", "✓ done")
	f.keys("tab")
	f.waitFor("[Then]", "spf", "pass")
	f.keys("shift+tab", "u")
	f.waitFor("›3 sending", "sent from 192.0.2.25 (hop 3)")
}

// TestThenNowShowsOthersResults: in then vs now, the detail of a check
// lists the results another ADMD wrote for it, labelled as not the
// receiver's word.
func TestThenNowShowsOthersResults(t *testing.T) {
	raw := []byte("Received: from mx.forwarder.example (mx.forwarder.example [198.51.100.30]) by mx.receiver.example; Mon, 1 Jan 2024 10:00:05 +0000\n" +
		"Authentication-Results: mx.receiver.example; spf=fail smtp.mailfrom=bounce@healthy.example; dmarc=pass header.from=healthy.example\n" +
		"Authentication-Results: mx.forwarder.example; dkim=pass header.d=healthy.example; dmarc=fail header.from=healthy.example\n" +
		"Received: from relay.mailer.example (relay.mailer.example [203.0.113.10]) by mx.forwarder.example; Mon, 1 Jan 2024 10:00:02 +0000\n" +
		"From: a@healthy.example\n\nbody\n")
	d := openHeaders(t, demoServer(t), "fwd.eml", raw, 120, 40)
	d.focusPane(finding.PartThenNow)
	d.key("j") // dmarc
	if s := d.screen(); !strings.Contains(s, "Not the receiver's word: mx.forwarder.example (another ADMD") || !strings.Contains(s, "wrote dmarc=fail") {
		t.Errorf("the forwarder's dmarc=fail is not shown:\n%s", s)
	}
}
