// Package spf is the workbench pane of the SPF record tree (RFC 7208): the
// lookups and problems of each record, an IP's check_host() verdict with
// its deciding path, and the what-if editor of the top record.
package spf

import (
	"context"
	"net/netip"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/spfcheck"
	"github.com/mxray/mxray/spf"
	"github.com/mxray/mxray/tui/kit"
)

// whatIfDelay is how long the what-if text must rest before its tree is
// computed: short enough to follow typing, long enough not to ask DNS for
// every half-typed include.
const whatIfDelay = 150 * time.Millisecond

// maxWhatIfLen bounds the what-if editor (a TXT record can hold more, but
// RFC 7208 §3.4 advises staying under 450 bytes).
const maxWhatIfLen = 4096

// spfField is which text field of the SPF pane has focus.
type spfField int

const (
	fieldNone spfField = iota
	fieldIP
	fieldEditor
)

// Pane draws the SPF record tree (RFC 7208) with the lookups and
// problems of each record, collapsible. An IP typed in its field (or
// selected in another pane) is evaluated with check_host() and the deciding
// path highlighted; the what-if mode edits the top record and recomputes
// the tree, the counts and the verdict as you type, against the prefetched
// answers.
//
// For a message, SPF checks the envelope sender's domain (RFC 7208 §2.4),
// which need not be the investigated From domain: the re-check's tree of
// that domain is then shown for an IP chosen in a header pane, and t
// switches between the two trees.
type Pane struct {
	kit.Base
	report   *spfcheck.Report
	findings []finding.Finding

	// env is the envelope domain's tree from the message's re-check, when
	// that domain is not the investigated one; envSender and envHELO are
	// the identities the receiver checked.
	env                *spf.Tree
	envSender, envHELO string
	useEnv             bool // env is the tree shown
	viaHeaders         bool // the IP was chosen in a header pane

	ipField textinput.Model
	// ipFresh: the IP field has just opened on the addresses already
	// evaluated; the first text typed or pasted replaces them (as in a
	// selected field), while a cursor key first keeps them to edit.
	ipFresh bool
	editor  textinput.Model
	field   spfField
	ip      netip.Addr // the address chosen: the tree marks its path
	ipErr   string

	// ips are the addresses the field holds (several: the verdict table),
	// verdicts theirs against the published tree for request vreq; ipList
	// is the table's cursor, inTable whether the cursor is in the table
	// (else in the tree).
	ips      []netip.Addr
	verdicts map[netip.Addr]*spf.Verdict
	ipList   kit.List
	inTable  bool

	published *spf.Verdict // of ip against the published tree
	vreq      int          // request id of the published verdict
	vcancel   context.CancelFunc

	whatIf     bool
	whatIfText string
	wiTree     *spf.Tree
	wiVerdict  *spf.Verdict
	wreq       int // request id of the what-if tree
	wcancel    context.CancelFunc
	evaluating bool

	// suggested is the what-if text a selection's suggested term opened
	// (the Reports pane's include for a failing source); pendingSuggest a
	// term that came before the tree.
	suggested, pendingSuggest string

	collapsed map[string]bool
	rows      []spfRow
	list      kit.List
	selection kit.Selection
	pending   kit.Selection // a domain selected before the tree arrived
}

// New returns the SPF pane.
func New(com *kit.Common) *Pane {
	p := &Pane{Base: kit.NewBase(com, finding.PartSPF, "SPF tree", "SPF"), collapsed: map[string]bool{}, verdicts: map[netip.Addr]*spf.Verdict{}}
	p.ipField = textinput.New()
	p.ipField.Prompt = ""
	p.ipField.Placeholder = "IPv4 or IPv6 addresses, spaces or commas between"
	p.ipField.CharLimit = maxIPs * 48
	p.editor = textinput.New()
	p.editor.Prompt = ""
	p.editor.CharLimit = maxWhatIfLen
	p.ApplyStyles()
	return p
}

// ApplyStyles gives the IP field and the what-if editor the current
// styles.
func (p *Pane) ApplyStyles() {
	p.ipField.SetStyles(p.Com.Styles.TextInput)
	p.editor.SetStyles(p.Com.Styles.TextInput)
}

// Blur takes the keys away from the pane and its fields.
func (p *Pane) Blur() {
	p.Base.Blur()
	p.blurField()
}

