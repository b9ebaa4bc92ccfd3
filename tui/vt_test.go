package tui

import "github.com/mxray/mxray/tui/kit/kittest"

// vtScreen is the test terminal emulator (kittest.Screen) that follows
// what a program draws.
type vtScreen = kittest.Screen

// newVTScreen returns a blank w×h screen (kittest.NewScreen).
func newVTScreen(w, h int, onlcr bool) *vtScreen { return kittest.NewScreen(w, h, onlcr) }
