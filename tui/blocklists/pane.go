// Package blocklists is the workbench pane of the DNS blocklists (RFC
// 5782): what each list says of the domain's MX addresses and the domain,
// and of a message's sending IP and its From, envelope and DKIM d=
// domains; each answer classified as a listing (its codes and what they
// mean), not listed, or no usable answer (and why, with the fix).
package blocklists

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/blocklist"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/tui/kit"
)

// Pane is one row per subject and list, listings first, then the answers
// that could not be had, then the rest; the selected row's codes, their
// meanings, the list's TXT, the error and its fix, and the delisting URL
// underneath. enter on an address opens it in the SPF and MX panes (its
// verdict against the domain's SPF tree, its reverse DNS); y copies the
// delisting URL.
type Pane struct {
	kit.Base
	rows []blocklist.Result
	list kit.List
	// moved: the cursor was put on a row (a key, a selection); it then
	// stays on that row as more answers arrive, and else on the first.
	moved bool
}

// New returns the Blocklists pane.
func New(com *kit.Common) *Pane {
	return &Pane{Base: kit.NewBase(com, finding.PartBlocklists, "Blocklist", "DNSBL")}
}

// SetSize gives the pane its size in cells.
func (p *Pane) SetSize(w, h int) {
	p.Base.SetSize(w, h)
	p.list.SetHeight(p.rowsHeight())
}

// detailHeight is the lines under the rows for the selected one.
func (p *Pane) detailHeight() int { return min(max(8, p.H/2), 14) }

// rowsHeight leaves room for the summary, the column heads and the detail.
func (p *Pane) rowsHeight() int { return max(1, min(len(p.rows), p.H-2-p.detailHeight())) }

// Help lists the pane's own keys.
func (p *Pane) Help() []key.Binding {
	k := p.Com.Keys
	return []key.Binding{kit.WithHelp(k.Open, "SPF verdict"), kit.WithHelp(k.Copy, "copy delist URL")}
}

// Update takes the run's messages, and keys while the pane has focus.
func (p *Pane) Update(msg tea.Msg) (kit.Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case kit.RunStartMsg:
		p.rows, p.moved = nil, false
		p.list.Set(0)
		p.load()
	case kit.PartMsg, kit.RunDoneMsg, kit.RecheckMsg:
		// The root has put them in the run already.
		p.load()
	case tea.KeyPressMsg:
		if !p.Focused {
			return p, nil
		}
		if key.Matches(msg, p.Com.Keys.Open) {
			// enter opens the address in the SPF and MX panes.
			if r, ok := p.current(); ok && r.IP.IsValid() {
				sel := kit.IPSelection(r.IP)
				return p, func() tea.Msg { return kit.JumpMsg{Pane: finding.PartSPF, Sel: sel} }
			}
			return p, nil
		}
		if p.list.HandleKey(msg, p.Com.Keys) {
			p.moved = true
		}
	}
	return p, nil
}

// reports are the run's blocklist reports: the message's (nil until its
// re-check is in, and for a domain alone) and the domain's (nil until the
// part is in).
func (p *Pane) reports() (msg, dom *diag.BlocklistReport) {
	run := p.Com.Run
	if run == nil {
		return nil, nil
	}
	if h := run.Recheck(); h != nil {
		msg = h.Blocklists
	}
	if r := run.Report(); r != nil {
		dom = r.Blocklists
	}
	return msg, dom
}

