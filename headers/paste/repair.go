package paste

// RepairKind names a kind of damage that copying and pasting does to a
// header, and that Parse repaired or stepped over. The words are stable:
// they are the "kind" of each entry of the JSON paste_repairs.
type RepairKind string

// The kinds of paste damage. Only the kinds that change the bytes of a
// field (BytesChanged) can make a DKIM signature fail that would pass on
// the original: the others remove only what the paste added.
const (
	// RepairEncoding: the input was UTF-16 (Notepad's "Unicode") and was
	// converted to UTF-8.
	RepairEncoding RepairKind = "encoding"
	// RepairPreamble: what a mail program puts above the header when it is
	// copied (an mbox "From " line, Outlook's label line, Gmail's "Show
	// original" box) was skipped.
	RepairPreamble RepairKind = "preamble"
	// RepairQuoted: the header was quoted for a reply ("> ", ">> ",
	// "> > " before every line) and the quote marks were removed.
	RepairQuoted RepairKind = "quoted"
	// RepairDoubleSpaced: a blank line followed every header line and the
	// blank lines were ignored.
	RepairDoubleSpaced RepairKind = "double_spaced"
	// RepairLeadingSpace: the first header line started with white space,
	// which was removed.
	RepairLeadingSpace RepairKind = "leading_space"
	// RepairNameSpace: a field name had white space before its colon (RFC
	// 5322 §4.5.4 obsolete syntax); the name was read without it.
	RepairNameSpace RepairKind = "name_space"
	// RepairDeindented: continuation lines that lost their leading white
	// space were re-attached to the field above, with one space restored
	// (RFC 5322 §2.2.3 folding).
	RepairDeindented RepairKind = "deindented"
	// RepairRewrapped: a field that a mail client wrapped at 72–78 columns
	// with no indentation was joined again, one space where it broke.
	RepairRewrapped RepairKind = "rewrapped"
	// RepairSplitToken: a line that a terminal or a mail client broke in
	// the middle of a word, at its width, was joined with nothing between.
	RepairSplitToken RepairKind = "split_token"
	// RepairSkipped: a line that belongs to no field (before the first
	// one) was skipped.
	RepairSkipped RepairKind = "skipped_line"
	// RepairBodyStart: the header ended without an empty line (a MIME
	// boundary, or lines that cannot be header) and the rest is the body.
	RepairBodyStart RepairKind = "body_start"
	// RepairQuoteEnd: text after the quoted header block (a reply's own
	// words) was ignored.
	RepairQuoteEnd RepairKind = "quote_end"
)

// Problem is damage Split found in the input and repaired or skipped, said
// in a technician's words. Line is the 1-based input line it concerns.
type Problem struct {
	Line    int        `json:"line"`    // 1-based input line
	Kind    RepairKind `json:"kind"`    // what kind of damage
	Message string     `json:"message"` // what was found and what was done
}

// BytesChanged reports whether a repair of this kind may have changed the
// bytes of the field it concerns: white space restored where a paste lost
// it, or lines joined. A DKIM signature over such a field can only be
// checked where the repair happens to be byte-exact (with relaxed header
// canonicalization, whatever white space was restored reads the same).
func (k RepairKind) BytesChanged() bool {
	switch k {
	case RepairDeindented, RepairRewrapped, RepairSplitToken:
		return true
	}
	return false
}
