package policy

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/mxray/mxray/headers/taglist"
)

// TLSRPTVersion is the version of TLS-RPT records (RFC 8460 §3);
// case-sensitive.
const TLSRPTVersion = "TLSRPTv1"

// ReportURI is one TLS-RPT report destination.
type ReportURI struct {
	URI    string `json:"uri"`    // the URI as written
	Scheme string `json:"scheme"` // "mailto" or "https"
	Host   string `json:"host"`   // mail domain or web host
}

// TLSRPTRecord is a parsed _smtp._tls TXT record (RFC 8460 §3).
type TLSRPTRecord struct {
	Raw        string                 `json:"raw"`                  // the TXT record as published
	RUA        []ReportURI            `json:"rua"`                  // "rua": the report destinations
	Extensions []Field                `json:"extensions,omitempty"` // fields other than v and rua
	Errors     []*taglist.SyntaxError `json:"errors"`               // what is wrong with the record
}

// ParseTLSRPT reads an _smtp._tls TXT record (RFC 8460 §3):
//
//	tlsrpt-record  = tlsrpt-version 1*(field-delim tlsrpt-field) [field-delim]
//	tlsrpt-version = %s"v=TLSRPTv1"
//	tlsrpt-rua     = %s"rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)
//
// Only mailto: and https: destinations are defined. A text not starting
// with v=TLSRPTv1 gives nil and an error wrapping ErrVersion.
func ParseTLSRPT(txt string) (*TLSRPTRecord, error) {
	fields, errs := splitFields(txt)
	if len(fields) == 0 || fields[0].Pos != 0 || fields[0].Name != "v" || fields[0].Value != TLSRPTVersion {
		return nil, &taglist.SyntaxError{Pos: 0, Field: "v", Reason: "the record must start with v=TLSRPTv1", Err: ErrVersion}
	}
	rec := &TLSRPTRecord{Raw: txt, RUA: []ReportURI{}, Errors: errs}
	seenRUA := false
	for _, f := range fields[1:] {
		switch {
		case f.Name == "rua":
			if seenRUA {
				rec.Errors = append(rec.Errors, &taglist.SyntaxError{Pos: f.Pos, Field: "rua", Reason: "rua appears more than once; list every address in one rua, separated by commas", Err: ErrSyntax})
				continue
			}
			seenRUA = true
			rec.parseRUA(f)
		case f.Name == "v":
			rec.Errors = append(rec.Errors, &taglist.SyntaxError{Pos: f.Pos, Field: "v", Reason: "v may appear only once, first", Err: ErrSyntax})
		case validExtName(f.Name) && validExtValue(f.Value):
			rec.Extensions = append(rec.Extensions, f)
		default:
			rec.Errors = append(rec.Errors, &taglist.SyntaxError{Pos: f.Pos, Field: f.Name, Reason: fmt.Sprintf("%q is not a valid field", clip(f.Name+"="+f.Value)), Err: ErrSyntax})
		}
	}
	if !seenRUA {
		rec.Errors = append(rec.Errors, &taglist.SyntaxError{Pos: len(txt), Field: "rua", Reason: "the rua field is required", Err: ErrMissing})
	}
	return rec, taglist.Join(rec.Errors)
}

func (rec *TLSRPTRecord) parseRUA(f Field) {
	off := f.Pos + len("rua=")
	for _, item := range strings.Split(f.Value, ",") {
		pos := off
		off += len(item) + 1
		item = strings.TrimSpace(item)
		bad := func(reason string) {
			rec.Errors = append(rec.Errors, &taglist.SyntaxError{Pos: pos, Field: "rua", Reason: reason, Err: ErrValue})
		}
		u, err := url.Parse(item)
		if item == "" || err != nil {
			bad(fmt.Sprintf("%q is not a URI", clip(item)))
			continue
		}
		ru := ReportURI{URI: item, Scheme: strings.ToLower(u.Scheme)}
		switch ru.Scheme {
		case "mailto":
			at := strings.LastIndexByte(u.Opaque, '@')
			if at <= 0 || hostProblem(u.Opaque[at+1:]) != "" {
				bad(fmt.Sprintf("%q is not mailto:user@domain", clip(item)))
				continue
			}
			ru.Host = strings.ToLower(u.Opaque[at+1:])
		case "https":
			if hostProblem(u.Hostname()) != "" {
				bad(fmt.Sprintf("%q has no valid host", clip(item)))
				continue
			}
			ru.Host = strings.ToLower(u.Hostname())
		default:
			bad(fmt.Sprintf("%q: only mailto: and https: report destinations are defined (RFC 8460 §3)", clip(item)))
			continue
		}
		rec.RUA = append(rec.RUA, ru)
	}
}