func (p *Pane) blurField() {
	p.field = fieldNone
	p.ipField.Blur()
	p.editor.Blur()
}

// SetSize gives the pane its size in cells.
func (p *Pane) SetSize(w, h int) {
	p.Base.SetSize(w, h)
	p.ipField.SetWidth(max(10, min(40, w-40)))
	p.editor.SetWidth(max(10, w-12))
	p.list.SetHeight(p.rowsHeight())
}

// topHeight is the lines above the tree: the IP line, the verdict line
// (the verdict table for several addresses; both in what-if mode), the
// editor in what-if mode, and a rule.
func (p *Pane) topHeight() int {
	h := 3
	if p.multi() {
		h += p.tableHeight() - 1
	}
	if p.whatIf {
		h++
		if p.multi() {
			h++ // the what-if verdict of the chosen address
		}
	}
	return h
}

// detailHeight is the lines under the tree for the selected record.
func (p *Pane) detailHeight() int { return min(max(4, p.H/3), 9) }

func (p *Pane) rowsHeight() int { return max(1, p.H-p.topHeight()-p.detailHeight()) }

// Help lists the pane's own keys.
func (p *Pane) Help() []key.Binding {
	k := p.Com.Keys
	switch p.field {
	case fieldIP:
		return []key.Binding{kit.WithHelp(k.Open, "evaluate"), kit.WithHelp(k.Back, "leave field")}
	case fieldEditor:
		return []key.Binding{kit.WithHelp(k.Open, "done editing"), kit.WithHelp(k.Back, "leave editor")}
	}
	if p.inTable && p.multi() {
		return []key.Binding{kit.WithHelp(k.Down, "choose IP"), kit.WithHelp(k.Open, "its path"), k.Copy}
	}
	if p.env != nil {
		desc := "envelope tree"
		if p.useEnv {
			desc = "From tree"
		}
		return []key.Binding{k.IP, kit.WithHelp(k.SwitchTree, desc), k.WhatIf, kit.WithHelp(k.Open, "fold"), k.Copy}
	}
	return []key.Binding{k.IP, k.WhatIf, kit.WithHelp(k.Open, "fold"), k.Copy}
}

// base is the tree verdicts are evaluated against: the envelope domain's
// when it is shown, else the investigated domain's (nil before it is in).
func (p *Pane) base() *spf.Tree {
	if p.useEnv && p.env != nil {
		return p.env
	}
	if p.report == nil {
		return nil
	}
	return p.report.Tree
}

// identities are the sender and HELO an IP is evaluated with: the
// message's on the envelope tree, the domain's postmaster otherwise.
func (p *Pane) identities() (string, string) {
	if p.useEnv && p.env != nil {
		return p.envSender, p.envHELO
	}
	return "", ""
}

// shownFindings are the findings about the tree shown: the domain's; the
// envelope tree's problems are in its nodes.
func (p *Pane) shownFindings() []finding.Finding {
	if p.useEnv && p.env != nil {
		return nil
	}
	return p.findings
}

// loadEnv takes the envelope domain's tree from a message's re-check when
// it is not the investigated domain's; an IP chosen in a header pane is
// then evaluated against it.
func (p *Pane) loadEnv(rep *diag.HeadersReport) tea.Cmd {
	rc := rep.Recheck
	if rc == nil || rc.SPF == nil || rc.SPF.Verdict == nil || p.Com.Run == nil {
		return nil
	}
	t := rc.SPF.Verdict.Tree()
	if t == nil || (p.Com.Run.NoDomain() == "" && kit.NormName(t.Domain) == p.Com.Run.Target().Domain) {
		return nil
	}
	p.env, p.envSender, p.envHELO = t, rc.SPF.Verdict.Sender, rc.SPF.Verdict.HELO
	if p.viaHeaders || p.Com.Run.NoDomain() != "" {
		return p.switchTree(true)
	}
	return nil
}

// switchTree shows the envelope tree (env true) or the investigated
// domain's, leaving what-if mode, and evaluates the IP against it.
func (p *Pane) switchTree(env bool) tea.Cmd {
	if env && p.env == nil {
		return nil
	}
	p.Back()
	p.useEnv = env
	p.published = nil
	p.collapsed = map[string]bool{}
	p.list.Set(0)
	p.buildRows()
	return p.evaluate()
}

