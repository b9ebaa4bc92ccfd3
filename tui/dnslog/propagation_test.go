package dnslog

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
	"github.com/mxray/mxray/tui/kit"
	"github.com/mxray/mxray/tui/kit/kittest"
)

const zone = `$ORIGIN prop.test.
@ SOA ns1 hostmaster 7 3600 600 604800 60
@ NS ns1
@ NS ns2
ns1 A 127.0.0.1
ns2 A 127.0.0.2
@ TXT "v=spf1 -all"
`

// paneOn is the pane on a finished run whose client asks srv, with the
// zone's nameservers ns1 and ns2 played by srv and dead (a server that
// never answers); its log holds one question, TXT prop.test.
func paneOn(t *testing.T, timeout time.Duration) (*Pane, *zoneserver.Server) {
	t.Helper()
	srv := zoneservertest.New(t, zone)
	dead := zoneservertest.New(t, zone)
	dead.SetFault("prop.test.", 0, zoneserver.FaultDrop)
	client := dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: timeout,
		NameserverAddr: func(_ string, ip netip.Addr) string {
			if ip == netip.MustParseAddr("127.0.0.2") {
				return dead.Addr()
			}
			return srv.Addr()
		}})
	run := &kittest.Run{RunID: 1, DNS: client}
	p := New(kittest.Common(run))
	p.SetSize(100, 30)
	p.Focus()
	p.Update(kit.QueryMsg{Run: 1, Entries: []dnsclient.LogEntry{{Name: "prop.test.", Type: "TXT", Status: dnsclient.StatusRecords}}})
	return p, dead
}

// TestCompareCancel: p starts the comparison as a command (the pane
// stays responsive and waiting); esc cancels it, and the command then
// returns at once with the context's error although the dead
// nameserver's questions would wait an hour, its reply dropped.
func TestCompareCancel(t *testing.T) {
	p, dead := paneOn(t, time.Hour)
	_, cmd := p.Update(kittest.Key("p"))
	if cmd == nil || !p.Waiting() {
		t.Fatalf("p started nothing (waiting %v)", p.Waiting())
	}
	if v := ansi.Strip(p.View()); !strings.Contains(v, "Asking every nameserver") {
		t.Errorf("no progress shown:\n%s", v)
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	for dead.Queries() < 2 { // the SOA and the TXT question reached the dead server
		time.Sleep(time.Millisecond)
	}
	if !p.Back() || p.Waiting() {
		t.Fatal("esc did not cancel the comparison")
	}
	msg := (<-done).(compareMsg)
	if msg.err == nil {
		for _, s := range msg.res.Servers {
			for _, a := range s.Answers {
				if a.Status == string(dnsclient.StatusTimeout) {
					t.Errorf("%s timed out instead of being cancelled", s.Label())
				}
			}
		}
	} else if !errors.Is(msg.err, context.Canceled) {
		t.Errorf("err %v", msg.err)
	}
	if got := dead.Queries(); got != 2 {
		t.Errorf("the dead server got %d questions after the cancel, want 2", got)
	}
	p.Update(msg)
	if p.cmp != nil {
		t.Error("a cancelled comparison's reply reopened the view")
	}
}

// TestCompareShows: the finished comparison is drawn in the pane with the
// dead nameserver's row; esc closes it and a new run drops a late reply.
func TestCompareShows(t *testing.T) {
	p, _ := paneOn(t, 200*time.Millisecond)
	_, cmd := p.Update(kittest.Key("p"))
	msg := cmd()
	p.Update(msg)
	v := ansi.Strip(p.View())
	for _, want := range []string{"Did it propagate? TXT prop.test", "ns1.prop.test (127.0.0.1)", "ns2.prop.test (127.0.0.2)", "timeout", `#1 TXT "v=spf1 -all"`, "gave no answer"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	if !p.Back() || p.cmp != nil {
		t.Error("esc did not close the view")
	}
	// A reply of a comparison closed and asked again is not the new one's.
	_, old := p.Update(kittest.Key("p"))
	p.Back()
	_, cmd = p.Update(kittest.Key("p"))
	p.Update(old())
	if p.cmp == nil || !p.cmp.busy || p.cmp.res != nil || p.cmp.err != "" {
		t.Errorf("an earlier comparison's reply was taken for the new one: %+v", p.cmp)
	}
	p.Update(kit.RunStartMsg{Run: 2})
	p.Update(cmd())
	if p.cmp != nil {
		t.Error("a reply of the last run opened the view")
	}
}
