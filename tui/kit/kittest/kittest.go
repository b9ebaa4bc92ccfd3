// Package kittest is what tests of the workbench share: a Run to give a
// pane without the root, the screen checks every pane must pass, key
// presses by name, and Screen, a small terminal emulator that follows what
// a program draws (through a pipe, a pseudo-terminal or an SSH session).
// Only tests import it.
package kittest

import (
	"context"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/dmarcreport/readiness"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/tui/kit"
)

// Run is a finished run for a pane under test: its fields are what the
// kit.Run methods return.
type Run struct {
	RunID       int
	Domain      diag.Target
	Ctx         context.Context
	DNS         *dnsclient.Client
	Rep         *diag.Report
	Msg         *diag.Message
	Check       *diag.HeadersReport
	Running     bool // the run is not finished
	NoDomainWhy string
	Readiness   *readiness.Result // a run on DMARC aggregate reports
	Note        string
}

var _ kit.Run = (*Run)(nil)

// ID tags the run's messages.
func (r *Run) ID() int { return r.RunID }

// Target is what is investigated.
func (r *Run) Target() diag.Target { return r.Domain }

// Context is the run's context (context.Background when nil).
func (r *Run) Context() context.Context {
	if r.Ctx == nil {
		return context.Background()
	}
	return r.Ctx
}

// Client is the run's DNS client.
func (r *Run) Client() *dnsclient.Client { return r.DNS }

// Report is the domain's report.
func (r *Run) Report() *diag.Report { return r.Rep }

// NoDomain says why no domain is investigated.
func (r *Run) NoDomain() string { return r.NoDomainWhy }

// Unreachable is false: a test's DNS answers.
func (r *Run) Unreachable() bool { return false }

// Busy is Running.
func (r *Run) Busy() bool { return r.Running }

// State is loaded for a part in the report, else loading or cut.
func (r *Run) State(p finding.Part) kit.PartState {
	switch {
	case r.Rep != nil && r.Rep.Has(p):
		return kit.StateLoaded
	case r.Running:
		return kit.StateLoading
	}
	return kit.StateCut
}

// CutReason is the same for every part.
func (r *Run) CutReason(finding.Part) string { return "not finished" }

// Findings are the report's and the re-check's.
func (r *Run) Findings() []finding.Finding {
	var out []finding.Finding
	if r.Rep != nil {
		out = append(out, r.Rep.Findings...)
	}
	if r.Check != nil {
		out = append(out, r.Check.Findings...)
	}
	if r.Readiness != nil {
		out = append(out, r.Readiness.Findings...)
	}
	return out
}

// Message is the run's message.
func (r *Run) Message() *diag.Message { return r.Msg }

// Facts are the message's.
func (r *Run) Facts() kit.MessageFacts {
	if r.Msg == nil {
		return kit.MessageFacts{}
	}
	return kit.FactsOf(r.Msg)
}

// Recheck is the message's re-check.
func (r *Run) Recheck() *diag.HeadersReport { return r.Check }

// RecheckDone is whether there is one.
func (r *Run) RecheckDone() bool { return r.Check != nil }

// Reports is the readiness answer of a run on reports.
func (r *Run) Reports() *readiness.Result { return r.Readiness }

// ReportsNote is Note.
func (r *Run) ReportsNote() string { return r.Note }

// Common is the shared state of a test pane: dark colours, Unicode, the
// default keys, and run.
func Common(run kit.Run) *kit.Common {
	return &kit.Common{Styles: kit.NewStyles(true, true), Glyphs: kit.UnicodeGlyphs(), Keys: kit.DefaultKeyMap(), Run: run,
		Titles: func(finding.Part) string { return "" }}
}

// NonSGR returns the first escape sequence in view that is not a Select
// Graphic Rendition (colour and weight) one; "" when there is none.
func NonSGR(view string) string {
	var state byte
	for s := view; len(s) > 0; {
		seq, _, n, next := ansi.DecodeSequence(s, state, nil)
		state = next
		if n <= 0 {
			break
		}
		if len(seq) > 0 && (seq[0] == ansi.ESC || seq[0] < 0x20 && seq[0] != '\n') {
			if !strings.HasPrefix(seq, "\x1b[") || !strings.HasSuffix(seq, "m") {
				return seq
			}
		}
		s = s[n:]
	}
	return ""
}

// Key is the key press a terminal sends for a key name: "tab",
// "shift+tab", "enter", "esc", arrows, "backspace", "space", "pgup",
// "pgdown", "ctrl+x", or one character.
func Key(name string) tea.KeyPressMsg {
	switch name {
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	}
	if c, ok := strings.CutPrefix(name, "ctrl+"); ok && len(c) == 1 {
		return tea.KeyPressMsg{Code: rune(c[0]), Mod: tea.ModCtrl}
	}
	r := []rune(name)
	if len(r) != 1 {
		panic("kittest.Key: unknown key " + name)
	}
	return tea.KeyPressMsg{Code: r[0], Text: name}
}
