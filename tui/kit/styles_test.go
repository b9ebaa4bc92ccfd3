package kit

import "testing"

// TestFieldStylesFollowBackground: the text fields and the header editor
// are styled for the terminal's background, as everything else is, and
// their cursor does not blink (no timers while idle).
func TestFieldStylesFollowBackground(t *testing.T) {
	dark, light := NewStyles(true, true), NewStyles(false, true)
	if dark.TextInput.Blurred.Text.GetForeground() == light.TextInput.Blurred.Text.GetForeground() {
		t.Error("a field's text has one colour on dark and light backgrounds")
	}
	if dark.TextInput.Focused.Prompt.GetForeground() != dark.Prompt.GetForeground() ||
		light.TextInput.Focused.Prompt.GetForeground() != light.Prompt.GetForeground() {
		t.Error("a field's prompt is not the style sheet's")
	}
	if dark.TextArea.Focused.LineNumber.GetForeground() == light.TextArea.Focused.LineNumber.GetForeground() {
		t.Error("the editor's line numbers have one colour on dark and light backgrounds")
	}
	for _, s := range []Styles{dark, light, NewStyles(true, false)} {
		if s.TextInput.Cursor.Blink || s.TextArea.Cursor.Blink {
			t.Error("a blinking cursor")
		}
	}
}
