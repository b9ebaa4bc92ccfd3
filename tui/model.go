package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/render"
	"github.com/mxray/mxray/diag/termsafe"
	"github.com/mxray/mxray/tui/kit"
)

// screen is which of the two screens shows.
type screen int

const (
	screenInput screen = iota
	screenWorkbench
)

// Model is the root of the workbench: the two screens, the global keys,
// the styles, the pane manager (focus, routing, layout, the one
// Selection) and the session (the current run, the recent targets, the
// message given). Use New to make one.
type Model struct {
	paneManager
	cfg   Config
	base  context.Context
	com   *kit.Common
	ascii bool
	color bool

	screen   screen
	input    *inputScreen
	help     help.Model
	showHelp bool        // the overlay is the full help
	overlay  *kit.Viewer // the help or a detail over the body; nil for none
	report   *reportView // the report shown under Config.ExportToView; nil when closed
	spin     spinner.Model
	spinning bool
	flash    string
	flashBad bool

	// The session: the current run (also com.Run), what r runs again,
	// the targets the input screen offers.
	run           *runInfo
	last          runRequest
	recent        []string
	runSeq        int
	stream        *stream
	cancelSession context.CancelFunc
	// quitting is set once the user has quit: keys and pastes still
	// queued behind the quit act no more (the program ends when the
	// quit command's message comes back).
	quitting bool
	initial  tea.Cmd
}

// New returns the workbench for cfg. ctx bounds every investigation it
// runs; cancelling it stops them.
func New(ctx context.Context, cfg Config) *Model {
	if cfg.Env == nil {
		cfg.Env = os.Environ()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = defaultTimeout
	}
	if cfg.Location == nil {
		cfg.Location = time.Local
	}
	m := &Model{cfg: cfg, base: ctx}
	m.ascii = cfg.ASCII || !kit.UTF8Locale(cfg.Env)
	m.color = !kit.NoColor(cfg.Env)
	g := kit.UnicodeGlyphs()
	if m.ascii {
		g = kit.ASCIIGlyphs()
	}
	keys := kit.DefaultKeyMap()
	if cfg.ExportToView {
		keys.Export = key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "report"))
	}
	if m.ascii {
		keys = keys.ASCIIHelp()
	}
	m.com = &kit.Common{Styles: kit.NewStyles(true, m.color), Glyphs: g, Keys: keys, Timeout: cfg.Timeout, Now: cfg.Now, Loc: cfg.Location, SMTP: cfg.SMTP}
	m.spin = spinner.New(spinner.WithSpinner(spinner.Spinner{Frames: g.Spinner, FPS: time.Second / 10}))
	m.com.Spinner = g.Spinner[0]
	m.help = help.New()
	m.help.Styles = m.com.Styles.Help
	if m.ascii {
		m.help.Ellipsis = "..."
		m.help.ShortSeparator = " | "
	}
	m.input = newInputScreen(m.com, cfg.Demo)
	m.paneManager = newPaneManager(m.com)
	m.screen = screenInput
	if ins := cfg.Reports; ins != nil {
		m.screen = screenWorkbench
		m.initial = func() tea.Msg { return openReportsMsg{inputs: ins} }
	} else if msg := cfg.Message; msg != nil {
		m.screen = screenWorkbench
		m.initial = func() tea.Msg { return headersParsedMsg{raw: msg.Raw, msg: msg} }
	} else if cfg.Target != "" {
		t, err := diag.ParseTarget(cfg.Target)
		if err != nil {
			m.input.prefill(cfg.Target)
			m.input.err = err.Error()
		} else {
			m.screen = screenWorkbench
			m.initial = func() tea.Msg { return openMsg{target: t} }
		}
	}
	return m
}

// Init asks the terminal for its background colour, focuses the field or
// opens the target given on the command line.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(tea.RequestBackgroundColor, m.input.focus(), m.focused().Focus(), m.initial)
}

