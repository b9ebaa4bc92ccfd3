package tui

import (
	"fmt"
	"io"
	"os"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"
)

// The terminal's input decoder (github.com/charmbracelet/ultraviolet, which
// Bubble Tea v2 reads keys with) keeps decoding escape sequences inside a
// bracketed paste. A paste holding the start of a string sequence — ESC P
// (DCS), ESC ] (OSC), ESC _ (APC), ESC X (SOS), ESC ^ (PM), or their 8-bit
// forms 0x90, 0x9d, 0x9f, 0x98, 0x9e — that is never terminated makes the
// decoder read on to the ESC of the paste's end marker (ESC [ 2 0 1 ~) and
// take it as the sequence's end: the end marker is lost, the paste is never
// delivered, and every key after it (esc, ctrl+c) is added to a paste that
// never ends, until the process is killed. Headers carry such bytes
// whenever someone wants them to.
//
// pasteGuard sits between the terminal and the decoder. Outside a paste it
// passes every byte as it is. Inside one, it writes each ESC that does not
// start the end marker, and each 8-bit control that is not part of a UTF-8
// character, as the four characters of its escape (\x1b, \x90): the
// decoder then sees no sequence to start, the end marker reaches it whole,
// and the editor shows the same \x1b it would show for the raw byte
// (termsafe writes controls so). It holds back at most the few bytes of an
// end marker or a UTF-8 character split between two reads.
type pasteGuard struct {
	r       io.Reader
	inPaste bool
	match   int    // bytes of the next marker matched so far (outside a paste)
	held    []byte // inside a paste: bytes read but not yet decided
	out     []byte // decided bytes not yet returned
	err     error  // the reader's error, returned once held bytes are out
}

// The bracketed-paste markers (xterm's mode 2004).
const (
	pasteStart = "\x1b[200~"
	pasteEnd   = "\x1b[201~"
)

// newPasteGuard wraps r.
func newPasteGuard(r io.Reader) *pasteGuard { return &pasteGuard{r: r} }

// Read returns the input with pastes made harmless for the decoder. It
// reads at most once from the terminal, so a read the program cancels is
// never followed by a second one it did not ask for: when all it read is
// held back, it returns no bytes.
func (g *pasteGuard) Read(p []byte) (int, error) {
	if len(g.out) == 0 {
		switch {
		case g.err != nil && len(g.held) > 0:
			g.out, g.held = g.flush(g.held), nil
		case g.err != nil:
			return 0, g.err
		default:
			buf := make([]byte, max(len(p), 64))
			n, err := g.r.Read(buf)
			g.err = err
			g.feed(buf[:n])
		}
	}
	n := copy(p, g.out)
	g.out = g.out[n:]
	return n, nil
}

// feed decides what it can of b.
func (g *pasteGuard) feed(b []byte) {
	for len(b) > 0 {
		if !g.inPaste {
			i := 0
			for ; i < len(b) && !g.inPaste; i++ {
				g.step(b[i])
			}
			g.out = append(g.out, b[:i]...)
			b = b[i:]
			continue
		}
		g.held = append(g.held, b...)
		b = nil
		g.drain()
	}
}

// step follows the start marker outside a paste.
func (g *pasteGuard) step(c byte) {
	switch {
	case c == pasteStart[g.match]:
		g.match++
	case c == pasteStart[0]:
		g.match = 1
	default:
		g.match = 0
	}
	if g.match == len(pasteStart) {
		g.inPaste, g.match = true, 0
	}
}

// drain decides the held bytes of a paste, stopping at a marker or a
// character that the next read may complete, and leaves the paste at its
// end marker, handing the bytes after it back to feed.
func (g *pasteGuard) drain() {
	h := g.held
	for len(h) > 0 {
		c := h[0]
		switch {
		case c == 0x1b:
			if len(h) < len(pasteEnd) && string(h) == pasteEnd[:len(h)] {
				g.held = h // maybe the end marker: wait for the rest
				return
			}
			if len(h) >= len(pasteEnd) && string(h[:len(pasteEnd)]) == pasteEnd {
				g.out = append(g.out, pasteEnd...)
				g.inPaste = false
				rest := h[len(pasteEnd):]
				g.held = nil
				g.feed(rest)
				return
			}
			g.out = append(g.out, `\x1b`...)
			h = h[1:]
		case c < utf8.RuneSelf:
			g.out = append(g.out, c)
			h = h[1:]
		default:
			if !utf8.FullRune(h) {
				g.held = h // a character cut by the read: wait for the rest
				return
			}
			r, size := utf8.DecodeRune(h)
			switch {
			case r != utf8.RuneError || size > 1:
				g.out = append(g.out, h[:size]...)
			case c >= 0x80 && c <= 0x9f:
				g.out = append(g.out, fmt.Sprintf(`\x%02x`, c)...)
			default:
				g.out = append(g.out, c) // invalid, not a control: the decoder drops it
			}
			h = h[size:]
		}
	}
	g.held = nil
}

// flush writes out bytes held at the end of the input, as drain would
// have decided them had more input come.
func (g *pasteGuard) flush(h []byte) []byte {
	var out []byte
	for _, c := range h {
		switch {
		case c == 0x1b:
			out = append(out, `\x1b`...)
		case c >= 0x80 && c <= 0x9f:
			out = append(out, fmt.Sprintf(`\x%02x`, c)...)
		default:
			out = append(out, c)
		}
	}
	return out
}

// guardedFile is the terminal with its reads through a pasteGuard. It
// keeps the file's descriptor, so that Bubble Tea still puts the terminal
// in raw mode and can cancel a blocked read.
type guardedFile struct {
	*os.File
	g *pasteGuard
}

// Read reads through the guard.
func (f *guardedFile) Read(p []byte) (int, error) { return f.g.Read(p) }

// guardInput wraps the input Run gives the program: cfg.Input when set,
// else the terminal Bubble Tea would open (stdin when it is a terminal,
// else the controlling terminal). It returns nil when there is nothing to
// wrap (the program then does as it always does), and a function that
// closes what it opened.
func guardInput(in io.Reader) (tea.ProgramOption, func()) {
	closeIt := func() {}
	if in == nil {
		if term.IsTerminal(os.Stdin.Fd()) {
			in = os.Stdin
		} else if tty, out, err := tea.OpenTTY(); err == nil {
			in, closeIt = tty, func() {
				tty.Close()
				if out != tty {
					out.Close()
				}
			}
		} else {
			return nil, closeIt
		}
	}
	if f, ok := in.(*os.File); ok {
		return tea.WithInput(&guardedFile{File: f, g: newPasteGuard(f)}), closeIt
	}
	return tea.WithInput(newPasteGuard(in)), closeIt
}
