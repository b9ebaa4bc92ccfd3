package headers

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/mxray/mxray/headers/paste"
)

// Message is a header block as pasted: its fields in order, the body when
// one followed the header block, and the damage Parse repaired.
type Message struct {
	Fields []Field `json:"fields"` // in order, top first
	// Body is everything after the empty line that ends the header block,
	// as received (kept for the DKIM body hash); nil when nothing but blank
	// lines followed the header.
	Body    []byte `json:"-"`
	HasBody bool   `json:"has_body"` // whether anything but blank lines followed the header
	// Problems is the damage found and repaired or skipped, in order.
	Problems []Problem `json:"problems"`
	// Summary holds the rows of a Gmail "Show original" summary box found
	// above the headers (Name is the row label, Value its text), in order.
	Summary []Field `json:"summary,omitempty"`
}

// All returns the fields named name (case-insensitive), in order.
func (m *Message) All(name string) []Field {
	var out []Field
	for _, f := range m.Fields {
		if strings.EqualFold(f.Name, name) {
			out = append(out, f)
		}
	}
	return out
}

// oleMagic starts every OLE compound file, which is what an Outlook .msg is.
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// Parse reads a raw header block or a whole message as people paste it.
// It accepts CRLF, LF and CR line ends, mixed; leading blank lines; an
// mbox "From " line; Gmail's "Show original" summary box; Outlook's
// "Internet headers" copy; continuation lines indented by tabs or spaces;
// and it repairs what copying and pasting breaks: a header quoted for a
// reply ("> ", ">> ", "> > "), continuation lines that lost their
// indentation, fields a mail client re-wrapped at its width, lines a
// terminal broke mid-word, and a blank line after every header line. A line
// that cannot be read never ends the header: the header block ends at the
// first empty line; what follows is the body, never more headers (an abuse
// report's attached message stays in the body).
//
// The repair is headers/paste's. Each repair is listed in Problems with its
// kind; a field whose bytes a repair may have changed carries the kind in
// Field.Repair. Parse
// returns an error, an *InputError, only when the input cannot be used:
// larger than MaxInputSize, an Outlook .msg file, more than MaxFields
// fields, or no header field at all.
func Parse(raw []byte) (*Message, error) {
	if len(raw) > MaxInputSize {
		return nil, &InputError{Err: ErrTooLarge, Detail: fmt.Sprintf(
			"the input is %d bytes and at most %d (4 MiB) are read: paste only the header block", len(raw), MaxInputSize)}
	}
	if bytes.HasPrefix(raw, oleMagic) {
		return nil, &InputError{Err: ErrOutlookMsg, Detail: "this is an Outlook .msg file, which is binary: " +
			"save the message as .eml (File > Save As), or open it, choose File > Properties and copy the Internet headers"}
	}
	res, tooMany := paste.Split(raw, MaxFields)
	if tooMany > 0 {
		return nil, &InputError{Err: ErrTooManyFields, Line: tooMany, Detail: fmt.Sprintf(
			"the header has more than %d fields: paste only the header block of one message", MaxFields)}
	}
	if len(res.Fields) == 0 {
		return nil, &InputError{Err: ErrNoHeaders, Detail: "no line of the form “Name: value” was found: " +
			"paste the message's header block (Received, From, Authentication-Results, …), or the whole message"}
	}
	m := &Message{Body: res.Body, HasBody: res.HasBody, Problems: res.Problems}
	m.Fields, m.Summary = res.Fields, res.Summary
	return m, nil
}
