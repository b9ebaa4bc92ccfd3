// Package paste turns text as people paste it into header fields (RFC
// 5322 §2.2: name, colon, value, folded lines) and repairs what copying
// and pasting does to a header on the way: a UTF-16 file, an mbox "From "
// line, Gmail's "Show original" box and Outlook's label line above it, a
// header quoted for a reply ("> ", ">> ", "> > "), continuation lines that
// lost their indentation (RFC 5322 §2.2.3 folding restored), fields a mail
// client re-wrapped at 72–78 columns, lines a terminal cut in the middle of
// a word, and a blank line after every line. A line that cannot be read
// never ends the header: only an empty line does.
//
// Every repair is a Problem with a RepairKind. A field whose bytes a repair
// may have changed carries the kind (Field.Repair, RepairKind.BytesChanged),
// so that a DKIM check (RFC 6376 §3.4) can tell a repair from an altered
// header. The repair puts back one space where white space was lost, which
// relaxed header canonicalization (RFC 6376 §3.4.2) reads as the original.
//
// The package is pure and a leaf of headers: headers.Parse calls Split and
// builds its Message from the Result.
package paste

import (
	"errors"
	"slices"
	"strings"
)

// Field is one header field as Split read it, in the order it appeared
// (headers.Field is this type). Order matters for Received,
// DKIM-Signature and ARC sets, and the raw bytes matter for DKIM.
type Field struct {
	Name  string `json:"name"`  // the field name as written, e.g. "DKIM-Signature"
	Raw   string `json:"raw"`   // the whole field from its name to the end of its last line, folding kept, lines joined with CRLF, no final CRLF
	Value string `json:"value"` // the unfolded value after the colon, leading whitespace removed, not decoded
	Line  int    `json:"line"`  // 1-based line of the input where the field starts
	// Repair is the kind of paste damage repaired inside this field that
	// may have changed its bytes (RepairKind.BytesChanged); "" when the
	// field is as it was pasted, quote marks apart.
	Repair RepairKind `json:"repair,omitempty"`
}

// Result is a paste split: the fields in order, the body after the header
// block, the repairs, and Gmail's summary box when there was one above.
type Result struct {
	Fields   []Field
	Body     []byte // after the header block, as pasted (quote marks removed); nil when only blank lines followed
	HasBody  bool
	Problems []Problem // every repair, in the order of the lines
	Summary  []Field   // the rows of Gmail's "Show original" box (Name is the row's label)
}

// errTooMany stops the parser at the field over its limit.
var errTooMany = errors.New("too many fields")

// Split reads raw as a pasted header block (or a whole message), repairing
// what pasting broke. It reads at most maxFields fields: when there are
// more it returns a nil Result and the line of the first field over the
// limit. A paste with no field at all is a Result with no Fields.
func Split(raw []byte, maxFields int) (*Result, int) {
	res := &Result{}
	text, probs := toText(raw)
	res.Problems = append(res.Problems, probs...)
	p := &pasteParser{lines: splitLines(text), res: res, max: maxFields}
	if err := p.run(); err != nil {
		return nil, p.tooMany
	}
	if res.Problems == nil {
		res.Problems = []Problem{}
	}
	return res, 0
}

func containsFold(list []string, want string) bool {
	return slices.ContainsFunc(list, func(s string) bool { return strings.EqualFold(s, want) })
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
