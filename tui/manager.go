package tui

import (
	"slices"

	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/tui/kit"
)

// paneManager owns the panes: which show, in what order, which has the
// focus, which fills the detail column, the one Selection that links them,
// and the layout they are drawn in. Keys reach it after the root's global
// bindings; it gives them to the focused pane and then shares what that
// pane selected. Every other message goes to every pane.
type paneManager struct {
	com    *kit.Common
	all    []kit.Pane // every registered pane, in registry order
	panes  []kit.Pane // the panes shown, in focus order
	focus  int        // index into panes
	detail int        // the pane shown in the right column of the wide layout
	sel    kit.Selection
	lay    layout
	// msgShown says the message's panes show.
	msgShown bool
}

// newPaneManager makes every registered pane, the message's hidden.
func newPaneManager(com *kit.Common) paneManager {
	pm := paneManager{com: com}
	titles := map[finding.Part]string{}
	for _, e := range registry {
		p := e.new(com)
		pm.all = append(pm.all, p)
		titles[p.ID()] = p.Title()
	}
	com.Titles = func(id finding.Part) string { return titles[id] }
	pm.setShown(false, false)
	pm.detail = pm.indexOf(finding.PartSPF)
	return pm
}

// setShown shows the message's panes (after the overview) or hides them,
// and the reports' pane likewise, keeping the focused and detail panes.
func (pm *paneManager) setShown(message, reports bool) {
	var focusID, detailID finding.Part
	if len(pm.panes) > 0 {
		focusID, detailID = pm.focused().ID(), pm.panes[pm.detail].ID()
	}
	panes := make([]kit.Pane, 0, len(pm.all))
	for i, p := range pm.all {
		if registry[i].message && !message || registry[i].reports && !reports {
			p.Blur()
			continue
		}
		panes = append(panes, p)
	}
	if slices.Equal(panes, pm.panes) {
		return
	}
	pm.panes = panes
	pm.msgShown = message
	pm.focus = max(0, pm.indexOf(focusID))
	if pm.detail = pm.indexOf(detailID); pm.detail < 0 {
		pm.detail = pm.indexOf(finding.PartSPF)
	}
	if pm.lay.width > 0 {
		pm.resize(pm.lay.width, pm.lay.height) // the overview grows for the message's lines
	}
}

// message reports whether the message's panes show.
func (pm *paneManager) message() bool { return pm.msgShown }

// indexOf returns the index of a pane shown, or -1.
func (pm *paneManager) indexOf(id finding.Part) int {
	return slices.IndexFunc(pm.panes, func(p kit.Pane) bool { return p.ID() == id })
}

// pane returns a registered pane, shown or not; nil for none.
func (pm *paneManager) pane(id finding.Part) kit.Pane {
	for _, p := range pm.all {
		if p.ID() == id {
			return p
		}
	}
	return nil
}

// focused is the pane keys go to.
func (pm *paneManager) focused() kit.Pane { return pm.panes[pm.focus] }

// setFocus moves the focus to pane i.
func (pm *paneManager) setFocus(i int) tea.Cmd {
	if i < 0 || i >= len(pm.panes) {
		return nil
	}
	if i != pm.focus {
		pm.panes[pm.focus].Blur()
	}
	pm.focus = i
	if !summaryPane(pm.panes[i].ID()) {
		pm.detail = i
	}
	return pm.panes[i].Focus()
}

// nextPane and prevPane move the focus along the tab strip.
func (pm *paneManager) nextPane() tea.Cmd { return pm.setFocus((pm.focus + 1) % len(pm.panes)) }

func (pm *paneManager) prevPane() tea.Cmd {
	return pm.setFocus((pm.focus + len(pm.panes) - 1) % len(pm.panes))
}

// editing reports whether the focused pane's text field has focus.
func (pm *paneManager) editing() bool {
	t, ok := pm.focused().(kit.TextInput)
	return ok && t.Editing()
}

