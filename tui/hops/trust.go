package hops

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/headers"
	"github.com/mxray/mxray/tui/kit"
)

// options are the header options the run's message was read with.
func (p *Pane) options() diag.HeaderOptions {
	if run := p.Com.Run; run != nil && run.Message() != nil {
		return run.Message().Options
	}
	return diag.HeaderOptions{}
}

// optionsSet reports whether the technician set trusted hosts or the
// sending IP for this message.
func (p *Pane) optionsSet() bool {
	o := p.options()
	return len(o.TrustedHosts) > 0 || o.SendingIP.IsValid()
}

// boundaryKey handles the keys that say where the receiving organisation
// ends: t trusts every hop's client from the top down to the one under the
// cursor (its IP, or its name when it recorded none), so that the next hop
// below becomes the sending one; s takes the hop's client IP as the sending
// IP; u undoes both. Each asks the root to read the message again
// (kit.HeaderOptionsMsg), and the re-check follows.
func (p *Pane) boundaryKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := p.Com.Keys
	h, ok := p.current()
	if !ok {
		return nil, false
	}
	o := p.options()
	var next kit.HeaderOptionsMsg
	switch {
	case key.Matches(msg, k.TrustHop):
		next.TrustedHosts = slices.Clone(o.TrustedHosts)
		for i := len(p.an.Hops) - 1; i >= h.Index-1; i-- {
			if c := trustName(p.an.Hops[i]); c != "" && !slices.Contains(next.TrustedHosts, c) {
				next.TrustedHosts = append(next.TrustedHosts, c)
			}
		}
		if slices.Equal(next.TrustedHosts, o.TrustedHosts) && !o.SendingIP.IsValid() {
			return nil, true
		}
	case key.Matches(msg, k.SenderHop):
		if h.IP == nil || !h.IP.IsValid() || o.SendingIP == h.IP.Unmap() {
			return nil, true
		}
		next = kit.HeaderOptionsMsg{TrustedHosts: o.TrustedHosts, SendingIP: h.IP.Unmap()}
	case key.Matches(msg, k.ResetHops):
		if !p.optionsSet() {
			return nil, true
		}
	default:
		return nil, false
	}
	return func() tea.Msg { return next }, true
}

// trustName is what "trust up to here" trusts of a hop: its client IP, or
// its client's name when it recorded no address; "" when it names neither.
func trustName(h headers.Hop) string {
	if ip := hopIP(h); ip != "" {
		return ip
	}
	n := strings.ToLower(strings.TrimSpace(h.From))
	if n == "" || n == "unknown" || strings.ContainsAny(n, " ()[]@") {
		return ""
	}
	return n
}
