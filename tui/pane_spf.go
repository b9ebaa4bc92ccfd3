package tui

import (
	"context"
	"net/netip"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/spf"
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

// spfPane draws the SPF record tree (RFC 7208) with the lookups and
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
type spfPane struct {
	paneBase
	report   *diag.SPFReport
	findings []finding.Finding

	// env is the envelope domain's tree from the message's re-check, when
	// that domain is not the investigated one; envSender and envHELO are
	// the identities the receiver checked.
	env                *spf.Tree
	envSender, envHELO string
	useEnv             bool // env is the tree shown
	viaHeaders         bool // the IP was chosen in a header pane

	ipField textinput.Model
	editor  textinput.Model
	field   spfField
	ip      netip.Addr
	ipErr   string

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

	collapsed map[string]bool
	rows      []spfRow
	list      cursorList
	selection Selection
	pending   Selection // a domain selected before the tree arrived
}

func newSPFPane(com *common) *spfPane {
	p := &spfPane{paneBase: paneBase{com: com}, collapsed: map[string]bool{}}
	p.ipField = textinput.New()
	p.ipField.Prompt = ""
	p.ipField.Placeholder = "an IPv4 or IPv6 address"
	p.ipField.CharLimit = 64
	p.editor = textinput.New()
	p.editor.Prompt = ""
	p.editor.CharLimit = maxWhatIfLen
	p.applyStyles()
	return p
}

func (p *spfPane) applyStyles() {
	st := textinput.DefaultStyles(true)
	st.Focused.Text = p.com.styles.Input.Style
	st.Cursor.Blink = false
	p.ipField.SetStyles(st)
	p.editor.SetStyles(st)
}

// ID names the pane.
func (p *spfPane) ID() PaneID { return PaneSPF }

// Blur takes the keys away from the pane and its fields.
func (p *spfPane) Blur() {
	p.paneBase.Blur()
	p.blurField()
}

func (p *spfPane) blurField() {
	p.field = fieldNone
	p.ipField.Blur()
	p.editor.Blur()
}

// SetSize gives the pane its size in cells.
func (p *spfPane) SetSize(w, h int) {
	p.paneBase.SetSize(w, h)
	p.ipField.SetWidth(max(10, min(40, w-40)))
	p.editor.SetWidth(max(10, w-12))
	p.list.setHeight(p.rowsHeight())
}

// topHeight is the lines above the tree: the IP line, the verdict line,
// the editor in what-if mode, and a rule.
func (p *spfPane) topHeight() int {
	if p.whatIf {
		return 4
	}
	return 3
}

// detailHeight is the lines under the tree for the selected record.
func (p *spfPane) detailHeight() int { return min(max(4, p.h/3), 9) }

func (p *spfPane) rowsHeight() int { return max(1, p.h-p.topHeight()-p.detailHeight()) }

// Help lists the pane's own keys.
func (p *spfPane) Help() []key.Binding {
	k := p.com.keys
	switch p.field {
	case fieldIP:
		return []key.Binding{withHelp(k.Open, "evaluate"), withHelp(k.Back, "leave field")}
	case fieldEditor:
		return []key.Binding{withHelp(k.Open, "done editing"), withHelp(k.Back, "leave editor")}
	}
	if p.env != nil {
		desc := "envelope tree"
		if p.useEnv {
			desc = "From tree"
		}
		return []key.Binding{k.IP, withHelp(k.SwitchTree, desc), k.WhatIf, withHelp(k.Open, "fold"), k.Copy}
	}
	return []key.Binding{k.IP, k.WhatIf, withHelp(k.Open, "fold"), k.Copy}
}

// base is the tree verdicts are evaluated against: the envelope domain's
// when it is shown, else the investigated domain's (nil before it is in).
func (p *spfPane) base() *spf.Tree {
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
func (p *spfPane) identities() (string, string) {
	if p.useEnv && p.env != nil {
		return p.envSender, p.envHELO
	}
	return "", ""
}

// shownFindings are the findings about the tree shown: the domain's; the
// envelope tree's problems are in its nodes.
func (p *spfPane) shownFindings() []finding.Finding {
	if p.useEnv && p.env != nil {
		return nil
	}
	return p.findings
}

// loadEnv takes the envelope domain's tree from a message's re-check when
// it is not the investigated domain's; an IP chosen in a header pane is
// then evaluated against it.
func (p *spfPane) loadEnv(rep *diag.HeadersReport) tea.Cmd {
	rc := rep.Recheck
	if rc == nil || rc.SPF == nil || rc.SPF.Verdict == nil || p.com.run == nil {
		return nil
	}
	t := rc.SPF.Verdict.Tree()
	if t == nil || (p.com.run.noDomain == "" && normName(t.Domain) == p.com.run.target.Domain) {
		return nil
	}
	p.env, p.envSender, p.envHELO = t, rc.SPF.Verdict.Sender, rc.SPF.Verdict.HELO
	if p.viaHeaders || p.com.run.noDomain != "" {
		return p.switchTree(true)
	}
	return nil
}

// switchTree shows the envelope tree (env true) or the investigated
// domain's, leaving what-if mode, and evaluates the IP against it.
func (p *spfPane) switchTree(env bool) tea.Cmd {
	if env && p.env == nil {
		return nil
	}
	p.Back()
	p.useEnv = env
	p.published = nil
	p.collapsed = map[string]bool{}
	p.list.set(0)
	p.buildRows()
	return p.evaluate()
}

// Editing reports whether the IP field or the editor has focus.
func (p *spfPane) Editing() bool { return p.field != fieldNone }

// Back leaves what-if mode, restoring the published tree.
func (p *spfPane) Back() bool {
	if !p.whatIf {
		return false
	}
	p.whatIf, p.wiTree, p.wiVerdict, p.whatIfText = false, nil, nil, ""
	if p.wcancel != nil {
		p.wcancel()
	}
	p.evaluating = false
	p.list.setHeight(p.rowsHeight())
	p.buildRows()
	return true
}

// shown is the tree and verdict drawn: the what-if ones in what-if mode
// (once the first has arrived), else the published.
func (p *spfPane) shown() (*spf.Tree, *spf.Verdict) {
	if p.whatIf && p.wiTree != nil {
		return p.wiTree, p.wiVerdict
	}
	return p.base(), p.published
}

// Update takes the run's messages, and keys while the pane has focus.
func (p *spfPane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case runStartMsg:
		p.reset(msg.rerun)
	case partMsg:
		return p, p.load(msg.report)
	case runDoneMsg:
		return p, p.load(msg.report)
	case recheckMsg:
		return p, p.loadEnv(msg.report)
	case verdictMsg:
		if msg.req == p.vreq && msg.ip == p.ip {
			p.published = msg.verdict
			if !p.whatIf {
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
		if !p.focused {
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
func (p *spfPane) reset(rerun bool) {
	if !rerun {
		p.ip, p.ipErr, p.selection, p.pending = netip.Addr{}, "", Selection{}, Selection{}
		p.ipField.SetValue("")
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
	p.whatIf, p.wiTree, p.wiVerdict, p.whatIfText = false, nil, nil, ""
	p.evaluating = false
	p.rows = nil
	p.collapsed = map[string]bool{}
	p.list.set(0)
	p.list.setHeight(p.rowsHeight())
	p.blurField()
}

// load takes the SPF part of a snapshot and evaluates the IP, if any.
func (p *spfPane) load(rep *diag.Report) tea.Cmd {
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
		p.pending = Selection{}
	}
	if p.useEnv && p.env != nil {
		return nil // the verdict shown is the envelope tree's
	}
	return p.evaluate()
}

// key handles a key while no field has focus.
func (p *spfPane) key(k tea.KeyPressMsg) tea.Cmd {
	keys := p.com.keys
	switch {
	case key.Matches(k, keys.IP):
		p.field = fieldIP
		p.ipErr = ""
		p.ipField.CursorEnd()
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
			p.list.setHeight(p.rowsHeight())
		}
		p.field = fieldEditor
		p.editor.CursorEnd()
		return tea.Batch(p.editor.Focus(), p.evaluateWhatIf())
	case key.Matches(k, keys.Open):
		p.toggle()
	case key.Matches(k, keys.Collapse):
		p.collapse()
	case key.Matches(k, keys.Expand):
		p.expand()
	case p.list.handleKey(k, keys):
	default:
		return nil
	}
	if r, ok := p.currentRow(); ok && r.node != nil {
		p.selection = DomainSelection(r.node.Domain)
	}
	return nil
}

// fieldKey handles a key while the IP field or the editor has focus:
// enter submits (the IP) or finishes (the editor), esc leaves the field,
// everything else is text.
func (p *spfPane) fieldKey(k tea.KeyPressMsg) tea.Cmd {
	keys := p.com.keys
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
func (p *spfPane) updateField(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch p.field {
	case fieldIP:
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

// submitIP reads the IP field and evaluates the address.
func (p *spfPane) submitIP() tea.Cmd {
	text := strings.Trim(strings.TrimSpace(p.ipField.Value()), "[]")
	if text == "" {
		p.blurField()
		return nil
	}
	ip, err := netip.ParseAddr(text)
	if err != nil || ip.Zone() != "" {
		p.ipErr = "not an IPv4 or IPv6 address"
		return nil
	}
	p.blurField()
	p.setIP(ip.Unmap())
	p.viaHeaders = false
	p.selection = IPSelection(p.ip)
	p.selection.Explicit = true
	return p.evaluate()
}

// setIP makes ip the address evaluated.
func (p *spfPane) setIP(ip netip.Addr) {
	p.ip = ip
	p.ipErr = ""
	p.ipField.SetValue(ip.String())
	p.published, p.wiVerdict = nil, nil
}

// evaluate asks for the verdict of the IP against the published tree
// (and, in what-if mode, the edited one).
func (p *spfPane) evaluate() tea.Cmd {
	run := p.com.run
	base := p.base()
	if !p.ip.IsValid() || base == nil || run == nil {
		return nil
	}
	if p.vcancel != nil {
		p.vcancel()
	}
	ctx, cancel := context.WithCancel(run.ctx)
	p.vcancel = cancel
	p.vreq++
	p.evaluating = true
	sender, helo := p.identities()
	cmds := []tea.Cmd{verdictCmd(ctx, run.id, p.vreq, base, p.ip, sender, helo, p.com.timeout)}
	if p.whatIf {
		cmds = append(cmds, p.evaluateWhatIf())
	}
	return tea.Batch(cmds...)
}

// scheduleWhatIf recomputes the edited record's tree once the text has
// rested for whatIfDelay.
func (p *spfPane) scheduleWhatIf() tea.Cmd {
	run := p.com.run
	if !p.whatIf || p.base() == nil || run == nil {
		return nil
	}
	p.wreq++
	p.evaluating = true
	id, req := run.id, p.wreq
	return tea.Tick(whatIfDelay, func(time.Time) tea.Msg { return whatIfDueMsg{run: id, req: req} })
}

// evaluateWhatIf recomputes the edited record's tree (and verdict) now.
func (p *spfPane) evaluateWhatIf() tea.Cmd {
	if !p.whatIf || p.base() == nil || p.com.run == nil {
		return nil
	}
	p.wreq++
	return p.computeWhatIf()
}

// computeWhatIf starts the computation for request wreq, cancelling the
// one of the previous text.
func (p *spfPane) computeWhatIf() tea.Cmd {
	run := p.com.run
	if p.wcancel != nil {
		p.wcancel()
	}
	ctx, cancel := context.WithCancel(run.ctx)
	p.wcancel = cancel
	p.evaluating = true
	return whatIfCmd(ctx, run.id, p.wreq, p.base(), p.whatIfText, p.ip, p.com.timeout)
}

// Selected is what the cursor is on.
func (p *spfPane) Selected() Selection { return p.selection }

// Select follows another pane: an IP is evaluated, a domain's node gets
// the cursor.
func (p *spfPane) Select(sel Selection) tea.Cmd {
	switch sel.Kind {
	case SelectIP:
		via := sel.ViaPane == PaneHops || sel.ViaPane == PaneThenNow
		env := p.useEnv
		if p.env != nil {
			// A message's IP is checked against its envelope domain; an
			// MX address against the investigated domain.
			env = via || (p.useEnv && sel.ViaPane != PaneMX)
		}
		if sel.IP == p.ip && env == p.useEnv && (p.published != nil || p.evaluating) {
			p.viaHeaders = via
			return nil
		}
		p.setIP(sel.IP)
		p.selection = sel
		p.viaHeaders = via
		if env != p.useEnv {
			return p.switchTree(env)
		}
		return p.evaluate()
	case SelectDomain:
		if p.report == nil {
			p.pending = sel
			return nil
		}
		p.moveTo(sel.Name)
	}
	return nil
}

// Copy copies the selected record, or the verdict when the cursor is on
// the matched term.
func (p *spfPane) Copy() (string, bool) {
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
	s += " (" + itoa(v.Lookups) + "/" + itoa(spf.LookupLimit) + " lookups)"
	if v.Err != nil {
		s += ": " + v.Err.Error()
	}
	if v.Explanation != "" {
		s += "; explanation: " + v.Explanation
	}
	return s
}
