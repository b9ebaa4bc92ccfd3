package tui

import (
	"bytes"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag/termsafe"
	"github.com/mxray/mxray/tui/kit"
)

// The editor shows at most this much of a paste: the text area redraws
// every line on every key, and no real header block comes near it. What
// is not shown is still kept and read.
const (
	editorMaxLines = 2000
	editorMaxBytes = 256 << 10
)

// pasteEditor is the multi-line header editor. While it is open every key
// is text, enter and tab included, until ctrl+d (read the text as headers)
// or esc (close it, the text kept); only ctrl+c acts besides. So the bytes
// of a paste that a hostile header cut short with its own ESC[201~, which
// the terminal then delivers as key presses, land in the text too.
//
// The text is kept byte for byte as pasted: the editor shows it made safe
// (termsafe.Lines: controls, escape sequences and bidi characters as
// visible escapes, CR LF as a line break), while raw holds the bytes.
// Pastes and keys that add to the end keep the two in step; an edit
// anywhere else makes the shown text the one that is read.
//
// The text and its cursor are a textLines, drawn a screen at a time
// (editor_view.go): no key costs more than the lines it touches and the
// rows on screen.
type pasteEditor struct {
	com     *kit.Common
	km      textarea.KeyMap // the editing keys, the text area's
	text    textLines       // what the editor shows, made safe
	raw     []byte          // the bytes pasted and typed, as received
	synced  bool            // text shows raw: nothing was edited but at the end
	cut     bool            // text shows only the start of raw
	shown   int             // the bytes of raw text shows
	err     string          // why the text could not be read as headers, in the parser's words
	focused bool
	w, h    int
	top     window // the first row on screen
}

// editorPlaceholder is shown while the editor is empty.
const editorPlaceholder = "Paste the message's headers here (the whole message is fine)."

func newPasteEditor(com *kit.Common) *pasteEditor {
	e := &pasteEditor{com: com, synced: true, km: textarea.DefaultKeyMap(), text: newTextLines()}
	// ctrl+v would read the system clipboard (xclip, and nothing over
	// SSH): a terminal pastes with a bracketed paste.
	e.km.Paste.SetEnabled(false)
	return e
}

// applyStyles is kept for the input screen: the editor draws with the
// current kit styles on every frame.
func (e *pasteEditor) applyStyles() {}

// setSize gives the editor its area: the text, with a line above it and
// lines under it for the state and the parser's message.
func (e *pasteEditor) setSize(w, h int) { e.w, e.h = w, h }

// chromeHeight is the lines around the text.
func (e *pasteEditor) chromeHeight() int {
	n := 3 // the title, the state line, a blank
	if e.err != "" {
		n += len(kit.Wrap(e.err, max(10, e.w-4)))
	}
	return n
}

// focus and blur show and hide the cursor.
func (e *pasteEditor) focus() tea.Cmd { e.focused = true; return nil }
func (e *pasteEditor) blur()          { e.focused = false }

// open shows the editor with text already given (a paste, the session's
// headers, a refused input) and the cursor at its end.
func (e *pasteEditor) open(raw []byte, errText string) tea.Cmd {
	e.raw = bytes.Clone(raw)
	e.synced = true
	e.err = errText
	e.text = newTextLines()
	e.top = window{}
	e.cut, e.shown = false, 0
	e.appendShown(e.raw)
	return e.focus()
}

// read is what ctrl+d reads: the bytes as received while they are in step
// with the text shown, else the text shown.
func (e *pasteEditor) read() []byte {
	if e.synced {
		return bytes.Clone(e.raw)
	}
	return []byte(e.text.value())
}

// appendShown shows b, bytes just added to raw, as far as the editor shows
// a paste at all.
func (e *pasteEditor) appendShown(b []byte) {
	if e.cut {
		return
	}
	lines, n := e.text.lineCount(), 0
	for ; n < len(b) && e.shown+n < editorMaxBytes; n++ {
		if b[n] == '\n' {
			if lines >= editorMaxLines {
				break
			}
			lines++
		}
	}
	e.cut = n < len(b)
	e.shown += n
	e.text.insert(termsafe.Lines(string(b[:n])))
}

