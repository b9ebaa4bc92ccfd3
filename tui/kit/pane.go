package kit

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag/finding"
)

// Pane is one panel of the workbench. Panes are plain structs: they never
// import each other and learn of the others only through the root's
// Selection and the messages it passes on. A pane's ID is a finding.Part:
// the part it shows (finding.PartSPF), or one of the parts that name a
// pane of their own (finding.PartOverview, PartFindings, PartDNSLog,
// PartHops, PartThenNow).
type Pane interface {
	// ID names the pane.
	ID() finding.Part
	// Title is the pane's name in the tab strip and on its frame; Short
	// is the abbreviation used when the tab strip is narrow.
	Title() string
	Short() string
	// Update handles a key (only when focused) or any other message.
	Update(msg tea.Msg) (Pane, tea.Cmd)
	// View draws the pane in the size SetSize gave it.
	View() string
	// SetSize gives the pane its size in cells, frame excluded.
	SetSize(width, height int)
	// Focus and Blur tell the pane whether keys go to it.
	Focus() tea.Cmd
	Blur()
	// Help lists the pane's own keys for the help bar and the full help.
	Help() []key.Binding
	// Selected is what the pane has selected (the zero Selection for
	// nothing); the root asks after every key the pane handles.
	Selected() Selection
	// Select tells the pane what another pane selected; it may start a
	// lookup (the SPF verdict of an IP, its PTR).
	Select(sel Selection) tea.Cmd
}

// TextInput is a pane that has a text field: while Editing reports true
// every printable key is text, and only ctrl+c, esc, enter and tab act.
type TextInput interface {
	Editing() bool
}

// Backer is a pane with something to back out of (a filter, the what-if
// editor, a field): Back undoes one level and reports whether it did.
type Backer interface {
	Back() bool
}

// Copier is a pane whose focused item can be copied: a record, a verdict,
// a finding with its fix. The text is not yet sanitised.
type Copier interface {
	Copy() (string, bool)
}

// Styler is a pane with text fields whose styles follow the terminal's
// background: ApplyStyles is called after the style sheet is rebuilt.
type Styler interface {
	ApplyStyles()
}

// Waiter is a pane with a lookup of its own in flight (an IP's verdict,
// its PTR).
type Waiter interface {
	Waiting() bool
}