// Editing reports whether the IP field or the editor has focus.
func (p *Pane) Editing() bool { return p.field != fieldNone }

// Back leaves what-if mode, restoring the published tree.
func (p *Pane) Back() bool {
	if !p.whatIf {
		return false
	}
	p.whatIf, p.wiTree, p.wiVerdict, p.whatIfText = false, nil, nil, ""
	if p.wcancel != nil {
		p.wcancel()
	}
	p.evaluating = false
	p.list.SetHeight(p.rowsHeight())
	p.buildRows()
	return true
}

// shown is the tree and verdict drawn: the what-if ones in what-if mode
// (once the first has arrived), else the published.
func (p *Pane) shown() (*spf.Tree, *spf.Verdict) {
	if p.whatIf && p.wiTree != nil {
		return p.wiTree, p.wiVerdict
	}
	return p.base(), p.published
}

// Update takes the run's messages, and keys while the pane has focus.
func (p *Pane) Update(msg tea.Msg) (kit.Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case kit.RunStartMsg:
		p.reset(msg.Rerun)
	case kit.PartMsg:
		return p, p.load(msg.Report)
	case kit.RunDoneMsg:
		return p, p.load(msg.Report)
	case kit.RecheckMsg:
		return p, p.loadEnv(msg.Report)
	case kit.VerdictMsg:
		if msg.Req == p.vreq && slices.Contains(p.ips, msg.IP) {
			p.verdicts[msg.IP] = msg.Verdict
			if msg.IP == p.ip {
				p.published = msg.Verdict
			}
			if !p.whatIf && p.verdictsIn() {
				p.evaluating = false
			}
			p.buildRows()
		}
	case whatIfDueMsg:
		if msg.req == p.wreq && p.whatIf {
			return p, p.computeWhatIf()
		}
	case whatIfMsg:
		if msg.req == p.wreq && p.whatIf {
			p.wiTree, p.wiVerdict = msg.tree, msg.verdict
			p.evaluating = false
			p.buildRows()
		}
	case tea.PasteMsg:
		return p, p.updateField(msg)
	case tea.KeyPressMsg:
		if !p.Focused {
			return p, nil
		}
		if p.field != fieldNone {
			return p, p.fieldKey(msg)
		}
		return p, p.key(msg)
	}
	return p, nil
}

// reset forgets the previous run; on a re-run the IP stays, to be
// evaluated again.
func (p *Pane) reset(rerun bool) {
	if !rerun {
		p.setIPs(nil)
		p.selection, p.pending = kit.Selection{}, kit.Selection{}
		p.useEnv, p.viaHeaders = false, false
	}
	p.env, p.envSender, p.envHELO = nil, "", ""
	if p.vcancel != nil {
		p.vcancel()
	}
	if p.wcancel != nil {
		p.wcancel()
	}
	p.report, p.findings, p.published = nil, nil, nil
	p.verdicts = map[netip.Addr]*spf.Verdict{}
	p.whatIf, p.wiTree, p.wiVerdict, p.whatIfText = false, nil, nil, ""
	p.suggested, p.pendingSuggest = "", ""
	p.evaluating = false
	p.rows = nil
	p.collapsed = map[string]bool{}
	p.list.Set(0)
	p.list.SetHeight(p.rowsHeight())
	p.blurField()
}

// load takes the SPF part of a snapshot and evaluates the IP, if any.
func (p *Pane) load(rep *diag.Report) tea.Cmd {
	if rep.SPF == nil || rep.SPF == p.report {
		return nil
	}
	p.report = rep.SPF
	p.findings = nil
	for _, f := range rep.Findings {
		if f.Part == "spf" {
			p.findings = append(p.findings, f)
		}
	}
	p.buildRows()
	if !p.pending.IsZero() {
		p.moveTo(p.pending.Name)
		p.pending = kit.Selection{}
	}
	if p.useEnv && p.env != nil {
		return nil // the verdict shown is the envelope tree's
	}
	cmd := p.evaluate()
	if p.pendingSuggest != "" {
		cmd = tea.Batch(cmd, p.suggest(p.pendingSuggest))
	}
	return cmd
}

