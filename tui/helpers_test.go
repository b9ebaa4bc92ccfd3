package tui

import (
	"context"
	_ "embed"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	dkimpane "github.com/mxray/mxray/tui/dkim"
	"github.com/mxray/mxray/tui/kit/kittest"
	mxpane "github.com/mxray/mxray/tui/mx"
	spfpane "github.com/mxray/mxray/tui/spf"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/demo/demotest"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/smtp"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/tui/kit"
)

//go:embed testdata/workbench.zone
var workbenchZone string

// fixedNow is the clock of every test model: elapsed times read 0ms.
func fixedNow() time.Time { return time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC) }

// testConfig is a Config asking srv, offline, with a fixed clock, a
// UTF-8 locale and colour.
func testConfig(srv *zoneserver.Server, target string) Config {
	return Config{
		Target: target,
		NewClient: func(onQuery func(dnsclient.LogEntry)) *dnsclient.Client {
			return dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: calm, OnQuery: onQuery})
		},
		Deadline:  calm,
		Timeout:   calm,
		Offline:   true,
		ExportDir: "",
		Env:       []string{"LANG=C.UTF-8", "TERM=xterm-256color"},
		Now:       fixedNow,
		Location:  testZone,
	}
}

// withDemoSMTP is cfg probing the demo's mail servers (started once per
// test, closed at its end), with srv marking the demo's secure zones
// validated, as mxray --demo does. The probe asks its TLSA records through
// a client of its own, so the run's query count and DNS log do not depend
// on when the probes ask.
func withDemoSMTP(t testing.TB, srv *zoneserver.Server, cfg Config) Config {
	t.Helper()
	demo.MarkSecure(srv)
	o := demotest.Mail(t)
	o.Resolver = dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: calm})
	cfg.SMTP = func() (smtp.Options, error) { return o, nil }
	return cfg
}

// withMessage is cfg opening on raw, read as the command line reads a
// file (with the test clock).
func withMessage(t testing.TB, cfg Config, raw []byte, source string) Config {
	t.Helper()
	m, err := diag.ReadMessage(source, raw, diag.HeaderOptions{Now: fixedNow()})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Message = m
	return cfg
}

// testZone is the local zone of every test model: one hour east of UTC,
// named CET, with no summer time, so local times never depend on the
// machine.
var testZone = time.FixedZone("CET", 3600)

// driver runs a Model the way a tea.Program does, on the test goroutine:
// Update and View only here; commands in goroutines whose messages come
// back through a channel, in arrival order.
type driver struct {
	t       testing.TB
	m       *Model
	msgs    chan tea.Msg
	done    chan struct{}
	wg      sync.WaitGroup
	rewrite func(tea.Msg) tea.Msg // normalises messages before Update (nil: none)
	quit    bool
	copied  []string // what tea.SetClipboard was given
}

// newDriver starts a driver for m at w×h, running Init.
func newDriver(t testing.TB, m *Model, w, h int) *driver {
	d := &driver{t: t, m: m, msgs: make(chan tea.Msg, 1024), done: make(chan struct{})}
	t.Cleanup(func() { close(d.done) })
	d.update(tea.WindowSizeMsg{Width: w, Height: h})
	d.exec(m.Init())
	return d
}

// update gives one message to the model and runs the command it returns.
func (d *driver) update(msg tea.Msg) {
	if d.rewrite != nil {
		if msg = d.rewrite(msg); msg == nil {
			return
		}
	}
	if _, ok := msg.(tea.QuitMsg); ok {
		d.quit = true
		return
	}
	_, cmd := d.m.Update(msg)
	d.exec(cmd)
}

// exec runs a command in a goroutine, unpacking batches.
func (d *driver) exec(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		msg := cmd()
		if batch, ok := msg.(tea.BatchMsg); ok {
			for _, c := range batch {
				d.exec(c)
			}
			return
		}
		if msg == nil {
			return
		}
		select {
		case d.msgs <- msg:
		case <-d.done:
		}
	}()
}

// key sends key presses: a name each ("tab", "enter", "j", "ctrl+c").
func (d *driver) key(names ...string) {
	for _, n := range names {
		d.update(keyPress(n))
		d.drain()
	}
}

// typeText sends each character of s as a key press.
func (d *driver) typeText(s string) {
	for _, r := range s {
		d.update(tea.KeyPressMsg{Code: r, Text: string(r)})
		d.drain()
	}
}

// drain handles the messages already waiting, without blocking.
func (d *driver) drain() {
	for {
		select {
		case msg := <-d.msgs:
			d.handle(msg)
		default:
			return
		}
	}
}

// handle gives a command's message to the model; a clipboard request is
// recorded (the program would write it as OSC 52).
func (d *driver) handle(msg tea.Msg) {
	if s, ok := clipboardText(msg); ok {
		d.copied = append(d.copied, s)
		return
	}
	d.update(msg)
}

// calm is the time limit of one question, and of a run, in tests: no
// loaded machine reaches it while the server answers, so no answer is
// retried (the query counts on the golden screens stay put) or lost.
const calm = 30 * time.Second

// patience is how long a test waits for what must come: far past what a
// loaded machine needs, so only a hang reaches it.
const patience = 2 * time.Minute

// until handles messages until cond holds, failing the test after
// patience.
func (d *driver) until(what string, cond func(m *Model) bool) {
	d.t.Helper()
	deadline := time.After(patience)
	for !cond(d.m) {
		select {
		case msg := <-d.msgs:
			d.handle(msg)
		case <-deadline:
			d.t.Fatalf("timed out waiting for %s; screen:\n%s", what, d.screen())
		}
	}
}

