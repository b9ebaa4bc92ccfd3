package policy

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/mxray/mxray/diag/dmarc"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/headers/taglist"
)

// BIMIVersion is the version of BIMI assertion records; it must match
// precisely.
const BIMIVersion = "BIMI1"

// BIMIRecord is a parsed BIMI assertion record (default._bimi.<domain>).
type BIMIRecord struct {
	Raw string `json:"raw"` // the TXT record as published
	// Location is l=: the https URL of the SVG logo; empty declines.
	Location string `json:"l"`
	// Evidence is a=: the https URL of the mark certificate (VMC/CMC, a
	// PEM file); empty when none is published.
	Evidence string `json:"a"`
	// Declined is true for an explicit declination (l= and a= both empty).
	Declined bool `json:"declined"`
	// Unknown are tags other than v, l and a; receivers ignore them.
	Unknown []Field                `json:"unknown,omitempty"`
	Errors  []*taglist.SyntaxError `json:"errors"` // what is wrong with the record
}

// ParseBIMI reads a BIMI assertion record: v=BIMI1 first, then l= (the
// logo location, required, https, SVG) and an optional a= (the evidence
// document, https). A text not starting with v=BIMI1 gives nil and an
// error wrapping ErrVersion.
func ParseBIMI(txt string) (*BIMIRecord, error) {
	fields, errs := splitFields(txt)
	if len(fields) == 0 || fields[0].Pos != 0 || fields[0].Name != "v" || strings.TrimSpace(fields[0].Value) != BIMIVersion {
		return nil, &taglist.SyntaxError{Pos: 0, Field: "v", Reason: "the record must start with v=BIMI1", Err: ErrVersion}
	}
	rec := &BIMIRecord{Raw: txt, Errors: errs}
	seen := map[string]bool{}
	for _, f := range fields[1:] {
		name := strings.TrimSpace(f.Name)
		value := strings.TrimSpace(f.Value)
		if seen[name] {
			rec.Errors = append(rec.Errors, &taglist.SyntaxError{Pos: f.Pos, Field: name, Reason: "tag appears more than once", Err: ErrSyntax})
			continue
		}
		seen[name] = true
		switch name {
		case "l":
			if value != "" && !rec.httpsURL(f, value, ".svg", ".svgz") {
				continue
			}
			rec.Location = value
		case "a":
			if value != "" && !rec.httpsURL(f, value, ".pem") {
				continue
			}
			rec.Evidence = value
		default:
			rec.Unknown = append(rec.Unknown, f)
		}
	}
	if !seen["l"] {
		rec.Errors = append(rec.Errors, &taglist.SyntaxError{Pos: len(txt), Field: "l", Reason: "the l= tag is required (leave it empty to decline)", Err: ErrMissing})
	}
	rec.Declined = seen["l"] && rec.Location == "" && rec.Evidence == "" && !hasField(rec.Errors, "l")
	return rec, taglist.Join(rec.Errors)
}

// httpsURL checks that value is an https URL; a wrong file extension is
// reported but the URL kept.
func (rec *BIMIRecord) httpsURL(f Field, value string, exts ...string) bool {
	u, err := url.Parse(value)
	if err != nil || !strings.EqualFold(u.Scheme, "https") || hostProblem(u.Hostname()) != "" {
		rec.Errors = append(rec.Errors, &taglist.SyntaxError{Pos: f.Pos, Field: f.Name, Reason: fmt.Sprintf("%q must be an https:// URL with a host name", clip(value)), Err: ErrValue})
		return false
	}
	path := strings.ToLower(u.Path)
	for _, e := range exts {
		if strings.HasSuffix(path, e) {
			return true
		}
	}
	rec.Errors = append(rec.Errors, &taglist.SyntaxError{Pos: f.Pos, Field: f.Name, Reason: fmt.Sprintf("%q does not end in %s", clip(value), strings.Join(exts, " or ")), Err: ErrValue})
	return true
}

// BIMIDMARCFindings checks BIMI's condition on DMARC: mail must pass DMARC
// under a policy at enforcement, p=quarantine or p=reject (no t=y testing,
// and under RFC 7489 no pct below 100). policy is the DMARC policy that
// applies to the domain ("" when no record applies), testing its t=y, and
// pct its RFC 7489 pct (-1 when absent).
func BIMIDMARCFindings(domain string, policy dmarc.Policy, testing bool, pct int) []finding.Finding {
	f := finding.Finding{Severity: finding.Error, Code: "bimi.dmarc_not_enforced", Part: finding.PartBIMI, Subject: finding.Domain(domain)}
	switch {
	case policy == "":
		f.Message = domain + " has no DMARC policy, and BIMI logos are shown only for mail under DMARC enforcement."
		f.Fix = "Publish DMARC with p=quarantine or p=reject at _dmarc." + domain + " once all legitimate mail passes DMARC."
	case !policy.Enforcing():
		f.Message = "The DMARC policy of " + domain + " is none; BIMI logos are shown only under p=quarantine or p=reject."
		f.Fix = "Move DMARC to p=quarantine or p=reject once the aggregate reports show all legitimate mail passes."
	case testing:
		f.Message = "DMARC for " + domain + " has t=y (testing), so it is not at enforcement and BIMI logos are not shown."
		f.Fix = "Remove t=y from the DMARC record when testing is over."
	case pct >= 0 && pct < 100:
		f.Message = fmt.Sprintf("DMARC for %s has pct=%d; BIMI requires the policy to apply to all mail.", domain, pct)
		f.Fix = "Remove pct from the DMARC record (or set pct=100)."
	default:
		return nil
	}
	return []finding.Finding{f}
}
