package dnslog

import (
	"context"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag/propagate"
	"github.com/mxray/mxray/tui/kit"
)

// compare is the "did it propagate?" view of one question: the selected
// entry's name and type asked at every nameserver of its zone and each
// resolver (diag/propagate), shown in place of the list until esc.
type compare struct {
	gen    int // tags the command's reply: a newer comparison or run drops it
	name   string
	qtype  string
	cancel context.CancelFunc
	busy   bool
	res    *propagate.Result
	err    string
	offset int // first line shown, when the view is taller than the pane
}

// compareMsg is a finished comparison.
type compareMsg struct {
	run, gen int
	res      *propagate.Result
	err      error
}

// RunID names the message's run.
func (m compareMsg) RunID() int { return m.run }

// startCompare compares the selected question's name and type, in a
// command: it never blocks the workbench; esc cancels it.
func (p *Pane) startCompare() tea.Cmd {
	e, ok := p.current()
	run := p.Com.Run
	if !ok || run == nil || run.Client() == nil {
		return nil
	}
	p.stopCompare()
	qt, err := propagate.ParseType(e.Type)
	p.gen++
	p.cmp = &compare{gen: p.gen, name: e.Name, qtype: e.Type}
	if err != nil {
		p.cmp.err = err.Error()
		return nil
	}
	ctx, cancel := context.WithCancel(run.Context())
	p.cmp.cancel, p.cmp.busy = cancel, true
	client, id, gen, name := run.Client(), run.ID(), p.gen, e.Name
	return func() tea.Msg {
		res, err := propagate.Compare(ctx, client, name, []uint16{qt})
		return compareMsg{run: id, gen: gen, res: res, err: err}
	}
}

// takeCompare shows a finished comparison.
func (p *Pane) takeCompare(msg compareMsg) {
	if p.cmp == nil || msg.gen != p.cmp.gen {
		return
	}
	p.cmp.busy = false
	p.cmp.cancel()
	if msg.err != nil {
		p.cmp.err = msg.err.Error()
		return
	}
	p.cmp.res = msg.res
}

// stopCompare cancels a comparison in flight and closes the view.
func (p *Pane) stopCompare() {
	if p.cmp != nil && p.cmp.cancel != nil {
		p.cmp.cancel()
	}
	p.cmp = nil
}

// Back cancels the comparison in flight or closes its view; else it
// clears the filter.
func (p *Pane) Back() bool {
	if p.cmp != nil {
		p.stopCompare()
		return true
	}
	return p.ListPane.Back()
}

// Waiting reports whether a comparison is in flight.
func (p *Pane) Waiting() bool { return p.cmp != nil && p.cmp.busy }

// compareKey handles a key while the comparison view is open: up and
// down scroll it.
func (p *Pane) compareKey(k tea.KeyPressMsg) {
	keys := p.Com.Keys
	switch {
	case key.Matches(k, keys.Up):
		p.cmp.offset = max(0, p.cmp.offset-1)
	case key.Matches(k, keys.Down):
		p.cmp.offset++
	case key.Matches(k, keys.Top):
		p.cmp.offset = 0
	}
}

// compareView draws the comparison view, exactly the pane's height.
func (p *Pane) compareView() string {
	st, g := p.Com.Styles, p.Com.Glyphs
	c := p.cmp
	w := p.W - 1
	title := "Did it propagate? " + kit.Safe(c.qtype) + " " + kit.Safe(strings.TrimSuffix(c.name, "."))
	lines := []string{" " + st.Label.Render(kit.Truncate(title, w, g.Ellipsis))}
	switch {
	case c.busy:
		lines = append(lines, "", " "+p.Com.Spinner+" Asking every nameserver of the zone and each resolver"+g.Ellipsis+st.Muted.Render("  (esc cancels)"))
	case c.err != "":
		lines = append(lines, "", " "+st.Error.Render(kit.Truncate(g.Fail+" "+kit.Safe(c.err), w, g.Ellipsis)))
	default:
		lines = append(lines, p.resultLines(c.res, w)...)
	}
	body := lines[1:]
	room := max(1, p.H-2)
	c.offset = min(c.offset, max(0, len(body)-room))
	body = body[c.offset:min(len(body), c.offset+room)]
	out := append([]string{lines[0]}, body...)
	for len(out) < p.H-1 {
		out = append(out, "")
	}
	k := p.Com.Keys
	foot := "esc closes " + g.Dot + " " + k.Up.Help().Key + " " + k.Down.Help().Key + " scroll " + g.Dot + " every server asked on the wire, no cache"
	out = append(out, " "+st.Muted.Render(kit.Truncate(foot, w, g.Ellipsis)))
	return strings.Join(out, "\n")
}

