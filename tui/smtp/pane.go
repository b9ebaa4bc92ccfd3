// Package smtp is the workbench pane of the SMTP & TLS probe: each MX
// address's greeting, EHLO, STARTTLS, TLS version and certificate, held
// against its PTR, the MX name, the domain's MTA-STS policy (RFC 8461) and
// its DANE TLSA records (RFC 7672). It probes on its own as soon as the MX
// answers arrive, one command per address, so the table fills as the
// servers answer; esc stops the probes, a re-run or a new target cancels
// them. It never sends MAIL or RCPT.
package smtp

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/policy"
	probe "github.com/mxray/mxray/diag/smtp"
	"github.com/mxray/mxray/tui/kit"
)

// Pane is the SMTP & TLS table: one row per MX address with its verdict,
// TLS version and DANE match; under it, the selected address in full
// and the findings about it. Moving the cursor selects the address (the
// other panes follow); enter opens it in the MX & PTR pane.
type Pane struct {
	kit.Base
	list kit.List

	// The probes of one MX table: gen tags their replies (a re-run or a
	// new target starts another generation; stale replies are dropped),
	// ctx and cancel are theirs.
	gen     int
	ctx     context.Context
	cancel  context.CancelFunc
	mx      *diag.MXReport // the table the targets came from; nil before it
	targets []probe.Target
	results []probe.Result // by target; valid where done
	done    []bool
	pending int
	decided bool // DecideBlocked ran over the finished results
	stopped bool // esc stopped the probes

	opts     probe.Options // as the probes used them
	haveOpts bool
	err      string // why the probe could not start
	note     string // why there is nothing to probe

	pol     *policy.STSPolicy // the MTA-STS policy, once that part is in
	polSeen bool
	report  *probe.Report // the finished results, as last sent to the root
	seq     int           // of the last kit.SMTPMsg, over every run
}

// New returns the SMTP & TLS pane.
func New(com *kit.Common) *Pane {
	return &Pane{Base: kit.NewBase(com, finding.PartSMTP, "SMTP & TLS", "SMTP")}
}

// SetSize gives the pane its size in cells.
func (p *Pane) SetSize(w, h int) {
	p.Base.SetSize(w, h)
	p.list.SetHeight(p.rowsHeight())
}

// rowsHeight leaves room for the summary, the column heads and the
// selected address underneath.
func (p *Pane) rowsHeight() int { return max(1, min(len(p.targets), p.H-3-p.H/2)) }

// Help lists the pane's own keys.
func (p *Pane) Help() []key.Binding {
	k := p.Com.Keys
	keys := []key.Binding{kit.WithHelp(k.Open, "MX & PTR"), k.Copy}
	if p.pending > 0 {
		keys = append(keys, kit.WithHelp(k.Back, "stop probing"))
	}
	return keys
}

// resultMsg is one address probed (or why the probe could not start).
type resultMsg struct {
	run, gen, i int
	res         probe.Result
	opts        probe.Options
	err         error
}

// decidedMsg is the finished results after DecideBlocked.
type decidedMsg struct {
	run, gen int
	results  []probe.Result
}

// RunID names the message's run.
func (m resultMsg) RunID() int { return m.run }

// RunID names the message's run.
func (m decidedMsg) RunID() int { return m.run }

// Update takes the run's messages, the probes' replies, and keys while the
// pane has focus.
func (p *Pane) Update(msg tea.Msg) (kit.Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case kit.RunStartMsg:
		p.reset()
	case kit.PartMsg:
		return p, p.load(msg.Report)
	case kit.RunDoneMsg:
		return p, p.load(msg.Report)
	case resultMsg:
		if msg.gen != p.gen || msg.i >= len(p.targets) || p.done[msg.i] {
			return p, nil
		}
		return p, p.take(msg)
	case decidedMsg:
		if msg.gen != p.gen || len(msg.results) != len(p.results) {
			return p, nil
		}
		p.results, p.decided = msg.results, true
		return p, p.publish()
	case tea.KeyPressMsg:
		if !p.Focused {
			return p, nil
		}
		if key.Matches(msg, p.Com.Keys.Open) {
			if sel := p.Selected(); sel.Kind == kit.SelectIP {
				return p, func() tea.Msg { return kit.JumpMsg{Pane: finding.PartMX, Sel: sel} }
			}
			return p, nil
		}
		p.list.HandleKey(msg, p.Com.Keys)
	}
	return p, nil
}

// reset forgets the run before, stopping its probes.
func (p *Pane) reset() {
	if p.cancel != nil {
		p.cancel()
	}
	p.gen++
	p.ctx, p.cancel = nil, nil
	p.mx, p.targets, p.results, p.done, p.pending = nil, nil, nil, nil, 0
	p.decided, p.stopped, p.haveOpts, p.opts = false, false, false, probe.Options{}
	p.err, p.note, p.pol, p.polSeen, p.report = "", "", nil, false, nil
	p.list.SetLen(0)
	p.list.Set(0)
}

// load takes a snapshot: the MX table starts the probes, the MTA-STS
// policy is held against what they found.
func (p *Pane) load(rep *diag.Report) tea.Cmd {
	var cmds []tea.Cmd
	if !p.polSeen && rep.MTASTS != nil {
		p.polSeen, p.pol = true, diag.STSPolicyOf(rep.MTASTS)
		if p.pol != nil && p.finished() > 0 {
			for i := range p.results {
				if p.done[i] {
					probe.ApplyMTASTS(&p.results[i], p.pol)
				}
			}
			cmds = append(cmds, p.publish())
		}
	}
	if p.mx == nil && rep.MX != nil {
		cmds = append(cmds, p.start(rep.MX))
	}
	return tea.Batch(cmds...)
}

