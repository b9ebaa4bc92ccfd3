package headers

import (
	"fmt"
	"strings"

	"github.com/mxray/mxray/headers/rfc5322"
	"github.com/mxray/mxray/headers/taglist"
)

// otherSignatureKinds are the signature fields mxray lists but does not
// evaluate, with their status and what to say of them.
var otherSignatureKinds = []struct {
	name, status, what, fix string
}{
	{"DomainKey-Signature", "not_evaluated",
		"DomainKeys (RFC 4870), which RFC 6376 made historic: receivers no longer check it, and mxray lists it without evaluating it",
		"Nothing to do for delivery; a sender still adding DomainKey-Signature can stop: DKIM-Signature (RFC 6376) is what receivers check."},
	{"DKIM2-Signature", "not_yet_evaluated",
		"DKIM2, the successor of DKIM and ARC (an IETF Internet-Draft): mxray lists it but does not evaluate it yet",
		"Nothing to do: receivers decide on DKIM-Signature today; DKIM2 fields ride along while the draft is tried out."},
	{"Message-Instance", "not_yet_evaluated",
		"DKIM2's record of each change made to the message on its way (an IETF Internet-Draft): mxray lists it but does not evaluate it yet",
		"Nothing to do: receivers decide on DKIM-Signature today; DKIM2 fields ride along while the draft is tried out."},
}

// readOtherSignatures lists DomainKey-Signature, DKIM2-Signature and
// Message-Instance fields, with d= and s= where they give them, and says
// once per kind that they are not evaluated: nothing is silently ignored.
func (a *analyzer) readOtherSignatures() {
	a.out.OtherSignatures = []OtherSignature{}
	for _, k := range otherSignatureKinds {
		var found []string
		for _, f := range a.m.Fields {
			if !strings.EqualFold(f.Name, k.name) {
				continue
			}
			tags, _ := taglist.Parse(f.Value)
			o := OtherSignature{Field: k.name, Status: k.status, Line: f.Line}
			if d, ok := taglist.Lookup(tags, "d"); ok {
				o.D = rfc5322.StripFWS(d)
			}
			if s, ok := taglist.Lookup(tags, "s"); ok {
				o.S = rfc5322.StripFWS(s)
			}
			a.out.OtherSignatures = append(a.out.OtherSignatures, o)
			where := fmt.Sprintf("line %d", f.Line)
			if o.D != "" {
				where += " d=" + o.D
				if o.S != "" {
					where += " s=" + o.S
				}
			}
			found = append(found, where)
		}
		if len(found) == 0 {
			continue
		}
		count := fmt.Sprintf("a %s field", k.name)
		if len(found) > 1 {
			count = fmt.Sprintf("%d %s fields", len(found), k.name)
		}
		a.fs.add(SeverityInfo, CodeNotEvaluated, k.name, k.fix,
			"The message carries %s (%s): %s.", count, strings.Join(found, "; "), k.what)
	}
}