// Update handles one message: sizes and colours here, keys through the
// global bindings to the focused pane, run results (current run only) and
// everything else to every pane. The spinner ticks while something is in
// flight (the run, a pane's own lookup: the SMTP probes, a PTR) and stops
// when nothing is: an idle workbench asks for no timer at all.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	model, cmd := m.update(msg)
	if !m.spinning && m.active() {
		m.spinning = true
		cmd = tea.Batch(cmd, m.spin.Tick)
	}
	return model, cmd
}

// active reports whether anything is in flight: the run (or its message's
// re-check, or naming report sources), or a pane's own lookup.
func (m *Model) active() bool { return m.run.Busy() || m.waiting() }

// update is Update without the spinner's start.
func (m *Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.resize(msg.Width, msg.Height)
		return m, nil
	case tea.BackgroundColorMsg:
		m.setStyles(msg.IsDark())
		return m, nil
	case tea.KeyPressMsg:
		if m.quitting {
			return m, nil
		}
		return m, m.handleKey(msg)
	case tea.PasteMsg:
		if m.quitting {
			return m, nil
		}
		return m, m.handlePaste(msg)
	case tea.MouseClickMsg:
		return m, m.handleClick(msg.Mouse())
	case tea.MouseWheelMsg:
		return m, m.handleWheel(msg.Mouse())
	case spinner.TickMsg:
		if !m.active() {
			m.spinning = false
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		m.com.Spinner = m.spin.View()
		return m, cmd
	case openMsg:
		return m, m.open(msg.target, false)
	case openHeadersMsg:
		return m, parseCmd(msg.input, m.cfg.Now())
	case headersParsedMsg:
		return m, m.headersParsed(msg)
	case openReportsMsg:
		m.setFlash("Reading the DMARC aggregate reports"+m.com.Glyphs.Ellipsis, false)
		return m, readReportsCmd(m.base, msg.inputs)
	case reportsReadMsg:
		m.flash = ""
		return m, m.reportsRead(msg.set)
	case kit.JumpMsg:
		return m, m.jump(msg.Pane, msg.Sel)
	case kit.DetailMsg:
		if m.screen == screenWorkbench && m.report == nil {
			m.openDetail(msg.Detail)
		}
		return m, nil
	case kit.HeaderOptionsMsg:
		return m, m.reread(msg)
	case rereadMsg:
		return m, m.rereadDone(msg)
	case exportMsg:
		if msg.err != nil {
			m.setFlash("Export failed: "+termsafe.Error(msg.err), true)
		} else {
			// The file's name first: a narrow help bar cuts the
			// directory, never the name.
			dir, name := filepath.Split(msg.path)
			text := "Report written to " + termsafe.String(name)
			if msg.message != "" {
				// Beside it, the same name: say the path once.
				text = "Report and message written to " + termsafe.String(strings.TrimSuffix(name, ".md")) + ".md and .eml"
			}
			if dir = filepath.Clean(dir); dir != "." {
				text += " in " + termsafe.String(dir)
			}
			m.setFlash(text, false)
		}
		return m, nil
	case kit.RunMsg:
		return m, m.handleRunMsg(msg)
	}
	return m, m.broadcast(msg)
}

// broadcast gives a message to every pane (and the input screen), keeping
// every command they return.
func (m *Model) broadcast(msg tea.Msg) tea.Cmd {
	cmd := m.paneManager.broadcast(msg)
	if m.screen == screenInput {
		cmd = tea.Batch(cmd, m.input.update(msg))
	}
	return cmd
}

// resize lays the screen out for a new terminal size.
func (m *Model) resize(w, h int) {
	m.paneManager.resize(w, h)
	m.help.SetWidth(max(0, w-2))
	m.input.setSize(w, max(0, h-1))
	m.sizeOverlay()
	if m.report != nil {
		m.report.setSize(w, m.lay.body.h)
	}
}

// setShown shows or hides the message's panes and the reports' pane.
func (m *Model) setShown(message, reports bool) { m.paneManager.setShown(message, reports) }

