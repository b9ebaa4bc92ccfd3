package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/tui/kit"
)

// maxTargetLen bounds what the target field accepts: a header block is
// pasted elsewhere; a domain, address or URL is far shorter.
const maxTargetLen = 1024

// itemKind says what an entry of the input screen opens.
type itemKind int

const (
	itemTarget  itemKind = iota // a domain, address or "IP DOMAIN"
	itemSample                  // the demo's sample message
	itemHeaders                 // the headers given to this session
	itemReports                 // the demo's DMARC aggregate reports
)

// inputItem is one entry the input screen offers below the field.
type inputItem struct {
	kind    itemKind
	target  string // what is shown (and, for itemTarget, opened)
	desc    string
	section string // the heading it is listed under
}

// inputScreen is the first screen: one field for a domain, "IP DOMAIN" or
// an address, the header editor, the demo domains and the demo's sample
// message under --demo, this session's headers and its targets.
type inputScreen struct {
	com    *kit.Common
	field  textinput.Model
	err    string // why the last target was refused, shown under the field
	demo   []demo.Domain
	sample bool // offer the demo's sample message
	recent []string
	cursor int // -1: the field; else an index into items()
	w, h   int

	editor  *pasteEditor
	editing bool // the editor is open: every key goes to it
	// headers are the session's message (kept for the whole session) and
	// headersDesc says what it is (From, Subject).
	headers     *diag.Message
	headersDesc string
}

func newInputScreen(com *kit.Common, demoMode bool) *inputScreen {
	s := &inputScreen{com: com, cursor: -1, editor: newPasteEditor(com)}
	if demoMode {
		s.demo = demo.Domains()
		s.sample = true
	}
	s.field = textinput.New()
	s.field.Prompt = "> "
	s.field.Placeholder = "example.com, alice@example.com or 192.0.2.1 example.com"
	s.field.CharLimit = maxTargetLen
	s.applyStyles()
	return s
}

// applyStyles gives the field and the editor the current styles (after a
// background colour report).
func (s *inputScreen) applyStyles() {
	s.field.SetStyles(s.com.Styles.TextInput)
	s.editor.applyStyles()
}

// items lists the session's headers, the demo domains, the demo's sample
// message, then the recent targets not among the demo domains.
func (s *inputScreen) items() []inputItem {
	var out []inputItem
	if s.headers != nil {
		out = append(out, inputItem{kind: itemHeaders, target: messageName(s.headers), desc: s.headersDesc,
			section: "This session's headers (enter re-runs, ctrl+e edits):"})
	}
	demoHead := "Demo domains (" + arrows(s.com.Glyphs) + ", enter):"
	for _, d := range s.demo {
		out = append(out, inputItem{target: d.Name, desc: d.Description, section: demoHead})
	}
	if s.sample {
		out = append(out, inputItem{kind: itemSample, target: demo.SampleName,
			desc: "a message to the demo domains: hops, then vs now", section: "Demo message and reports:"})
		out = append(out, inputItem{kind: itemReports, target: "reports/",
			desc: "DMARC aggregate reports of both domains: who fails, what blocks p=reject", section: "Demo message and reports:"})
	}
	for _, r := range s.recent {
		dup := false
		for _, d := range s.demo {
			dup = dup || d.Name == r
		}
		if !dup {
			out = append(out, inputItem{target: r, section: "Recent targets:"})
		}
	}
	return out
}

// setSize gives the screen the terminal's size.
func (s *inputScreen) setSize(w, h int) {
	s.w, s.h = w, h
	s.field.SetWidth(max(10, min(w-6, 72)))
	s.editor.setSize(w, h)
}

// openEditor opens the header editor on raw, with the reason it was
// refused when it was.
func (s *inputScreen) openEditor(raw []byte, errText string) tea.Cmd {
	s.editing = true
	s.field.Blur()
	return s.editor.open(raw, errText)
}

// closeEditor closes the editor, keeping its text for ctrl+e.
func (s *inputScreen) closeEditor() tea.Cmd {
	s.editing = false
	s.editor.blur()
	return s.field.Focus()
}

// reopenEditor opens the editor with what it held when closed, else the
// session's headers, else empty.
func (s *inputScreen) reopenEditor() tea.Cmd {
	e := s.editor
	if len(e.raw) > 0 || !e.synced {
		s.editing = true
		s.field.Blur()
		return e.focus()
	}
	var raw []byte
	if s.headers != nil {
		raw = s.headers.Raw
	}
	return s.openEditor(raw, "")
}

// focus puts the cursor in the field.
func (s *inputScreen) focus() tea.Cmd { return s.field.Focus() }

// prefill puts text in the field (the target being left) and the cursor
// at its end.
func (s *inputScreen) prefill(text string) {
	s.field.SetValue(text)
	s.field.CursorEnd()
	s.cursor = -1
	s.err = ""
}

