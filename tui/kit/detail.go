package kit

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mxray/mxray/diag/finding"
)

// Detail is the full text of a pane's focused item, for the one detail
// view the root shows over the body (v, or enter where enter has no other
// job): every value a row cuts with "…" is here whole, sanitised when it
// is drawn and wrapped between words, never inside a term.
type Detail struct {
	Title string
	Lines []DetailLine
}

// DetailKind says how a line of a detail is drawn.
type DetailKind int

// The kinds of detail line.
const (
	DetailText    DetailKind = iota // plain text
	DetailRecord                    // a DNS record or header field as published
	DetailBad                       // an error or a problem
	DetailNote                      // secondary text (a fix, an explanation)
	DetailHeading                   // a section heading; Value is its text
	DetailRaw                       // text the pane has made safe and styled itself
)

// DetailLine is one field of a detail: a label and its value (raw text
// from anywhere; the view sanitises it), or, with no label, a paragraph.
// A value may hold newlines: each line is wrapped on its own.
type DetailLine struct {
	Label string
	Value string
	Kind  DetailKind
	// Note is said under the value, in the value's column: what a tag
	// means, why a value matters.
	Note string
}

// Field is a labelled value.
func Field(label, value string) DetailLine { return DetailLine{Label: label, Value: value} }

// RecordField is a labelled record.
func RecordField(label, value string) DetailLine {
	return DetailLine{Label: label, Value: value, Kind: DetailRecord}
}

// Para is a paragraph of plain text.
func Para(text string) DetailLine { return DetailLine{Value: text} }

// Note is a paragraph of secondary text.
func Note(text string) DetailLine { return DetailLine{Value: text, Kind: DetailNote} }

// Problem is a paragraph saying what is wrong.
func Problem(text string) DetailLine { return DetailLine{Value: text, Kind: DetailBad} }

// Heading starts a section.
func Heading(text string) DetailLine { return DetailLine{Value: text, Kind: DetailHeading} }

// Add appends lines, skipping fields whose value is empty.
func (d *Detail) Add(lines ...DetailLine) {
	for _, l := range lines {
		if l.Value == "" && l.Kind != DetailHeading {
			continue
		}
		d.Lines = append(d.Lines, l)
	}
}

// Findings appends one paragraph per finding, its fix under it.
func (d *Detail) Findings(com *Common, fs []finding.Finding) {
	for _, f := range fs {
		mark := com.Styles.Severity.For(f.Severity).Render(com.Glyphs.Severity(f.Severity))
		d.Add(DetailLine{Value: mark + " " + Safe(f.Message), Kind: DetailRaw})
		if f.Fix != "" {
			d.Add(Note("Fix: " + f.Fix))
		}
	}
}

// Text is the detail as plain text, one "Label: value" per line, for
// copying.
func (d Detail) Text() string {
	var b strings.Builder
	b.WriteString(d.Title)
	for _, l := range d.Lines {
		b.WriteByte('\n')
		switch {
		case l.Kind == DetailHeading:
			b.WriteString("\n" + l.Value)
		case l.Label != "":
			b.WriteString(l.Label + ": " + l.Value)
		case l.Kind == DetailRaw:
			b.WriteString(ansi.Strip(l.Value))
		default:
			b.WriteString(l.Value)
		}
		if l.Note != "" {
			b.WriteString(" (" + l.Note + ")")
		}
	}
	return b.String()
}

// maxLabel caps the label column of a detail; a longer label stands on a
// line of its own above its value.
const maxLabel = 18

// Render draws the detail's lines w cells wide: labels in a column, each
// value wrapped beside its label between words, every line sanitised.
func (d Detail) Render(com *Common, w int) []string {
	st := com.Styles
	labelW := 0
	for _, l := range d.Lines {
		if l.Label != "" && Width(l.Label) <= maxLabel && l.Kind != DetailHeading {
			labelW = max(labelW, Width(Safe(l.Label)))
		}
	}
	labelW = min(labelW, max(0, w/3))
	var out []string
	for i, l := range d.Lines {
		if l.Kind == DetailHeading {
			if i > 0 {
				out = append(out, "")
			}
			out = append(out, " "+st.Heading.Render(Truncate(Safe(l.Value), w-1, "")))
			continue
		}
		style := st.Record
		switch l.Kind {
		case DetailText, DetailRaw:
			style = Style{}
		case DetailBad:
			style = st.Error
		case DetailNote:
			style = st.Muted
		}
		indent, first := 1, ""
		switch label := Safe(l.Label); {
		case label == "":
		case Width(label) <= labelW:
			indent = 1 + labelW + 2
			first = " " + st.Label.Render(Pad(label, labelW, "")) + "  "
		default:
			// A long label: on its own line, the value under it.
			for _, ll := range Wrap(label, w-1) {
				out = append(out, " "+st.Label.Render(ll))
			}
			indent = 3
			first = "   "
		}
		pad := strings.Repeat(" ", indent)
		n := 0
		for para := range strings.SplitSeq(l.Value, "\n") {
			if l.Kind != DetailRaw {
				para = Safe(para)
			}
			for _, wl := range Wrap(para, max(1, w-indent)) {
				lead := pad
				if n == 0 {
					lead = first
					if lead == "" {
						lead = pad
					}
				}
				out = append(out, lead+style.Render(wl))
				n++
			}
		}
		if l.Note != "" {
			for _, wl := range Wrap(Safe(l.Note), max(1, w-indent)) {
				out = append(out, pad+st.Muted.Render(wl))
			}
		}
	}
	return out
}

// Detailer is a pane whose focused item has more to it than its row
// shows: Detail returns it whole (ok false when nothing is focused).
type Detailer interface {
	Detail() (Detail, bool)
}

// DetailMsg asks the root to show a detail over the body.
type DetailMsg struct{ Detail Detail }

// ShowDetail is the command a pane returns to open its focused item's
// detail (enter, where enter has no other job).
func ShowDetail(d Detail) tea.Cmd {
	return func() tea.Msg { return DetailMsg{Detail: d} }
}