// key handles a key while no field has focus.
func (p *Pane) key(k tea.KeyPressMsg) tea.Cmd {
	keys := p.Com.Keys
	if p.inTable && p.multi() {
		if cmd, ok := p.tableKey(k); ok {
			return cmd
		}
	}
	switch {
	case p.multi() && !p.inTable && key.Matches(k, keys.Up) && p.list.Cursor() == 0:
		// Up from the tree's top goes back to the table.
		p.inTable = true
		p.ipList.Set(len(p.ips) - 1)
		return p.chooseRow(len(p.ips) - 1)
	case key.Matches(k, keys.IP):
		p.field = fieldIP
		p.ipErr = ""
		p.ipField.CursorEnd()
		p.ipFresh = p.ipField.Value() != ""
		return p.ipField.Focus()
	case key.Matches(k, keys.SwitchTree):
		if p.env == nil {
			return nil
		}
		return p.switchTree(!p.useEnv)
	case key.Matches(k, keys.WhatIf):
		base := p.base()
		if base == nil {
			return nil
		}
		if !p.whatIf {
			p.whatIf = true
			p.whatIfText = base.Root.Record
			if base.Root.Status != spf.NodeOK && p.whatIfText == "" {
				p.whatIfText = "v=spf1 "
			}
			p.editor.SetValue(p.whatIfText)
			p.list.SetHeight(p.rowsHeight())
		}
		p.field = fieldEditor
		p.editor.CursorEnd()
		return tea.Batch(p.editor.Focus(), p.evaluateWhatIf())
	case key.Matches(k, keys.Open):
		if r, ok := p.currentRow(); ok && !r.children {
			if d, ok := p.Detail(); ok {
				return kit.ShowDetail(d) // a leaf has nothing to fold: open it
			}
		}
		p.toggle()
	case key.Matches(k, keys.Collapse):
		p.collapse()
	case key.Matches(k, keys.Expand):
		p.expand()
	case p.list.HandleKey(k, keys):
	default:
		return nil
	}
	if r, ok := p.currentRow(); ok && r.node != nil {
		p.selection = kit.DomainSelection(r.node.Domain)
	}
	return nil
}

// fieldKey handles a key while the IP field or the editor has focus:
// enter submits (the IP) or finishes (the editor), esc leaves the field,
// everything else is text.
func (p *Pane) fieldKey(k tea.KeyPressMsg) tea.Cmd {
	keys := p.Com.Keys
	switch {
	case key.Matches(k, keys.Back):
		p.blurField()
		return nil
	case key.Matches(k, keys.Open) && p.field == fieldIP:
		return p.submitIP()
	case key.Matches(k, keys.Open):
		p.blurField()
		return nil
	}
	return p.updateField(k)
}

// updateField gives a key or paste to the focused field; an edit of the
// what-if record recomputes the tree.
func (p *Pane) updateField(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch p.field {
	case fieldIP:
		if p.ipFresh {
			p.ipFresh = false
			if replacesFreshField(msg) {
				p.ipField.SetValue("")
			}
		}
		p.ipField, cmd = p.ipField.Update(msg)
		p.ipErr = ""
		return cmd
	case fieldEditor:
		p.editor, cmd = p.editor.Update(msg)
		if text := p.editor.Value(); text != p.whatIfText {
			p.whatIfText = text
			return tea.Batch(cmd, p.scheduleWhatIf())
		}
		return cmd
	}
	return nil
}

// submitIP reads the IP field and evaluates its addresses.
func (p *Pane) submitIP() tea.Cmd {
	ips, err := parseIPs(p.ipField.Value())
	switch {
	case err != nil:
		p.ipErr = err.Error()
		return nil
	case len(ips) == 0:
		p.blurField()
		return nil
	}
	p.blurField()
	p.setIPs(ips)
	p.viaHeaders = false
	p.selection = kit.IPSelection(p.ip)
	p.selection.Explicit = true
	return p.evaluate()
}

// setIP makes ip the one address evaluated.
func (p *Pane) setIP(ip netip.Addr) { p.setIPs([]netip.Addr{ip}) }