// setStyles rebuilds the styles for the terminal's background.
func (m *Model) setStyles(dark bool) {
	m.com.Styles = kit.NewStyles(dark, m.color)
	m.help.Styles = m.com.Styles.Help
	m.input.applyStyles()
	m.applyStyles()
	if m.overlay != nil {
		m.overlay.Refresh()
	}
}

// setFlash shows a one-line notice in the help bar until the next key.
func (m *Model) setFlash(s string, bad bool) {
	m.flash, m.flashBad = s, bad
}

// editing reports whether a text field has the keys: the input screen's,
// or the focused pane's.
func (m *Model) editing() bool {
	return m.screen == screenInput || m.paneManager.editing()
}

// handleKey routes a key: ctrl+c always quits; then the screen's global
// bindings; then the focused pane, after which the pane manager asks the
// pane what it selected and tells the others.
func (m *Model) handleKey(k tea.KeyPressMsg) tea.Cmd {
	keys := m.com.Keys
	m.flash = ""
	if key.Matches(k, keys.ForceQuit) {
		return m.quit()
	}
	if m.screen == screenInput && m.input.editing {
		return m.input.update(k) // every key is text in the editor
	}
	if m.lay.tooSmall {
		if key.Matches(k, keys.Quit) {
			return m.quit()
		}
		return nil
	}
	if m.screen == screenInput {
		if key.Matches(k, keys.Back) {
			if !m.input.back() && m.run != nil {
				m.screen = screenWorkbench
			}
			return nil
		}
		return m.input.update(k)
	}
	if m.report != nil {
		return m.reportKey(k)
	}
	if m.overlay != nil {
		return m.overlayKey(k)
	}
	if m.editing() {
		switch {
		case key.Matches(k, keys.NextPane):
			return m.nextPane()
		case key.Matches(k, keys.PrevPane):
			return m.prevPane()
		}
		return m.routeKey(k)
	}
	switch {
	case key.Matches(k, keys.Quit):
		return m.quit()
	case key.Matches(k, keys.NextPane):
		return m.nextPane()
	case key.Matches(k, keys.PrevPane):
		return m.prevPane()
	case key.Matches(k, keys.Help):
		m.openHelp()
		return nil
	case key.Matches(k, keys.Detail):
		return m.detailFocused()
	case key.Matches(k, keys.Copy):
		return m.copyFocused()
	case key.Matches(k, keys.Export):
		return m.export()
	case key.Matches(k, keys.Rerun):
		if m.run != nil {
			return m.start(m.last, true)
		}
		return nil
	case key.Matches(k, keys.Back):
		return m.back()
	}
	return m.routeKey(k)
}

// back handles esc on the workbench: the focused pane backs out of what it
// has open; else a running investigation is cancelled; else the input
// screen shows, with the target in the field.
func (m *Model) back() tea.Cmd {
	if b, ok := m.focused().(kit.Backer); ok && b.Back() {
		return nil
	}
	run := m.run
	if run.Busy() {
		run.cancelled = true
		run.cancelInvestigation()
		m.setFlash("Cancelling: what has arrived stays; r re-runs", false)
		return nil
	}
	m.screen = screenInput
	switch {
	case run != nil && run.hdr != nil:
		// The session's headers lead the list.
		m.input.prefill("")
		m.input.cursor = 0
	case run != nil:
		m.input.prefill(run.target.Input)
	}
	return m.input.focus()
}

// handlePaste gives a bracketed paste to the field that has focus. Headers
// pasted on the workbench with no field focused open the editor with them.
func (m *Model) handlePaste(msg tea.PasteMsg) tea.Cmd {
	if m.screen == screenInput {
		return m.input.update(msg)
	}
	if m.editing() {
		return m.routePaste(msg)
	}
	if diag.LooksLikeHeaders(msg.Content) {
		m.screen = screenInput
		m.closeOverlay()
		m.report = nil
		return m.input.openEditor([]byte(msg.Content), "")
	}
	return nil
}

