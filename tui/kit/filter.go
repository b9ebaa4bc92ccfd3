package kit

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// Filter is the "/" field of a list pane: while it has focus every key is
// text; enter keeps the filter and returns to the list, esc clears it.
type Filter struct {
	com    *Common
	field  textinput.Model
	active bool // the field has focus
}

// NewFilter returns an empty filter field.
func NewFilter(com *Common) Filter {
	f := Filter{com: com, field: textinput.New()}
	f.field.Prompt = "/"
	f.field.Placeholder = "filter"
	f.field.CharLimit = 200
	f.ApplyStyles()
	return f
}

// ApplyStyles gives the field the current styles.
func (f *Filter) ApplyStyles() { f.field.SetStyles(f.com.Styles.TextInput) }

// SetWidth sizes the field for a pane w cells wide.
func (f *Filter) SetWidth(w int) { f.field.SetWidth(max(5, w-20)) }

// Active reports whether the field has focus.
func (f *Filter) Active() bool { return f.active }

// Open gives the field focus.
func (f *Filter) Open() tea.Cmd {
	f.active = true
	return f.field.Focus()
}

// Blur takes focus away, keeping the text.
func (f *Filter) Blur() {
	f.active = false
	f.field.Blur()
}

// update handles a key or paste while the field has focus and reports
// whether the text changed.
func (f *Filter) update(msg tea.Msg) (changed bool, cmd tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, f.com.Keys.Open):
			f.Blur()
			return false, nil
		case key.Matches(k, f.com.Keys.Back):
			f.Blur()
			before := f.field.Value()
			f.field.SetValue("")
			return before != "", nil
		}
	}
	before := f.field.Value()
	f.field, cmd = f.field.Update(msg)
	return f.field.Value() != before, cmd
}

// Route gives a key or paste to the field while it is open, calling
// refilter when the text changed; it reports whether the field took msg.
func (f *Filter) Route(msg tea.Msg, refilter func()) (tea.Cmd, bool) {
	if !f.active {
		return nil, false
	}
	changed, cmd := f.update(msg)
	if changed {
		refilter()
	}
	return cmd, true
}

// Clear drops the filter text; it reports whether there was any.
func (f *Filter) Clear() bool {
	had := f.field.Value() != ""
	f.field.SetValue("")
	f.Blur()
	return had
}

// value is the filter text, lower case.
func (f *Filter) value() string { return strings.ToLower(strings.TrimSpace(f.field.Value())) }

// Shown reports whether the filter line is drawn.
func (f *Filter) Shown() bool { return f.active || f.field.Value() != "" }

// Matches reports whether any of the fields contains the filter text
// (case-insensitive); an empty filter matches everything.
func (f *Filter) Matches(fields ...string) bool {
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

// View draws the filter line with the count of rows shown.
func (f *Filter) View(shown, total, w int) string {
	count := f.com.Styles.Muted.Render(" " + Itoa(shown) + "/" + Itoa(total))
	return Truncate(" "+f.field.View()+count, w, f.com.Glyphs.Ellipsis)
}