// evaluate asks for the verdict of the IP against the published tree
// (and, in what-if mode, the edited one).
func (p *Pane) evaluate() tea.Cmd {
	run := p.Com.Run
	base := p.base()
	if !p.ip.IsValid() || base == nil || run == nil {
		return nil
	}
	if p.vcancel != nil {
		p.vcancel()
	}
	ctx, cancel := context.WithCancel(run.Context())
	p.vcancel = cancel
	p.vreq++
	p.evaluating = true
	p.verdicts = map[netip.Addr]*spf.Verdict{}
	sender, helo := p.identities()
	cmds := make([]tea.Cmd, 0, len(p.ips)+1)
	for _, ip := range p.ips {
		cmds = append(cmds, verdictCmd(ctx, run.ID(), p.vreq, base, ip, sender, helo, p.Com.Timeout))
	}
	if p.whatIf {
		cmds = append(cmds, p.evaluateWhatIf())
	}
	return tea.Batch(cmds...)
}

// scheduleWhatIf recomputes the edited record's tree once the text has
// rested for whatIfDelay.
func (p *Pane) scheduleWhatIf() tea.Cmd {
	run := p.Com.Run
	if !p.whatIf || p.base() == nil || run == nil {
		return nil
	}
	p.wreq++
	p.evaluating = true
	id, req := run.ID(), p.wreq
	return tea.Tick(whatIfDelay, func(time.Time) tea.Msg { return whatIfDueMsg{run: id, req: req} })
}

// evaluateWhatIf recomputes the edited record's tree (and verdict) now.
func (p *Pane) evaluateWhatIf() tea.Cmd {
	if !p.whatIf || p.base() == nil || p.Com.Run == nil {
		return nil
	}
	p.wreq++
	return p.computeWhatIf()
}

// computeWhatIf starts the computation for request wreq, cancelling the
// one of the previous text.
func (p *Pane) computeWhatIf() tea.Cmd {
	run := p.Com.Run
	if p.wcancel != nil {
		p.wcancel()
	}
	ctx, cancel := context.WithCancel(run.Context())
	p.wcancel = cancel
	p.evaluating = true
	sender, helo := p.identities()
	return whatIfCmd(ctx, run.ID(), p.wreq, p.base(), p.whatIfText, p.ip, sender, helo, p.Com.Timeout)
}

// Selected is what the cursor is on.
func (p *Pane) Selected() kit.Selection { return p.selection }

// Select follows another pane: an IP is evaluated, a domain's node gets
// the cursor.
func (p *Pane) Select(sel kit.Selection) tea.Cmd {
	switch sel.Kind {
	case kit.SelectIP:
		via := sel.ViaPane == finding.PartHops || sel.ViaPane == finding.PartThenNow
		env := p.useEnv
		if p.env != nil {
			// A message's IP is checked against its envelope domain; an
			// MX address against the investigated domain.
			env = via || (p.useEnv && sel.ViaPane != finding.PartMX)
		}
		var cmd tea.Cmd
		p.viaHeaders = via
		if sel.IP != p.ip || env != p.useEnv || (p.published == nil && !p.evaluating) {
			p.setIP(sel.IP)
			p.selection = sel
			if env != p.useEnv {
				cmd = p.switchTree(env)
			} else {
				cmd = p.evaluate()
			}
		}
		return tea.Batch(cmd, p.suggest(sel.Suggest))
	case kit.SelectDomain:
		if p.report == nil {
			p.pending = sel
			return nil
		}
		p.moveTo(sel.Name)
	}
	return nil
}

// suggest opens the what-if editor (without focusing it) on the record
// with a selection's suggested term added, so the verdict line shows
// whether it would authorise the IP beside today's verdict. A selection
// without one leaves the what-if a suggestion opened, if it was not
// edited since.
func (p *Pane) suggest(term string) tea.Cmd {
	if term == "" {
		if p.suggested != "" && p.whatIf && p.whatIfText == p.suggested {
			p.Back()
		}
		p.suggested, p.pendingSuggest = "", ""
		return nil
	}
	base := p.base()
	if base == nil {
		p.pendingSuggest = term
		return nil
	}
	text := spf.AddTerm(base.Root.Record, term)
	p.whatIf, p.whatIfText, p.suggested, p.pendingSuggest = true, text, text, ""
	p.editor.SetValue(text)
	p.list.SetHeight(p.rowsHeight())
	return p.evaluateWhatIf()
}