// load builds the rows: the message's results and the domain's, one per
// subject and list (a domain asked for both, as the From domain and as the
// domain investigated, is one row with both roles), listings first, then
// errors, then the rest, each group in the order asked.
func (p *Pane) load() {
	cur, hadCur := p.current()
	msg, dom := p.reports()
	var rows []blocklist.Result
	for _, b := range []*diag.BlocklistReport{msg, dom} {
		if b == nil || b.Off {
			continue
		}
		for _, r := range b.Results {
			i := slices.IndexFunc(rows, func(o blocklist.Result) bool { return o.Subject == r.Subject && o.Zone == r.Zone })
			if i < 0 {
				rows = append(rows, r)
				continue
			}
			rows[i].Role |= r.Role
			for _, h := range r.Hosts {
				if !slices.Contains(rows[i].Hosts, h) {
					rows[i].Hosts = append(slices.Clone(rows[i].Hosts), h)
				}
			}
		}
	}
	slices.SortStableFunc(rows, func(a, b blocklist.Result) int { return statusRank(a.Status) - statusRank(b.Status) })
	p.rows = rows
	p.list.SetLen(len(rows))
	p.list.SetHeight(p.rowsHeight())
	p.list.Set(0)
	if hadCur && p.moved {
		// Stay on the row chosen as more answers arrive.
		if i := slices.IndexFunc(rows, func(r blocklist.Result) bool { return r.Subject == cur.Subject && r.Zone == cur.Zone }); i >= 0 {
			p.list.Set(i)
		}
	}
}

// statusRank orders listings first, then answers that could not be had.
func statusRank(s blocklist.Status) int {
	switch s {
	case blocklist.StatusListed:
		return 0
	case blocklist.StatusError:
		return 1
	}
	return 2
}

func (p *Pane) current() (blocklist.Result, bool) {
	if p.list.Cursor() < len(p.rows) {
		return p.rows[p.list.Cursor()], true
	}
	return blocklist.Result{}, false
}

// Selected is nothing: moving through the rows does not move the other
// panes; enter on an address does.
func (p *Pane) Selected() kit.Selection { return kit.Selection{} }

// Select moves to the first row of an address or domain selected in
// another pane, unless the cursor is on one already.
func (p *Pane) Select(sel kit.Selection) tea.Cmd {
	match := func(r blocklist.Result) bool {
		switch sel.Kind {
		case kit.SelectIP:
			return r.IP.IsValid() && r.IP == sel.IP
		case kit.SelectDomain:
			return r.Kind == blocklist.KindDomain && kit.NormName(r.Subject) == sel.Name
		}
		return false
	}
	if cur, ok := p.current(); ok && match(cur) {
		return nil
	}
	if i := slices.IndexFunc(p.rows, match); i >= 0 {
		p.list.Set(i)
		p.moved = true
	}
	return nil
}

// Copy copies the selected row's delisting URL; the row itself when its
// list gives none.
func (p *Pane) Copy() (string, bool) {
	r, ok := p.current()
	switch {
	case !ok:
		return "", false
	case r.DelistURL != "":
		return r.DelistURL, true
	}
	return r.Subject + " " + r.List + " (" + r.Zone + "): " + string(r.Status) + " " + strings.Join(r.Codes, ","), true
}

// View draws the pane, exactly its size.
func (p *Pane) View() string { return p.Fit(p.content()) }

// content is the pane's text before it is fitted to the pane.
func (p *Pane) content() string {
	st, g := p.Com.Styles, p.Com.Glyphs
	msg, dom := p.reports()
	run := p.Com.Run
	messageWaits := run != nil && run.Message() != nil && !run.RecheckDone()
	if len(p.rows) == 0 {
		if text, waiting := p.NotLoaded(finding.PartBlocklists, "blocklists"); waiting && (msg == nil || messageWaits) {
			return text
		}
		switch {
		case messageWaits:
			return " " + p.Com.Spinner + " Asking the blocklists about the message" + g.Ellipsis
		case dom != nil && dom.Off:
			return " " + st.Muted.Render(g.Dot+" Not asked: mxray was started with --no-blocklists.")
		}
		return " " + st.Muted.Render(g.Dot+" No public address or domain to ask the lists about.")
	}
	lines := []string{" " + p.summary(messageWaits || (dom == nil && p.Com.State(finding.PartBlocklists) == kit.StateLoading))}
	lines = append(lines, p.table()...)
	for len(lines) < 2+p.rowsHeight() {
		lines = append(lines, "")
	}
	return strings.Join(append(lines, p.detail()...), "\n")
}