// update handles a message; on enter it returns the command that opens the
// target, or shows why it cannot be opened. While the editor is open every
// key and paste goes to it.
func (s *inputScreen) update(msg tea.Msg) tea.Cmd {
	if s.editing {
		switch msg.(type) {
		case tea.KeyPressMsg, tea.PasteMsg:
		default:
			return nil
		}
		done, closed, cmd := s.editor.update(msg)
		switch {
		case done:
			in := &headerInput{raw: s.editor.read(), source: pastedSource}
			return func() tea.Msg { return openHeadersMsg{input: in} }
		case closed:
			return s.closeEditor()
		}
		return cmd
	}
	k, isKey := msg.(tea.KeyPressMsg)
	if !isKey {
		var cmd tea.Cmd
		if paste, ok := msg.(tea.PasteMsg); ok {
			s.cursor = -1
			s.err = ""
			if diag.LooksLikeHeaders(paste.Content) {
				// Headers go to the editor, never straight to a run:
				// what a cut-short paste sends after it lands there as
				// text instead of acting as keys on the workbench.
				return s.openEditor([]byte(paste.Content), "")
			}
			// A target copied with its line end.
			paste.Content = strings.TrimRight(paste.Content, "\r\n")
			msg = paste
		}
		s.field, cmd = s.field.Update(msg)
		return cmd
	}
	keys := s.com.Keys
	items := s.items()
	switch {
	case key.Matches(k, keys.Editor):
		return s.reopenEditor()
	case key.Matches(k, keys.Open):
		if s.cursor >= 0 && s.cursor < len(items) {
			return s.open(items[s.cursor])
		}
		return s.submit(s.field.Value())
	case k.String() == "up":
		if s.cursor >= 0 {
			s.cursor--
		}
		return nil
	case k.String() == "down", key.Matches(k, keys.NextPane):
		if s.cursor < len(items)-1 {
			s.cursor++
		} else if key.Matches(k, keys.NextPane) {
			s.cursor = -1
		}
		return nil
	case key.Matches(k, keys.PrevPane):
		if s.cursor >= 0 {
			s.cursor--
		} else {
			s.cursor = len(items) - 1
		}
		return nil
	}
	// Everything else is text for the field.
	s.cursor = -1
	var cmd tea.Cmd
	before := s.field.Value()
	s.field, cmd = s.field.Update(k)
	if s.field.Value() != before {
		s.err = ""
	}
	return cmd
}

// open opens an entry of the list.
func (s *inputScreen) open(it inputItem) tea.Cmd {
	switch it.kind {
	case itemSample:
		in := &headerInput{raw: demo.SampleMessage(), source: demo.SampleName}
		return func() tea.Msg { return openHeadersMsg{input: in} }
	case itemReports:
		ins := demo.ReportInputs()
		return func() tea.Msg { return openReportsMsg{inputs: ins} }
	case itemHeaders:
		// Read already: run it again as it is.
		msg := s.headers
		return func() tea.Msg { return headersParsedMsg{raw: msg.Raw, msg: msg} }
	}
	return s.submit(it.target)
}

// submit parses a target; a bad one leaves the text in the field and says
// why under it.
func (s *inputScreen) submit(text string) tea.Cmd {
	t, err := diag.ParseTarget(text)
	if err != nil {
		s.prefill(text)
		s.err = err.Error()
		return nil
	}
	s.err = ""
	return func() tea.Msg { return openMsg{target: t} }
}

// back handles esc: it clears an error or the field; it reports false when
// there was nothing to clear.
func (s *inputScreen) back() bool {
	if s.err != "" || s.field.Value() != "" || s.cursor >= 0 {
		s.err = ""
		s.field.SetValue("")
		s.cursor = -1
		return true
	}
	return false
}

// view draws the screen in w×h cells (the help bar is the root's).
func (s *inputScreen) view() string {
	if s.editing {
		return s.editor.view()
	}
	st, g := s.com.Styles, s.com.Glyphs
	w := s.w
	var lines []string
	add := func(l ...string) { lines = append(lines, l...) }
	add("", " "+st.App.Render("mxray")+st.Muted.Render(" "+g.Dot+" why does mail from a domain pass or fail SPF, DKIM and DMARC?"), "")
	add(" Domain, address, URL, or \"IP DOMAIN\":")
	add(" " + s.field.View())
	if s.err != "" {
		for _, l := range kit.WrapIndent(g.Fail+" "+kit.Safe(s.err), w-2, 2) {
			add(" " + st.Error.Render(l))
		}
		add(" " + st.Muted.Render(kit.Truncate("  e.g. example.com "+g.Dot+" alice@example.com "+g.Dot+" 192.0.2.1 example.com", w-1, g.Ellipsis)))
	} else {
		add(" " + st.Muted.Render(kit.Truncate("Or paste a message's headers: ctrl+e opens an editor.", w-1, g.Ellipsis)))
	}
	items := s.items()
	nameW := 0
	for _, it := range items {
		nameW = max(nameW, kit.Width(kit.Safe(it.target)))
	}
	nameW = min(nameW, 32)
	section := ""
	for i, it := range items {
		if it.section != section {
			add("", " "+st.Heading.Render(it.section))
			section = it.section
		}
		mark := "  "
		if i == s.cursor {
			mark = g.Cursor + " "
		}
		row := " " + mark + kit.Pad(kit.Safe(it.target), nameW, g.Ellipsis)
		if it.desc != "" {
			row += "  " + st.Muted.Render(kit.Safe(it.desc))
		}
		row = kit.Truncate(row, w, g.Ellipsis)
		if i == s.cursor {
			row = st.Selected.Render(kit.Pad(row, w, g.Ellipsis))
		}
		add(row)
	}
	return strings.Join(lines, "\n")
}

// arrows names the arrow keys for help text.
func arrows(g kit.Glyphs) string {
	if g.Arrow == "->" {
		return "up/down"
	}
	return "↑/↓"
}

// help lists the screen's keys for the help bar.
func (s *inputScreen) help() []key.Binding {
	if s.editing {
		return s.editor.help()
	}
	k := s.com.Keys
	return []key.Binding{
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		key.NewBinding(key.WithKeys("up", "down"), key.WithHelp(arrows(s.com.Glyphs), "choose")),
		k.Editor,
		key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear")),
		k.ForceQuit,
	}
}