// resultLines are the comparison: the zone and verdict, one row per
// server (serial, answer number, TTL), each distinct answer, the findings.
func (p *Pane) resultLines(r *propagate.Result, w int) []string {
	st, g := p.Com.Styles, p.Com.Glyphs
	var lines []string
	verdict := kit.Safe(r.Verdict())
	mark := st.Verdict.Pass.Render(g.Pass)
	if !r.Agree {
		mark = st.Verdict.Fail.Render(g.Fail)
	} else if !r.ResolversAgree || !r.SerialsAgree {
		mark = st.Verdict.SoftFail.Render(g.Warn)
	}
	lines = append(lines, " "+st.Muted.Render(kit.Truncate("zone "+kit.Safe(strings.TrimSuffix(r.Zone, ".")), w, g.Ellipsis)))
	for i, l := range kit.WrapIndent(verdict, w-2, 2) {
		if i == 0 {
			l = mark + " " + l
		}
		lines = append(lines, " "+l)
	}
	const kindW, serialW, answerW, ttlW = 6, 11, 11, 7
	nameW := max(10, w-kindW-serialW-answerW-ttlW)
	head := kit.Pad("Server", nameW, "") + kit.Pad("Kind", kindW, "") + kit.Pad("Serial", serialW, "") + kit.Pad("Answer", answerW, "") + kit.PadLeft("TTL", ttlW)
	lines = append(lines, "", " "+st.Label.Render(kit.Truncate(head, w, g.Ellipsis)))
	for _, s := range r.Servers {
		a := s.Answers[0]
		kind := "auth"
		switch {
		case s.Kind == propagate.KindResolver:
			kind = "res"
		case s.Kind == propagate.KindZoneFile:
			kind = "file"
		case s.Lame:
			kind = "LAME"
		}
		serial := "-"
		if s.Serial != nil {
			serial = strconv.FormatUint(uint64(*s.Serial), 10)
		}
		answer, ttl := kit.Safe(a.Status), "-"
		if a.Group > 0 {
			answer, ttl = "#"+strconv.Itoa(a.Group), kit.Itoa(int(a.TTL))
		}
		ans := kit.Pad(answer, answerW, g.Ellipsis)
		switch {
		case a.Differs:
			ans = st.Verdict.Fail.Render(kit.Pad(answer+" differs", answerW, g.Ellipsis))
		case a.Group == 0:
			ans = st.Verdict.Fail.Render(ans)
		}
		lines = append(lines, " "+kit.Pad(kit.Safe(s.Label()), nameW, g.Ellipsis)+kit.Pad(kind, kindW, "")+kit.Pad(serial, serialW, "")+ans+kit.PadLeft(ttl, ttlW))
	}
	lines = append(lines, "")
	for g1 := 1; ; g1++ {
		found := false
		for _, s := range r.Servers {
			if a := s.Answers[0]; a.Group == g1 {
				for i, l := range kit.WrapIndent("#"+strconv.Itoa(g1)+" "+kit.Safe(a.Text()), w, 3) {
					if i == 0 && g1 > 1 {
						l = st.Verdict.Fail.Render(l)
					}
					lines = append(lines, " "+l)
				}
				found = true
				break
			}
		}
		if !found {
			break
		}
	}
	if len(r.Findings) > 0 {
		lines = append(lines, "")
		lines = append(lines, p.FindingLines(r.Findings, p.W, false)...)
	}
	return lines
}

// compareHelp is the pane's key for the comparison.
func (p *Pane) compareHelp() key.Binding { return p.Com.Keys.Propagate }

// compareDetail is the finished comparison in full, for the detail view
// (v): every server with its records whole, then the findings with their
// fixes.
func (p *Pane) compareDetail() kit.Detail {
	r := p.cmp.res
	d := kit.Detail{Title: "Did it propagate? " + p.cmp.qtype + " " + strings.TrimSuffix(p.cmp.name, ".")}
	d.Add(kit.Field("Zone", strings.TrimSuffix(r.Zone, ".")), kit.Field("Verdict", r.Verdict()))
	for _, s := range r.Servers {
		a := s.Answers[0]
		d.Add(kit.Heading(s.Label()), kit.Field("Kind", string(s.Kind)), kit.Field("Asked at", s.Address))
		if s.Serial != nil {
			d.Add(kit.Field("SOA serial", strconv.FormatUint(uint64(*s.Serial), 10)))
		}
		if a.Group > 0 {
			answer := "#" + strconv.Itoa(a.Group)
			if a.Differs {
				answer += ", differs from #1"
			}
			d.Add(kit.Field("Answer", answer), kit.Field("TTL", kit.Itoa(int(a.TTL))+" s"),
				kit.RecordField("Records", strings.ReplaceAll(a.Text(), " | ", "\n")))
		}
		if s.Lame {
			d.Add(kit.Problem("Lame: it does not answer for the zone authoritatively."))
		}
		if s.Error != "" {
			d.Add(kit.Problem(s.Error))
		} else if a.Error != "" {
			d.Add(kit.Problem(a.Status + ": " + a.Error))
		}
	}
	d.Findings(p.Com, r.Findings)
	return d
}