// start probes every address of the MX table at once, one command each.
func (p *Pane) start(mx *diag.MXReport) tea.Cmd {
	run := p.Com.Run
	p.mx = mx
	if p.Com.SMTP == nil || run == nil {
		return nil
	}
	p.targets = diag.SMTPTargets(run.Target().Domain, mx)
	if len(p.targets) == 0 {
		p.note = diag.NothingToProbe(mx)
		return nil
	}
	n := len(p.targets)
	p.results, p.done, p.pending = make([]probe.Result, n), make([]bool, n), n
	p.list.SetLen(n)
	p.list.SetHeight(p.rowsHeight())
	p.ctx, p.cancel = context.WithCancel(run.Context())
	cmds := make([]tea.Cmd, n)
	for i, t := range p.targets {
		cmds[i] = probeCmd(p.ctx, run, p.gen, i, t, p.Com.SMTP)
	}
	return tea.Batch(cmds...)
}

// probeCmd probes one address. The options are fetched here, off the
// program's loop: the first call may start the demo's mail servers. The
// TLSA records are asked through the run's client unless the options name
// a resolver.
func probeCmd(ctx context.Context, run kit.Run, gen, i int, t probe.Target, options func() (probe.Options, error)) tea.Cmd {
	id, client := run.ID(), run.Client()
	return func() tea.Msg {
		o, err := options()
		if err != nil {
			return resultMsg{run: id, gen: gen, i: i, err: err}
		}
		if o.Resolver == nil && client != nil {
			o.Resolver = client // the TLSA questions join the run's DNS log
		}
		return resultMsg{run: id, gen: gen, i: i, res: probe.Probe(ctx, t, o), opts: o}
	}
}

// take records one address probed; when the last is in, DecideBlocked
// runs over them all (it may dial control ports: in a command).
func (p *Pane) take(msg resultMsg) tea.Cmd {
	if msg.err != nil {
		p.err = msg.err.Error()
		p.pending = 0
		p.cancel()
		return nil
	}
	if !p.haveOpts {
		p.opts, p.haveOpts = msg.opts, true
	}
	r := msg.res
	probe.ApplyMTASTS(&r, p.pol)
	p.results[msg.i], p.done[msg.i] = r, true
	p.pending--
	if p.pending > 0 {
		return p.publish()
	}
	ctx, o, gen, run := p.ctx, p.opts, p.gen, msg.run
	rs := slices.Clone(p.results)
	return tea.Batch(p.publish(), func() tea.Msg {
		probe.DecideBlocked(ctx, rs, o)
		return decidedMsg{run: run, gen: gen, results: rs}
	})
}

// finished counts the addresses probed.
func (p *Pane) finished() int { return len(p.targets) - p.pending }

// publish works out the findings of what is finished and hands the report
// to the root (the findings list, the export, the overview).
func (p *Pane) publish() tea.Cmd {
	var rs []probe.Result
	for i, r := range p.results {
		if p.done[i] {
			rs = append(rs, r)
		}
	}
	rep := &probe.Report{Results: rs, Policy: p.pol, Note: p.note, Findings: probe.Findings(rs, p.pol, p.Com.Now())}
	p.report = rep
	run, done := p.Com.Run, p.pending == 0 && p.decided
	if run == nil {
		return nil
	}
	id := run.ID()
	p.seq++
	seq := p.seq
	return func() tea.Msg { return kit.SMTPMsg{Run: id, Seq: seq, Report: rep, Done: done} }
}

// Back stops the probes in flight; what they found so far stays.
func (p *Pane) Back() bool {
	if p.pending == 0 || p.cancel == nil {
		return false
	}
	p.cancel()
	p.stopped = true
	return true
}

// Waiting reports whether probes are in flight.
func (p *Pane) Waiting() bool {
	return p.pending > 0 || (len(p.targets) > 0 && !p.decided && p.err == "")
}

// row is the index of the address under the cursor, or -1.
func (p *Pane) row() int {
	if c := p.list.Cursor(); c < len(p.targets) {
		return c
	}
	return -1
}

// Selected is the address under the cursor.
func (p *Pane) Selected() kit.Selection {
	if i := p.row(); i >= 0 {
		return kit.IPSelection(p.targets[i].IP)
	}
	return kit.Selection{}
}

// Select moves to a selected address, or to the first address of a
// selected host.
func (p *Pane) Select(sel kit.Selection) tea.Cmd {
	for i, t := range p.targets {
		switch {
		case sel.Kind == kit.SelectIP && t.IP == sel.IP,
			sel.Kind == kit.SelectDomain && kit.NormName(t.Host) == sel.Name:
			p.list.Set(i)
			return nil
		}
	}
	return nil
}

// Copy copies the selected address's verdict as one line.
func (p *Pane) Copy() (string, bool) {
	i := p.row()
	if i < 0 || !p.done[i] {
		return "", false
	}
	r := p.results[i]
	s := fmt.Sprintf("SMTP %s %s port %d: %s", orIP(r.Host, r.IP), r.IP, r.Port, r.Status)
	if r.BannerHost != "" {
		s += " banner " + r.BannerHost
	}
	if r.TLS != nil {
		s += fmt.Sprintf(" %s %s cert %s until %s", r.TLS.Version, r.TLS.Cipher, strings.Join(r.TLS.Cert.SANs, ","), r.TLS.Cert.NotAfter.Format("2006-01-02"))
	}
	if r.DANE.Match != nil {
		s += fmt.Sprintf(" DANE match %v (%s)", *r.DANE.Match, r.DANE.DNSSEC)
	}
	if r.Error != "" {
		s += " error: " + r.Error
	}
	return s, true
}

// orIP is a host name, or the address when there is none.
func orIP(host string, ip netip.Addr) string {
	if host == "" {
		return ip.String()
	}
	return host
}