// summary counts the rows by status.
func (p *Pane) summary(busy bool) string {
	st, g := p.Com.Styles, p.Com.Glyphs
	n := map[blocklist.Status]int{}
	var lists []string
	for _, r := range p.rows {
		n[r.Status]++
		if !slices.Contains(lists, r.Zone) {
			lists = append(lists, r.Zone)
		}
	}
	parts := []string{p.Word(listedTone(n[blocklist.StatusListed]), kit.Plural(n[blocklist.StatusListed], "listing", "listings"))}
	if e := n[blocklist.StatusError]; e > 0 {
		parts = append(parts, p.Word(diag.ToneUnknown, kit.Itoa(e)+" without an answer"))
	}
	parts = append(parts, kit.Itoa(n[blocklist.StatusNotListed])+" not listed", st.Muted.Render("on "+kit.Plural(len(lists), "list", "lists")))
	s := strings.Join(parts, " "+g.Dot+" ")
	if busy {
		s += " " + p.Com.Spinner
	}
	return s
}

func listedTone(n int) diag.Tone {
	if n > 0 {
		return diag.ToneFail
	}
	return diag.TonePass
}

// listing is the finding about a listed row: its severity weighs what the
// subject is (a policy listing of a sending IP that SPF passes is a note),
// and its fix says what to do.
func (p *Pane) listing(r blocklist.Result) (finding.Finding, bool) {
	if r.Status != blocklist.StatusListed || p.Com.Run == nil {
		return finding.Finding{}, false
	}
	for _, f := range p.Com.Run.Findings() {
		if f.Part == finding.PartBlocklists && f.Code == blocklist.CodeListed && f.Subject.Is(r.Subject) &&
			strings.Contains(f.Message, " on "+r.List+" ("+r.Zone+")") {
			return f, true
		}
	}
	return finding.Finding{}, false
}

// tone is how a row's status reads: a listing by its finding's severity
// (a note reads neutral), an error as unknown (neither listed nor not).
func (p *Pane) tone(r blocklist.Result) diag.Tone {
	switch r.Status {
	case blocklist.StatusListed:
		if f, ok := p.listing(r); ok && f.Severity == finding.Info {
			return diag.ToneNeutral
		}
		if r.Severity == blocklist.SeverityError {
			return diag.ToneFail
		}
		return diag.ToneWarn
	case blocklist.StatusError:
		return diag.ToneUnknown
	}
	return diag.TonePass
}

// statusWord is a row's status in words.
func statusWord(s blocklist.Status) string {
	switch s {
	case blocklist.StatusListed:
		return "listed"
	case blocklist.StatusError:
		return "no answer"
	}
	return "not listed"
}

// table draws the column heads and the rows that show.
func (p *Pane) table() []string {
	st, g := p.Com.Styles, p.Com.Glyphs
	const statusW = 13
	subjW, listW := 8, 5
	for _, r := range p.rows {
		subjW = max(subjW, kit.Width(kit.Safe(r.Subject))+1)
		listW = max(listW, kit.Width(kit.Safe(r.List))+1)
	}
	rest := p.W - 1 - statusW
	subjW = min(subjW, max(10, rest*2/5))
	listW = min(listW, max(8, (rest-subjW)/2))
	codeW := max(4, rest-subjW-listW)
	head := kit.Pad("Subject", subjW, "") + kit.Pad("List", listW, "") + kit.Pad("Status", statusW, "") + "Codes"
	lines := []string{" " + st.Label.Render(kit.Truncate(head, p.W-1, g.Ellipsis))}
	from, to := p.list.Visible()
	for i := from; i < to; i++ {
		r := p.rows[i]
		t := p.tone(r)
		status := p.Word(t, g.Tone(t)+" "+statusWord(r.Status))
		row := kit.Pad(kit.Safe(r.Subject), subjW-1, g.Ellipsis) + " " + kit.Pad(kit.Safe(r.List), listW-1, g.Ellipsis) + " " +
			kit.Pad(status, statusW, g.Ellipsis) + kit.Truncate(kit.Safe(strings.Join(r.Codes, " ")), codeW, g.Ellipsis)
		lines = append(lines, p.CursorRow(row, p.Focused && i == p.list.Cursor()))
	}
	return lines
}

