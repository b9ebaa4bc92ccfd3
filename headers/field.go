package headers

import "github.com/mxray/mxray/headers/paste"

// Field is one header field, kept in the order it appeared: its name as
// written, Raw (the whole field, folding kept, lines joined with CRLF),
// Value (unfolded, not decoded), the input line it starts on, and the kind
// of paste repair that may have changed its bytes. Order matters for
// Received, DKIM-Signature and ARC sets, and the raw bytes matter for DKIM,
// so a message's fields are a slice, never a map. The type is the one
// headers/paste reads fields into.
type Field = paste.Field
