package tui

import (
	"context"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/render"
	"github.com/mxray/mxray/diag/termsafe"
)

// Defaults for the zero Config.
const (
	defaultTimeout = 2 * time.Second
	maxRecent      = 8
)

// Config is what the workbench needs from the command line.
type Config struct {
	// Target is what the user gave on the command line ("" opens the input
	// screen). A target that does not parse opens the input screen with
	// the text kept and the reason shown.
	Target string
	// Demo lists the demo domains on the input screen.
	Demo bool
	// ASCII draws with ASCII only (--ascii); a locale that is not UTF-8
	// does too.
	ASCII bool
	// NewClient returns a fresh DNS client for one investigation, whose
	// OnQuery calls onQuery (from lookup goroutines).
	NewClient func(onQuery func(dnsclient.LogEntry)) *dnsclient.Client
	// Selectors are DKIM selectors to look up besides the common ones.
	Selectors []string
	// Deadline bounds a whole investigation (diag.DefaultDeadline when 0).
	Deadline time.Duration
	// Timeout bounds one lookup a pane starts: an IP's SPF verdict or PTR,
	// a what-if tree (2 s when 0).
	Timeout time.Duration
	// Offline is set under --demo and --zone: no MTA-STS policy fetch.
	Offline bool
	// ExportDir is where e writes the Markdown report ("" for the working
	// directory).
	ExportDir string
	// Env is the environment read for NO_COLOR and the locale (os.Environ
	// when nil).
	Env []string
	// Now is the clock for elapsed times and for judging a message's DKIM
	// expiry (time.Now when nil).
	Now func() time.Time

	// Message is a message to open straight on (mxray FILE.eml, mxray -),
	// already read by the caller with diag.ReadMessage; nil opens on
	// Target. Its bytes are kept, byte for byte, for the whole session.
	Message *diag.Message
	// Location is the zone the hops' local times are shown in (time.Local
	// when nil).
	Location *time.Location

	// Input is where Run reads keys (the terminal when nil): with mxray -
	// stdin holds the headers, and keys come from /dev/tty.
	Input io.Reader
	// Output is where Run draws (the terminal when nil).
	Output io.Writer
	// Width and Height are the terminal's size for an Output that cannot
	// report one (a pipe in a test); 0 asks the terminal.
	Width, Height int
}

// screen is which of the two screens shows.
type screen int

const (
	screenInput screen = iota
	screenWorkbench
)

// Model is the root of the workbench: it owns the screens, the focus, the
// layout, the keys, the styles and the one Selection, and it runs the
// investigations. Use New to make one.
type Model struct {
	cfg   Config
	base  context.Context
	com   *common
	ascii bool
	color bool

	screen   screen
	input    *inputScreen
	panes    []Pane
	focus    int // index into panes
	detail   int // the pane shown in the right column of the wide layout
	sel      Selection
	lay      layout
	help     help.Model
	showHelp bool
	spin     spinner.Model
	spinning bool
	flash    string
	flashBad bool
	recent   []string

	runSeq        int
	stream        *stream
	cancelSession context.CancelFunc
	initial       tea.Cmd

	// The header panes, in the focus order only for a headers run.
	hops    *hopsPane
	thenNow *thenNowPane
	// last is what r runs again.
	last runRequest
}