// Copy copies the selected record, or the verdict when the cursor is on
// the matched term or a row of the verdict table.
func (p *Pane) Copy() (string, bool) {
	if p.inTable && p.multi() {
		if v := p.verdicts[p.ip]; v != nil {
			return verdictText(v), true
		}
		return "", false
	}
	r, ok := p.currentRow()
	if !ok {
		return "", false
	}
	if r.node == nil {
		_, v := p.shown()
		if v == nil {
			return "", false
		}
		return verdictText(v), true
	}
	if r.node.Record == "" {
		return "", false
	}
	return r.node.Domain + " TXT " + r.node.Record, true
}

// verdictText is a verdict in one line of plain text.
func verdictText(v *spf.Verdict) string {
	s := v.IP.String() + " " + string(v.Result) + " for " + v.Domain
	if m := v.Matched; m != nil {
		s += " via " + strings.Join(m.Path, " > ") + ": " + m.Term
	}
	s += " (" + kit.Itoa(v.Lookups) + "/" + kit.Itoa(spf.LookupLimit) + " lookups)"
	if v.Err != nil {
		s += ": " + spf.Reason(v.Err)
	}
	if v.Explanation != "" {
		s += "; explanation: " + v.Explanation
	}
	return s
}

// IP is the address evaluated; Verdict its verdict against the tree shown
// (nil until it is in); Tree the tree verdicts are evaluated against (the
// investigated domain's, or a message's envelope domain's).
func (p *Pane) IP() netip.Addr { return p.ip }

// Verdict is the verdict of IP against the published tree shown.
func (p *Pane) Verdict() *spf.Verdict { return p.published }

// Tree is the published tree verdicts are evaluated against.
func (p *Pane) Tree() *spf.Tree { return p.base() }

// Waiting reports whether a verdict or a what-if tree is being computed.
func (p *Pane) Waiting() bool { return p.evaluating }

// whatIfMsg is the tree (and, with an IP, the verdict) of an edited record.
type whatIfMsg struct {
	run, req int
	text     string
	tree     *spf.Tree
	verdict  *spf.Verdict
}

// whatIfDueMsg says the what-if text has not changed for whatIfDelay:
// time to compute its tree (typing does not ask DNS for every letter).
type whatIfDueMsg struct{ run, req int }

// RunID names the message's run.
func (m whatIfMsg) RunID() int { return m.run }

// RunID names the message's run.
func (m whatIfDueMsg) RunID() int { return m.run }

// verdictCmd evaluates ip against tree, as check_host() with sender and
// helo (the domain's postmaster when sender is empty), within timeout.
func verdictCmd(ctx context.Context, run, req int, tree *spf.Tree, ip netip.Addr, sender, helo string, timeout time.Duration) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		return kit.VerdictMsg{Run: run, Req: req, IP: ip, Verdict: checkAs(ctx, tree, ip, sender, helo)}
	}
}

// checkAs evaluates ip on tree as sender and helo: the envelope's when
// the pane shows the envelope tree, else postmaster at the tree's domain
// (RFC 7208 §4.3's local part for a domain alone).
func checkAs(ctx context.Context, tree *spf.Tree, ip netip.Addr, sender, helo string) *spf.Verdict {
	if sender == "" {
		sender = "postmaster@" + tree.Domain
	}
	return tree.CheckHost(ctx, ip, sender, helo)
}

// whatIfCmd builds the tree of an edited top record (asking DNS only for
// what the edit adds) and, when ip is valid, its verdict.
func whatIfCmd(ctx context.Context, run, req int, published *spf.Tree, text string, ip netip.Addr, sender, helo string, timeout time.Duration) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		t := published.WhatIf(ctx, text)
		msg := whatIfMsg{run: run, req: req, text: text, tree: t}
		if ip.IsValid() {
			// As the published verdict beside it is decided.
			msg.verdict = checkAs(ctx, t, ip, sender, helo)
		}
		return msg
	}
}

// replacesFreshField reports whether msg, the first input to a field that
// has just opened on its old value, replaces that value: text typed or
// pasted does; a cursor or deletion key keeps the value to edit.
func replacesFreshField(msg tea.Msg) bool {
	switch m := msg.(type) {
	case tea.KeyPressMsg:
		return m.Text != ""
	case tea.PasteMsg:
		return true
	}
	return false
}
