package dkim

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mxray/mxray/headers"
)

// CausePasteRepaired is the cause of a DKIM re-check that failed on a
// pasted header whose repair (headers.Field.Repair) restored white space or
// joined lines in the signature or in a field it signs: the signature
// verifies only on the exact bytes, so the failure may be the repair's, and
// the verdict says it cannot be checked after repair (neutral: RFC 8601
// §2.7.1, "not able to be processed") instead of "headers altered".
const CausePasteRepaired Cause = "paste_repaired"

// MarkRepaired turns the re-check of each signature that failed on the
// header (header_altered, or a signature whose own field the repair
// touched and that no longer reads) into "cannot be checked after repair"
// when the paste repair changed bytes it covers. A signature that verifies
// is left alone: the repair was exact.
//
// Verify itself knows nothing of pastes; the message pipeline calls this
// on its results when the header came through headers/paste.
func MarkRepaired(results []Result, fields []headers.Field) {
	for i := range results {
		r := &results[i]
		if r.Cause != CauseHeaderAltered && r.Cause != CauseSignatureSyntax || r.Field < 0 || r.Field >= len(fields) {
			continue
		}
		touched := repairedCovered(fields, r.Field)
		if len(touched) == 0 || r.Cause == CauseSignatureSyntax && !strings.EqualFold(touched[0], fields[r.Field].Name) {
			continue
		}
		r.Notes = append(r.Notes, "as checked after the repair: "+r.Reason)
		r.Result, r.Cause = Neutral, CausePasteRepaired
		r.Reason = fmt.Sprintf("cannot be checked after repair: the pasted header was damaged, and repairing it restored white space or joined lines in %s, which this signature covers (%s canonicalization); a signature verifies only on the exact bytes, so this failure says nothing about the message. Paste the header again from the mail program's \"show original\", as a file.",
			strings.Join(touched, ", "), r.Canonicalization)
	}
}

// repairedCovered names the fields a repair changed among the signature
// at index sig (first, when it is one) and the fields its h= names.
func repairedCovered(fields []headers.Field, sig int) []string {
	var out []string
	if fields[sig].Repair != "" {
		out = append(out, fields[sig].Name)
	}
	s, _ := headers.ParseDKIMSignature(fields[sig].Value)
	for _, f := range fields {
		if f.Repair != "" && slices.ContainsFunc(s.SignedHeaders, func(h string) bool { return strings.EqualFold(h, f.Name) }) &&
			!slices.ContainsFunc(out, func(h string) bool { return strings.EqualFold(h, f.Name) }) {
			out = append(out, f.Name)
		}
	}
	return out
}