// idle waits until no message has come for a short while and the run is
// done with no pane waiting for a lookup. The quiet spell lets commands
// that answer at once (open a target, jump to a pane) land first.
func (d *driver) idle() {
	d.t.Helper()
	const spell = 25 * time.Millisecond
	deadline := time.After(patience)
	timer := time.NewTimer(spell)
	defer timer.Stop()
	for {
		select {
		case msg := <-d.msgs:
			d.handle(msg)
			timer.Reset(spell)
		case <-timer.C:
			if d.m.quiet() {
				return
			}
			timer.Reset(spell)
		case <-deadline:
			d.t.Fatalf("timed out waiting for the run and every lookup to finish; screen:\n%s", d.screen())
		}
	}
}

// quiet reports whether nothing is in flight: the run is done and no pane
// waits for an answer of its own.
func (m *Model) quiet() bool { return m.run != nil && !m.active() }

// spfOf, mxOf and dkimOf return the SPF, MX & PTR and DKIM panes.
func spfOf(m *Model) *spfpane.Pane   { return m.pane(finding.PartSPF).(*spfpane.Pane) }
func mxOf(m *Model) *mxpane.Pane     { return m.pane(finding.PartMX).(*mxpane.Pane) }
func dkimOf(m *Model) *dkimpane.Pane { return m.pane(finding.PartDKIM).(*dkimpane.Pane) }

// paneView is a pane drawn at its size, styles stripped.
func paneView(m *Model, id finding.Part) string { return ansi.Strip(m.pane(id).View()) }

// screen is the view with styles stripped and the test server's port
// (which changes every run) replaced by 00000.
func (d *driver) screen() string { return screenOf(d.m) }

// keyPress builds the key press a terminal sends for a key name.
func keyPress(name string) tea.KeyPressMsg { return kittest.Key(name) }

// clipboardText reports whether msg is what tea.SetClipboard returns, and
// its text. The message type is Bubble Tea's own; it is recognised by
// running SetClipboard on a probe and comparing types.
func clipboardText(msg tea.Msg) (string, bool) {
	probe := tea.SetClipboard("probe")()
	if msg == nil || probe == nil || typeName(msg) != typeName(probe) {
		return "", false
	}
	// The message is a string type holding the text.
	s, ok := stringOf(msg)
	return s, ok
}

// typeName is the dynamic type of v, for comparing message types.
func typeName(v any) string { return reflect.TypeOf(v).String() }

// stringOf returns the string a string-kinded value holds.
func stringOf(v any) (string, bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.String {
		return "", false
	}
	return rv.String(), true
}

// stableLog rewrites a run's final report (and a message's re-check) for
// golden screens: the log sorted by question and given fixed round trips
// and start times, so the DNS log does not depend on scheduling. Live log
// messages are dropped (the pane then shows the final log).
func stableLog(msg tea.Msg) tea.Msg {
	switch msg := msg.(type) {
	case kit.QueryMsg:
		return nil
	case kit.RunDoneMsg:
		rep := *msg.Report
		rep.Log = stableEntries(rep.Log)
		msg.Report = &rep
		return msg
	case kit.RecheckMsg:
		rep := *msg.Report
		rep.Log = stableEntries(rep.Log)
		msg.Report = &rep
		return msg
	}
	return msg
}

// stableEntries sorts a log by question and gives it fixed round trips
// and start times.
func stableEntries(in []dnsclient.LogEntry) []dnsclient.LogEntry {
	log := slices.Clone(in)
	slices.SortStableFunc(log, func(a, b dnsclient.LogEntry) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		if c := strings.Compare(a.Type, b.Type); c != 0 {
			return c
		}
		return compareBool(a.Cached || a.Merged, b.Cached || b.Merged)
	})
	for i := range log {
		// Whether a repeated question joined one in flight or found
		// its answer cached depends on scheduling: call both cached.
		if log[i].Merged {
			log[i].Merged, log[i].Cached = false, true
		}
		if log[i].Cached {
			log[i].RTT = 0
		}
		log[i].Start = time.Duration(i) * time.Millisecond
		log[i].Server = "127.0.0.1:5353"
		if log[i].RTT > 0 {
			log[i].RTT = 2 * time.Millisecond
		}
		log[i].Err = normaliseErr(log[i].Err)
	}
	return log
}

// normaliseErr hides the server's port in error texts.
func normaliseErr(s string) string {
	if i := strings.Index(s, "127.0.0.1:"); i >= 0 {
		j := i + len("127.0.0.1:")
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		s = s[:i] + "127.0.0.1:5353" + s[j:]
	}
	return s
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// openTarget makes a model for target on srv, opens it and waits until
// everything has arrived.
func openTarget(t testing.TB, srv *zoneserver.Server, target string, w, h int) *driver {
	t.Helper()
	m := New(context.Background(), testConfig(srv, target))
	d := newDriver(t, m, w, h)
	t.Cleanup(func() {
		if m.cancelSession != nil {
			m.cancelSession()
		}
	})
	d.idle()
	return d
}

// teaSize is a window size message.
func teaSize(w, h int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: w, Height: h} }

// screenOf is a model's view with styles stripped and the test server's
// port replaced by 00000 (same width, so lines wrap the same).
func screenOf(m *Model) string {
	return serverPort.ReplaceAllString(ansi.Strip(m.View().Content), "127.0.0.1:00000")
}

// serverPort matches the in-process server's address in error texts.
var serverPort = regexp.MustCompile(`127\.0\.0\.1:\d{5}`)
