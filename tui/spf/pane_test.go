package spf

import (
	"context"
	"net/netip"
	"testing"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/spfcheck"
	"github.com/mxray/mxray/spf"
	"github.com/mxray/mxray/tui/kit"
	"github.com/mxray/mxray/tui/kit/kittest"
)

// loaded is the SPF pane with example.com's tree in, 80x20.
func loaded(t *testing.T) *Pane {
	t.Helper()
	res := fakeSPFResolver{
		"example.com":      {{"v=spf1 include:_spf.example.com -all"}},
		"_spf.example.com": {{"v=spf1 ip4:192.0.2.0/24 -all"}},
	}
	rep := &diag.Report{SPF: &spfcheck.Report{Tree: spf.Prefetch(context.Background(), res, "example.com")}}
	p := New(kittest.Common(&kittest.Run{RunID: 1, Rep: rep}))
	p.SetSize(80, 20)
	p.Update(kit.RunDoneMsg{Run: 1, Report: rep})
	return p
}

// TestStaleVerdictsDropped: only the verdict of the latest request for
// the IP shown is taken; an earlier request's, or another IP's, is not.
func TestStaleVerdictsDropped(t *testing.T) {
	p := loaded(t)
	ip := netip.MustParseAddr("192.0.2.7")
	if cmd := p.Select(kit.IPSelection(ip)); cmd == nil || !p.Waiting() {
		t.Fatal("selecting an IP did not ask for its verdict")
	}
	first := p.vreq
	p.Select(kit.IPSelection(netip.MustParseAddr("192.0.2.8")))
	p.Select(kit.IPSelection(ip)) // the latest request
	stale := &spf.Verdict{IP: ip, Result: spf.Fail}
	for _, msg := range []kit.VerdictMsg{
		{Run: 1, Req: first, IP: ip, Verdict: stale},                                // an earlier request
		{Run: 1, Req: p.vreq, IP: netip.MustParseAddr("192.0.2.8"), Verdict: stale}, // another IP
	} {
		p.Update(msg)
		if p.Verdict() != nil {
			t.Fatalf("took %+v", msg)
		}
	}
	fresh := &spf.Verdict{IP: ip, Result: spf.Pass}
	p.Update(kit.VerdictMsg{Run: 1, Req: p.vreq, IP: ip, Verdict: fresh})
	if p.Verdict() != fresh || p.Waiting() {
		t.Fatalf("the latest verdict was not taken: %+v", p.Verdict())
	}
}

// TestStaleWhatIfDropped: a what-if tree of earlier text is not shown.
func TestStaleWhatIfDropped(t *testing.T) {
	p := loaded(t)
	p.Focus()
	p.Update(kittest.Key("w"))
	if !p.whatIf || p.field != fieldEditor {
		t.Fatal("w did not open the what-if editor")
	}
	req := p.wreq
	p.Update(kittest.Key("x")) // the text changes: a new request is due
	if p.wreq == req {
		t.Fatal("an edit did not make a new what-if request")
	}
	p.Update(whatIfMsg{run: 1, req: req, text: "old", tree: p.base()})
	if p.wiTree != nil {
		t.Fatal("the tree of earlier text was taken")
	}
	p.Update(whatIfMsg{run: 1, req: p.wreq, text: "new", tree: p.base()})
	if p.wiTree == nil {
		t.Fatal("the tree of the latest text was not taken")
	}
}