// update takes a paste or a key while the editor is open. It reports
// whether the key was ctrl+d (read the text) or esc (close); every other
// key is text or moves the cursor in it.
func (e *pasteEditor) update(msg tea.Msg) (done, closed bool, cmd tea.Cmd) {
	keys := e.com.Keys
	switch msg := msg.(type) {
	case tea.PasteMsg:
		e.err = ""
		if e.synced && e.text.atEnd() {
			e.raw = append(e.raw, msg.Content...)
			e.appendShown([]byte(msg.Content))
			return false, false, nil
		}
		if e.refuseEdit() {
			return false, false, nil
		}
		e.text.insert(termsafe.Lines(msg.Content))
		e.synced = false
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, keys.EditorDone):
			return true, false, nil
		case key.Matches(msg, keys.Back):
			return false, true, nil
		}
		if s, ok := appendedText(msg); ok && e.synced && e.text.atEnd() {
			e.raw = append(e.raw, s...)
			e.appendShown([]byte(s))
			return false, false, nil
		}
		e.edit(msg)
	}
	return false, false, nil
}

// edit applies a key away from the end: a move, or a change that makes the
// shown text the one read. When the editor shows only the start of a
// large paste, a change would lose the rest, so it is refused with a word.
func (e *pasteEditor) edit(k tea.KeyPressMsg) {
	if e.text.moveKey(k, e.km, e.textHeight()) {
		return
	}
	text := ""
	if s, ok := appendedText(k); ok && k.Code != tea.KeyEnter {
		text = termsafe.Lines(s)
	}
	if !e.text.changeKey(k, e.km, text, false) || e.refuseEdit() {
		return
	}
	e.text.changeKey(k, e.km, text, true)
	e.synced = false
	e.err = ""
}

// refuseEdit says why a change cannot be made, when the editor shows only
// the start of the paste.
func (e *pasteEditor) refuseEdit() bool {
	if e.cut {
		e.err = "This paste is too large to edit here: esc, then paste a shorter header block (the one pasted is kept as it is)."
	}
	return e.cut
}

// appendedText is the text a key adds when typed at the end: its
// characters, a line break for enter, a tab for tab.
func appendedText(k tea.KeyPressMsg) (string, bool) {
	switch {
	case k.Code == tea.KeyEnter && k.Mod == 0:
		return "\n", true
	case k.Code == tea.KeyTab && k.Mod == 0:
		return "\t", true
	case k.Text != "" && k.Mod&^tea.ModShift == 0:
		return k.Text, true
	}
	return "", false
}

// view draws the editor in its area: a title, the text, the state and the
// parser's message.
func (e *pasteEditor) view() string {
	st, g := e.com.Styles, e.com.Glyphs
	lines := []string{" " + st.Heading.Render("Message headers") + st.Muted.Render(" "+g.Dot+" every key is text here")}
	for _, l := range e.drawText() {
		lines = append(lines, " "+l)
	}
	state := kit.Plural(len(e.raw), "byte", "bytes")
	if !e.synced {
		state = "edited by hand"
	}
	if e.cut {
		state += " " + g.Dot + " showing the first " + kit.Plural(e.text.lineCount(), "line", "lines") + "; all of it is read"
	}
	lines = append(lines, " "+st.Muted.Render(kit.Truncate(state, max(0, e.w-2), g.Ellipsis)))
	if e.err != "" {
		for i, l := range kit.Wrap(e.err, max(10, e.w-4)) {
			mark := "  "
			if i == 0 {
				mark = g.Fail + " "
			}
			lines = append(lines, " "+st.Error.Render(mark+l))
		}
	}
	return kit.Fit(strings.Join(lines, "\n"), e.w, e.h, g.Ellipsis)
}

// help lists the editor's keys for the help bar.
func (e *pasteEditor) help() []key.Binding {
	k := e.com.Keys
	return []key.Binding{k.EditorDone, kit.WithHelp(k.Back, "close (text kept)"), k.ForceQuit}
}