// handleClick focuses the pane under a click: a tab, or a frame when wide.
func (m *Model) handleClick(mouse tea.Mouse) tea.Cmd {
	if m.screen != screenWorkbench || m.lay.tooSmall || m.overlay != nil {
		return nil
	}
	return m.setFocus(m.clickPane(mouse.X, mouse.Y))
}

// handleWheel scrolls the focused pane as the arrow keys do.
func (m *Model) handleWheel(mouse tea.Mouse) tea.Cmd {
	if m.screen != screenWorkbench || m.lay.tooSmall {
		return nil
	}
	if m.overlay != nil {
		switch mouse.Button {
		case tea.MouseWheelUp:
			m.overlay.HandleKey(tea.KeyPressMsg{Code: tea.KeyUp})
		case tea.MouseWheelDown:
			m.overlay.HandleKey(tea.KeyPressMsg{Code: tea.KeyDown})
		}
		return nil
	}
	if m.editing() {
		return nil
	}
	if m.report != nil {
		switch mouse.Button {
		case tea.MouseWheelUp:
			m.report.scroll.HandleKey(tea.KeyPressMsg{Code: tea.KeyUp}, m.com.Keys)
		case tea.MouseWheelDown:
			m.report.scroll.HandleKey(tea.KeyPressMsg{Code: tea.KeyDown}, m.com.Keys)
		}
		return nil
	}
	switch mouse.Button {
	case tea.MouseWheelUp:
		return m.routeKey(tea.KeyPressMsg{Code: tea.KeyUp})
	case tea.MouseWheelDown:
		return m.routeKey(tea.KeyPressMsg{Code: tea.KeyDown})
	}
	return nil
}

// copyFocused copies the focused pane's item to the clipboard with OSC 52.
func (m *Model) copyFocused() tea.Cmd {
	c, ok := m.focused().(kit.Copier)
	if !ok {
		m.setFlash("Nothing to copy in this pane", true)
		return nil
	}
	text, ok := c.Copy()
	if !ok || text == "" {
		m.setFlash("Nothing selected to copy", true)
		return nil
	}
	return m.copyText(string(m.focused().ID()), termsafe.Lines(text))
}

// export writes the Markdown report to a new file, in a command.
func (m *Model) export() tea.Cmd {
	run := m.run
	if run == nil || run.report == nil {
		m.setFlash("Nothing to export yet", true)
		return nil
	}
	if run.Busy() {
		m.setFlash("Still running: export when it is done (esc cancels)", true)
		return nil
	}
	if m.cfg.ExportToView {
		return m.showReport(run)
	}
	dir := m.cfg.ExportDir
	if dir == "" {
		dir = "."
	}
	stamp := func(d *render.Doc) { m.stamp(run, d) }
	if run.rep != nil && run.rep.result != nil {
		doc := run.rep.result.Doc()
		stamp(doc)
		return exportDocCmd(dir, "mxray-reports-"+fileSafe(run.target.Domain), doc, render.Options{ASCII: m.ascii})
	}
	if run.hdr != nil {
		return exportHeadersCmd(dir, run, render.Options{ASCII: m.ascii}, stamp)
	}
	doc := run.domainReport().Doc()
	stamp(doc)
	return exportDocCmd(dir, "mxray-"+fileSafe(run.report.Domain), doc, render.Options{ASCII: m.ascii})
}

// stamp ends an exported report with the run's provenance (when the
// program was given one).
func (m *Model) stamp(run *runInfo, d *render.Doc) {
	if p := m.cfg.Provenance; p != nil {
		c := *p
		c.GeneratedAt = run.started
		c.AddTo(d)
	}
}

// quit stops everything in flight and ends the program.
func (m *Model) quit() tea.Cmd {
	m.quitting = true
	if m.cancelSession != nil {
		m.cancelSession()
	}
	return tea.Quit
}
