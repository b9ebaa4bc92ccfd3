// Package kit is what every pane of the workbench shares and nothing else:
// the one style sheet and key map, the glyphs, the Pane interface and the
// one Selection that links panes, the shared state a pane receives (Common,
// with the current Run as a read-only view), the messages panes react to,
// and the widgets they have in common (Base and ListPane, List and
// Scroller, Filter, text fitting and wrapping).
//
// A pane is a package under tui/ that imports kit and diag's types, never
// another pane; the root (package tui) registers it, routes keys and
// messages to it and owns the Selection.
package kit
