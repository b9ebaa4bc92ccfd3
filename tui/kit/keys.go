package kit

import "charm.land/bubbles/v2/key"

// KeyMap is every key the workbench and the input screen answer to. Global
// bindings are tried before the focused pane sees a key; while a text field
// has focus only ForceQuit, Back, Open and the pane keys (tab, shift+tab)
// act, and every other key is text. In the header editor only ForceQuit,
// Back (close, the text kept) and EditorDone act: enter and tab are text
// there too, as a header's lines and folding need them.
type KeyMap struct {
	NextPane, PrevPane key.Binding // tab, shift+tab
	Up, Down           key.Binding // ↑/k, ↓/j
	PageUp, PageDown   key.Binding // pgup/ctrl+u, pgdown/ctrl+d
	Top, Bottom        key.Binding // g/home, G/end
	Open               key.Binding // enter: open, jump, submit a field
	Detail             key.Binding // v: the focused item in full
	Collapse, Expand   key.Binding // ←/h, →/l on a tree
	Filter             key.Binding // /
	Help               key.Binding // ?
	Copy               key.Binding // y: OSC 52
	Export             key.Binding // e: Markdown report to a new file
	Rerun              key.Binding // r
	Back               key.Binding // esc: cancel or back out
	Quit               key.Binding // q
	ForceQuit          key.Binding // ctrl+c, even in a text field
	IP                 key.Binding // i: the SPF pane's IP field
	WhatIf             key.Binding // w: the SPF pane's what-if editor
	SwitchTree         key.Binding // t: the SPF pane's other tree (envelope or From domain)
	TrustHop           key.Binding // t: the Hops pane's "trust up to here"
	SenderHop          key.Binding // s: the Hops pane's "this is the sender"
	ResetHops          key.Binding // u: the Hops pane's undo of both
	Editor             key.Binding // ctrl+e: the header editor, from the input screen
	EditorDone         key.Binding // ctrl+d: read the editor's text as headers
	Propagate          key.Binding // p: the DNS log's "did it propagate?" of the selected question
}

// DefaultKeyMap returns the Charm-convention keys of DESIGN.md.
func DefaultKeyMap() KeyMap {
	up, down, left, right := "↑/k", "↓/j", "←/h", "→/l"
	return KeyMap{
		NextPane:  key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next pane")),
		PrevPane:  key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous pane")),
		Up:        key.NewBinding(key.WithKeys("up", "k"), key.WithHelp(up, "up")),
		Down:      key.NewBinding(key.WithKeys("down", "j"), key.WithHelp(down, "down")),
		PageUp:    key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown:  key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", "page down")),
		Top:       key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "first")),
		Bottom:    key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "last")),
		Open:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Detail:    key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "full")),
		Collapse:  key.NewBinding(key.WithKeys("left", "h"), key.WithHelp(left, "collapse")),
		Expand:    key.NewBinding(key.WithKeys("right", "l"), key.WithHelp(right, "expand")),
		Filter:    key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Copy:      key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy")),
		Export:    key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "export .md")),
		Rerun:     key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "re-run")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back/cancel")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		IP:        key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "test IPs")),
		WhatIf:    key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "what-if")),
		// The header editor: while it is open every other key is text.
		SwitchTree: key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "other tree")),
		TrustHop:   key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "trust to here")),
		SenderHop:  key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sender")),
		ResetHops:  key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "undo")),
		Editor:     key.NewBinding(key.WithKeys("ctrl+e"), key.WithHelp("ctrl+e", "paste headers")),
		EditorDone: key.NewBinding(key.WithKeys("ctrl+d"), key.WithHelp("ctrl+d", "read headers")),
		Propagate:  key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "propagated?")),
	}
}

// ASCIIHelp returns the key map with the arrow keys named in words in the
// help, for terminals that cannot draw arrows.
func (k KeyMap) ASCIIHelp() KeyMap {
	k.Up.SetHelp("up/k", k.Up.Help().Desc)
	k.Down.SetHelp("down/j", k.Down.Help().Desc)
	k.Collapse.SetHelp("left/h", k.Collapse.Help().Desc)
	k.Expand.SetHelp("right/l", k.Expand.Help().Desc)
	return k
}

// ShortHelp is the help bar's global part.
func (k KeyMap) ShortHelp() []key.Binding {
	next := k.NextPane
	next.SetHelp("tab", "pane")
	return []key.Binding{k.Detail, next, k.Help, k.Quit}
}

// FullHelp is the global part of the full help, in columns.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.NextPane, k.PrevPane, k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Open, k.Detail, k.Collapse, k.Expand, k.Filter, k.IP, k.WhatIf, k.SwitchTree},
		{k.Copy, k.Export, k.Rerun, k.Back, k.Help, k.Quit, k.ForceQuit},
	}
}

// WithHelp returns a copy of b with other help text.
func WithHelp(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}
