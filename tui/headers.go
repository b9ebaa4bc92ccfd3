package tui

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/headers"
)

// pastedSource names headers that came from a paste or the editor.
const pastedSource = "pasted headers"

// headerInput is a message header given to the session: pasted, typed in
// the editor, read from a file or stdin, or the demo's sample. The bytes
// are kept exactly as given for the whole session: going back to the input
// screen, re-running and exporting all use them.
type headerInput struct {
	raw    []byte
	source string // pastedSource, the file name, "stdin" or the sample's name
}

// name is how the screen names the input: a file by its base name.
func (in *headerInput) name() string { return safe(filepath.Base(in.source)) }

// parsedHeaders is a header input read by headers.Parse and analysed.
type parsedHeaders struct {
	input    *headerInput
	msg      *headers.Message
	analysis *headers.Analysis
	facts    messageFacts
}

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
	*parsedHeaders
	report *diag.HeadersReport // nil until the re-check is in
	done   bool                // the re-check has returned
}

// parseHeaders reads raw as headers.Parse does and analyses it, with now as
// the time DKIM expiry is judged against.
func parseHeaders(in *headerInput, now time.Time) (*parsedHeaders, error) {
	msg, err := headers.Parse(in.raw)
	if err != nil {
		return nil, err
	}
	a := headers.Analyze(msg, headers.Options{Now: now})
	return &parsedHeaders{input: in, msg: msg, analysis: a, facts: factsOf(msg, a)}, nil
}

// parseCmd parses a header input in a command (a large paste takes a
// moment): a headersParsedMsg either way.
func parseCmd(in *headerInput, now time.Time) tea.Cmd {
	return func() tea.Msg {
		p, err := parseHeaders(in, now)
		return headersParsedMsg{input: in, parsed: p, err: err}
	}
}

// factsOf works out the message facts the panes show.
func factsOf(m *headers.Message, a *headers.Analysis) messageFacts {
	var f messageFacts
	if subj := m.All("Subject"); len(subj) > 0 {
		f.subject = safe(headers.DecodeWords(subj[0].Value))
	}
	var from []string
	for _, addr := range a.From {
		s := "<" + addr.Addr + ">"
		if addr.Name != "" {
			s = addr.Name + " " + s
		}
		from = append(from, safe(s))
	}
	f.from = strings.Join(from, ", ")
	f.envelope = safe(a.EnvelopeFrom)
	if a.SendingIP != nil {
		f.sending = a.SendingIP.String()
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

// looksLikeHeaders reports whether a paste is a header block rather than
// a target: at least two lines that are not blank, one of which starts a
// header field ("Name:" with an RFC 5322 §2.2 field name). A one-line paste
// is always a target.
func looksLikeHeaders(s string) bool {
	lines, field := 0, false
	for line := range strings.Lines(strings.ReplaceAll(s, "\r", "\n")) {
		line = strings.TrimRight(line, "\n")
		if strings.TrimSpace(line) == "" {
			continue
		}
		lines++
		field = field || startsField(line)
		if lines >= 2 && field {
			return true
		}
	}
	return false
}

// startsField reports whether a line begins with a field name and a colon:
// printable US-ASCII but the colon (RFC 5322 §2.2), no space before it.
func startsField(line string) bool {
	name, value, ok := strings.Cut(line, ":")
	if !ok || name == "" || strings.HasPrefix(value, "//") { // a URL
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < 33 || c > 126 {
			return false
		}
	}
	return true
}

// runFindings are the run's findings: the domain's, then the message's
// (the analysis's until the re-check is in, then the re-check's, which
// include them), sorted worst first.
func runFindings(run *runInfo) []finding.Finding {
	if run == nil {
		return nil
	}
	var out []finding.Finding
	if run.report != nil {
		out = append(out, run.report.Findings...)
	}
	if h := run.hdr; h != nil {
		msg := diag.HeaderFindings(h.analysis.Findings)
		if h.report != nil {
			msg = h.report.Findings
		}
		// The re-check evaluates SPF afresh: a finding about the From
		// domain's record can come from both sides. Keep one.
		for _, f := range msg {
			if !slices.ContainsFunc(out, func(o finding.Finding) bool {
				return o.Code == f.Code && o.Subject == f.Subject && o.Message == f.Message
			}) {
				out = append(out, f)
			}
		}
		finding.Sort(out)
	}
	return out
}

// headerSelectors are the s= of the message's signatures whose d= is the
// investigated domain: the DKIM pane asks for them first.
func headerSelectors(a *headers.Analysis, domain string) []string {
	var out []string
	for _, s := range a.DKIMSignatures {
		if normName(s.D) == domain && s.S != "" && !containsFold(out, s.S) {
			out = append(out, s.S)
		}
	}
	return out
}

// containsFold reports whether list holds s, ignoring case.
func containsFold(list []string, s string) bool {
	for _, l := range list {
		if strings.EqualFold(l, s) {
			return true
		}
	}
	return false
}
