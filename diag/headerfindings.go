package diag

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/headers"
)

// headerSubject says, for a headers finding code, what its subject names
// and which of the message's views shows it: the Received chain (hops) or
// the checks then and now.
type headerSubject struct {
	kind finding.SubjectKind
	home finding.Part
}

// headerSubjects covers every code of the headers package; a code missing
// here keeps its subject as text and shows with the checks.
var headerSubjects = map[headers.Code]headerSubject{
	headers.CodeNoReceived:        {finding.SubjectNone, finding.PartHops},
	headers.CodeUnparsedHop:       {finding.SubjectHop, finding.PartHops},
	headers.CodeHopDate:           {finding.SubjectHop, finding.PartHops},
	headers.CodeClockSkew:         {finding.SubjectHop, finding.PartHops},
	headers.CodeSendingIPMismatch: {finding.SubjectIP, finding.PartHops},
	headers.CodeSendingIPRecorded: {finding.SubjectIP, finding.PartHops},
	headers.CodeSendingIPOrigin:   {finding.SubjectHop, finding.PartHops},
	headers.CodeNoSendingIP:       {finding.SubjectNone, finding.PartHops},
	headers.CodeARCBroken:         {finding.SubjectNone, finding.PartThenNow},
	headers.CodeDKIMInvalid:       {finding.SubjectSignature, finding.PartThenNow},
	headers.CodeDKIMLength:        {finding.SubjectSignature, finding.PartThenNow},
	headers.CodeDKIMExpired:       {finding.SubjectSignature, finding.PartThenNow},
	headers.CodeDKIMExpiredNow:    {finding.SubjectSignature, finding.PartThenNow},
	headers.CodeFromMissing:       {finding.SubjectNone, finding.PartThenNow},
	headers.CodeFromMultiple:      {finding.SubjectNone, finding.PartThenNow},
	headers.CodeFromIllFormed:     {finding.SubjectLine, finding.PartThenNow},
	headers.CodeFromMailboxes:     {finding.SubjectLine, finding.PartThenNow},
	headers.CodeFromNoDomain:      {finding.SubjectLine, finding.PartThenNow},
	headers.CodeDateInvalid:       {finding.SubjectLine, finding.PartThenNow},
	headers.CodeDateFuture:        {finding.SubjectLine, finding.PartThenNow},
	headers.CodeForeignAuthRes:    {finding.SubjectLine, finding.PartThenNow},
	headers.CodeAuthResUnreadable: {finding.SubjectLine, finding.PartThenNow},
	headers.CodeNoReceiverResults: {finding.SubjectNone, finding.PartThenNow},
	headers.CodePasteRepaired:     {finding.SubjectNone, finding.PartThenNow},
	headers.CodeCompAuthFail:      {finding.SubjectText, finding.PartThenNow},
	headers.CodeBoundaryAmbiguous: {finding.SubjectIP, finding.PartHops},
	headers.CodeHopChainBreak:     {finding.SubjectHop, finding.PartHops},
	headers.CodeNotEvaluated:      {finding.SubjectText, finding.PartThenNow},
}

// headerFindings converts the headers package's findings to diag's: part
// headers, the subject typed (a hop, an address, a signature, a line) as
// its code says, shown with the hops or with the checks then and now.
func headerFindings(fs []headers.Finding) []finding.Finding {
	out := make([]finding.Finding, len(fs))
	for i, f := range fs {
		hs, ok := headerSubjects[f.Code]
		if !ok {
			hs = headerSubject{finding.SubjectText, finding.PartThenNow}
		}
		out[i] = finding.Finding{Severity: finding.Severity(f.Severity), Code: string(f.Code), Message: f.Message, Fix: f.Fix,
			Part: finding.PartHeaders, Subject: headerSubjectOf(hs.kind, f.Subject), Home: hs.home}
	}
	return out
}

// headerSubjectOf reads a headers finding's subject, written as the headers
// package documents it ("hop 3", "line 12", "d=… s=…", an address), as the
// kind its code gives; text that does not read so stays text.
func headerSubjectOf(kind finding.SubjectKind, text string) finding.Subject {
	switch kind {
	case finding.SubjectNone:
		if text == "" {
			return finding.Subject{}
		}
	case finding.SubjectIP:
		if ip, err := netip.ParseAddr(text); err == nil {
			return finding.IP(ip)
		}
	case finding.SubjectHop, finding.SubjectLine:
		if n, ok := strings.CutPrefix(text, string(kind)+" "); ok {
			if i, err := strconv.Atoi(n); err == nil {
				return finding.Subject{Kind: kind, N: i}
			}
		}
	case finding.SubjectSignature:
		if rest, ok := strings.CutPrefix(text, "d="); ok {
			if d, s, ok := strings.Cut(rest, " s="); ok {
				return finding.Signature(d, s)
			}
		}
	}
	return finding.Text(text)
}
