package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/mxray/mxray/diag/finding"
)

// PaneID names a pane. The domain panes exist for every investigation;
// the header panes (hops, then-vs-now) join the list, after Overview, when
// a message header is given.
type PaneID = finding.Part

// The panes of a domain investigation, in focus order.
const (
	PaneOverview = finding.PartOverview
	PaneMX       = finding.PartMX
	PaneSPF      = finding.PartSPF
	PaneDKIM     = finding.PartDKIM
	PaneDMARC    = finding.PartDMARC
	PaneFindings = finding.PartFindings
	PaneDNSLog   = finding.PartDNSLog
)

// The header panes, shown after Overview when a message header was given.
const (
	PaneHops    = finding.PartHops
	PaneThenNow = finding.PartThenNow
)

// paneTitle is the pane's name in the tab strip and on its frame.
func paneTitle(id PaneID) string {
	switch id {
	case PaneOverview:
		return "Overview"
	case PaneMX:
		return "MX & PTR"
	case PaneSPF:
		return "SPF tree"
	case PaneDKIM:
		return "DKIM"
	case PaneDMARC:
		return "DMARC"
	case PaneFindings:
		return "Findings"
	case PaneDNSLog:
		return "DNS log"
	case PaneHops:
		return "Hops"
	case PaneThenNow:
		return "Then vs now"
	default:
		return string(id)
	}
}

// paneShort is the abbreviated name used when the tab strip is narrow.
func paneShort(id PaneID) string {
	switch id {
	case PaneOverview:
		return "Ovw"
	case PaneMX:
		return "MX"
	case PaneSPF:
		return "SPF"
	case PaneDKIM:
		return "DKIM"
	case PaneDMARC:
		return "DMARC"
	case PaneFindings:
		return "Find"
	case PaneDNSLog:
		return "Log"
	case PaneHops:
		return "Hops"
	case PaneThenNow:
		return "Then"
	default:
		return string(id)
	}
}

// summary reports whether the pane belongs in the left (summary) column of
// the two-column layout; the others share the right (detail) column.
func summaryPane(id PaneID) bool {
	return id == PaneOverview || id == PaneFindings
}

// Pane is one panel of the workbench. Panes are plain structs: they never
// import each other and learn of the others only through the root's
// Selection and the messages it passes on.
type Pane interface {
	// ID names the pane.
	ID() PaneID
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

// textInput is a pane that has a text field with focus: every printable
// key is then text, and only ctrl+c, esc, enter and tab act.
type textInput interface {
	Editing() bool
}

// backer is a pane with something to back out of (a filter, the what-if
// editor, a field): Back undoes one level and reports whether it did.
type backer interface {
	Back() bool
}

// copier is a pane whose focused item can be copied: a record, a verdict,
// a finding with its fix. The text is not yet sanitised.
type copier interface {
	Copy() (string, bool)
}
