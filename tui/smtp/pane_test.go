package smtp

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/policy"
	"github.com/mxray/mxray/diag/ptrcheck"
	probe "github.com/mxray/mxray/diag/smtp"
	"github.com/mxray/mxray/diag/smtp/smtpd"
	"github.com/mxray/mxray/diag/tlscert"
	"github.com/mxray/mxray/tui/kit"
	"github.com/mxray/mxray/tui/kit/kittest"
)

var testNow = time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)

// servers starts an SMTP server per address and returns the probe's
// options dialing them (loopback only, no control ports).
func servers(t *testing.T, bs map[string]smtpd.Behavior) probe.Options {
	t.Helper()
	routes := map[string]string{}
	for ip, b := range bs {
		srv, err := smtpd.Start(b)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { srv.Close() })
		routes[net.JoinHostPort(ip, "25")] = srv.Addr()
	}
	return probe.Options{EHLOName: "probe.example.net", ControlPorts: []int{},
		Dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
			to, ok := routes[addr]
			if !ok {
				return nil, errors.New("no route to " + addr)
			}
			var d net.Dialer
			return d.DialContext(ctx, network, to)
		}}
}

// mxReport is an MX table of one address per host.
func mxReport(hosts map[string]string) *diag.MXReport {
	mx := &diag.MXReport{}
	for _, h := range []string{"mx1.example.com", "mx2.example.com"} {
		if ip, ok := hosts[h]; ok {
			mx.Hosts = append(mx.Hosts, diag.MXHost{Host: h, Preference: 10, Addresses: []ptrcheck.Result{{IP: netip.MustParseAddr(ip), PTR: []string{h}, FCrDNS: true}}})
		}
	}
	return mx
}

// harness runs a pane's commands the way the program does: each in a
// goroutine, their messages back on a channel.
type harness struct {
	t    *testing.T
	p    *Pane
	msgs chan tea.Msg
	smtp []kit.SMTPMsg // what the pane sent the root
}

func newHarness(t *testing.T, o probe.Options, optsErr error) *harness {
	run := &kittest.Run{RunID: 1, Domain: diag.Target{Domain: "example.com"}, Running: true}
	com := kittest.Common(run)
	com.Now, com.Spinner = func() time.Time { return testNow }, "*"
	com.SMTP = func() (probe.Options, error) { return o, optsErr }
	p := New(com)
	p.SetSize(80, 24)
	return &harness{t: t, p: p, msgs: make(chan tea.Msg, 64)}
}

func (h *harness) exec(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		msg := cmd()
		if b, ok := msg.(tea.BatchMsg); ok {
			for _, c := range b {
				h.exec(c)
			}
			return
		}
		if msg != nil {
			h.msgs <- msg
		}
	}()
}

func (h *harness) update(msg tea.Msg) {
	_, cmd := h.p.Update(msg)
	h.exec(cmd)
}

// next handles the next message of the pane's commands; the root's
// messages are recorded, the pane's own given back to it.
func (h *harness) next() tea.Msg {
	h.t.Helper()
	select {
	case msg := <-h.msgs:
		if s, ok := msg.(kit.SMTPMsg); ok {
			h.smtp = append(h.smtp, s)
			return msg
		}
		h.update(msg)
		return msg
	case <-time.After(10 * time.Second):
		h.t.Fatalf("no message; pane:\n%s", ansi.Strip(h.p.View()))
		return nil
	}
}

// settle handles messages until the pane waits for nothing and every
// report it sent has arrived.
func (h *harness) settle() {
	h.t.Helper()
	for h.p.Waiting() || len(h.smtp) == 0 || h.smtp[len(h.smtp)-1].Seq != h.p.seq {
		h.next()
	}
}