// runRequest is what one run investigates: a domain, and for a message
// its headers (the domain is then its From domain, when it has one).
type runRequest struct {
	target   diag.Target
	noDomain string        // why no domain is investigated; "" when one is
	msg      *diag.Message // the message of a headers run
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
	m.ascii = cfg.ASCII || !UTF8Locale(cfg.Env)
	m.color = !NoColor(cfg.Env)
	g := UnicodeGlyphs()
	if m.ascii {
		g = ASCIIGlyphs()
	}
	keys := DefaultKeyMap()
	if m.ascii {
		keys = keys.ASCIIHelp()
	}
	m.com = &common{styles: NewStyles(true, m.color), glyphs: g, keys: keys, timeout: cfg.Timeout, now: cfg.Now, loc: cfg.Location}
	m.spin = spinner.New(spinner.WithSpinner(spinner.Spinner{Frames: g.Spinner, FPS: time.Second / 10}))
	m.com.spinner = g.Spinner[0]
	m.help = help.New()
	m.help.Styles = m.com.styles.Help
	if m.ascii {
		m.help.Ellipsis = "..."
		m.help.ShortSeparator = " | "
	}
	m.input = newInputScreen(m.com, cfg.Demo)
	for _, p := range []Pane{
		newOverviewPane(m.com),
		newMXPane(m.com),
		newSPFPane(m.com),
		newDKIMPane(m.com),
		newDMARCPane(m.com),
		newFindingsPane(m.com),
		newDNSLogPane(m.com),
	} {
		m.addPane(p)
	}
	m.hops, m.thenNow = newHopsPane(m.com), newThenNowPane(m.com)
	m.detail = m.indexOf(PaneSPF)
	m.screen = screenInput
	if msg := cfg.Message; msg != nil {
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

// addPane puts a pane at the end of the focus order and sizes it.
func (m *Model) addPane(p Pane) { m.insertPane(len(m.panes), p) }

// insertPane puts a pane at index i of the focus order and sizes it. The
// header panes (hops, then-vs-now) join after Overview this way when
// headers are given: the tab strip, the focus keys and the two-column
// layout (where every pane but Overview and Findings shares the detail
// column) take any number of panes.
func (m *Model) insertPane(i int, p Pane) {
	m.panes = slices.Insert(m.panes, i, p)
	if m.lay.width > 0 && !m.lay.tooSmall {
		p.SetSize(m.lay.paneSize(p.ID()))
	}
}

// setHeaderPanes puts the header panes in the focus order (after
// Overview) or takes them out, keeping the focused and detail panes.
func (m *Model) setHeaderPanes(on bool) {
	if (m.indexOf(PaneHops) >= 0) == on {
		return
	}
	focusID, detailID := m.focused().ID(), m.panes[m.detail].ID()
	if on {
		at := m.indexOf(PaneOverview) + 1
		m.insertPane(at, m.hops)
		m.insertPane(at+1, m.thenNow)
	} else {
		m.hops.Blur()
		m.thenNow.Blur()
		m.panes = slices.DeleteFunc(m.panes, func(p Pane) bool { return p.ID() == PaneHops || p.ID() == PaneThenNow })
	}
	m.focus = max(0, m.indexOf(focusID))
	if m.detail = m.indexOf(detailID); m.detail < 0 {
		m.detail = m.indexOf(PaneSPF)
	}
	if m.lay.width > 0 {
		m.resize(m.lay.width, m.lay.height) // the overview grows for the message's lines
	}
}

// indexOf returns the index of a pane, or -1.
func (m *Model) indexOf(id PaneID) int {
	return slices.IndexFunc(m.panes, func(p Pane) bool { return p.ID() == id })
}

// Update handles one message: sizes and colours here, keys through the
// global bindings to the focused pane, run results (current run only) and
// everything else to every pane.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.resize(msg.Width, msg.Height)
		return m, nil
	case tea.BackgroundColorMsg:
		m.setStyles(msg.IsDark())
		return m, nil
	case tea.KeyPressMsg:
		return m, m.handleKey(msg)
	case tea.PasteMsg:
		return m, m.handlePaste(msg)
	case tea.MouseClickMsg:
		return m, m.handleClick(msg.Mouse())
	case tea.MouseWheelMsg:
		return m, m.handleWheel(msg.Mouse())
	case spinner.TickMsg:
		if !m.com.run.busy() {
			m.spinning = false
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		m.com.spinner = m.spin.View()
		return m, cmd
	case openMsg:
		return m, m.open(msg.target, false)
	case openHeadersMsg:
		return m, parseCmd(msg.input, m.cfg.Now())
	case headersParsedMsg:
		return m, m.headersParsed(msg)
	case jumpMsg:
		return m, m.jump(msg.pane, msg.sel)
	case exportMsg:
		if msg.err != nil {
			m.setFlash("Export failed: "+termsafe.Error(msg.err), true)
		} else {
			text := "Report written to " + termsafe.String(msg.path)
			if msg.message != "" {
				// Beside it, the same name: say the path once.
				text = "Report and message written to " + termsafe.String(strings.TrimSuffix(msg.path, ".md")) + ".md and .eml"
			}
			m.setFlash(text, false)
		}
		return m, nil
	case runMsg:
		return m, m.handleRunMsg(msg)
	}
	return m, m.broadcast(msg)
}

// handleRunMsg takes a message of a run: stale ones are dropped; results
// update the run and go to every pane; the stream's waits are renewed.
func (m *Model) handleRunMsg(msg runMsg) tea.Cmd {
	run := m.com.run
	if run == nil || msg.runID() != run.id {
		return nil // from a cancelled or earlier run
	}
	var next tea.Cmd
	switch msg := msg.(type) {
	case partMsg:
		next = m.stream.waitEvent()
		if run.done {
			return next // the final report, already in, holds this part
		}
		run.report = msg.report
	case queryMsg:
		next = m.stream.waitLog(run.ctx)
	case runDoneMsg:
		next = m.stream.waitEvent()
		run.report = msg.report
		run.done = true
		run.finished = m.cfg.Now()
		run.unreachable = msg.report.Unreachable
		if len(msg.report.Unfinished) == 0 && (run.hdr == nil || run.hdr.done) {
			run.cancelled = false
		}
	case recheckMsg:
		next = m.stream.waitEvent()
		run.hdr.report = msg.report
		run.hdr.done = true
		run.finished = m.cfg.Now()
	}
	return tea.Batch(m.broadcast(msg), next)
}

// broadcast gives a message to every pane (and the input screen), keeping
// every command they return.
func (m *Model) broadcast(msg tea.Msg) tea.Cmd {
	cmds := make([]tea.Cmd, 0, len(m.panes)+1)
	for i, p := range m.panes {
		var cmd tea.Cmd
		m.panes[i], cmd = p.Update(msg)
		cmds = append(cmds, cmd)
	}
	if m.screen == screenInput {
		cmds = append(cmds, m.input.update(msg))
	}
	return tea.Batch(cmds...)
}

// resize lays the screen out for a new terminal size.
func (m *Model) resize(w, h int) {
	ovRows := overviewRows
	if m.indexOf(PaneHops) >= 0 {
		ovRows += messageRows
	}
	m.lay = computeLayout(w, h, ovRows)
	m.help.SetWidth(max(0, w-2))
	m.input.setSize(w, max(0, h-1))
	if m.lay.tooSmall {
		return
	}
	for _, p := range m.panes {
		p.SetSize(m.lay.paneSize(p.ID()))
	}
}

// setStyles rebuilds the styles for the terminal's background.
func (m *Model) setStyles(dark bool) {
	m.com.styles = NewStyles(dark, m.color)
	m.help.Styles = m.com.styles.Help
	m.input.applyStyles()
	for _, p := range m.panes {
		if s, ok := p.(interface{ applyStyles() }); ok {
			s.applyStyles()
		}
	}
}

// setFlash shows a one-line notice in the help bar until the next key.
func (m *Model) setFlash(s string, bad bool) {
	m.flash, m.flashBad = s, bad
}

// focused is the pane keys go to.
func (m *Model) focused() Pane { return m.panes[m.focus] }

// setFocus moves the focus to pane i.
func (m *Model) setFocus(i int) tea.Cmd {
	if i < 0 || i >= len(m.panes) {
		return nil
	}
	if i != m.focus {
		m.panes[m.focus].Blur()
	}
	m.focus = i
	if !summaryPane(m.panes[i].ID()) {
		m.detail = i
	}
	return m.panes[i].Focus()
}

// editing reports whether the focused pane's text field has focus.
func (m *Model) editing() bool {
	if m.screen == screenInput {
		return true
	}
	t, ok := m.focused().(textInput)
	return ok && t.Editing()
}

// handleKey routes a key: ctrl+c always quits; then the screen's global
// bindings; then the focused pane, after which the root asks the pane what
// it selected and tells the others.
func (m *Model) handleKey(k tea.KeyPressMsg) tea.Cmd {
	keys := m.com.keys
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
			if !m.input.back() && m.com.run != nil {
				m.screen = screenWorkbench
			}
			return nil
		}
		return m.input.update(k)
	}
	if m.showHelp {
		switch {
		case key.Matches(k, keys.Help), key.Matches(k, keys.Back):
			m.showHelp = false
		case key.Matches(k, keys.Quit):
			return m.quit()
		}
		return nil
	}
	if m.editing() {
		switch {
		case key.Matches(k, keys.NextPane):
			return m.setFocus((m.focus + 1) % len(m.panes))
		case key.Matches(k, keys.PrevPane):
			return m.setFocus((m.focus + len(m.panes) - 1) % len(m.panes))
		}
		return m.routeKey(k)
	}
	switch {
	case key.Matches(k, keys.Quit):
		return m.quit()
	case key.Matches(k, keys.NextPane):
		return m.setFocus((m.focus + 1) % len(m.panes))
	case key.Matches(k, keys.PrevPane):
		return m.setFocus((m.focus + len(m.panes) - 1) % len(m.panes))
	case key.Matches(k, keys.Help):
		m.showHelp = true
		return nil
	case key.Matches(k, keys.Copy):
		return m.copyFocused()
	case key.Matches(k, keys.Export):
		return m.export()
	case key.Matches(k, keys.Rerun):
		if m.com.run != nil {
			return m.start(m.last, true)
		}
		return nil
	case key.Matches(k, keys.Back):
		return m.back()
	}
	return m.routeKey(k)
}

