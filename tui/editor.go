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
// The text is kept byte for byte as pasted: the text area shows it made
// safe (termsafe.Lines: controls, escape sequences and bidi characters as
// visible escapes, CR LF as a line break), while raw holds the bytes.
// Pastes and keys that add to the end keep the two in step; an edit
// anywhere else makes the text area's text the one that is read.
type pasteEditor struct {
	com    *kit.Common
	area   textarea.Model
	raw    []byte // the bytes pasted and typed, as received
	synced bool   // the text area shows raw: nothing was edited but at the end
	cut    bool   // the text area shows only the start of raw
	shown  int    // the bytes of raw the text area shows
	err    string // why the text could not be read as headers, in the parser's words
	w, h   int
}

func newPasteEditor(com *kit.Common) *pasteEditor {
	e := &pasteEditor{com: com, synced: true}
	e.area = textarea.New()
	e.area.Prompt = ""
	e.area.ShowLineNumbers = true
	e.area.Placeholder = "Paste the message's headers here (the whole message is fine)."
	// MaxHeight sizes the line-number gutter; MaxContentHeight lifts the
	// line limit MaxHeight would otherwise put on typing.
	e.area.MaxHeight = editorMaxLines
	e.area.MaxContentHeight = 1 << 20
	e.area.CharLimit = 0
	// ctrl+v would read the system clipboard in a command (xclip, and
	// nothing over SSH): a terminal pastes with a bracketed paste.
	e.area.KeyMap.Paste.SetEnabled(false)
	e.applyStyles()
	return e
}

// applyStyles gives the text area the current styles.
func (e *pasteEditor) applyStyles() { e.area.SetStyles(e.com.Styles.TextArea) }

// setSize gives the editor its area: the text area, with a line above it
// and lines under it for the state and the parser's message.
func (e *pasteEditor) setSize(w, h int) {
	e.w, e.h = w, h
	e.area.SetWidth(max(10, w-2))
	e.area.SetHeight(max(1, h-e.chromeHeight()))
}

// chromeHeight is the lines around the text area.
func (e *pasteEditor) chromeHeight() int {
	n := 3 // the title, the state line, a blank
	if e.err != "" {
		n += len(kit.Wrap(e.err, max(10, e.w-4)))
	}
	return n
}

// open shows the editor with text already given (a paste, the session's
// headers, a refused input) and the cursor at its end.
func (e *pasteEditor) open(raw []byte, errText string) tea.Cmd {
	e.raw = bytes.Clone(raw)
	e.synced = true
	e.err = errText
	e.area.Reset()
	e.cut, e.shown = false, 0
	e.appendShown(e.raw)
	e.setSize(e.w, e.h)
	return e.area.Focus()
}

// text is what ctrl+d reads: the bytes as received while they are in step
// with the text area, else the text area's text.
func (e *pasteEditor) text() []byte {
	if e.synced {
		return bytes.Clone(e.raw)
	}
	return []byte(e.area.Value())
}

// atEnd reports whether the cursor is at the very end of the text.
func (e *pasteEditor) atEnd() bool {
	end := e.area
	end.MoveToEnd()
	return end.Line() == e.area.Line() && end.Column() == e.area.Column()
}

// appendShown shows b, bytes just added to raw, in the text area, as far
// as the editor shows a paste at all.
func (e *pasteEditor) appendShown(b []byte) {
	if e.cut {
		return
	}
	lines, n := e.area.LineCount(), 0
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
	e.area.InsertString(termsafe.Lines(string(b[:n])))
}

// update takes a paste or a key while the editor is open. It reports
// whether the key was ctrl+d (read the text) or esc (close); every other
// key is text or moves the cursor in it.
func (e *pasteEditor) update(msg tea.Msg) (done, closed bool, cmd tea.Cmd) {
	keys := e.com.Keys
	switch msg := msg.(type) {
	case tea.PasteMsg:
		e.err = ""
		if e.synced && e.atEnd() {
			e.raw = append(e.raw, msg.Content...)
			e.appendShown([]byte(msg.Content))
			e.setSize(e.w, e.h)
			return false, false, nil
		}
		return false, false, e.edit(msg)
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, keys.EditorDone):
			return true, false, nil
		case key.Matches(msg, keys.Back):
			return false, true, nil
		}
		if s, ok := appendedText(msg); ok && e.synced && e.atEnd() {
			e.raw = append(e.raw, s...)
			e.appendShown([]byte(s))
			return false, false, nil
		}
		return false, false, e.edit(msg)
	}
	return false, false, nil
}

// edit gives a message to the text area; a change anywhere but by
// appending makes the text area's text the one read. When the text area
// shows only the start of a large paste, such an edit would lose the rest,
// so it is refused with a word.
func (e *pasteEditor) edit(msg tea.Msg) tea.Cmd {
	k, isKey := msg.(tea.KeyPressMsg)
	if isKey && navigation(k, e.area.KeyMap) {
		var cmd tea.Cmd
		e.area, cmd = e.area.Update(msg)
		return cmd
	}
	if e.cut {
		e.err = "This paste is too large to edit here: esc, then paste a shorter header block (the one pasted is kept as it is)."
		e.setSize(e.w, e.h)
		return nil
	}
	before := e.area.Value()
	var cmd tea.Cmd
	e.area, cmd = e.area.Update(msg)
	if e.area.Value() != before {
		e.synced = false
		e.err = ""
		e.setSize(e.w, e.h)
	}
	return cmd
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

// navigation reports whether a key only moves the cursor or the selection.
func navigation(k tea.KeyPressMsg, km textarea.KeyMap) bool {
	for _, b := range []key.Binding{
		km.CharacterForward, km.CharacterBackward, km.WordForward, km.WordBackward,
		km.LineNext, km.LinePrevious, km.LineStart, km.LineEnd, km.InputBegin, km.InputEnd,
		km.PageUp, km.PageDown, km.SelectCharacterForward, km.SelectCharacterBackward,
		km.SelectWordForward, km.SelectWordBackward, km.SelectLineUp, km.SelectLineDown,
		km.SelectAll,
	} {
		if key.Matches(k, b) {
			return true
		}
	}
	return false
}

// view draws the editor in its area: a title, the text, the state and the
// parser's message.
func (e *pasteEditor) view() string {
	st, g := e.com.Styles, e.com.Glyphs
	lines := []string{" " + st.Heading.Render("Message headers") + st.Muted.Render(" "+g.Dot+" every key is text here")}
	for l := range strings.SplitSeq(e.area.View(), "\n") {
		lines = append(lines, " "+l)
	}
	state := kit.Plural(len(e.raw), "byte", "bytes")
	if !e.synced {
		state = "edited by hand"
	}
	if e.cut {
		state += " " + g.Dot + " showing the first " + kit.Plural(e.area.LineCount(), "line", "lines") + "; all of it is read"
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
