package policy

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mxray/mxray/headers/taglist"
)

// Sentinel errors, wrapped by the *taglist.SyntaxError the parsers return
// (several of them as a taglist.SyntaxErrors); tell them apart with
// errors.Is.
var (
	// ErrVersion: the text does not start with the record's version tag,
	// so it is not a record of this kind and is discarded.
	ErrVersion = errors.New("not a record of this kind")
	// ErrSyntax: the text breaks the record's ABNF.
	ErrSyntax = errors.New("syntax error")
	// ErrMissing: a required field is absent.
	ErrMissing = errors.New("required field missing")
	// ErrValue: a field's value is not allowed.
	ErrValue = errors.New("invalid value")
)

// Field is one key=value pair of a TXT record.
type Field struct {
	Name  string `json:"name"`  // the field name
	Value string `json:"value"` // its value
	Pos   int    `json:"pos"`   // byte offset of the field in the record
}

// splitFields splits a TXT record at *WSP ";" *WSP (RFC 8461 §3.1
// sts-field-delim, RFC 8460 §3 field-delim, BIMI bimi-sep) into name=value
// fields. An empty field is allowed only at the end.
func splitFields(txt string) ([]Field, []*taglist.SyntaxError) {
	var fields []Field
	var errs []*taglist.SyntaxError
	start := 0
	for i := 0; i <= len(txt); i++ {
		if i < len(txt) && txt[i] != ';' {
			continue
		}
		seg, pos := txt[start:i], start
		start = i + 1
		lead := len(seg) - len(strings.TrimLeft(seg, " \t"))
		seg, pos = strings.TrimRight(seg[lead:], " \t"), pos+lead
		if seg == "" {
			if i < len(txt) && strings.TrimSpace(txt[i+1:]) != "" {
				errs = append(errs, &taglist.SyntaxError{Pos: pos, Reason: `empty field between two ";"`, Err: ErrSyntax})
			}
			continue
		}
		eq := strings.IndexByte(seg, '=')
		if eq <= 0 {
			errs = append(errs, &taglist.SyntaxError{Pos: pos, Reason: fmt.Sprintf("%q is not name=value", clip(seg)), Err: ErrSyntax})
			continue
		}
		fields = append(fields, Field{Name: seg[:eq], Value: seg[eq+1:], Pos: pos})
	}
	return fields, errs
}

// validExtName checks (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / "."),
// the extension names of RFC 8461 §3.1 and RFC 8460 §3.
func validExtName(s string) bool {
	if s == "" || len(s) > 32 || !isAlnum(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '_' && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

// validExtValue checks 1*(%x21-3A / %x3C / %x3E-7E): printable, no space,
// ";" or "=".
func validExtValue(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x21 || c > 0x7e || c == ';' || c == '=' {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// hostProblem says why host is not a usable domain name (letters, digits,
// hyphens; labels of 1 to 63; at least two labels), or "".
func hostProblem(host string) string {
	if len(host) > 253 {
		return "is longer than 253 characters"
	}
	labels := strings.Split(host, ".")
	if len(labels) < 2 {
		return "is not a fully qualified domain name"
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 {
			return "has an empty or over-long label"
		}
		if l[0] == '-' || l[len(l)-1] == '-' {
			return "has a label starting or ending with a hyphen"
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return fmt.Sprintf("has the character %q", string(rune(c)))
			}
		}
	}
	return ""
}

func clip(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}

func normalize(domain string) string {
	return strings.Trim(strings.ToLower(strings.TrimSpace(domain)), ".")
}