// routeKey gives a key to the focused pane, then shares its selection.
func (pm *paneManager) routeKey(k tea.KeyPressMsg) tea.Cmd {
	var cmd tea.Cmd
	pm.panes[pm.focus], cmd = pm.focused().Update(k)
	return tea.Batch(cmd, pm.shareSelection())
}

// routePaste gives a paste to the focused pane (its open field).
func (pm *paneManager) routePaste(msg tea.PasteMsg) tea.Cmd {
	var cmd tea.Cmd
	pm.panes[pm.focus], cmd = pm.focused().Update(msg)
	return cmd
}

// shareSelection asks the focused pane what it selected and, when that
// changed, tells every other pane.
func (pm *paneManager) shareSelection() tea.Cmd {
	sel := pm.focused().Selected()
	if sel.IsZero() || sel.Same(pm.sel) {
		return nil
	}
	sel.ViaPane = pm.focused().ID()
	pm.sel = sel
	var cmds []tea.Cmd
	for i, p := range pm.panes {
		if i != pm.focus {
			cmds = append(cmds, p.Select(sel))
		}
	}
	return tea.Batch(cmds...)
}

// selectAll makes sel the selection and tells every pane.
func (pm *paneManager) selectAll(sel kit.Selection) tea.Cmd {
	pm.sel = sel
	cmds := make([]tea.Cmd, 0, len(pm.panes))
	for _, p := range pm.panes {
		cmds = append(cmds, p.Select(sel))
	}
	return tea.Batch(cmds...)
}

// jump focuses a pane and selects something in it, telling every pane.
func (pm *paneManager) jump(id finding.Part, sel kit.Selection) tea.Cmd {
	cmd := pm.setFocus(pm.indexOf(id))
	if sel.IsZero() {
		return cmd
	}
	sel.Explicit = true
	return tea.Batch(cmd, pm.selectAll(sel))
}

// broadcast gives a message to every pane shown, keeping every command
// they return.
func (pm *paneManager) broadcast(msg tea.Msg) tea.Cmd {
	cmds := make([]tea.Cmd, 0, len(pm.panes))
	for i, p := range pm.panes {
		var cmd tea.Cmd
		pm.panes[i], cmd = p.Update(msg)
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}

// resize lays the panes out for a terminal w×h cells.
func (pm *paneManager) resize(w, h int) {
	ovRows := overviewRows
	if pm.message() {
		ovRows += messageRows
	}
	pm.lay = computeLayout(w, h, ovRows)
	if pm.lay.tooSmall {
		return
	}
	for _, p := range pm.all {
		p.SetSize(pm.lay.paneSize(p.ID()))
	}
}

// applyStyles gives the panes with text fields the rebuilt styles.
func (pm *paneManager) applyStyles() {
	for _, p := range pm.all {
		if s, ok := p.(kit.Styler); ok {
			s.ApplyStyles()
		}
	}
}

// waiting reports whether a pane waits for a lookup of its own.
func (pm *paneManager) waiting() bool {
	return slices.ContainsFunc(pm.panes, func(p kit.Pane) bool {
		w, ok := p.(kit.Waiter)
		return ok && w.Waiting()
	})
}

// clickPane is the pane under a click at (x, y): a tab, or a frame when
// wide; -1 for none.
func (pm *paneManager) clickPane(x, y int) int {
	if y == 1 {
		for _, t := range pm.tabSpans() {
			if x >= t.x && x < t.x+t.w {
				return t.pane
			}
		}
		return -1
	}
	if pm.lay.wide {
		switch {
		case pm.lay.overview.contains(x, y):
			return pm.indexOf(finding.PartOverview)
		case pm.lay.findings.contains(x, y):
			return pm.indexOf(finding.PartFindings)
		case pm.lay.detail.contains(x, y):
			return pm.detail
		}
	}
	return -1
}
