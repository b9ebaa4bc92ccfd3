package tui

import (
	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/dmarcreport"
)

// The root's own messages; what panes react to is in package kit.

// openMsg asks the root to investigate a target (from the input screen, or
// the command line at start).
type openMsg struct{ target diag.Target }

// openHeadersMsg asks the root to read a header and investigate it (the
// editor's ctrl+d, the demo's sample).
type openHeadersMsg struct{ input *headerInput }

// headersParsedMsg is a header input read: the message, or why it cannot
// be read (with the bytes, for the editor).
type headersParsedMsg struct {
	raw []byte
	msg *diag.Message
	err error
}

// openReportsMsg asks the root to read DMARC aggregate reports and
// investigate them (the command line's FILE, the demo's reports).
type openReportsMsg struct{ inputs []dmarcreport.Input }

// reportsReadMsg is the reports read, merged into one set.
type reportsReadMsg struct{ set *dmarcreport.Set }

// exportMsg says where the Markdown report (and, for a message, the
// message itself) was written, or why not.
type exportMsg struct {
	path    string
	message string // the .eml beside the report of a headers run
	err     error
}