// routeKey gives a key to the focused pane, then shares its selection.
func (m *Model) routeKey(k tea.KeyPressMsg) tea.Cmd {
	var cmd tea.Cmd
	m.panes[m.focus], cmd = m.focused().Update(k)
	return tea.Batch(cmd, m.shareSelection())
}

// shareSelection asks the focused pane what it selected and, when that
// changed, tells every other pane.
func (m *Model) shareSelection() tea.Cmd {
	sel := m.focused().Selected()
	if sel.IsZero() || sel.Same(m.sel) {
		return nil
	}
	sel.ViaPane = m.focused().ID()
	m.sel = sel
	var cmds []tea.Cmd
	for i, p := range m.panes {
		if i != m.focus {
			cmds = append(cmds, p.Select(sel))
		}
	}
	return tea.Batch(cmds...)
}

// jump focuses a pane and selects something in it, telling every pane.
func (m *Model) jump(id PaneID, sel Selection) tea.Cmd {
	cmds := []tea.Cmd{m.setFocus(m.indexOf(id))}
	if !sel.IsZero() {
		sel.Explicit = true
		m.sel = sel
		for _, p := range m.panes {
			cmds = append(cmds, p.Select(sel))
		}
	}
	return tea.Batch(cmds...)
}

// back handles esc on the workbench: the focused pane backs out of what it
// has open; else a running investigation is cancelled; else the input
// screen shows, with the target in the field.
func (m *Model) back() tea.Cmd {
	if b, ok := m.focused().(backer); ok && b.Back() {
		return nil
	}
	run := m.com.run
	if run.busy() {
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
		var cmd tea.Cmd
		m.panes[m.focus], cmd = m.focused().Update(msg)
		return cmd
	}
	if diag.LooksLikeHeaders(msg.Content) {
		m.screen = screenInput
		m.showHelp = false
		return m.input.openEditor([]byte(msg.Content), "")
	}
	return nil
}

