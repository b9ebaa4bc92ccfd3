package headers

import (
	"fmt"
	"sort"
)

// Severity ranks a finding. The words are those of mxray's findings
// everywhere: only error makes mxray exit 1.
type Severity string

// The severities, worst first.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityInfo    Severity = "info"
)

func (s Severity) rank() int {
	switch s {
	case SeverityError:
		return 0
	case SeverityWarning:
		return 1
	}
	return 2
}

// Code is the stable, dotted code of a finding.
type Code string

// The finding codes of this package.
const (
	CodeNoReceived        Code = "headers.no_received"         // no Received field at all
	CodeUnparsedHop       Code = "headers.unparsed_hop"        // a Received field that cannot be read
	CodeHopDate           Code = "headers.hop_date_unreadable" // a hop whose date cannot be read
	CodeClockSkew         Code = "headers.clock_skew"          // a hop stamped before the hop below it
	CodeSendingIPMismatch Code = "headers.sending_ip_mismatch" // the receiver recorded another client IP
	CodeSendingIPRecorded Code = "headers.sending_ip_from_receiver"
	CodeSendingIPOrigin   Code = "headers.sending_ip_origin" // no hop entered the receiving organisation
	CodeNoSendingIP       Code = "headers.no_sending_ip"     // no public client IP anywhere
	CodeARCBroken         Code = "headers.arc_broken"        // the ARC chain's structure is broken
	CodeDKIMInvalid       Code = "headers.dkim_invalid"      // a DKIM-Signature that cannot verify
	CodeDKIMLength        Code = "headers.dkim_length"       // l= present
	CodeDKIMExpired       Code = "headers.dkim_expired"      // x= before the message was received
	CodeDKIMExpiredNow    Code = "headers.dkim_expired_now"  // x= before Options.Now
	CodeFromMissing       Code = "headers.from_missing"      // no From field
	CodeFromMultiple      Code = "headers.from_multiple"     // more than one From field
	CodeFromIllFormed     Code = "headers.from_ill_formed"   // a From address that is not well-formed
	CodeFromMailboxes     Code = "headers.from_multiple_mailboxes"
	CodeFromNoDomain      Code = "headers.from_no_domain" // a From field with no usable address
	CodeDateInvalid       Code = "headers.date_invalid"   // the Date field cannot be read
	CodeDateFuture        Code = "headers.date_future"    // Date after the message was received
	CodeForeignAuthRes    Code = "headers.authres_below_boundary"
	CodeAuthResUnreadable Code = "headers.authres_unreadable"
	CodeNoReceiverResults Code = "headers.no_receiver_results" // the receiver recorded no results
	CodePasteRepaired     Code = "headers.paste_repaired"      // damage in the paste was repaired
	CodeCompAuthFail      Code = "headers.compauth_fail"       // Microsoft 365's composite authentication failed
	// CodeBoundaryAmbiguous: two hops could be where the message entered
	// the receiving organisation, and the receiver's own records do not
	// settle which.
	CodeBoundaryAmbiguous Code = "headers.boundary_ambiguous"
	CodeHopChainBreak     Code = "headers.hop_chain_break" // a Received field that does not connect, with a jump back in time
	// CodeNotEvaluated: a signature of a kind mxray lists but does not
	// check (DomainKey-Signature, DKIM2-Signature, Message-Instance).
	CodeNotEvaluated Code = "headers.signature_not_evaluated"
)

// Finding is one problem or observation: what is wrong, and what to do.
// It has the shape of every mxray finding (JSON severity, code, message,
// fix); Subject names the hop, signature or field concerned.
type Finding struct {
	Severity Severity `json:"severity"`          // error, warning or info
	Code     Code     `json:"code"`              // dotted and stable: "headers.clock_skew"
	Message  string   `json:"message"`           // what is wrong, in a sentence or two
	Fix      string   `json:"fix"`               // what to do, in words a technician can read to a customer
	Subject  string   `json:"subject,omitempty"` // the hop, signature or field concerned
}

// findings collects findings.
type findings []Finding

func (fs *findings) add(sev Severity, code Code, subject, fix, format string, args ...any) {
	*fs = append(*fs, Finding{Severity: sev, Code: code, Subject: subject, Fix: fix, Message: fmt.Sprintf(format, args...)})
}

// sorted orders findings worst first, then by code and subject.
func (fs findings) sorted() []Finding {
	out := append([]Finding{}, fs...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Severity.rank() != b.Severity.rank() {
			return a.Severity.rank() < b.Severity.rank()
		}
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		return a.Subject < b.Subject
	})
	return out
}
