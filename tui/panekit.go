package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/finding"
)

// paneBase holds what every pane has: the shared state, its size and
// whether it has focus.
type paneBase struct {
	com     *common
	w, h    int
	focused bool
}

// SetSize gives the pane its size in cells.
func (b *paneBase) SetSize(w, h int) { b.w, b.h = w, h }

// Blur takes the keys away from the pane and its fields.
func (b *paneBase) Blur() { b.focused = false }

// Focus gives the pane the keys.
func (b *paneBase) Focus() tea.Cmd { b.focused = true; return nil }

// listPane is a pane that is a filterable list: the DNS log and the
// findings.
type listPane struct {
	paneBase
	list   cursorList
	filter filter
}

func newListPane(com *common) listPane {
	return listPane{paneBase: paneBase{com: com}, filter: newFilter(com)}
}

// Blur takes the keys away from the pane and its filter field.
func (b *listPane) Blur() {
	b.paneBase.Blur()
	b.filter.blur()
}

func (b *listPane) applyStyles() { b.filter.applyStyles() }

// Editing reports whether the filter field has the keys.
func (b *listPane) Editing() bool { return b.filter.active }

// setSize sizes the pane and its filter field; the pane then sizes its list.
func (b *listPane) setSize(w, h int) {
	b.paneBase.SetSize(w, h)
	b.filter.setWidth(w)
}

// fit makes the pane's text exactly its size: long lines cut, short ones
// padded, extra lines dropped.
func (b *paneBase) fit(text string) string {
	return fit(text, b.w, b.h, b.com.glyphs.Ellipsis)
}

// notLoaded returns the pane's text while its part is not known: a spinner
// while it runs, or why it is missing. ok is false once the part is in.
func (b *paneBase) notLoaded(part finding.Part, what string) (string, bool) {
	st, g := b.com.styles, b.com.glyphs
	run := b.com.run
	switch run.state(part) {
	case stateIdle:
		return " " + st.Muted.Render("No investigation yet."), true
	case stateLoading:
		return " " + b.com.spinner + " Looking up " + what + g.Ellipsis, true
	case stateCut:
		return " " + st.Verdict.TempError.Render(g.Unknown+" "+what+": "+run.cutReason(part)), true
	}
	return "", false
}

// mark is the symbol of a tone in its style.
func (b *paneBase) mark(t diag.Tone) string {
	return b.com.styles.Verdict.Tone(t).Render(b.com.glyphs.Tone(t))
}

// word is text in the style of a tone.
func (b *paneBase) word(t diag.Tone, text string) string {
	return b.com.styles.Verdict.Tone(t).Render(text)
}

// outcome is a verdict word with its symbol, in its style.
func (b *paneBase) outcome(o diag.Outcome) string {
	t := o.Tone()
	return b.com.styles.Verdict.Tone(t).Render(b.com.glyphs.Tone(t) + " " + safe(string(o)))
}

// severityMark returns the symbol and style of a severity.
func (b *paneBase) severityMark(sev finding.Severity) string {
	st, g := b.com.styles, b.com.glyphs
	switch sev {
	case finding.Error:
		return st.Severity.Error.Render(g.Fail)
	case finding.Warning:
		return st.Severity.Warning.Render(g.Warn)
	default:
		return st.Severity.Info.Render(g.Info)
	}
}

// findingLines draws findings as "✗ message" lines wrapped to w, each
// followed by its fix when withFix is set.
func (b *paneBase) findingLines(fs []finding.Finding, w int, withFix bool) []string {
	var out []string
	for _, f := range fs {
		for i, l := range wrapIndent(safe(f.Message), w-1, 2) {
			if i == 0 {
				l = b.severityMark(f.Severity) + " " + l
			}
			out = append(out, " "+l)
		}
		if withFix && f.Fix != "" {
			for _, l := range wrapIndent("Fix: "+safe(f.Fix), w-3, 5) {
				out = append(out, "   "+b.com.styles.Muted.Render(l))
			}
		}
	}
	return out
}

// rule is a horizontal line w cells wide with an optional label.
func (b *paneBase) rule(label string, w int) string {
	st, g := b.com.styles, b.com.glyphs
	if label == "" {
		return st.Muted.Render(strings.Repeat(g.Rule, max(0, w)))
	}
	label = truncate(" "+label+" ", max(0, w-2), g.Ellipsis)
	return st.Muted.Render(g.Rule+g.Rule) + st.Heading.Render(label) + st.Muted.Render(strings.Repeat(g.Rule, max(0, w-2-width(label))))
}

// cursorRow draws a row of a list: selected rows in the selection style
// with the cursor glyph (so the cursor shows without colour too).
func (b *paneBase) cursorRow(text string, selected bool) string {
	g := b.com.glyphs
	if !selected {
		return pad(" "+text, b.w, g.Ellipsis)
	}
	return b.com.styles.Selected.Render(pad(g.Cursor+ansi.Strip(text), b.w, g.Ellipsis))
}