// TestPaneProbesAndStops: the MX table starts one probe per address; the
// table fills as they answer; esc stops the one still waiting, which is
// reported as not finished; the findings reach the root, the last report
// marked done.
func TestPaneProbesAndStops(t *testing.T) {
	o := servers(t, map[string]smtpd.Behavior{
		"192.0.2.10": {Hostname: "mx1.example.com"},
		"192.0.2.20": {Hostname: "mx2.example.com", Silent: true},
	})
	h := newHarness(t, o, nil)
	h.update(kit.PartMsg{Run: 1, Part: finding.PartMX, Report: &diag.Report{MX: mxReport(map[string]string{"mx1.example.com": "192.0.2.10", "mx2.example.com": "192.0.2.20"})}})
	if !h.p.Waiting() {
		t.Fatal("not waiting after the MX table arrived")
	}
	for h.p.finished() < 1 {
		h.next()
	}
	view := ansi.Strip(h.p.View())
	if !strings.Contains(view, "probing 1/2 addresses on port 25") || !strings.Contains(view, "no_starttls") || !strings.Contains(view, "probing…") {
		t.Fatalf("one in, one probing:\n%s", view)
	}
	if !h.p.Back() || !h.p.stopped {
		t.Fatal("esc did not stop the probes")
	}
	h.settle()
	if h.p.Back() {
		t.Error("esc with nothing in flight was taken by the pane")
	}
	// Stopped while connecting or waiting for the greeting: not finished
	// either way, never a verdict on the server.
	r := h.p.results[1]
	if r.Status != probe.StatusError || (r.Step != probe.StepGreeting && r.Step != probe.StepConnect) {
		t.Errorf("the stopped probe: %s at %s (%s)", r.Status, r.Step, r.Error)
	}
	last := h.smtp[len(h.smtp)-1]
	if !last.Done || len(last.Report.Results) != 2 {
		t.Fatalf("last report %+v", last)
	}
	codes := map[string]bool{}
	for _, f := range last.Report.Findings {
		codes[f.Code+" "+f.Subject.String()] = true
	}
	if !codes["smtp.no_starttls mx1.example.com/192.0.2.10"] || !codes["smtp.not_finished mx2.example.com/192.0.2.20"] {
		t.Errorf("findings %v", codes)
	}
	for i := 1; i < len(h.smtp); i++ {
		if h.smtp[i].Seq <= h.smtp[i-1].Seq {
			t.Errorf("reports not numbered in order: %d after %d", h.smtp[i].Seq, h.smtp[i-1].Seq)
		}
	}
	if view := ansi.Strip(h.p.View()); !strings.Contains(view, "stopped (r re-runs)") {
		t.Errorf("the summary does not say the probes were stopped:\n%s", view)
	}
	// The selected address is shared; another pane's selection moves here.
	h.p.Select(kit.IPSelection(netip.MustParseAddr("192.0.2.20")))
	if sel := h.p.Selected(); sel.IP != netip.MustParseAddr("192.0.2.20") {
		t.Errorf("selected %v", sel)
	}
	if text, ok := h.p.Copy(); !ok || !strings.Contains(text, "mx2.example.com 192.0.2.20 port 25: error") {
		t.Errorf("copy %q", text)
	}
}

// TestPaneNewRunDropsStaleReplies: a re-run cancels the probes in flight,
// and their replies are dropped.
func TestPaneNewRunDropsStaleReplies(t *testing.T) {
	o := servers(t, map[string]smtpd.Behavior{"192.0.2.10": {Hostname: "mx1.example.com"}})
	h := newHarness(t, o, nil)
	h.update(kit.PartMsg{Run: 1, Part: finding.PartMX, Report: &diag.Report{MX: mxReport(map[string]string{"mx1.example.com": "192.0.2.10"})}})
	old := h.p.gen
	h.update(kit.RunStartMsg{Run: 2})
	h.p.Update(resultMsg{run: 1, gen: old, i: 0, res: probe.Result{Status: probe.StatusOK}})
	if h.p.Waiting() || len(h.p.targets) != 0 || h.p.finished() != 0 {
		t.Errorf("a stale reply was taken: %d targets, waiting %v", len(h.p.targets), h.p.Waiting())
	}
	if view := ansi.Strip(h.p.View()); !strings.Contains(view, "Looking up MX records") {
		t.Errorf("after a new run:\n%s", view)
	}
	// Once the new run's MX table is in, an address of the same index
	// exists again: only the generation tells the old reply apart.
	h.p.Update(kit.PartMsg{Run: 2, Part: finding.PartMX, Report: &diag.Report{MX: mxReport(map[string]string{"mx1.example.com": "192.0.2.10"})}})
	h.p.Update(resultMsg{run: 1, gen: old, i: 0, res: probe.Result{Status: probe.StatusOK}})
	if h.p.finished() != 0 {
		t.Errorf("the last run's reply was taken for the new run's address")
	}
}

