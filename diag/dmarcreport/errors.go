package dmarcreport

import (
	"errors"
	"fmt"
	"strings"
)

// The kinds of failure; a *FileError wraps one of them, so callers test
// with errors.Is.
var (
	// ErrUnknownFormat: the content is not XML, gzip, zip or a message.
	ErrUnknownFormat = errors.New("not a DMARC aggregate report (neither XML, gzip, zip nor an email message)")
	// ErrNotReport: well-formed XML whose root is not <feedback>, or a
	// message without any report in it.
	ErrNotReport = errors.New("no DMARC aggregate report in it")
	// ErrDTD: the XML has a DOCTYPE (a DTD can declare entities that expand
	// without bound or read local files); reports never need one.
	ErrDTD = errors.New("XML with a DOCTYPE is refused: DMARC reports have no DTD, and a DTD can declare expanding or external entities")
	// ErrEntity: the XML uses an entity other than the five XML predefines.
	ErrEntity = errors.New("XML with an undeclared entity is refused")
	// ErrBomb: decompression exceeded the size or ratio limit.
	ErrBomb = errors.New("decompression bomb refused")
	// ErrTooLarge: an input, buffered archive or XML token exceeded its cap.
	ErrTooLarge = errors.New("too large")
	// ErrTooMany: an archive, message or mailbox has more members than the
	// cap; the ones after it were not read.
	ErrTooMany = errors.New("too many members")
	// ErrTooDeep: containers nested, or XML elements, deeper than the cap.
	ErrTooDeep = errors.New("nested too deeply")
	// ErrSyntax: the XML, gzip, zip or MIME structure is broken.
	ErrSyntax = errors.New("malformed")
	// ErrCharset: the XML declares an encoding this reader does not know.
	ErrCharset = errors.New("unsupported character encoding")
)

// FileError says where reading went wrong: which file given by the user,
// which member inside it (a zip entry, a MIME part, an mbox message, in
// order from the outside in), and where in that member.
type FileError struct {
	File   string   // as the user gave it
	Member []string // path of members inside File, outermost first
	Line   int      // 1-based line in the innermost member; 0 when unknown
	Column int      // 1-based column; 0 when unknown
	Offset int64    // byte offset in the innermost member; -1 when unknown
	Err    error
}

// Error names the place and the problem.
func (e *FileError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	for _, m := range e.Member {
		b.WriteString(": ")
		b.WriteString(m)
	}
	switch {
	case e.Line > 0 && e.Column > 0:
		fmt.Fprintf(&b, ": line %d, column %d", e.Line, e.Column)
	case e.Line > 0:
		fmt.Fprintf(&b, ": line %d", e.Line)
	case e.Offset >= 0:
		fmt.Fprintf(&b, ": byte %d", e.Offset)
	}
	b.WriteString(": ")
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *FileError) Unwrap() error { return e.Err }

// sizeText writes a byte count for people: "1.5 MiB".
func sizeText(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d bytes", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTP"[exp])
}
