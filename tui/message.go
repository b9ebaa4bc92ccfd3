package tui

import (
	"errors"
	"path/filepath"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/headers"
	"github.com/mxray/mxray/tui/kit"
)

// pastedSource names headers that came from a paste or the editor.
const pastedSource = "pasted headers"

// headerInput is a message header given to the session to read: pasted,
// typed in the editor, or the demo's sample. Once read (diag.ReadMessage)
// it is a *diag.Message, whose bytes are kept exactly as given for the
// whole session: going back to the input screen, re-running and exporting
// all use them.
type headerInput struct {
	raw    []byte
	source string // pastedSource or the sample's name
}

// messageName is how the screen names a message: a file by its base name.
func messageName(m *diag.Message) string { return kit.Safe(filepath.Base(m.Source)) }

// parseCmd reads a header input in a command (a large paste takes a
// moment), with now as the time DKIM expiry is judged against: a
// headersParsedMsg either way.
func parseCmd(in *headerInput, now time.Time) tea.Cmd {
	return func() tea.Msg {
		m, err := diag.ReadMessage(in.source, in.raw, diag.HeaderOptions{Now: now})
		return headersParsedMsg{raw: in.raw, msg: m, err: err}
	}
}

// inputErrorText is what the editor shows under the text when it cannot
// be read as headers: the parser's own words for the technician.
func inputErrorText(err error) string {
	var ie *headers.InputError
	if errors.As(err, &ie) && ie.Detail != "" {
		return ie.Detail
	}
	return err.Error()
}
