package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/termsafe"
	"github.com/mxray/mxray/tui/kit"
)

// rereadMsg is the run's message read again with other header options.
type rereadMsg struct {
	from *diag.Message // the message it was read from
	msg  *diag.Message
	err  error
}

// reread reads the run's message again, in a command, with the header
// options the Hops pane asked for (trusted hosts, the sending IP).
func (m *Model) reread(o kit.HeaderOptionsMsg) tea.Cmd {
	if m.run == nil || m.run.hdr == nil {
		return nil
	}
	from := m.run.hdr.msg
	opts := diag.HeaderOptions{TrustedHosts: o.TrustedHosts, SendingIP: o.SendingIP, Now: m.cfg.Now()}
	return func() tea.Msg {
		msg, err := diag.ReadMessage(from.Source, from.Raw, opts)
		return rereadMsg{from: from, msg: msg, err: err}
	}
}

// rereadDone takes the message read again and checks it again, keeping the
// focus, the cursor on its (new) sending hop. A reply for a message no
// longer shown is dropped.
func (m *Model) rereadDone(r rereadMsg) tea.Cmd {
	if m.run == nil || m.run.hdr == nil || m.run.hdr.msg != r.from {
		return nil
	}
	if r.err != nil {
		m.setFlash("Could not read the message again: "+termsafe.Error(r.err), true)
		return nil
	}
	p := r.msg
	m.input.headers, m.input.headersDesc = p, describeMessage(p)
	req := runRequest{msg: p}
	if t, err := p.Target(); err != nil {
		req.noDomain = termsafe.Error(err)
	} else {
		req.target = t
	}
	if a := p.Analysis; a.SendingIP != nil {
		m.sel = kit.IPSelection(*a.SendingIP)
		m.sel.Hop, m.sel.ViaPane, m.sel.Explicit = a.SendingHop, finding.PartHops, true
	}
	m.setFlash(optionsWords(p.Options), false)
	return m.start(req, true)
}

// optionsWords says what the message is now read with, for the flash line.
func optionsWords(o diag.HeaderOptions) string {
	var parts []string
	if len(o.TrustedHosts) > 0 {
		parts = append(parts, "trusting "+termsafe.String(strings.Join(o.TrustedHosts, ", ")))
	}
	if o.SendingIP.IsValid() {
		parts = append(parts, "sending IP "+o.SendingIP.String())
	}
	if len(parts) == 0 {
		return "Re-checking as the header says, with no hosts trusted"
	}
	return "Re-checking " + strings.Join(parts, ", ")
}
