package kit

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/finding"
)

// Base holds what every pane has: the shared state, its name, its size and
// whether it has focus, with the drawing every pane does the same way. A
// pane embeds it, made by NewBase.
type Base struct {
	Com          *Common
	W, H         int
	Focused      bool
	id           finding.Part
	title, short string
}

// NewBase is the base of the pane id, named title on its frame and in the
// tab strip, short where the tab strip is narrow.
func NewBase(com *Common, id finding.Part, title, short string) Base {
	return Base{Com: com, id: id, title: title, short: short}
}

// ID names the pane.
func (b *Base) ID() finding.Part { return b.id }

// Title is the pane's name in the tab strip and on its frame.
func (b *Base) Title() string { return b.title }

// Short is the pane's name in a narrow tab strip.
func (b *Base) Short() string { return b.short }

// SetSize gives the pane its size in cells.
func (b *Base) SetSize(w, h int) { b.W, b.H = w, h }

// Blur takes the keys away from the pane.
func (b *Base) Blur() { b.Focused = false }

// Focus gives the pane the keys.
func (b *Base) Focus() tea.Cmd { b.Focused = true; return nil }

// Fit makes the pane's text exactly its size: long lines cut, short ones
// padded, extra lines dropped.
func (b *Base) Fit(text string) string {
	return Fit(text, b.W, b.H, b.Com.Glyphs.Ellipsis)
}

// NotLoaded returns the pane's text while its part is not known: a
// spinner while it runs, or why it is missing. ok is false once the part
// is in.
func (b *Base) NotLoaded(part finding.Part, what string) (string, bool) {
	st, g := b.Com.Styles, b.Com.Glyphs
	switch b.Com.State(part) {
	case StateIdle:
		return " " + st.Muted.Render("No investigation yet."), true
	case StateLoading:
		return " " + b.Com.Spinner + " Looking up " + what + g.Ellipsis, true
	case StateCut:
		return " " + st.Verdict.TempError.Render(g.Unknown+" "+what+": "+b.Com.Run.CutReason(part)), true
	}
	return "", false
}

// Mark is the symbol of a tone in its style.
func (b *Base) Mark(t diag.Tone) string {
	return b.Com.Styles.Verdict.Tone(t).Render(b.Com.Glyphs.Tone(t))
}

// Word is text in the style of a tone.
func (b *Base) Word(t diag.Tone, text string) string {
	return b.Com.Styles.Verdict.Tone(t).Render(text)
}

// Outcome is a verdict word with its symbol, in its style.
func (b *Base) Outcome(o diag.Outcome) string {
	t := o.Tone()
	return b.Com.Styles.Verdict.Tone(t).Render(b.Com.Glyphs.Tone(t) + " " + Safe(string(o)))
}

// SeverityMark returns the symbol of a severity in its style.
func (b *Base) SeverityMark(sev finding.Severity) string {
	return b.Com.Styles.Severity.For(sev).Render(b.Com.Glyphs.Severity(sev))
}

// FindingLines draws findings as "✗ message" lines wrapped to w, each
// followed by its fix when withFix is set.
func (b *Base) FindingLines(fs []finding.Finding, w int, withFix bool) []string {
	var out []string
	for _, f := range fs {
		for i, l := range WrapIndent(Safe(f.Message), w-1, 2) {
			if i == 0 {
				l = b.SeverityMark(f.Severity) + " " + l
			}
			out = append(out, " "+l)
		}
		if withFix && f.Fix != "" {
			for _, l := range WrapIndent("Fix: "+Safe(f.Fix), w-3, 5) {
				out = append(out, "   "+b.Com.Styles.Muted.Render(l))
			}
		}
	}
	return out
}

// Rule is a horizontal line w cells wide with an optional label.
func (b *Base) Rule(label string, w int) string { return b.Com.Rule(label, w) }

// CursorRow draws a row of a list: selected rows in the selection style
// with the cursor glyph (so the cursor shows without colour too).
func (b *Base) CursorRow(text string, selected bool) string {
	g := b.Com.Glyphs
	if !selected {
		return Pad(" "+text, b.W, g.Ellipsis)
	}
	return b.Com.Styles.Selected.Render(Pad(g.Cursor+ansi.Strip(text), b.W, g.Ellipsis))
}

// ListPane is a pane that is a filterable list (the DNS log, the
// findings): "/" opens the filter, whose field then takes every key and
// paste; esc clears it.
type ListPane struct {
	Base
	List     List
	Filter   Filter
	refilter func()
}

// NewListPane returns a list pane's base; refilter recomputes the rows
// shown when the filter text changes.
func NewListPane(base Base, refilter func()) ListPane {
	return ListPane{Base: base, Filter: NewFilter(base.Com), refilter: refilter}
}

// Blur takes the keys away from the pane and its filter field.
func (l *ListPane) Blur() {
	l.Base.Blur()
	l.Filter.Blur()
}

// ApplyStyles gives the filter field the current styles.
func (l *ListPane) ApplyStyles() { l.Filter.ApplyStyles() }

// Editing reports whether the filter field has the keys.
func (l *ListPane) Editing() bool { return l.Filter.Active() }

// SetSize sizes the pane and its filter field; the pane then sizes its
// list.
func (l *ListPane) SetSize(w, h int) {
	l.Base.SetSize(w, h)
	l.Filter.SetWidth(w)
}

// Back clears the filter.
func (l *ListPane) Back() bool {
	if l.Filter.Clear() {
		l.refilter()
		return true
	}
	return false
}

// RouteFilter gives the filter what is its: a paste or a key while its
// field is open, "/" to open it; a key when the pane has no focus is
// taken and ignored. handled is false for what the pane handles itself.
func (l *ListPane) RouteFilter(msg tea.Msg) (cmd tea.Cmd, handled bool) {
	switch msg := msg.(type) {
	case tea.PasteMsg:
		return l.Filter.Route(msg, l.refilter)
	case tea.KeyPressMsg:
		if !l.Focused {
			return nil, true
		}
		if cmd, ok := l.Filter.Route(msg, l.refilter); ok {
			return cmd, true
		}
		if key.Matches(msg, l.Com.Keys.Filter) {
			return l.Filter.Open(), true
		}
	}
	return nil, false
}
