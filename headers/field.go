package headers

// Field is one header field, kept in the order it appeared. Order matters
// for Received, DKIM-Signature and ARC sets, and the raw bytes matter for
// DKIM, so a message's fields are a slice, never a map.
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