// detail describes the selected row: what the subject is, what the list
// said and what it means, or why there is no answer and what to do.
func (p *Pane) detail() []string {
	st, g := p.Com.Styles, p.Com.Glyphs
	r, ok := p.current()
	if !ok {
		return nil
	}
	head := kit.Safe(r.Subject)
	if role := roleText(r); role != "" {
		head += " " + g.Dot + " " + role
	}
	w := p.W - 1
	lines := []string{p.Rule(head, p.W)}
	add := func(style func(...string) string, text string, indent int) {
		for _, l := range kit.WrapIndent(text, w-1, indent) {
			lines = append(lines, " "+style(l))
		}
	}
	plain := func(s ...string) string { return strings.Join(s, "") }
	t := p.tone(r)
	verdict := p.Word(t, g.Tone(t)+" "+statusWord(r.Status)) + " on " + kit.Safe(r.List) + " (" + kit.Safe(r.Zone) + ")"
	lines = append(lines, " "+verdict)
	for _, m := range r.Meanings {
		add(plain, g.Arrow+" "+kit.Safe(m), 2)
	}
	if f, ok := p.listing(r); ok && f.Fix != "" {
		add(st.Muted.Render, "Fix: "+kit.Safe(f.Fix), 5)
	}
	if r.Status == blocklist.StatusError {
		add(st.Verdict.TempError.Render, kit.Safe(r.Error), 0)
		if r.Fix != "" {
			add(st.Muted.Render, "Fix: "+kit.Safe(r.Fix), 5)
		}
	}
	for _, txt := range r.TXT {
		add(st.Record.Render, "TXT "+kit.Safe(txt), 4)
	}
	if r.DelistURL != "" {
		add(plain, "Lookup and delisting: "+kit.Safe(r.DelistURL), 2)
	}
	hint := "y copies the delisting URL"
	if r.IP.IsValid() {
		hint = "enter: its SPF verdict and reverse DNS " + g.Dot + " " + hint
	}
	lines = append(lines, " "+st.Muted.Render(kit.Truncate(hint, w, g.Ellipsis)))
	return lines
}

// Detail is the selected row whole: the subject and what it is, the list
// and its zone, every code with its meaning, the TXT records, the error
// and the fix, and where to ask for removal.
func (p *Pane) Detail() (kit.Detail, bool) {
	r, ok := p.current()
	if !ok {
		return kit.Detail{}, false
	}
	d := kit.Detail{Title: "Blocklist answer"}
	d.Add(kit.Field("Subject", r.Subject), kit.Field("Is", r.Role.String()), kit.Field("Hosts", strings.Join(r.Hosts, ", ")),
		kit.Field("List", r.List), kit.Field("Zone", r.Zone), kit.Field("Status", statusWord(r.Status)))
	d.Add(kit.Field("Codes", strings.Join(r.Codes, " ")))
	for _, m := range r.Meanings {
		d.Add(kit.Para(p.Com.Glyphs.Arrow + " " + m))
	}
	for _, txt := range r.TXT {
		d.Add(kit.RecordField("TXT", txt))
	}
	if r.Status == blocklist.StatusError {
		d.Add(kit.Problem(r.Error))
		if r.Fix != "" {
			d.Add(kit.Note("Fix: " + r.Fix))
		}
	}
	if f, ok := p.listing(r); ok && f.Fix != "" {
		d.Add(kit.Note("Fix: " + f.Fix))
	}
	d.Add(kit.Field("Lookup and delisting", r.DelistURL))
	return d, true
}

// roleText says what the subject is to the investigation: "MX
// mx1.example.com", "sending IP", "From, envelope".
func roleText(r blocklist.Result) string {
	role := kit.Safe(r.Role.String())
	if len(r.Hosts) > 0 {
		hosts := make([]string, len(r.Hosts))
		for i, h := range r.Hosts {
			hosts[i] = kit.Safe(h)
		}
		role += " " + strings.Join(hosts, ", ")
	}
	return role
}