// handleClick focuses the pane under a click: a tab, or a frame when wide.
func (m *Model) handleClick(mouse tea.Mouse) tea.Cmd {
	if m.screen != screenWorkbench || m.lay.tooSmall || m.showHelp {
		return nil
	}
	if mouse.Y == 1 {
		for _, t := range m.tabSpans() {
			if mouse.X >= t.x && mouse.X < t.x+t.w {
				return m.setFocus(t.pane)
			}
		}
		return nil
	}
	if m.lay.wide {
		switch {
		case m.lay.overview.contains(mouse.X, mouse.Y):
			return m.setFocus(m.indexOf(PaneOverview))
		case m.lay.findings.contains(mouse.X, mouse.Y):
			return m.setFocus(m.indexOf(PaneFindings))
		case m.lay.detail.contains(mouse.X, mouse.Y):
			return m.setFocus(m.detail)
		}
	}
	return nil
}

// handleWheel scrolls the focused pane as the arrow keys do.
func (m *Model) handleWheel(mouse tea.Mouse) tea.Cmd {
	if m.screen != screenWorkbench || m.lay.tooSmall || m.showHelp || m.editing() {
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
	c, ok := m.focused().(copier)
	if !ok {
		m.setFlash("Nothing to copy in this pane", true)
		return nil
	}
	text, ok := c.Copy()
	if !ok || text == "" {
		m.setFlash("Nothing selected to copy", true)
		return nil
	}
	text = termsafe.Lines(text)
	m.setFlash("Copied "+plural(len([]rune(text)), "character", "characters")+" (OSC 52)", false)
	return tea.SetClipboard(text)
}

// export writes the Markdown report to a new file, in a command.
func (m *Model) export() tea.Cmd {
	run := m.com.run
	if run == nil || run.report == nil {
		m.setFlash("Nothing to export yet", true)
		return nil
	}
	if run.busy() {
		m.setFlash("Still running: export when it is done (esc cancels)", true)
		return nil
	}
	dir := m.cfg.ExportDir
	if dir == "" {
		dir = "."
	}
	if run.hdr != nil {
		return exportHeadersCmd(dir, run, render.Options{ASCII: m.ascii})
	}
	return exportCmd(dir, run.report, render.Options{ASCII: m.ascii})
}

// quit stops everything in flight and ends the program.
func (m *Model) quit() tea.Cmd {
	if m.cancelSession != nil {
		m.cancelSession()
	}
	return tea.Quit
}

// addRecent remembers a target for the input screen.
func (m *Model) addRecent(s string) {
	m.recent = slices.DeleteFunc(m.recent, func(r string) bool { return r == s })
	m.recent = append([]string{s}, m.recent...)
	if len(m.recent) > maxRecent {
		m.recent = m.recent[:maxRecent]
	}
	m.input.recent = m.recent
}

// headersParsed takes a header input read in a command: one that cannot
// be read goes back to the editor with the parser's words under it and
// every byte kept; one that can becomes the session's headers and is run.
func (m *Model) headersParsed(msg headersParsedMsg) tea.Cmd {
	if msg.err != nil {
		m.screen = screenInput
		return m.input.openEditor(msg.raw, inputErrorText(msg.err))
	}
	p := msg.msg
	m.input.headers, m.input.headersDesc = p, describeMessage(p)
	// The editor starts from these headers next time (ctrl+e).
	cmds := []tea.Cmd{m.input.editor.open(p.Raw, ""), m.input.closeEditor()}
	req := runRequest{msg: p}
	if t, err := p.Target(); err != nil {
		req.noDomain = termsafe.Error(err)
	} else {
		req.target = t
	}
	return tea.Batch(append(cmds, m.start(req, false))...)
}

// describeMessage says in a line which message a header block is.
func describeMessage(p *diag.Message) string {
	f := factsOf(p)
	var parts []string
	if f.from != "" {
		parts = append(parts, "From "+f.from)
	}
	if f.subject != "" {
		parts = append(parts, "Subject "+f.subject)
	}
	parts = append(parts, plural(len(p.Analysis.Hops), "hop", "hops"))
	return strings.Join(parts, " · ")
}

// open starts an investigation of a domain, cancelling whatever ran
// before. keepFocus is set for a re-run of the same target.
func (m *Model) open(t diag.Target, keepFocus bool) tea.Cmd {
	return m.start(runRequest{target: t}, keepFocus)
}

// start runs a request, cancelling whatever ran before: the domain's
// investigation and, for a message, its re-check against today's DNS,
// both through one client so they share its cache. keepFocus is set for a
// re-run of the same request.
func (m *Model) start(req runRequest, keepFocus bool) tea.Cmd {
	if m.cancelSession != nil {
		m.cancelSession()
	}
	m.screen = screenWorkbench
	m.showHelp = false
	if req.msg == nil {
		m.addRecent(req.target.Input)
	}
	m.setHeaderPanes(req.msg != nil)
	m.last = req
	m.runSeq++
	s := newStream(m.runSeq)
	client := m.cfg.NewClient(s.onQuery)
	sessCtx, sessCancel := context.WithCancel(m.base)
	invCtx, invCancel := context.WithCancel(sessCtx)
	m.cancelSession = sessCancel
	m.stream = s
	run := &runInfo{
		id: s.run, target: req.target, ctx: sessCtx, client: client,
		cancelInvestigation: invCancel, started: m.cfg.Now(), noDomain: req.noDomain,
	}
	if req.msg != nil {
		run.hdr = newHeaderRun(req.msg)
	}
	m.com.run = run
	opts := diag.Options{Selectors: m.cfg.Selectors, Deadline: m.cfg.Deadline, Offline: m.cfg.Offline}
	if !m.cfg.Offline {
		opts.Dial = diag.Dialer(client, m.cfg.Timeout)
	}
	var cmds []tea.Cmd
	if !keepFocus {
		first := 0
		if req.msg != nil {
			first = m.indexOf(PaneHops)
		}
		cmds = append(cmds, m.setFocus(first))
		m.sel = Selection{}
	}
	cmds = append(cmds, m.broadcast(runStartMsg{run: s.run, target: req.target, rerun: keepFocus}))
	sel := m.sel
	switch {
	case req.target.Kind == diag.TargetIPDomain:
		sel = IPSelection(req.target.IP)
		sel.Explicit = true
	case req.msg != nil && !keepFocus && req.msg.Analysis.SendingIP != nil:
		// The message's sending IP, chosen in the hops.
		a := req.msg.Analysis
		sel = IPSelection(*a.SendingIP)
		sel.Hop, sel.ViaPane, sel.Explicit = a.SendingHop, PaneHops, true
	}
	if !sel.IsZero() {
		m.sel = sel
		for _, p := range m.panes {
			cmds = append(cmds, p.Select(sel))
		}
	}
	if req.msg != nil {
		mo := diag.MessageOptions{Investigate: true, Options: opts, Now: m.cfg.Now()}
		cmds = append(cmds, s.checkMessage(sessCtx, invCtx, client, req.msg, mo, req.noDomain != ""))
	} else {
		cmds = append(cmds, s.investigate(sessCtx, invCtx, client, req.target.Domain, opts))
	}
	cmds = append(cmds, s.waitEvent(), s.waitLog(sessCtx))
	if !m.spinning {
		m.spinning = true
		cmds = append(cmds, m.spin.Tick)
	}
	return tea.Batch(cmds...)
}