// TestPaneLatePolicy: the MTA-STS policy that arrives after the probe is
// held against its certificate: a covered host whose certificate names
// another is reported.
func TestPaneLatePolicy(t *testing.T) {
	ca, err := tlscert.NewCA("test CA", testNow)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	cert, err := ca.Issue(tlscert.Leaf{Names: []string{"other.example.com"}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(90 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	o := servers(t, map[string]smtpd.Behavior{"192.0.2.10": {Hostname: "mx1.example.com", TLS: &tls.Config{Certificates: []tls.Certificate{cert}}}})
	o.Roots = ca.Pool()
	h := newHarness(t, o, nil)
	rep := &diag.Report{MX: mxReport(map[string]string{"mx1.example.com": "192.0.2.10"})}
	h.update(kit.PartMsg{Run: 1, Part: finding.PartMX, Report: rep})
	h.settle()
	if r := h.p.results[0]; r.TLS == nil || r.TLS.NamesMatchMTASTS != nil {
		t.Fatalf("before the policy: %+v", r.TLS)
	}
	pol, err := policy.ParseSTSPolicy("version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 86400\n")
	if err != nil {
		t.Fatal(err)
	}
	later := *rep
	later.MTASTS = &policy.MTASTSResult{Fetched: true, Policy: pol}
	h.update(kit.PartMsg{Run: 1, Part: finding.PartMTASTS, Report: &later})
	h.settle()
	if r := h.p.results[0]; r.TLS.NamesMatchMTASTS == nil || *r.TLS.NamesMatchMTASTS {
		t.Errorf("after the policy: %+v", r.TLS)
	}
	found := false
	for _, f := range h.smtp[len(h.smtp)-1].Report.Findings {
		found = found || (f.Code == "smtp.mta_sts_cert_mismatch" && f.Severity == finding.Error)
	}
	if !found {
		t.Errorf("no mta_sts_cert_mismatch in %+v", h.smtp[len(h.smtp)-1].Report.Findings)
	}
	if view := ansi.Strip(h.p.View()); !strings.Contains(view, "MTA-STS refuses it") {
		t.Errorf("view:\n%s", view)
	}
}

// TestPaneStates: the probe off, options that cannot be had, nothing to
// probe, and a hostile banner drawn harmlessly.
func TestPaneStates(t *testing.T) {
	off := newHarness(t, probe.Options{}, nil)
	off.p.Com.SMTP = nil
	if _, cmd := off.p.Update(kit.PartMsg{Run: 1, Report: &diag.Report{MX: mxReport(map[string]string{"mx1.example.com": "192.0.2.10"})}}); cmd != nil || off.p.Waiting() {
		t.Error("probed with the probe off")
	}
	if v := ansi.Strip(off.p.View()); !strings.Contains(v, "--no-probe") {
		t.Errorf("off:\n%s", v)
	}

	broken := newHarness(t, probe.Options{}, errors.New("the demo's mail servers: address in use"))
	broken.update(kit.PartMsg{Run: 1, Report: &diag.Report{MX: mxReport(map[string]string{"mx1.example.com": "192.0.2.10"})}})
	for broken.p.err == "" {
		broken.next()
	}
	if v := ansi.Strip(broken.p.View()); !strings.Contains(v, "The probe could not start: the demo's mail servers: address in use") || broken.p.Waiting() {
		t.Errorf("options error:\n%s", v)
	}

	null := newHarness(t, probe.Options{}, nil)
	null.update(kit.PartMsg{Run: 1, Report: &diag.Report{MX: &diag.MXReport{NullMX: true}}})
	if v := ansi.Strip(null.p.View()); !strings.Contains(v, "Nothing to probe: null MX") || null.p.Waiting() {
		t.Errorf("null MX:\n%s", v)
	}

	o := servers(t, map[string]smtpd.Behavior{"192.0.2.10": {Hostname: "mx1.example.com",
		Banner: []string{"mx1.example.com \x1b]52;c;aGk=\x07 \x1b[2J hi", "second \x9b31m line"}, EHLOHost: "\x1b]0;title\x07"}})
	hostile := newHarness(t, o, nil)
	hostile.update(kit.PartMsg{Run: 1, Report: &diag.Report{MX: mxReport(map[string]string{"mx1.example.com": "192.0.2.10"})}})
	hostile.settle()
	hostile.p.Focus()
	view := hostile.p.View()
	if seq := kittest.NonSGR(view); seq != "" {
		t.Errorf("the banner reached the screen raw: %q", seq)
	}
	if !strings.Contains(ansi.Strip(view), "(+1 lines)") {
		t.Errorf("the banner's second line is not counted:\n%s", ansi.Strip(view))
	}
}
