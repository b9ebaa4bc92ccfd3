package tui

import (
	"errors"
	"path/filepath"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/headers"
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
func messageName(m *diag.Message) string { return safe(filepath.Base(m.Source)) }

// messageFacts are what the panes say about the message itself, decoded
// (RFC 2047) and made safe to draw once.
type messageFacts struct {
	subject  string // the first Subject, encoded words decoded; "" when none
	from     string // the From mailboxes as "Name <address>"
	envelope string // the envelope sender
	sending  string // the sending IP, or "" when there is none
}

// headerRun is the header side of a run: the message and, once DNS has
// answered, its re-check.
type headerRun struct {
	msg      *diag.Message
	analysis *headers.Analysis // msg.Analysis
	facts    messageFacts
	report   *diag.HeadersReport // nil until the re-check is in
	done     bool                // the re-check has returned
}

func newHeaderRun(m *diag.Message) *headerRun {
	return &headerRun{msg: m, analysis: m.Analysis, facts: factsOf(m)}
}

// parseCmd reads a header input in a command (a large paste takes a
// moment), with now as the time DKIM expiry is judged against: a
// headersParsedMsg either way.
func parseCmd(in *headerInput, now time.Time) tea.Cmd {
	return func() tea.Msg {
		m, err := diag.ReadMessage(in.source, in.raw, diag.HeaderOptions{Now: now})
		return headersParsedMsg{raw: in.raw, msg: m, err: err}
	}
}

// factsOf works out the message facts the panes show.
func factsOf(m *diag.Message) messageFacts {
	var f messageFacts
	f.subject = safe(m.Subject())
	from := m.From()
	for i := range from {
		from[i] = safe(from[i])
	}
	f.from = strings.Join(from, ", ")
	f.envelope = safe(m.Analysis.EnvelopeFrom)
	if m.Analysis.SendingIP != nil {
		f.sending = m.Analysis.SendingIP.String()
	}
	return f
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

// runFindings are the run's findings: the domain's, then the message's
// (the header's until the re-check is in, then the re-check's, which
// include them), sorted worst first. The two never overlap: a re-check
// that evaluated SPF against the investigated domain's tree leaves that
// tree's findings to the domain's report.
func runFindings(run *runInfo) []finding.Finding {
	if run == nil {
		return nil
	}
	var out []finding.Finding
	if run.report != nil {
		out = append(out, run.report.Findings...)
	}
	if h := run.hdr; h != nil {
		if h.report != nil {
			out = append(out, h.report.Findings...)
		} else {
			out = append(out, h.msg.Findings()...)
		}
		finding.Sort(out)
	}
	return out
}
