package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// filter is the "/" field of a list pane: while it has focus every key is
// text; enter keeps the filter and returns to the list, esc clears it.
type filter struct {
	com    *common
	field  textinput.Model
	active bool // the field has focus
}

func newFilter(com *common) filter {
	f := filter{com: com, field: textinput.New()}
	f.field.Prompt = "/"
	f.field.Placeholder = "filter"
	f.field.CharLimit = 200
	f.applyStyles()
	return f
}

func (f *filter) applyStyles() {
	st := textinput.DefaultStyles(true)
	st.Focused.Prompt = f.com.styles.Prompt.Style
	st.Blurred.Prompt = f.com.styles.Muted.Style
	st.Cursor.Blink = false
	f.field.SetStyles(st)
}

// setWidth sizes the field for a pane w cells wide.
func (f *filter) setWidth(w int) { f.field.SetWidth(max(5, w-20)) }

// open gives the field focus.
func (f *filter) open() tea.Cmd {
	f.active = true
	return f.field.Focus()
}

// blur takes focus away, keeping the text.
func (f *filter) blur() {
	f.active = false
	f.field.Blur()
}

// update handles a key or paste while the field has focus and reports
// whether the text changed.
func (f *filter) update(msg tea.Msg) (changed bool, cmd tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, f.com.keys.Open):
			f.blur()
			return false, nil
		case key.Matches(k, f.com.keys.Back):
			f.blur()
			before := f.field.Value()
			f.field.SetValue("")
			return before != "", nil
		}
	}
	before := f.field.Value()
	f.field, cmd = f.field.Update(msg)
	return f.field.Value() != before, cmd
}

// route gives a key or paste to the field while it is open, calling
// refilter when the text changed; it reports whether the field took msg.
func (f *filter) route(msg tea.Msg, refilter func()) (tea.Cmd, bool) {
	if !f.active {
		return nil, false
	}
	changed, cmd := f.update(msg)
	if changed {
		refilter()
	}
	return cmd, true
}

// clear drops the filter text; it reports whether there was any.
func (f *filter) clear() bool {
	had := f.field.Value() != ""
	f.field.SetValue("")
	f.blur()
	return had
}

// value is the filter text, lower case.
func (f *filter) value() string { return strings.ToLower(strings.TrimSpace(f.field.Value())) }

// shown reports whether the filter line is drawn.
func (f *filter) shown() bool { return f.active || f.field.Value() != "" }

// matches reports whether any of the fields contains the filter text
// (case-insensitive); an empty filter matches everything.
func (f *filter) matches(fields ...string) bool {
	v := f.value()
	if v == "" {
		return true
	}
	for _, s := range fields {
		if strings.Contains(strings.ToLower(s), v) {
			return true
		}
	}
	return false
}

// view draws the filter line with the count of rows shown.
func (f *filter) view(shown, total, w int) string {
	count := f.com.styles.Muted.Render(" " + itoa(shown) + "/" + itoa(total))
	return truncate(" "+f.field.View()+count, w, f.com.glyphs.Ellipsis)
}
